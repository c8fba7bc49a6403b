using Conversations.Grains.Hosting;
using Conversations.RealtimeEngine;
using Conversations.RealtimeEngine.Telemetry;
using Conversations.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.EndToEnd.Tests;

/// <summary>A conversation's activation lives while a client is attached, and is collected (its upstream closed) when idle after.</summary>
public sealed class LifecycleTests(PostgresServerFixture postgres) : IAsyncLifetime
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(3);
    private RealtimeEngineServer? _engine;

    // An engine of its own: its session count is this test's alone.
    private RealtimeEngineServer Engine => _engine!;

    public async ValueTask InitializeAsync() => _engine = await RealtimeEngineServer.StartAsync();

    public async ValueTask DisposeAsync() => await Engine.DisposeAsync();

    [Fact]
    public async Task A_quiet_conversation_with_a_client_attached_is_never_collected_and_one_without_is_collected_with_its_upstream()
    {
        await using var silo = await StartAsync();
        var token = silo.TokenFor("quiet");
        var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        var id = (await socket.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;
        var local = silo.Services.GetRequiredService<LocalConversations>();
        var sessions = Engine.Services.GetRequiredService<EngineMetrics>();

        // Three idle timeouts without a word: the client is attached, so it stays, and so does its upstream session.
        await Task.Delay(IdleTimeout * 3, TestContext.Current.CancellationToken);
        local.Ids.ShouldContain(id);
        sessions.ActiveSessions.ShouldBe(1);
        await ConversationTests.SayAsync(socket, "Is rice better than pasta?");
        await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");
        socket.Received.ShouldNotContain(e => e.GetProperty("type").GetString() == "conversations.resumed", "the same activation answered");

        await socket.CloseAsync();
        await Eventually.UntilAsync(() => local.Count == 0 && sessions.ActiveSessions == 0, IdleTimeout * 6, "the detached conversation is collected and its upstream session closed");
        await socket.DisposeAsync();

        await using var again = await RawSocket.ConnectAsync(silo.BaseUrl, $"conversation_id={id}", token, "realtime");
        (await again.NextAsync("conversations.resumed")).GetProperty("conversation_id").GetString().ShouldBe(id, "a collected conversation resumes on the next attach");
    }

    private Task<TestSilo> StartAsync() =>
        TestSilo.StartAsync(postgres, EngineFixture.For(Engine), web => web.UseSetting("Conversations:IdleTimeout", IdleTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture)));
}
