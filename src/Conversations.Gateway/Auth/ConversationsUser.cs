using System.Security.Claims;

namespace Conversations.Gateway.Auth;

/// <summary>Who is calling, from the token: user id (<c>sub</c>), subscription tier and roles (<c>user</c>, <c>supervisor</c>).</summary>
public sealed record ConversationsUser(string Id, string? Tier, bool IsSupervisor)
{
    public const string SupervisorRole = "supervisor";
    public const string TierClaim = "tier";

    public static ConversationsUser From(ClaimsPrincipal principal) => new(
        principal.FindFirstValue("sub") ?? throw new InvalidOperationException("The token has no subject."),
        principal.FindFirstValue(TierClaim),
        principal.IsInRole(SupervisorRole));
}
