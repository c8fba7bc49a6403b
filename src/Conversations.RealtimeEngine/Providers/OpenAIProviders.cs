using System.ClientModel;
using System.ClientModel.Primitives;
using Conversations.RealtimeEngine.Configuration;
using OpenAI;

namespace Conversations.RealtimeEngine.Providers;

/// <summary>OpenAI SDK client options for an OpenAI-compatible provider.</summary>
internal static class OpenAIProviders
{
    public static OpenAIClientOptions ClientOptions(ProviderOptions provider) => new()
    {
        Endpoint = new Uri(provider.BaseUrl!),
        NetworkTimeout = provider.Timeout,
        RetryPolicy = new ClientRetryPolicy(provider.MaxRetries),
    };

    public static ApiKeyCredential Credential(ProviderOptions provider) =>
        new(string.IsNullOrEmpty(provider.ApiKey) ? "unused" : provider.ApiKey);
}

/// <summary>Cancels when the provider has been silent for longer than its timeout; re-armed at every sign of life.</summary>
internal sealed class ProviderWatchdog : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly TimeSpan _timeout;

    public ProviderWatchdog(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _timeout = timeout;
        _source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _source.CancelAfter(timeout);
    }

    public CancellationToken Token => _source.Token;

    public void Alive() => _source.CancelAfter(_timeout);

    public void Dispose() => _source.Dispose();
}
