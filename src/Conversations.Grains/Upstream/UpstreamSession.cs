using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using OpenAI.Realtime;

namespace Conversations.Grains.Upstream;

/// <summary>
/// One realtime session upstream (OpenAI or the engine) through the OpenAI SDK's <see cref="RealtimeSessionClient"/>,
/// used at the protocol level: events go out and come in as the raw JSON the wire carries, so relaying them costs
/// no re-serialisation.
/// </summary>
public sealed class UpstreamSession(RealtimeSessionClient client, string model, Uri endpoint) : IAsyncDisposable
{
    // One options object for every send: the session's sends are not cancelled one by one, the session is closed instead.
    private readonly RequestOptions _sendOptions = new();

    public string Model { get; } = model;

    public Uri Endpoint { get; } = endpoint;

    /// <summary>Sends one client event (UTF-8 JSON) upstream.</summary>
    public Task SendAsync(BinaryData json) => client.SendCommandAsync(json, _sendOptions);

    /// <summary>The server events as they arrive, until the session closes.</summary>
    public async IAsyncEnumerable<BinaryData> ReceiveAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (ClientResult update in client.ReceiveUpdatesAsync(new RequestOptions { CancellationToken = cancellationToken }))
        {
            yield return update.GetRawResponse().Content;
        }
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
