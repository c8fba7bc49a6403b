namespace Conversations.Domain.Characters;

/// <summary>How a character's conversation reaches a model.</summary>
public enum UpstreamMode
{
    /// <summary>Mode A: speech-to-speech through the OpenAI Realtime API.</summary>
    SpeechToSpeech,

    /// <summary>Mode B: VAD, speech-to-text, text model and text-to-speech, served by the project's realtime engine.</summary>
    Cascade,
}
