using System.Security.Claims;
using Conversations.Domain.Tiers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Conversations.Gateway.Auth;

/// <summary><c>POST /api/v1/dev/tokens</c>: mints a user or supervisor token. Mapped only in Development.</summary>
public static class DevelopmentTokens
{
    public static IEndpointRouteBuilder MapDevelopmentTokens(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.MapPost("/api/v1/dev/tokens", Mint).WithTags("Development").AllowAnonymous()
                .WithSummary("Mint a token (Development only)")
                .WithDescription("Signs a token for `user_id` (1–128 characters, no control characters) with a `tier` (one of the configured tiers; the default tier when omitted) and `roles` (`user` when omitted; `supervisor` for the dashboard). Not mapped outside Development.")
                .ProducesProblem(StatusCodes.Status400BadRequest);
        }

        return app;
    }

    private static Results<Ok<TokenResponse>, ProblemHttpResult> Mint(TokenRequest request, TierCatalog tiers, IOptions<AuthOptions> options, TimeProvider time)
    {
        if (ConversationsUser.IdProblem(request.UserId) is { } problem)
        {
            return Problems.Validation($"user_id {problem} (1–{ConversationsUser.MaxIdLength} characters, no control characters).");
        }

        if (!string.IsNullOrEmpty(request.Tier) && !tiers.TryGet(request.Tier, out _))
        {
            return Problems.UnknownTier(request.Tier, tiers);
        }

        var roles = request.Roles ?? ["user"];
        var lifetime = options.Value.DevelopmentTokenLifetime;
        var token = Create(options.Value, request.UserId!, request.Tier, roles, time.GetUtcNow(), lifetime);
        return TypedResults.Ok(new TokenResponse(token, "Bearer", (int)lifetime.TotalSeconds));
    }

    /// <summary>Creates a signed token; also used by tests.</summary>
    public static string Create(AuthOptions options, string userId, string? tier, IEnumerable<string> roles, DateTimeOffset now, TimeSpan lifetime)
    {
        var claims = new List<Claim> { new("sub", userId) };
        if (!string.IsNullOrEmpty(tier))
        {
            claims.Add(new Claim(ConversationsUser.TierClaim, tier));
        }

        claims.AddRange(roles.Select(r => new Claim("role", r)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(AuthenticationExtensions.SigningKey(options), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The body: the user, a tier (the default tier when omitted) and roles (<c>user</c> when omitted).</summary>
    public sealed record TokenRequest(string? UserId, string? Tier, string[]? Roles);

    /// <summary>A bearer token and how long it lasts.</summary>

    public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);
}
