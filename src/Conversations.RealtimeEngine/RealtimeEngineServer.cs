using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;

namespace Conversations.RealtimeEngine;

/// <summary>A realtime engine on a real Kestrel port of 127.0.0.1, in-process: for tests and tools.</summary>
/// <example>
/// <code>
/// await using var engine = await RealtimeEngineServer.StartAsync(c => c["Engine:Recognition:WarmDecoders"] = "1");
/// var client = new RealtimeClient(new ApiKeyCredential("x"), new RealtimeClientOptions { Endpoint = engine.OpenAIEndpoint });
/// using var session = await client.StartConversationSessionAsync("mental-health");
/// </code>
/// </example>
public sealed class RealtimeEngineServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RealtimeEngineServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary><c>http://127.0.0.1:PORT/v1</c>: what <c>RealtimeClientOptions.Endpoint</c> wants.</summary>
    public Uri OpenAIEndpoint => new(BaseAddress, "v1");

    /// <summary><c>ws://127.0.0.1:PORT/v1/realtime</c>.</summary>
    public Uri RealtimeUri => new($"ws://{BaseAddress.Authority}/v1/realtime");

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts an engine; <paramref name="configure"/> sets configuration keys (e.g. <c>Engine:Models:x:Responder</c>).</summary>
    public static async Task<RealtimeEngineServer> StartAsync(Action<IDictionary<string, string?>>? configure = null, CancellationToken cancellationToken = default)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        };
        configure?.Invoke(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddRealtimeEngine();
        var app = builder.Build();
        app.MapRealtimeEngine();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RealtimeEngineServer(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
