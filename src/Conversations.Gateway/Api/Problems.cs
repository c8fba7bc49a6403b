using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Conversations.Gateway;

/// <summary>ProblemDetails with stable <c>type</c> URIs (<c>/problems/&lt;code&gt;</c>) and the same <c>code</c> as an extension.</summary>
public static class Problems
{
    /// <summary>Every problem type this service answers with, for the OpenAPI document and clients that switch on <c>code</c>.</summary>
    public static IReadOnlyList<ProblemType> Types { get; } =
    [
        new("validation_error", 400, "The request is not valid.", "a query or body field is missing, too long or out of range"),
        new("invalid_request", 400, "The request could not be read.", "the body is not JSON of the expected shape (wrong types, malformed Unicode)"),
        new("unknown_tier", 400, "No such tier.", "a development token asks for a tier that is not configured; `tiers` lists those that are"),
        new("websocket_required", 400, "A WebSocket upgrade is required.", "`/v1/realtime` was called without an upgrade"),
        new("unauthorized", 401, "A valid bearer token is required.", "no token, a token that is not valid, or one without a usable `sub`"),
        new("forbidden", 403, "This needs another role.", "a user token on a supervisors' endpoint"),
        new("mode_not_allowed", 403, "The tier does not include this character's mode.", "the character is speech-to-speech and the tier allows cascade only"),
        new("conversation_not_found", 404, "No such conversation.", "the conversation does not exist or is another user's"),
        new("unknown_character", 404, "No such character.", "`character_id` is not in `GET /api/v1/characters`"),
        new("alert_not_found", 404, "No such alert.", "the alert id does not exist"),
        new("not_found", 404, "There is nothing here.", "no such route"),
        new("method_not_allowed", 405, "This method is not allowed here.", "the route exists with other methods"),
        new("unsupported_media_type", 415, "Send JSON (Content-Type: application/json).", "a body that is not JSON"),
        new("quota_exceeded", 429, "A monthly limit is used up.", "starting a conversation over the month's minutes, dollars or conversations; `limit` names which"),
        new("internal_error", 500, "Something went wrong on the server.", "a fault of the server (reported, never expected)"),
        new("openai_error", 502, "OpenAI refused to mint a client secret.", "OpenAI answered an error to a client-secret request"),
        new("openai_not_configured", 503, "Direct sessions need an OpenAI key on the server.", "client secrets without `Upstream:OpenAI:ApiKey`"),
    ];

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

        var code = problem.Status switch
        {
            StatusCodes.Status401Unauthorized => "unauthorized",
            StatusCodes.Status403Forbidden => "forbidden",
            StatusCodes.Status404NotFound => "not_found",
            StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
            StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
            >= 500 => "internal_error",
            _ => "invalid_request",
        };
        var title = Types.FirstOrDefault(t => string.Equals(t.Code, code, StringComparison.Ordinal))?.Title ?? problem.Title;
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

/// <summary>One problem type: its <c>type</c> URI is <c>/problems/{code}</c>.</summary>
public sealed record ProblemType(string Code, int Status, string Title, string When)
{
    public string Type => $"/problems/{Code}";
}
