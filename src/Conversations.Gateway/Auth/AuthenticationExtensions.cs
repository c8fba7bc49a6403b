using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Conversations.Gateway.Auth;

/// <summary>
/// JWT bearer authentication: the <c>Authorization</c> header, or for browsers the <c>openai-insecure-api-key.&lt;jwt&gt;</c>
/// subprotocol. Refusals (401, 403) are ProblemDetails like every other error.
/// </summary>
public static class AuthenticationExtensions
{
    /// <summary>The subprotocol prefix browsers use to carry the key, as OpenAI's own browser clients do.</summary>
    public const string SubprotocolTokenPrefix = "openai-insecure-api-key.";

    public static IHostApplicationBuilder AddConversationsAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((jwt, auth) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    IssuerSigningKey = SigningKey(auth.Value),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = ConversationsUser.SubjectClaim,
                    RoleClaimType = "role",
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                jwt.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        if (string.IsNullOrEmpty(context.Token))
                        {
                            context.Token = TokenFromSubprotocol(context.Request.Headers.SecWebSocketProtocol);
                        }

                        return Task.CompletedTask;
                    },
                    OnTokenValidated = context =>
                    {
                        // A signed token is still useless without a user: refuse it here rather than fail later in a handler.
                        if (ConversationsUser.IdProblem(context.Principal?.FindFirst(ConversationsUser.SubjectClaim)?.Value) is { } problem)
                        {
                            context.Fail($"The token's sub claim (the user id) {problem}.");
                        }

                        return Task.CompletedTask;
                    },
                    OnChallenge = ChallengeAsync,
                    OnForbidden = context => Problems.Create(
                        StatusCodes.Status403Forbidden, "forbidden", "This needs another role.", "The token's role does not allow this (supervisors only).").ExecuteAsync(context.HttpContext),
                };
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    public static SymmetricSecurityKey SigningKey(AuthOptions options) => new(Encoding.UTF8.GetBytes(options.SigningKey));

    /// <summary>401 as <c>application/problem+json</c>, keeping the <c>WWW-Authenticate</c> header a bearer client expects.</summary>
    private static async Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var header = "Bearer";
        if (!string.IsNullOrEmpty(context.Error))
        {
            header += $" error=\"{context.Error}\"";
            if (!string.IsNullOrEmpty(context.ErrorDescription))
            {
                header += $", error_description=\"{context.ErrorDescription.Replace("\"", "'", StringComparison.Ordinal)}\"";
            }
        }

        context.Response.Headers.WWWAuthenticate = header;
        var detail = context.AuthenticateFailure switch
        {
            null => "Send a bearer token: the Authorization: Bearer <token> header, or for browsers the subprotocol openai-insecure-api-key.<token>.",
            SecurityTokenExpiredException => "The token has expired.",
            AuthenticationFailureException { Message: var message } => message,
            _ => "The token is not valid (signature, issuer, audience or lifetime).",
        };
        await Problems.Create(StatusCodes.Status401Unauthorized, "unauthorized", "A valid bearer token is required.", detail).ExecuteAsync(context.HttpContext);
    }

    private static string? TokenFromSubprotocol(Microsoft.Extensions.Primitives.StringValues headers)
    {
        foreach (var header in headers)
        {
            foreach (var protocol in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (protocol.StartsWith(SubprotocolTokenPrefix, StringComparison.Ordinal))
                {
                    return protocol[SubprotocolTokenPrefix.Length..];
                }
            }
        }

        return null;
    }
}
