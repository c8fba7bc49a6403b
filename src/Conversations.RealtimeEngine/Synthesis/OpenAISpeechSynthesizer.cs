using Conversations.RealtimeEngine.Audio;
using Conversations.RealtimeEngine.Compute;
using Conversations.RealtimeEngine.Configuration;
using Conversations.RealtimeEngine.Providers;
using OpenAI.Audio;

namespace Conversations.RealtimeEngine.Synthesis;

/// <summary>Speech through an OpenAI-compatible <c>/v1/audio/speech</c>, asking for raw PCM (24 kHz, 16-bit, mono).</summary>
/// <remarks>Servers that answer WAV anyway are decoded and resampled; anything else is refused as broken audio.</remarks>
internal sealed class OpenAISpeechSynthesizer(ProviderOptions options) : ISpeechSynthesizer
{
    private readonly AudioClient _client = new(options.Model!, OpenAIProviders.Credential(options), OpenAIProviders.ClientOptions(options));

    public async Task<SynthesizedSpeech> SynthesizeAsync(string text, string voice, string language, SpeechPriority priority, CancellationToken cancellationToken)
    {
        BinaryData audio;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout * (options.MaxRetries + 1));
        try
        {
            audio = await _client.GenerateSpeechAsync(text, new GeneratedSpeechVoice(voice), new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Pcm }, timeout.Token);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw ProviderException.From(exception, "speech");
        }

        return new SynthesizedSpeech(Decode(audio.ToMemory().Span));
    }

    private static short[] Decode(ReadOnlySpan<byte> audio)
    {
        if (audio.Length >= 12 && audio[..4].SequenceEqual("RIFF"u8) && audio.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            try
            {
                return Wav.Decode(audio);
            }
            catch (InvalidOperationException exception)
            {
                throw new ProviderException("provider_bad_audio", $"The speech provider returned an unusable WAV: {exception.Message}", exception);
            }
        }

        // PCM has no header to check; refuse what is obviously not PCM16: odd lengths, nothing at all, or a text body.
        if (audio.Length < Pcm.BytesPerSample || audio.Length % Pcm.BytesPerSample != 0 || audio[0] is (byte)'{' or (byte)'<')
        {
            throw new ProviderException("provider_bad_audio", $"The speech provider returned {audio.Length} bytes that are not PCM16 audio.");
        }

        return Pcm.AsSamples(audio).ToArray();
    }
}
