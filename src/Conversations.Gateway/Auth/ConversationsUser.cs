using System.Buffers;
using System.Security.Claims;
using System.Text;

namespace Conversations.Gateway.Auth;

/// <summary>Who is calling, from the token: user id (<c>sub</c>), subscription tier and roles (<c>user</c>, <c>supervisor</c>).</summary>
public sealed record ConversationsUser(string Id, string? Tier, bool IsSupervisor)
{
    public const string SupervisorRole = "supervisor";
    public const string TierClaim = "tier";
    public const string SubjectClaim = "sub";
    public const int MaxIdLength = 128;

    /// <summary>The caller; authentication has already refused tokens without a usable <c>sub</c> (<see cref="IdProblem"/>).</summary>
    public static ConversationsUser From(ClaimsPrincipal principal) => new(
        principal.FindFirstValue(SubjectClaim) ?? throw new InvalidOperationException("The token has no subject."),
        principal.FindFirstValue(TierClaim),
        principal.IsInRole(SupervisorRole));

    /// <summary>
    /// Why <paramref name="id"/> cannot be a user id, or null when it can: 1–128 characters of well-formed Unicode
    /// without control characters (PostgreSQL text cannot hold a NUL, and ids end up in logs and pages).
    /// </summary>
    public static string? IdProblem(string? id) =>
        string.IsNullOrWhiteSpace(id) ? "is missing"
        : id.Length > MaxIdLength ? $"is longer than {MaxIdLength} characters"
        : !IsPrintable(id) ? "contains control characters or malformed Unicode"
        : null;

    /// <summary>Whether <paramref name="text"/> is well-formed UTF-16 without control characters (NUL included).</summary>
    public static bool IsPrintable(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out var rune, out var used) != OperationStatus.Done || Rune.IsControl(rune))
            {
                return false;
            }

            text = text[used..];
        }

        return true;
    }
}
