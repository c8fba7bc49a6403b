using System.ComponentModel.DataAnnotations;

namespace Conversations.Gateway.Auth;

/// <summary>JWT settings (configuration section <c>Auth</c>). HS256 with a shared secret.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The HS256 secret: at least 32 bytes.</summary>
    [Required]
    [MinLength(32)]
    public string SigningKey { get; set; } = "";

    public string Issuer { get; set; } = "conversations";

    public string Audience { get; set; } = "conversations";

    /// <summary>Lifetime of tokens minted by the development endpoint.</summary>
    public TimeSpan DevelopmentTokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
