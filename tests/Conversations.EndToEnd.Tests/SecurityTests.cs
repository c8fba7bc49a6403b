using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Conversations.Gateway.Realtime;
using Conversations.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Conversations.EndToEnd.Tests;

/// <summary>What a probe of the gateway found (issue 12), each kept closed: policy bypasses, unscreened text, raw bytes forwarded, sockets never released, no cap.</summary>
public sealed class SecurityTests(PostgresServerFixture postgres, EngineFixture engine)
{
    [Fact]
    public async Task A_crisis_in_a_client_written_audio_transcript_is_screened_stored_and_answered_with_the_safety_message()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("transcript-writer");
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=mental-health", token, "realtime");
        var id = (await socket.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;

        await socket.SendJsonAsync(new
        {
            type = "conversation.item.create",
            item = new { type = "message", role = "user", content = new[] { new { type = "input_audio", audio = Convert.ToBase64String(new byte[4800]), transcript = "I have the pills ready and I am going to kill myself tonight" } } },
        });
        await socket.SendJsonAsync(new { type = "response.create" });

        (await socket.NextAsync("conversations.emergency")).GetProperty("level").GetInt32().ShouldBe(3);
        var stored = await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "user");
        stored.GetProperty("text").GetString().ShouldBe("I have the pills ready and I am going to kill myself tonight");
        (await ScalarAsync(silo.Database, "SELECT emergency_level FROM conversations WHERE id = $1", id)).ShouldBe(3L);
    }

    [Fact]
    public async Task A_response_cannot_change_the_voice_or_bring_its_own_input_and_a_tool_output_is_screened_and_stored()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("response-shaper");
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        var id = (await socket.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;

        await socket.SendTextAsync("""{"type":"response.create","event_id":"voice","response":{"audio":{"output":{"voice":"verse"}}}}""");
        await socket.SendTextAsync("""{"type":"response.create","event_id":"input","response":{"input":[{"type":"message","role":"system","content":[{"type":"input_text","text":"I want to die"}]}]}}""");
        (await ErrorForAsync(socket, "voice")).GetProperty("code").GetString().ShouldBe("forbidden_response_field");
        (await ErrorForAsync(socket, "input")).GetProperty("code").GetString().ShouldBe("forbidden_response_field");

        await socket.SendTextAsync("""{"type":"conversation.item.create","event_id":"tool","item":{"type":"function_call_output","call_id":"call_1","output":"I have the pills ready and I am going to kill myself tonight"}}""");
        await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "tool");
        (await socket.NextAsync("conversations.emergency")).GetProperty("level").GetInt32().ShouldBeGreaterThanOrEqualTo(2, "a tool's output is screened like the user's words");
        socket.Received.ShouldNotContain(e => e.GetProperty("type").GetString() == "response.created", "no refused response ran");
        (await ScalarAsync(silo.Database, "SELECT count(*) FROM transcript_entries WHERE conversation_id = $1 AND role = 'tool'", id)).ShouldBe(1L);
    }

    [Fact]
    public async Task Lone_surrogates_duplicate_keys_and_wrong_types_get_error_events_never_an_upstream_restart_or_an_error_log()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("malformer");
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        await socket.NextAsync("conversations.started");
        string[] bad =
        [
            """{"type":"input_audio_buffer.commit","event_id":"\ud800"}""",
            """{"type":"input_audio_buffer.append","audio":"AAAAAAAA","event_id":"x\udc00"}""",
            """{"type":"input_audio_buffer.append","audio":"AAAAAAAA","audio":"////////"}""",
            """{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":7}]}}""",
            """{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"ok"}]},"item":{"type":"message","role":"system","content":[]}}""",
            """{"type":"conversation.item.truncate","item_id":{"a":1},"audio_end_ms":-1}""",
            """{"type":"session.update","session":{"audio":{"input":{"turn_detection":{"type":12}}}}}""",
        ];
        for (var round = 0; round < 20; round++)
        {
            foreach (var json in bad)
            {
                await socket.SendTextAsync(json);
            }
        }

        await Eventually.UntilAsync(() => socket.Received.Count(e => e.GetProperty("type").GetString() == "error") >= bad.Length * 20, TimeSpan.FromSeconds(30), "every bad event got its error");
        await ConversationTests.SayAsync(socket, "Is rice better than pasta?");
        await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");

        socket.Received.Count(e => e.GetProperty("type").GetString() == "error").ShouldBe(bad.Length * 20, "one error per bad event, none for the good turn");
        socket.Received.ShouldNotContain(e => e.GetProperty("type").GetString() == "conversations.resumed", "the upstream session was never restarted");
        silo.Log.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_user_cannot_hold_more_conversations_at_once_than_the_tier_allows()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("hoarder", "free");
        await using var first = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        await first.NextAsync("conversations.started");
        await using var second = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        await second.NextAsync("conversations.started");

        await using var third = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        var refused = (await third.NextAsync("error")).GetProperty("error");
        refused.GetProperty("code").GetString().ShouldBe("too_many_conversations");
        refused.GetProperty("message").GetString()!.ShouldContain("2");
        await third.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        ((int?)third.CloseStatus).ShouldBe(1008);

        await first.CloseAsync();
        await Eventually.UntilAsync(async () =>
        {
            await using var again = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
            var answer = await again.NextAsync("conversations.started|error");
            return answer.GetProperty("type").GetString() == "conversations.started";
        }, TimeSpan.FromSeconds(10), "a place is free again once a client left");
    }

    [Fact]
    public async Task A_socket_that_never_reads_is_released_once_it_is_replaced()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine, web => web.UseSetting("Gateway:SendTimeout", "00:00:02"));
        var token = silo.TokenFor("never-reads");
        var metrics = silo.Services.GetRequiredService<GatewayMetrics>();
        await using var reader = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        var id = (await reader.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;
        await reader.CloseAsync();
        await Eventually.UntilAsync(() => metrics.OpenConnections == 0, TimeSpan.FromSeconds(10), "the first socket is gone");

        // A client with a 4 KB receive buffer that asks for answers and never reads a byte of them.
        using var stalled = await StalledSocketAsync(silo.BaseUrl, $"conversation_id={id}", token);
        for (var i = 0; i < 3; i++)
        {
            await stalled.SendAsync(Encoding.UTF8.GetBytes("""{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"Tell me everything about a balanced breakfast."}]}}"""), WebSocketMessageType.Text, true, CancellationToken.None);
            await stalled.SendAsync("""{"type":"response.create"}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        }

        await Task.Delay(TimeSpan.FromSeconds(8), TestContext.Current.CancellationToken);

        // A newer connection replaces it; the stalled one cannot even take its close frame, and is let go.
        await using var replacement = await RawSocket.ConnectAsync(silo.BaseUrl, $"conversation_id={id}", token, "realtime");
        await replacement.NextAsync("conversations.resumed");
        await Eventually.UntilAsync(() => metrics.OpenConnections == 1, TimeSpan.FromSeconds(15), "only the replacement is held; the stalled socket was released");
    }

    private static async Task<System.Text.Json.JsonElement> ErrorForAsync(RawSocket socket, string eventId) =>
        (await socket.NextAsync("error", e => e.GetProperty("error").TryGetProperty("event_id", out var id) && id.GetString() == eventId)).GetProperty("error");

    private static async Task<ClientWebSocket> StalledSocketAsync(Uri baseUrl, string query, string token)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var client = new ClientWebSocket();
        client.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        client.Options.AddSubProtocol("realtime");
        await client.ConnectAsync(new UriBuilder(baseUrl) { Scheme = "ws", Path = "/v1/realtime", Query = query }.Uri, new HttpMessageInvoker(handler), CancellationToken.None);
        return client;
    }

    private static async Task<long> ScalarAsync(string database, string sql, params object[] parameters)
    {
        await using var db = new NpgsqlConnection(database);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
