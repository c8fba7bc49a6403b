using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Conversations.Gateway;

/// <summary>ProblemDetails with stable <c>type</c> URIs (<c>/problems/&lt;code&gt;</c>) and the same <c>code</c> as an extension.</summary>
public static class Problems
{
    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: status,
            title: title,
            type: $"/problems/{code}",
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = code });

    public static ProblemHttpResult Validation(string detail) =>
        Create(StatusCodes.Status400BadRequest, "validation_error", "The request is not valid.", detail);

    public static ProblemHttpResult ConversationNotFound(string id) =>
        Create(StatusCodes.Status404NotFound, "conversation_not_found", "No such conversation.", $"There is no conversation '{id}' for this user.");

    /// <summary>A start refused by the tier: <c>quota_exceeded</c> (429, with the <c>limit</c>) or <c>mode_not_allowed</c> (403).</summary>
    public static ProblemHttpResult QuotaRefused(Conversations.Domain.Tiers.StartDecision decision)
    {
        var quota = string.Equals(decision.Code, Conversations.Domain.Tiers.StartDecision.QuotaExceeded, StringComparison.Ordinal);
        return TypedResults.Problem(
            detail: decision.Detail,
            statusCode: quota ? StatusCodes.Status429TooManyRequests : StatusCodes.Status403Forbidden,
            title: quota ? "A monthly limit is used up." : "The tier does not include this character's mode.",
            type: $"/problems/{decision.Code}",
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["code"] = decision.Code,
                ["limit"] = decision.Limit is { } limit ? Conversations.Domain.Tiers.QuotaLimitNames.WireName(limit) : null,
            });
    }

    public static ProblemHttpResult UnknownCharacter(string id) =>
        Create(StatusCodes.Status404NotFound, "unknown_character", "No such character.", $"There is no character '{id}'.");
}
