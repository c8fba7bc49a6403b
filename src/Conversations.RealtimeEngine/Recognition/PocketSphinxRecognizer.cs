using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Conversations.RealtimeEngine.Audio;

namespace Conversations.RealtimeEngine.Recognition;

/// <summary>Offline English speech-to-text: PocketSphinx decoding on a worker while audio streams in.</summary>
internal sealed class PocketSphinxRecognizer(PocketSphinxDecoderPool pool) : ISpeechRecognizer
{
    public IRecognitionStream Start(string? language) => new Stream(pool);

    private readonly record struct Chunk(short[] Samples, int Length);

    private sealed class Stream : IRecognitionStream
    {
        // Audio not yet decoded, at most a minute of it; beyond that the transcription fails rather than grow without limit.
        private const int MaxPendingSamples = Pcm.SampleRate * 60;

        private readonly PocketSphinxDecoderPool _pool;
        private readonly Channel<Chunk> _chunks = Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        private readonly CancellationTokenSource _abandon = new();
        private readonly Task<RecognitionResult> _worker;
        private long _pendingSamples;
        private long _totalSamples;
        private long _endedAt;
        private bool _overflowed;

        public Stream(PocketSphinxDecoderPool pool)
        {
            _pool = pool;
            _worker = Task.Run(DecodeAsync);
        }

        public void Write(ReadOnlySpan<short> samples)
        {
            if (samples.IsEmpty || _overflowed)
            {
                return;
            }

            if (Interlocked.Add(ref _pendingSamples, samples.Length) > MaxPendingSamples)
            {
                _overflowed = true;
                _chunks.Writer.TryComplete();
                return;
            }

            var copy = ArrayPool<short>.Shared.Rent(samples.Length);
            samples.CopyTo(copy);
            _totalSamples += samples.Length;
            if (!_chunks.Writer.TryWrite(new Chunk(copy, samples.Length)))
            {
                ArrayPool<short>.Shared.Return(copy);
            }
        }

        public async Task<RecognitionResult> CompleteAsync(CancellationToken cancellationToken)
        {
            Volatile.Write(ref _endedAt, Stopwatch.GetTimestamp());
            _chunks.Writer.TryComplete();
            return await _worker.WaitAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            _chunks.Writer.TryComplete();
            if (!_worker.IsCompleted)
            {
                await _abandon.CancelAsync();
            }

            try
            {
                await _worker;
            }
            catch (OperationCanceledException)
            {
            }
            catch (InvalidOperationException)
            {
            }

            _abandon.Dispose();
        }

        private async Task<RecognitionResult> DecodeAsync()
        {
            var token = _abandon.Token;
            var decoder = await _pool.RentAsync(token);
            var resampler = new Resampler(Pcm.SampleRate, PocketSphinxDecoder.SampleRate);
            short[] converted = [];
            try
            {
                decoder.StartUtterance();
                await foreach (var chunk in _chunks.Reader.ReadAllAsync(token))
                {
                    try
                    {
                        var needed = resampler.MaxOutputLength(chunk.Length);
                        if (converted.Length < needed)
                        {
                            if (converted.Length > 0)
                            {
                                ArrayPool<short>.Shared.Return(converted);
                            }

                            converted = ArrayPool<short>.Shared.Rent(needed);
                        }

                        var count = resampler.Process(chunk.Samples.AsSpan(0, chunk.Length), converted);
                        decoder.Process(converted.AsSpan(0, count));
                    }
                    finally
                    {
                        Interlocked.Add(ref _pendingSamples, -chunk.Length);
                        ArrayPool<short>.Shared.Return(chunk.Samples);
                    }
                }

                if (_overflowed)
                {
                    decoder.Abandon();
                    throw new InvalidOperationException("The utterance is longer than the recogniser can hold.");
                }

                var text = decoder.EndUtterance();
                var endedAt = Volatile.Read(ref _endedAt);
                var latency = endedAt == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(endedAt);
                return new RecognitionResult(text, (double)_totalSamples / Pcm.SampleRate, latency);
            }
            catch (OperationCanceledException)
            {
                decoder.Abandon();
                throw;
            }
            finally
            {
                _chunks.Writer.TryComplete();
                if (converted.Length > 0)
                {
                    ArrayPool<short>.Shared.Return(converted);
                }

                while (_chunks.Reader.TryRead(out var left))
                {
                    ArrayPool<short>.Shared.Return(left.Samples);
                }

                _pool.Return(decoder);
            }
        }
    }
}
