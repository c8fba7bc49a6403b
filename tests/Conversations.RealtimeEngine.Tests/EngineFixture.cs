using System.ClientModel;
using Conversations.RealtimeEngine.Tests;
using OpenAI.Realtime;

[assembly: AssemblyFixture(typeof(EngineFixture))]

namespace Conversations.RealtimeEngine.Tests;

/// <summary>One engine on a real port for the whole test assembly (speech models load once).</summary>
public sealed class EngineFixture : IAsyncLifetime
{
    private RealtimeEngineServer? _server;

    public RealtimeEngineServer Server => _server ?? throw new InvalidOperationException("The engine has not started.");

    public RealtimeClient Client() => new(new ApiKeyCredential("test-key"), new RealtimeClientOptions { Endpoint = Server.OpenAIEndpoint });

    public async ValueTask InitializeAsync()
    {
        _server = await RealtimeEngineServer.StartAsync(settings => settings["Engine:Recognition:WarmDecoders"] = "2");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
