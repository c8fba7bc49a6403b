using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Conversations.Gateway.Auth;

/// <summary>JWT bearer authentication: the <c>Authorization</c> header, or for browsers the <c>openai-insecure-api-key.&lt;jwt&gt;</c> subprotocol.</summary>
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
                    NameClaimType = "sub",
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
                };
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    public static SymmetricSecurityKey SigningKey(AuthOptions options) => new(Encoding.UTF8.GetBytes(options.SigningKey));

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
