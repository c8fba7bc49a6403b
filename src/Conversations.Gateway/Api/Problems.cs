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

    public static ProblemHttpResult UnknownCharacter(string id) =>
        Create(StatusCodes.Status404NotFound, "unknown_character", "No such character.", $"There is no character '{id}'.");
}
