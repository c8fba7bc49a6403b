using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using Conversations.RealtimeEngine.Audio;
using Conversations.RealtimeEngine.Configuration;
using Conversations.RealtimeEngine.Providers;
using OpenAI.Audio;

namespace Conversations.RealtimeEngine.Recognition;

/// <summary>Speech-to-text through an OpenAI-compatible <c>/v1/audio/transcriptions</c> (Whisper, gpt-4o-transcribe, faster-whisper servers …).</summary>
/// <remarks>The utterance is kept (pooled, at most <see cref="MaxSeconds"/>) and uploaded as one WAV when it ends.</remarks>
internal sealed class OpenAITranscriptionRecognizer(ProviderOptions options) : ISpeechRecognizer
{
    public const int MaxSeconds = 120;

    private readonly AudioClient _client = new(options.Model!, OpenAIProviders.Credential(options), OpenAIProviders.ClientOptions(options));

    public IRecognitionStream Start(string? language) => new Stream(_client, options, language);

    private sealed class Stream(AudioClient client, ProviderOptions options, string? language) : IRecognitionStream
    {
        private short[] _samples = ArrayPool<short>.Shared.Rent(Pcm.SampleRate * 4);
        private int _count;
        private bool _overflowed;

        public void Write(ReadOnlySpan<short> samples)
        {
            if (_count + samples.Length > Pcm.SampleRate * MaxSeconds)
            {
                _overflowed = true;
                return;
            }

            if (_count + samples.Length > _samples.Length)
            {
                var larger = ArrayPool<short>.Shared.Rent(Math.Max(_samples.Length * 2, _count + samples.Length));
                _samples.AsSpan(0, _count).CopyTo(larger);
                ArrayPool<short>.Shared.Return(_samples);
                _samples = larger;
            }

            samples.CopyTo(_samples.AsSpan(_count));
            _count += samples.Length;
        }

        public async Task<RecognitionResult> CompleteAsync(CancellationToken cancellationToken)
        {
            if (_overflowed)
            {
                throw new ProviderException("audio_too_long", $"The utterance is longer than {MaxSeconds} s.");
            }

            var started = Stopwatch.GetTimestamp();
            using var wav = new MemoryStream(Wav(_samples.AsSpan(0, _count)));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Timeout * (options.MaxRetries + 1));
            try
            {
                var transcription = await client.TranscribeAudioAsync(
                    wav,
                    "speech.wav",
                    new AudioTranscriptionOptions { Language = language, ResponseFormat = AudioTranscriptionFormat.Simple },
                    timeout.Token);
                return new RecognitionResult(transcription.Value.Text?.Trim() ?? string.Empty, (double)_count / Pcm.SampleRate, Stopwatch.GetElapsedTime(started));
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                throw ProviderException.From(exception, "transcription");
            }
        }

        public ValueTask DisposeAsync()
        {
            var samples = Interlocked.Exchange(ref _samples, []);
            if (samples.Length > 0)
            {
                ArrayPool<short>.Shared.Return(samples);
            }

            return ValueTask.CompletedTask;
        }

        private static byte[] Wav(ReadOnlySpan<short> samples)
        {
            var data = samples.Length * Pcm.BytesPerSample;
            var wav = new byte[44 + data];
            var header = wav.AsSpan();
            "RIFF"u8.CopyTo(header);
            BinaryPrimitives.WriteInt32LittleEndian(header[4..], 36 + data);
            "WAVEfmt "u8.CopyTo(header[8..]);
            BinaryPrimitives.WriteInt32LittleEndian(header[16..], 16);
            BinaryPrimitives.WriteInt16LittleEndian(header[20..], 1);
            BinaryPrimitives.WriteInt16LittleEndian(header[22..], 1);
            BinaryPrimitives.WriteInt32LittleEndian(header[24..], Pcm.SampleRate);
            BinaryPrimitives.WriteInt32LittleEndian(header[28..], Pcm.SampleRate * Pcm.BytesPerSample);
            BinaryPrimitives.WriteInt16LittleEndian(header[32..], Pcm.BytesPerSample);
            BinaryPrimitives.WriteInt16LittleEndian(header[34..], 16);
            "data"u8.CopyTo(header[36..]);
            BinaryPrimitives.WriteInt32LittleEndian(header[40..], data);
            Pcm.AsBytes(samples).CopyTo(header[44..]);
            return wav;
        }
    }
}
