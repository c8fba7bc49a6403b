using Conversations.RealtimeEngine.Sessions;

namespace Conversations.RealtimeEngine.Responders;

/// <summary>One entry of the context a responder sees.</summary>
/// <param name="Role"><c>system</c>, <c>user</c>, <c>assistant</c>, <c>function_call</c> or <c>function_call_output</c>.</param>
internal sealed record ContextMessage(string Role, string Text, string? CallId = null, string? Name = null);

/// <summary>What a responder is asked.</summary>
internal sealed record ResponderRequest(
    string Instructions,
    IReadOnlyList<ContextMessage> Messages,
    IReadOnlyList<FunctionTool> Tools,
    string ToolChoice,
    string Language,
    int? MaxOutputTokens);

/// <summary>A piece of a streamed answer.</summary>
internal abstract record ResponderEvent;

/// <summary>More text of the answer.</summary>
internal sealed record TextDelta(string Text) : ResponderEvent;

/// <summary>The model asks for a function call (arguments complete, JSON).</summary>
internal sealed record FunctionCallRequested(string CallId, string Name, string Arguments) : ResponderEvent;

/// <summary>Tokens the text model reported (or the responder estimated) for this answer.</summary>
internal sealed record TokenUsage(int InputTokens, int OutputTokens) : ResponderEvent;

/// <summary>Produces the assistant's answer as a stream.</summary>
internal interface IResponder
{
    IAsyncEnumerable<ResponderEvent> RespondAsync(ResponderRequest request, CancellationToken cancellationToken);
}
