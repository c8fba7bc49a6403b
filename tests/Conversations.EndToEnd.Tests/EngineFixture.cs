using Conversations.RealtimeEngine;

namespace Conversations.EndToEnd.Tests;

/// <summary>One realtime engine (PocketSphinx, Flite, scripted responders) per test run, on a real port.</summary>
public sealed class EngineFixture : IAsyncLifetime
{
    private RealtimeEngineServer? _server;

    public Uri BaseUrl => _server?.BaseAddress ?? throw new InvalidOperationException("The engine has not started.");

    /// <summary>A test's own engine, where the shared one would not do (it counts sessions, say).</summary>
    public static EngineFixture For(RealtimeEngineServer server) => new() { _server = server };

    public async ValueTask InitializeAsync() => _server = await RealtimeEngineServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
