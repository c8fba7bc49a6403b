namespace Conversations.Domain.Characters;

/// <summary>An AI persona a user talks to: its instructions, voice, upstream mode and model, VAD settings and tools.</summary>
/// <param name="Id">Stable id, also the realtime engine's model name in <see cref="UpstreamMode.Cascade"/>.</param>
/// <param name="Language">Default language ("en", "ko") for transcription hints and the closing line.</param>
/// <param name="UpstreamModel">The model asked of the upstream: e.g. <c>gpt-realtime</c>, or the character id for the engine.</param>
/// <param name="TextModel">Optional text model for summaries; null means the offline extractive summary.</param>
public sealed record Character(
    string Id,
    string DisplayName,
    string Description,
    string Language,
    CharacterInstructions Instructions,
    string Voice,
    UpstreamMode Mode,
    string UpstreamModel,
    string? TextModel,
    VadSettings Vad,
    IReadOnlyList<CharacterTool> Tools)
{
    /// <summary>The full system instructions sent upstream (server-side only).</summary>
    public string ComposeInstructions() => Instructions.Compose(Language);

    /// <summary>The line said when the conversation closes, in <paramref name="language"/> or the character's default.</summary>
    public string ClosingLine(string? language = null) => Instructions.ClosingLineFor(language ?? Language);

    /// <summary>The client-visible view, without instructions.</summary>
    public CharacterListing ToListing() => new(Id, DisplayName, Description, Language, Voice, Mode);
}
