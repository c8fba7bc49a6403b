using System.Net;
using Conversations.Gateway.Supervision;
using Conversations.Testing;
using Microsoft.AspNetCore.Hosting;
using OpenAI.Realtime;

namespace Conversations.EndToEnd.Tests;

/// <summary>A human counsellor joins a conversation in crisis: listens, takes over, speaks, hands back; audited; never leaves the AI muted.</summary>
public sealed class SupervisionTests(PostgresServerFixture postgres, EngineFixture engine)
{
    private const string Crisis = "I have the pills ready and I am going to kill myself tonight";

    [Fact]
    public async Task A_supervisor_takes_over_a_crisis_speaks_to_the_user_in_its_own_voice_and_hands_back_to_the_ai()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var userToken = silo.TokenFor("in-crisis");
        var supervisorToken = silo.TokenFor("counsellor-kim", null, "supervisor");
        await using var user = await RecordedSession.StartAsync(silo.RealtimeClientFor(userToken), "mental-health");
        var id = (await user.NextEventAsync("conversations.started")).GetProperty("conversation_id").GetString()!;
        await user.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem(Crisis));
        await user.Session.StartResponseAsync();
        (await user.NextEventAsync("conversations.emergency")).GetProperty("level").GetInt32().ShouldBe(3);
        await user.NextAsync<RealtimeServerUpdateResponseDone>(); // The safety message.

        // Notified: the level-3 alert is there for supervisors.
        await Eventually.UntilAsync(async () => (await AlertsAsync(silo, supervisorToken)).Contains($"\"conversation_id\":\"{id}\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the alert reaches supervisors");

        await using var supervisor = await RawSocket.ConnectToAsync(silo.BaseUrl, "/v1/supervise", $"conversation_id={id}&audio=both", supervisorToken);
        var state = await supervisor.NextAsync("supervision.state");
        state.GetProperty("emergency_level").GetInt32().ShouldBe(3);
        state.GetProperty("led_by").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        (await supervisor.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "user")).GetProperty("text").GetString().ShouldBe(Crisis, "the transcript so far");

        await supervisor.SendJsonAsync(new { type = "supervisor.take_over" });
        (await user.NextEventAsync("conversations.human_joined")).GetProperty("taken_over").GetBoolean().ShouldBeTrue();
        await supervisor.NextAsync("supervision.state", e => e.GetProperty("led_by").GetString() == "counsellor-kim");

        // The AI stays silent while the human leads.
        await user.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("Is anyone there?"));
        await user.Session.StartResponseAsync();
        (await user.NextEventAsync("error", e => e.GetProperty("error").GetProperty("code").GetString() == "taken_over")).ShouldNotBe(default);
        (await supervisor.NextAsync("conversations.transcript", e => e.GetProperty("text").GetString() == "Is anyone there?")).GetProperty("role").GetString().ShouldBe("user", "the supervisor hears the user live");

        await supervisor.SendJsonAsync(new { type = "supervisor.say", text = "Hello, I am Kim, a counsellor. I am here with you now." });
        var heard = await user.NextAsync<RealtimeServerUpdateResponseOutputAudioDelta>(d => d.ResponseId.StartsWith("resp_human_", StringComparison.Ordinal));
        heard.Delta.ToArray().Length.ShouldBeGreaterThan(0, "the user hears the counsellor's words as audio");
        var said = await user.NextEventAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "supervisor");
        said.GetProperty("speaker_id").GetString().ShouldBe("counsellor-kim");
        await user.NextAsync<RealtimeServerUpdateResponseDone>(d => d.Response.Id.StartsWith("resp_human_", StringComparison.Ordinal));
        (await supervisor.NextAsync("supervision.audio", e => e.GetProperty("source").GetString() == "supervisor")).GetProperty("audio").GetString()!.Length.ShouldBeGreaterThan(0);

        await supervisor.SendJsonAsync(new { type = "supervisor.hand_back" });
        (await user.NextEventAsync("conversations.human_left")).GetProperty("reason").GetString().ShouldBe("handed_back");
        await user.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("Thank you. What should I do tonight?"));
        await user.Session.StartResponseAsync();
        await user.NextEventAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant" && e.GetProperty("seq").GetInt64() > said.GetProperty("seq").GetInt64());

        await supervisor.CloseAsync();
        // The server records "leave" when it sees the close, which may be after our close handshake returns.
        await Eventually.UntilAsync(async () => (await SupervisionAsync(silo, supervisorToken, id)).Audit.Any(a => a.Action == "leave"), TimeSpan.FromSeconds(10), "the leave is audited");
        var supervision = await SupervisionAsync(silo, supervisorToken, id);
        supervision.LedBy.ShouldBeNull();
        supervision.Audit.Select(a => a.Action).ShouldBe(["join", "take_over", "say", "hand_back", "leave"]);
        supervision.Audit.ShouldAllBe(a => a.SupervisorId == "counsellor-kim");
    }

    [Fact]
    public async Task A_leading_supervisor_who_drops_gives_the_lead_back_to_the_ai_and_the_user_is_told()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine, web => web.UseSetting("Conversations:SupervisorReconnectGrace", "00:00:02"));
        var supervisorToken = silo.TokenFor("counsellor-lee", null, "supervisor");
        await using var user = await RawSocket.ConnectAsync(silo.BaseUrl, "model=mental-health", silo.TokenFor("left-alone"), "realtime");
        var id = (await user.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;
        await using var supervisor = await RawSocket.ConnectToAsync(silo.BaseUrl, "/v1/supervise", $"conversation_id={id}", supervisorToken);
        await supervisor.NextAsync("supervision.state");
        await supervisor.SendJsonAsync(new { type = "supervisor.take_over" });
        await user.NextAsync("conversations.human_joined");

        supervisor.Drop();
        (await user.NextAsync("conversations.human_left", timeout: TimeSpan.FromSeconds(15))).GetProperty("reason").GetString().ShouldBe("supervisor_gone");
        await ConversationTests.SayAsync(user, "Hello?");
        await user.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");
        var supervision = await SupervisionAsync(silo, supervisorToken, id);
        supervision.LedBy.ShouldBeNull();
        supervision.Audit.ShouldContain(a => a.Action == "hand_back" && a.Detail == "supervisor_gone");
    }

    [Fact]
    public async Task A_conversation_taken_over_stays_taken_over_when_it_moves_to_another_silo_and_the_supervisor_rejoins_there()
    {
        // A grace longer than a loaded machine takes to stop a silo: this test is about the lead surviving the move.
        var silos = await TestSilo.StartClusterAsync(postgres, engine, 2, web => web.UseSetting("Conversations:SupervisorReconnectGrace", "00:01:00"));
        try
        {
            var supervisorToken = silos[0].TokenFor("counsellor-park", null, "supervisor");
            var userToken = silos[0].TokenFor("moved-while-held");
            var user = await RawSocket.ConnectAsync(silos[0].BaseUrl, "model=mental-health", userToken, "realtime");
            var id = (await user.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;
            var supervisor = await RawSocket.ConnectToAsync(silos[0].BaseUrl, "/v1/supervise", $"conversation_id={id}", supervisorToken);
            await supervisor.NextAsync("supervision.state");
            await supervisor.SendJsonAsync(new { type = "supervisor.take_over" });
            await user.NextAsync("conversations.human_joined");
            await Eventually.UntilAsync(async () => (await SupervisionAsync(silos[1], supervisorToken, id)).LedBy == "counsellor-park", TimeSpan.FromSeconds(10), "the lead is durable");

            await silos[0].DisposeAsync();
            await user.Closed.WaitAsync(TimeSpan.FromSeconds(30));
            await supervisor.Closed.WaitAsync(TimeSpan.FromSeconds(30));
            ((int?)supervisor.CloseStatus).ShouldBe(1013, "the supervisor's page is told to reconnect");
            await user.DisposeAsync();
            await supervisor.DisposeAsync();

            await using var rejoined = await RawSocket.ConnectToAsync(silos[1].BaseUrl, "/v1/supervise", $"conversation_id={id}", supervisorToken);
            (await rejoined.NextAsync("supervision.state")).GetProperty("led_by").GetString().ShouldBe("counsellor-park", "still taken over on the new silo");
            await using var back = await RawSocket.ConnectAsync(silos[1].BaseUrl, $"conversation_id={id}", userToken, "realtime");
            await back.NextAsync("conversations.resumed");
            (await back.NextAsync("conversations.human_joined")).GetProperty("taken_over").GetBoolean().ShouldBeTrue();
            await ConversationTests.SayAsync(back, "Are you still there?");
            (await back.NextAsync("error", e => e.GetProperty("error").GetProperty("code").GetString() == "taken_over")).ShouldNotBe(default, "the AI is still silent");
            await rejoined.SendJsonAsync(new { type = "supervisor.say", text = "Yes, I am still here with you." });
            (await back.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "supervisor")).GetProperty("speaker_id").GetString().ShouldBe("counsellor-park");
        }
        finally
        {
            await silos[1].DisposeAsync();
        }
    }

    [Fact]
    public async Task Only_supervisors_may_join_a_conversation()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("curious");
        await using var user = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        var id = (await user.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;

        var refused = await Should.ThrowAsync<System.Net.WebSockets.WebSocketException>(() => RawSocket.ConnectToAsync(silo.BaseUrl, "/v1/supervise", $"conversation_id={id}", token));
        refused.Message.ShouldContain("403");
        using var http = silo.HttpFor(token);
        (await http.GetAsync($"/api/v1/conversations/{id}/supervision")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private static async Task<string> AlertsAsync(TestSilo silo, string token)
    {
        using var http = silo.HttpFor(token);
        return await http.GetStringAsync(new Uri("/api/v1/alerts?status=open", UriKind.Relative));
    }

    private static async Task<SupervisionEndpoints.SupervisionView> SupervisionAsync(TestSilo silo, string token, string id) =>
        await TestSilo.ReadAsync<SupervisionEndpoints.SupervisionView>(await silo.HttpFor(token).GetAsync(new Uri($"/api/v1/conversations/{id}/supervision", UriKind.Relative)));
}
