using Conversations.RealtimeEngine.Compute;

namespace Conversations.RealtimeEngine.Synthesis;

/// <summary>Synthesised speech for one sentence, PCM16 mono 24 kHz.</summary>
internal sealed record SynthesizedSpeech(short[] Samples);

/// <summary>A text-to-speech provider.</summary>
internal interface ISpeechSynthesizer
{
    /// <summary>Speaks <paramref name="text"/> with an OpenAI voice name in <paramref name="language"/> (ISO 639-1).</summary>
    /// <param name="priority">Urgent for a response's first sentence (someone is waiting for it), background after.</param>
    Task<SynthesizedSpeech> SynthesizeAsync(string text, string voice, string language, SpeechPriority priority, CancellationToken cancellationToken);
}

/// <summary>The offline choice per language: Flite for English, eSpeak NG for everything else (Korean included).</summary>
internal sealed class LocalSpeechSynthesizer(FliteSynthesizer flite, EspeakSynthesizer espeak) : ISpeechSynthesizer
{
    public Task<SynthesizedSpeech> SynthesizeAsync(string text, string voice, string language, SpeechPriority priority, CancellationToken cancellationToken) =>
        language.StartsWith("en", StringComparison.OrdinalIgnoreCase)
            ? flite.SynthesizeAsync(text, voice, priority, cancellationToken)
            : espeak.SynthesizeAsync(text, voice, language, cancellationToken);
}

/// <summary>Which language a piece of text is in, as far as choosing a voice goes.</summary>
internal static class TextLanguage
{
    /// <summary><c>ko</c> when the text contains Hangul, otherwise <paramref name="fallback"/>.</summary>
    public static string Detect(string text, string fallback) => ContainsHangul(text) ? "ko" : fallback;

    public static bool ContainsHangul(string text)
    {
        foreach (var c in text)
        {
            if (c is (>= '\uAC00' and <= '\uD7A3') or (>= '\u1100' and <= '\u11FF') or (>= '\u3130' and <= '\u318F'))
            {
                return true;
            }
        }

        return false;
    }
}
