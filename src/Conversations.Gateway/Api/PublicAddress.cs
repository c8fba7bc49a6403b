using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Conversations.Gateway.Api;

/// <summary>Configuration section <c>Api</c>: how clients reach this service from outside.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>
    /// The address clients use (for example <c>https://voice.example.com</c>, behind a proxy): <c>websocket_url</c>s are built
    /// from it. Unset: the server's own listening address. Never the request's <c>Host</c> header, which the caller controls.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>The problem with <see cref="PublicBaseUrl"/>, or null.</summary>
    public string? Problem() =>
        PublicBaseUrl is null || (PublicBaseUrl.IsAbsoluteUri && PublicBaseUrl.Scheme is "http" or "https" && string.IsNullOrEmpty(PublicBaseUrl.Query))
            ? null
            : $"PublicBaseUrl must be an absolute http or https URL without a query (is '{PublicBaseUrl}').";
}

/// <summary>The service's public address: where <c>POST /api/v1/conversations</c> tells a client to open its socket.</summary>
public sealed class PublicAddress(IOptions<ApiOptions> options, IServer server)
{
    /// <summary><c>ws(s)://&lt;public base&gt;/v1/realtime?conversation_id=&lt;id&gt;</c>.</summary>
    public Uri WebSocketUrl(string conversationId)
    {
        var root = options.Value.PublicBaseUrl ?? ListeningAddress();
        return new UriBuilder(root)
        {
            Scheme = string.Equals(root.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal) ? Uri.UriSchemeWss : Uri.UriSchemeWs,
            Port = root.IsDefaultPort ? -1 : root.Port,
            Path = root.AbsolutePath.TrimEnd('/') + "/v1/realtime",
            Query = "conversation_id=" + Uri.EscapeDataString(conversationId),
        }.Uri;
    }

    /// <summary>The first address the server listens on; a wildcard host becomes this machine's host name.</summary>
    private Uri ListeningAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var first = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                    ?? addresses.FirstOrDefault()
                    ?? throw new InvalidOperationException("The server listens nowhere yet; set Api:PublicBaseUrl.");
        var wildcard = first.IndexOf("://", StringComparison.Ordinal) + 3;
        var rest = first[wildcard..];
        foreach (var any in new[] { "[::]", "0.0.0.0", "+", "*" })
        {
            if (rest.StartsWith(any, StringComparison.Ordinal))
            {
                return new Uri(first[..wildcard] + Dns.GetHostName() + rest[any.Length..]);
            }
        }

        return new Uri(first);
    }
}
