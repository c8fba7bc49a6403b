using System.Runtime.CompilerServices;
using Conversations.RealtimeEngine.Synthesis;

namespace Conversations.RealtimeEngine.Responders;

/// <summary>An offline responder: short, safe counselling replies chosen by keyword from a character's script.</summary>
/// <remarks>Replies stream word by word, like a model's tokens, so the sentence pipeline is exercised the same way.</remarks>
internal sealed class ScriptedResponder(CounsellingScript script) : IResponder
{
    /// <summary>The system message added when the user has been silent past <c>idle_timeout_ms</c>.</summary>
    public const string IdleCheckInPrompt = "The user has been silent for a while. Gently check in and invite them to continue, in one short sentence.";

    public async IAsyncEnumerable<ResponderEvent> RespondAsync(ResponderRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reply = Choose(request);
        var words = reply.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new TextDelta(i == 0 ? words[i] : " " + words[i]);
        }

        var context = request.Instructions.Length + request.Messages.Sum(message => message.Text.Length);
        yield return new TokenUsage(TokenEstimate.FromText(context), TokenEstimate.FromText(reply.Length));
        await Task.CompletedTask;
    }

    /// <summary>
    /// Instructions of this form make the scripted responder say the rest verbatim, as an instruction-following model
    /// would: the gateway uses it for closing lines and safety messages.
    /// </summary>
    public const string SayExactlyPrefix = "Say exactly the following, word for word, and nothing else: ";

    private string Choose(ResponderRequest request)
    {
        if (request.Instructions.StartsWith(SayExactlyPrefix, StringComparison.Ordinal))
        {
            return request.Instructions[SayExactlyPrefix.Length..];
        }

        var last = request.Messages.LastOrDefault(message => message.Role is "user" or "function_call_output");
        var turn = request.Messages.Count(message => message.Role is "assistant");
        if (request.Messages.Count > 0 && request.Messages[^1] is { Role: "system", Text: IdleCheckInPrompt })
        {
            return script.IdleCheckIn(last is not null && TextLanguage.ContainsHangul(last.Text) ? "ko" : request.Language);
        }

        if (last is null)
        {
            return script.Greeting(TextLanguage.Detect(string.Empty, request.Language));
        }

        if (last.Role is "function_call_output")
        {
            return $"Thank you, I have that now: {Shorten(last.Text)}";
        }

        return script.Reply(last.Text, turn);
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200];
}

/// <summary>Rough token counts in OpenAI terms: about four characters per text token.</summary>
internal static class TokenEstimate
{
    public static int FromText(int characters) => (characters + 3) / 4;

    public static int FromText(string text) => FromText(text.Length);
}
