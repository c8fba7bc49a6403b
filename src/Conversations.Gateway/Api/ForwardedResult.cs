using Conversations.Gateway.Realtime;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conversations.Gateway.Api;

/// <summary>
/// A REST call that only the conversation's owner can serve, forwarded to that node with the caller's credentials;
/// its status, content type and body are returned as they came.
/// </summary>
public sealed class ForwardedResult(int statusCode, string? contentType, byte[] body) : IResult
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Sends the current request (method, path, query, Authorization, and the bound body as JSON) to <paramref name="nodeAddress"/>.</summary>
    public static async Task<ForwardedResult> ForwardAsync(HttpContext http, Uri nodeAddress, string forwardedBy, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), new Uri(nodeAddress, http.Request.Path + http.Request.QueryString));
        if (http.Request.Headers.Authorization is { Count: > 0 } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization.ToString());
        }

        request.Headers.TryAddWithoutValidation(OwnerProxy.ForwardedHeader, forwardedBy);
        if (body is not null)
        {
            // The body was already read by model binding; it is sent again as the same JSON.
            var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            request.Content = JsonContent.Create(body, body.GetType(), options: json);
        }

        using var response = await Http.SendAsync(request, cancellationToken);
        return new ForwardedResult((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = statusCode;
        if (contentType is not null)
        {
            httpContext.Response.ContentType = contentType;
        }

        await httpContext.Response.Body.WriteAsync(body);
    }
}
