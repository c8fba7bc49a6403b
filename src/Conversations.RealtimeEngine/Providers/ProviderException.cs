using System.ClientModel;
using System.Net;

namespace Conversations.RealtimeEngine.Providers;

/// <summary>A provider (speech-to-text, text model, speech synthesis) failed; <see cref="Code"/> goes into the client's <c>error</c> event.</summary>
public sealed class ProviderException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;

    /// <summary>Turns what the OpenAI SDK or the network threw into a provider error with a stable code.</summary>
    /// <param name="what">Which provider, for the message: "chat", "transcription", "speech".</param>
    public static ProviderException From(Exception exception, string what) => exception switch
    {
        ProviderException provider => provider,
        ClientResultException { Status: 401 or 403 } e => new("provider_unauthorized", $"The {what} provider refused the credentials ({e.Status}).", e),
        ClientResultException { Status: 429 } e => new("provider_rate_limited", $"The {what} provider is rate limiting (429).", e),
        ClientResultException { Status: >= 500 } e => new("provider_error", $"The {what} provider failed ({e.Status}).", e),
        ClientResultException { Status: 0 } e when e.InnerException is HttpRequestException => new("provider_unreachable", $"The {what} provider cannot be reached.", e),
        ClientResultException e => new("provider_error", $"The {what} provider answered {e.Status}.", e),
        HttpRequestException { StatusCode: HttpStatusCode statusCode } e => new("provider_error", $"The {what} provider answered {(int)statusCode}.", e),
        HttpRequestException e => new("provider_unreachable", $"The {what} provider cannot be reached.", e),
        TimeoutException or OperationCanceledException => new("provider_timeout", $"The {what} provider did not answer in time.", exception),
        _ => new("provider_error", $"The {what} provider failed: {exception.Message}", exception),
    };
}
