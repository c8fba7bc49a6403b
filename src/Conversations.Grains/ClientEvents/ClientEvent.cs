using System.Text.Json;

namespace Conversations.Grains.ClientEvents;

/// <summary>
/// A client event that passed validation, as the grain acts on it. Only these fields reach the upstream, always in the
/// grain's own serialisation (<see cref="Upstream.UpstreamEvents"/>), never the client's bytes.
/// </summary>
public abstract record ClientEvent(string? EventId);

/// <summary>An event with nothing but its type: <c>input_audio_buffer.commit|clear</c>, <c>output_audio_buffer.clear</c>.</summary>
public sealed record BareEvent(string? EventId, string Type) : ClientEvent(EventId);

/// <summary><c>response.cancel</c>.</summary>
public sealed record ResponseCancel(string? EventId, string? ResponseId) : ClientEvent(EventId);

/// <summary><c>response.create</c> with the few fields a client may choose; the character's settings stay.</summary>
public sealed record ResponseCreate(string? EventId, IReadOnlyList<string>? OutputModalities, IReadOnlyDictionary<string, string>? Metadata, JsonElement? MaxOutputTokens, string? Conversation)
    : ClientEvent(EventId);

/// <summary>A user message (<c>conversation.item.create</c>): its text parts and audio parts, and the text that reaches the model.</summary>
public sealed record UserMessage(string? EventId, string? ItemId, string? PreviousItemId, IReadOnlyList<UserContent> Content) : ClientEvent(EventId)
{
    /// <summary>Everything the user wrote or claims to have said (input text, audio transcripts): what is screened and stored.</summary>
    public string Text => string.Join(' ', Content.Select(c => c.Text).Where(t => !string.IsNullOrWhiteSpace(t))).Trim();
}

/// <summary>One part of a user message: <c>input_text</c> (<see cref="Text"/>) or <c>input_audio</c> (<see cref="Base64Audio"/>, with an optional transcript in <see cref="Text"/>).</summary>
public sealed record UserContent(string Type, string? Text, string? Base64Audio);

/// <summary>A tool's result (<c>function_call_output</c>), text that reaches the model.</summary>
public sealed record FunctionOutput(string? EventId, string? ItemId, string? PreviousItemId, string CallId, string Output) : ClientEvent(EventId);

/// <summary><c>conversation.item.truncate</c> (clamped by the grain to the audio really sent).</summary>
public sealed record Truncate(string? EventId, string ItemId, int ContentIndex, long AudioEndMs) : ClientEvent(EventId);

/// <summary><c>session.update</c>, already reduced by the session policy to the fields a client may change.</summary>
public sealed record SessionUpdate(string? EventId, JsonElement Session) : ClientEvent(EventId);

/// <summary>Why a client event was refused: an OpenAI-style <c>invalid_request_error</c>.</summary>
public sealed record ClientEventError(string Code, string Message, string? Param, string? EventId);
