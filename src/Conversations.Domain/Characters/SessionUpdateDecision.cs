using System.Text.Json;

namespace Conversations.Domain.Characters;

/// <summary>The outcome of screening a client's <c>session.update</c>: the sanitised session to forward, or the fields that made it refused.</summary>
public sealed record SessionUpdateDecision(bool IsAllowed, JsonElement Session, IReadOnlyList<string> ForbiddenFields, string? EventId)
{
    /// <summary>A message for the protocol <c>error</c> event when refused.</summary>
    public string ErrorMessage => IsAllowed
        ? string.Empty
        : "session.update may only change audio.input.turn_detection, audio.input.transcription.language, " +
          "audio.input.noise_reduction and PCM16 24 kHz formats; refused: " + string.Join(", ", ForbiddenFields);
}
