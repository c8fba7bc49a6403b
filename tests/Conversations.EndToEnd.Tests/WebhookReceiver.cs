using System.Net;
using System.Text.Json;

namespace Conversations.EndToEnd.Tests;

/// <summary>A local HTTP endpoint standing in for a supervisors' webhook: fails the first N calls, then accepts.</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly int _failFirst;
    private int _attempts;

    private WebhookReceiver(int failFirst, int port)
    {
        _failFirst = failFirst;
        Url = new Uri($"http://127.0.0.1:{port}/alerts/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

    public int Attempts => Volatile.Read(ref _attempts);

    public List<JsonElement> Delivered { get; } = [];

    public static Task<WebhookReceiver> StartAsync(int failFirst)
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return Task.FromResult(new WebhookReceiver(failFirst, port));
    }

    public void Dispose() => _listener.Close();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var attempt = Interlocked.Increment(ref _attempts);
            using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
            if (attempt > _failFirst)
            {
                lock (Delivered)
                {
                    Delivered.Add(body.RootElement.Clone());
                }
            }

            context.Response.StatusCode = attempt > _failFirst ? 200 : 503;
            context.Response.Close();
        }
    }
}
