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

    /// <summary>
    /// Gives the framework's own problems (a body that does not bind, an unknown route, a crash) a stable
    /// <c>type</c> and <c>code</c> too; problems this API writes already carry theirs.
    /// </summary>
    public static void Complete(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code"))
        {
            return;
        }

        var (code, title) = (context.Exception, problem.Status) switch
        {
            (BadHttpRequestException, _) => ("invalid_request", "The request could not be read."),
            (_, StatusCodes.Status401Unauthorized) => ("unauthorized", "A valid bearer token is required."),
            (_, StatusCodes.Status403Forbidden) => ("forbidden", "This needs another role."),
            (_, StatusCodes.Status404NotFound) => ("not_found", "There is nothing here."),
            (_, StatusCodes.Status405MethodNotAllowed) => ("method_not_allowed", "This method is not allowed here."),
            (_, StatusCodes.Status415UnsupportedMediaType) => ("unsupported_media_type", "Send JSON (Content-Type: application/json)."),
            (_, >= 500) => ("internal_error", "Something went wrong on the server."),
            _ => ("invalid_request", "The request is not valid."),
        };
        problem.Type = $"/problems/{code}";
        problem.Title = title;
        if (context.Exception is BadHttpRequestException bad)
        {
            problem.Detail = bad.InnerException is System.Text.Json.JsonException json
                ? $"The JSON body could not be read{(json.Path is { Length: > 0 } path ? $" at {path}" : "")}: check the field types and that strings are well-formed Unicode."
                : bad.Message;
        }

        problem.Extensions["code"] = code;
    }

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

    /// <summary>A tier that is not configured, with the tiers that are (400, <c>unknown_tier</c>).</summary>
    public static ProblemHttpResult UnknownTier(string id, Conversations.Domain.Tiers.TierCatalog tiers)
    {
        var known = tiers.All.Select(t => t.Id).ToArray();
        return TypedResults.Problem(
            detail: $"There is no tier '{id}'. Tiers: {string.Join(", ", known)} (default {tiers.DefaultTier.Id}).",
            statusCode: StatusCodes.Status400BadRequest,
            title: "No such tier.",
            type: "/problems/unknown_tier",
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = "unknown_tier", ["tiers"] = known });
    }

    public static ProblemHttpResult UnknownCharacter(string id) =>
        Create(StatusCodes.Status404NotFound, "unknown_character", "No such character.", $"There is no character '{id}'.");
}
