using Conversations.RealtimeEngine;

namespace Conversations.Browser.Tests;

/// <summary>One realtime engine (PocketSphinx, Flite, scripted responders) per test run, on a real port.</summary>
public sealed class EngineFixture : IAsyncLifetime
{
    private RealtimeEngineServer? _server;

    public Uri BaseUrl => _server?.BaseAddress ?? throw new InvalidOperationException("The engine has not started.");

    public async ValueTask InitializeAsync() => _server = await RealtimeEngineServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
