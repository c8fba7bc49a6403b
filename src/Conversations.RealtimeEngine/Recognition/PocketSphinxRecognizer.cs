using System.Buffers;
using System.Diagnostics;
using Conversations.RealtimeEngine.Audio;
using Conversations.RealtimeEngine.Compute;

namespace Conversations.RealtimeEngine.Recognition;

/// <summary>Offline English speech-to-text: PocketSphinx decoding on the speech workers while audio streams in.</summary>
internal sealed class PocketSphinxRecognizer(PocketSphinxDecoderPool pool, SpeechWorkers workers) : ISpeechRecognizer
{
    public IRecognitionStream Start(string? language) => new Stream(pool, workers);

    private readonly record struct Chunk(short[] Samples, int Length);

    /// <summary>
    /// One utterance. Audio is queued as it arrives and decoded in batches on a speech worker (background priority);
    /// when the utterance ends the rest is decoded at urgent priority, so finishing one user's turn overtakes others'
    /// streaming. The decoder is leased when the utterance starts and returned when it ends.
    /// </summary>
    private sealed class Stream : IRecognitionStream, ISpeechWork
    {
        // Audio not yet decoded, at most a minute of it; beyond that the transcription fails rather than grow without limit.
        private const int MaxPendingSamples = Pcm.SampleRate * 60;

        // Audio decoded per turn on a worker while the user speaks, so many streams share the workers fairly.
        private const int SamplesPerTurn = Pcm.SampleRate / 5;

        private readonly PocketSphinxDecoderPool _pool;
        private readonly SpeechWorkers _workers;
        private readonly Lock _gate = new();
        private readonly Queue<Chunk> _pending = new();
        private readonly TaskCompletionSource<RecognitionResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _abandon = new();
        private readonly Resampler _resampler = new(Pcm.SampleRate, PocketSphinxDecoder.SampleRate);
        private short[] _converted = [];
        private PocketSphinxDecoder? _decoder;
        private bool _started;
        private bool _completed;
        private bool _abandoned;
        private bool _running;
        private bool _queued;
        private bool _finished;
        private long _pendingSamples;
        private long _totalSamples;
        private long _endedAt;

        public Stream(PocketSphinxDecoderPool pool, SpeechWorkers workers)
        {
            _pool = pool;
            _workers = workers;
            _ = AcquireDecoderAsync();
        }

        public void Write(ReadOnlySpan<short> samples)
        {
            if (samples.IsEmpty)
            {
                return;
            }

            lock (_gate)
            {
                if (_completed || _finished)
                {
                    return;
                }

                if (_pendingSamples + samples.Length > MaxPendingSamples)
                {
                    _completed = true;
                    Fail(new InvalidOperationException("The utterance is longer than the recogniser can hold."));
                    return;
                }

                var copy = ArrayPool<short>.Shared.Rent(samples.Length);
                samples.CopyTo(copy);
                _pending.Enqueue(new Chunk(copy, samples.Length));
                _pendingSamples += samples.Length;
                _totalSamples += samples.Length;
                if (_decoder is not null && !_running && !_queued && _pendingSamples >= SamplesPerTurn / 2)
                {
                    _queued = true;
                    _workers.Schedule(this, SpeechPriority.Background);
                }
            }
        }

        public Task<RecognitionResult> CompleteAsync(CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                _endedAt = Stopwatch.GetTimestamp();
                _completed = true;
                if (_decoder is not null)
                {
                    _workers.Schedule(this, SpeechPriority.Urgent);
                }
            }

            return _result.Task.WaitAsync(cancellationToken);
        }

        public ValueTask DisposeAsync()
        {
            lock (_gate)
            {
                if (_finished)
                {
                    return ValueTask.CompletedTask;
                }

                _abandoned = true;
                _completed = true;
                if (_decoder is not null)
                {
                    _workers.Schedule(this, SpeechPriority.Urgent);
                }
            }

            _abandon.Cancel();
            return ValueTask.CompletedTask;
        }

        public void Execute()
        {
            lock (_gate)
            {
                _queued = false;
                if (_running || _decoder is null || _finished)
                {
                    return;
                }

                _running = true;
            }

            var decoder = _decoder;
            try
            {
                if (!_started && !_abandoned)
                {
                    decoder.StartUtterance();
                    _started = true;
                }

                if (DecodePending(decoder))
                {
                    Finish(decoder);
                }
            }
            catch (Exception exception)
            {
                Fail(exception);
                Finish(decoder);
            }
            finally
            {
                lock (_gate)
                {
                    _running = false;
                    if (!_finished && !_queued && (_completed || _pendingSamples >= SamplesPerTurn / 2))
                    {
                        _queued = true;
                        _workers.Schedule(this, _completed ? SpeechPriority.Urgent : SpeechPriority.Background);
                    }
                }
            }
        }

        // Decodes queued audio: a fair share while the user speaks, everything once the utterance has ended.
        // Returns true when the utterance is over and all its audio has been decoded.
        private bool DecodePending(PocketSphinxDecoder decoder)
        {
            var budget = SamplesPerTurn;
            while (true)
            {
                Chunk chunk;
                lock (_gate)
                {
                    if (_abandoned)
                    {
                        return true;
                    }

                    if (_pending.Count == 0)
                    {
                        return _completed;
                    }

                    if (!_completed && budget <= 0)
                    {
                        return false;
                    }

                    chunk = _pending.Dequeue();
                    _pendingSamples -= chunk.Length;
                }

                try
                {
                    var needed = _resampler.MaxOutputLength(chunk.Length);
                    if (_converted.Length < needed)
                    {
                        if (_converted.Length > 0)
                        {
                            ArrayPool<short>.Shared.Return(_converted);
                        }

                        _converted = ArrayPool<short>.Shared.Rent(needed);
                    }

                    var count = _resampler.Process(chunk.Samples.AsSpan(0, chunk.Length), _converted);
                    decoder.Process(_converted.AsSpan(0, count));
                    budget -= chunk.Length;
                }
                finally
                {
                    ArrayPool<short>.Shared.Return(chunk.Samples);
                }
            }
        }

        private void Finish(PocketSphinxDecoder decoder)
        {
            lock (_gate)
            {
                if (_finished)
                {
                    return;
                }

                _finished = true;
                while (_pending.TryDequeue(out var left))
                {
                    ArrayPool<short>.Shared.Return(left.Samples);
                }
            }

            try
            {
                if (_abandoned || _result.Task.IsCompleted)
                {
                    decoder.Abandon();
                    _result.TrySetCanceled();
                }
                else
                {
                    var text = decoder.EndUtterance();
                    var latency = Stopwatch.GetElapsedTime(Volatile.Read(ref _endedAt));
                    _result.TrySetResult(new RecognitionResult(text, (double)_totalSamples / Pcm.SampleRate, latency));
                }
            }
            catch (Exception exception)
            {
                _result.TrySetException(exception);
            }
            finally
            {
                if (_converted.Length > 0)
                {
                    ArrayPool<short>.Shared.Return(_converted);
                    _converted = [];
                }

                _pool.Return(decoder);
            }
        }

        private void Fail(Exception exception) => _result.TrySetException(exception);

        private async Task AcquireDecoderAsync()
        {
            PocketSphinxDecoder decoder;
            try
            {
                decoder = await _pool.RentAsync(_abandon.Token);
            }
            catch (Exception exception)
            {
                lock (_gate)
                {
                    _finished = true;
                    while (_pending.TryDequeue(out var left))
                    {
                        ArrayPool<short>.Shared.Return(left.Samples);
                    }
                }

                if (exception is OperationCanceledException)
                {
                    _result.TrySetCanceled();
                }
                else
                {
                    _result.TrySetException(exception);
                }

                return;
            }

            lock (_gate)
            {
                _decoder = decoder;
                _workers.Schedule(this, _completed ? SpeechPriority.Urgent : SpeechPriority.Background);
            }
        }
    }
}
