using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Conversations.Domain.Characters;
using Conversations.Domain.Emergency;
using Conversations.Gateway.Api;
using Conversations.Grains.Persistence;
using Conversations.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.EndToEnd.Tests;

/// <summary>Each policy enforced by the grain in a live conversation, through the gateway.</summary>
public sealed class PolicyTests(PostgresServerFixture postgres, EngineFixture engine)
{
    private static Action<IWebHostBuilder> Settings(params (string Key, string Value)[] settings) => web =>
    {
        foreach (var (key, value) in settings)
        {
            web.UseSetting(key, value);
        }
    };

    [Fact]
    public async Task At_the_time_limit_the_character_says_its_closing_line_and_the_conversation_ends_with_the_reason()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine, Settings(
            ("Tiers:Items:free:MaxSecondsPerConversation", "3"),
            ("Tiers:Items:free:WarningBeforeEndSeconds", "2"),
            ("Conversations:QuotaTickInterval", "00:00:00.200")));
        var token = silo.TokenFor("quinn");
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        var started = await socket.NextAsync("conversations.started");
        started.GetProperty("max_duration_seconds").GetInt32().ShouldBe(3);

        var warning = await socket.NextAsync("conversations.quota", e => e.GetProperty("warning").GetBoolean());
        var closing = await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant", TimeSpan.FromSeconds(20));
        var ended = await socket.NextAsync("conversations.ended", timeout: TimeSpan.FromSeconds(20));
        await socket.Closed.WaitAsync(TimeSpan.FromSeconds(10));

        warning.GetProperty("remaining_seconds").GetInt64().ShouldBeLessThanOrEqualTo(2);
        closing.GetProperty("text").GetString().ShouldBe(CharacterCatalog.Default.Get("nutrition").ClosingLine());
        ended.GetProperty("reason").GetString().ShouldBe("time_limit");
        socket.CloseStatus.ShouldBe(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure);
        var view = await GetAsync<ConversationView>(silo, token, $"/api/v1/conversations/{started.GetProperty("conversation_id").GetString()}");
        view.Status.ShouldBe("ended");
        view.EndReason.ShouldBe("time_limit");
        view.UsedSeconds.ShouldBe(3m);
    }

    [Fact]
    public async Task The_clock_runs_only_while_a_client_is_attached()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine, Settings(("Conversations:QuotaTickInterval", "00:00:00.200")));
        var token = silo.TokenFor("rosa");
        string id;
        await using (var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime"))
        {
            id = (await socket.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;
            await socket.NextAsync("conversations.quota", e => e.GetProperty("used_seconds").GetDecimal() >= 2, TimeSpan.FromSeconds(20));
            await socket.CloseAsync();
        }

        await Eventually.UntilAsync(async () => (await LiveUsedSecondsAsync(silo, token, id)).Stable, TimeSpan.FromSeconds(10), "the detach is charged");
        var afterDetach = await GetAsync<ConversationView>(silo, token, $"/api/v1/conversations/{id}");
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);
        var later = await GetAsync<ConversationView>(silo, token, $"/api/v1/conversations/{id}");

        afterDetach.UsedSeconds.ShouldBeInRange(2m, 4m);
        later.UsedSeconds.ShouldBe(afterDetach.UsedSeconds, "no client, no clock");
    }

    [Fact]
    public async Task Twenty_parallel_conversations_of_one_user_never_push_the_month_past_its_limit()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine, Settings(
            ("Tiers:Items:free:MonthlyMinutes", "1"),
            ("Tiers:Items:free:MonthlyConversations", "100"),
            ("Tiers:Items:free:MaxConcurrentConversations", "20"),
            ("Conversations:QuotaTickInterval", "00:00:00.250")));
        var token = silo.TokenFor("sam");
        var sockets = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime")));
        try
        {
            var ids = new List<string>();
            foreach (var socket in sockets)
            {
                ids.Add((await socket.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!);
            }

            var endings = await Task.WhenAll(sockets.Select(s => s.NextAsync("conversations.ended", timeout: TimeSpan.FromSeconds(60))));
            endings.ShouldAllBe(e => e.GetProperty("reason").GetString() == "monthly_limit");

            var limits = await GetAsync<LimitsView>(silo, token, "/api/v1/conversations/limits/current");
            limits.Used.Seconds.ShouldBeLessThanOrEqualTo(60, "the month is charged up to its allowance, never past it");
            limits.Used.Seconds.ShouldBeGreaterThanOrEqualTo(59);
            decimal sum = 0;
            foreach (var id in ids)
            {
                sum += (await GetAsync<ConversationView>(silo, token, $"/api/v1/conversations/{id}")).UsedSeconds;
            }

            sum.ShouldBe(limits.Used.Seconds, "the ledger and the conversations advance in one transaction");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Starting_over_the_monthly_conversation_limit_is_refused_with_quota_exceeded()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine, Settings(("Tiers:Items:free:MonthlyConversations", "2")));
        var token = silo.TokenFor("tara");
        using var http = silo.HttpFor(token);

        (await http.PostAsJsonAsync("/api/v1/conversations", new { character_id = "children" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await http.PostAsJsonAsync("/api/v1/conversations", new { character_id = "children" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var refused = await http.PostAsJsonAsync("/api/v1/conversations", new { character_id = "children" });
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=children", token, "realtime");

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("type").GetString().ShouldBe("/problems/quota_exceeded");
        problem.GetProperty("limit").GetString().ShouldBe("monthly_conversations");
        (await socket.NextAsync("error")).GetProperty("error").GetProperty("code").GetString().ShouldBe("quota_exceeded");
        await socket.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        socket.CloseStatus.ShouldBe(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation);
        var limits = await GetAsync<LimitsView>(silo, token, "/api/v1/conversations/limits/current");
        limits.Used.Conversations.ShouldBe(2);
        limits.Remaining.Conversations.ShouldBe(0);
    }

    [Fact]
    public async Task A_conversations_dollars_are_the_exact_sum_of_its_usage_records()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine, Settings(
            ("Prices:Models:nutrition:TextInputPerMillion", "4"),
            ("Prices:Models:nutrition:TextOutputPerMillion", "16"),
            ("Prices:Models:nutrition:AudioOutputPerMillion", "64")));
        var token = silo.TokenFor("uma");
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        var id = (await socket.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;

        await ConversationTests.SayAsync(socket, "What should I eat for breakfast?");
        await socket.NextAsync("response.done");
        var quota = await socket.NextAsync("conversations.quota", e => e.GetProperty("cost_usd").GetDecimal() > 0);
        await ConversationTests.SayAsync(socket, "And for lunch?");
        await socket.NextAsync("response.done");
        await socket.NextAsync("conversations.quota", e => e.GetProperty("cost_usd").GetDecimal() > quota.GetProperty("cost_usd").GetDecimal());

        var recorded = await silo.Services.GetRequiredService<UsageStore>().RecordedDollarsAsync(id);
        var view = await GetAsync<ConversationView>(silo, token, $"/api/v1/conversations/{id}");
        var limits = await GetAsync<LimitsView>(silo, token, "/api/v1/conversations/limits/current");
        recorded.ShouldBeGreaterThan(0m);
        view.CostUsd.ShouldBe(recorded);
        limits.Used.Dollars.ShouldBe(recorded);
    }

    [Fact]
    public async Task Level_3_replaces_the_answer_with_the_safety_message_alerts_supervisors_and_never_goes_down()
    {
        using var webhook = await WebhookReceiver.StartAsync(failFirst: 2);
        await using var silo = await TestSilo.StartAsync(postgres, engine, Settings(("Conversations:AlertWebhookUrl", webhook.Url.ToString())));
        var token = silo.TokenFor("vera");
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=mental-health", token, "realtime");
        var id = (await socket.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;

        await ConversationTests.SayAsync(socket, "I am going to kill myself tonight, I have the pills ready.");
        var emergency = await socket.NextAsync("conversations.emergency");
        var answer = await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");
        await ConversationTests.SayAsync(socket, "Thank you for listening.");
        await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant" && e.GetProperty("seq").GetInt64() > answer.GetProperty("seq").GetInt64());

        emergency.GetProperty("level").GetInt32().ShouldBe(3);
        emergency.GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("phone").GetString()).ShouldContain("988");
        var safety = CrisisResources.Default.SafetyMessage(EmergencyDetector.Assess("I am going to kill myself tonight, I have the pills ready.", "en").Category, "en");
        answer.GetProperty("text").GetString().ShouldBe(safety);
        socket.Received.Count(e => e.GetProperty("type").GetString() == "conversations.emergency").ShouldBe(1, "the level never goes down and is raised once");
        var view = await GetAsync<ConversationView>(silo, token, $"/api/v1/conversations/{id}");
        view.EmergencyLevel.ShouldBe(3);
        var transcript = await ConversationTests.TranscriptAsync(silo, token, id);
        transcript.Select(e => e.Role).ShouldBe(["user", "assistant", "user", "assistant"], "the replaced answer was never stored");

        var supervisor = silo.TokenFor("nurse-joy", null, "supervisor");
        var alerts = await GetAsync<AlertsApi.AlertPage>(silo, supervisor, "/api/v1/alerts?status=open");
        var alert = alerts.Data.ShouldHaveSingleItem();
        alert.ConversationId.ShouldBe(id);
        alert.Level.ShouldBe(3);
        using (var http = silo.HttpFor(supervisor))
        {
            (await http.PostAsync($"/api/v1/alerts/{alert.AlertId}/ack", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await GetAsync<AlertsApi.AlertPage>(silo, supervisor, "/api/v1/alerts?status=open")).Data.ShouldBeEmpty();
        using (var asUser = silo.HttpFor(token))
        {
            (await asUser.GetAsync("/api/v1/alerts")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        await Eventually.UntilAsync(() => webhook.Delivered.Count > 0, TimeSpan.FromSeconds(20), "the webhook gets the alert after two failures");
        webhook.Attempts.ShouldBe(3);
        webhook.Delivered.Single().GetProperty("alert_id").GetInt64().ShouldBe(alert.AlertId);
    }

    [Fact]
    public async Task Level_2_sends_crisis_resources_and_an_alert_while_the_model_keeps_answering()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("walt");
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=mental-health", token, "realtime");
        await socket.NextAsync("conversations.started");

        await ConversationTests.SayAsync(socket, "Sometimes I just want to die.");
        var emergency = await socket.NextAsync("conversations.emergency");
        var answer = await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");

        emergency.GetProperty("level").GetInt32().ShouldBe(2);
        emergency.GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
        answer.GetProperty("text").GetString().ShouldNotBe(CrisisResources.Default.SafetyMessage(EmergencyCategory.SelfHarm, "en"));
        var alerts = await GetAsync<AlertsApi.AlertPage>(silo, silo.TokenFor("sup", null, "supervisor"), "/api/v1/alerts");
        alerts.Data.ShouldHaveSingleItem().Level.ShouldBe(2);
    }

    /// <summary>Two turns, each harmless or low alone, that state a plan together (tests/…/Emergency/dialogues.tsv, en-rope).</summary>
    private const string RopeTurn = "I bought a rope";
    private const string NightTurn = "tonight is the night";

    [Fact]
    public async Task A_plan_stated_over_two_user_turns_raises_level_3_with_its_alert()
    {
        EmergencyDetector.Assess(RopeTurn, "en").Level.ShouldBeLessThan(2, "harmless alone");
        EmergencyDetector.Assess(NightTurn, "en").Level.ShouldBeLessThan(2, "harmless alone");
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("rope");
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=mental-health", token, "realtime");
        var id = (await socket.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;

        await ConversationTests.SayAsync(socket, RopeTurn);
        var first = await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");
        socket.Received.ShouldNotContain(e => e.GetProperty("type").GetString() == "conversations.emergency");
        await ConversationTests.SayAsync(socket, NightTurn);
        var emergency = await socket.NextAsync("conversations.emergency");
        var answer = await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant" && e.GetProperty("seq").GetInt64() > first.GetProperty("seq").GetInt64());

        emergency.GetProperty("level").GetInt32().ShouldBe(3);
        emergency.GetProperty("category").GetString().ShouldBe(EmergencyCategory.SuicideIntent.WireName());
        answer.GetProperty("text").GetString().ShouldBe(CrisisResources.Default.SafetyMessage(EmergencyCategory.SuicideIntent, "en"), "the answer to the second turn is the safety message");
        (await GetAsync<ConversationView>(silo, token, $"/api/v1/conversations/{id}")).EmergencyLevel.ShouldBe(3);
        var alert = (await GetAsync<AlertsApi.AlertPage>(silo, silo.TokenFor("sup", null, "supervisor"), "/api/v1/alerts")).Data.ShouldHaveSingleItem();
        alert.ConversationId.ShouldBe(id);
        alert.Level.ShouldBe(3);
        alert.Excerpt.ShouldBe(NightTurn);
    }

    [Fact]
    public async Task A_plan_begun_before_a_failover_is_completed_after_it_from_the_stored_transcript()
    {
        var database = await postgres.CreateDatabaseAsync();
        string id, token;
        long lastSeen;
        await using (var before = await TestSilo.StartAsync(postgres, engine, database: database, name: "silo-before"))
        {
            token = before.TokenFor("rope-moved");
            await using var socket = await RawSocket.ConnectAsync(before.BaseUrl, "model=mental-health", token, "realtime");
            id = (await socket.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;
            await ConversationTests.SayAsync(socket, RopeTurn);
            lastSeen = (await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant")).GetProperty("seq").GetInt64();
            socket.Received.ShouldNotContain(e => e.GetProperty("type").GetString() == "conversations.emergency");
        }

        // A new activation on another silo reads the user's last turns back from the transcript.
        await using var after = await TestSilo.StartAsync(postgres, engine, database: database, name: "silo-after");
        await using var resumed = await RawSocket.ConnectAsync(after.BaseUrl, $"conversation_id={id}&resume_from_seq={lastSeen}", token, "realtime");
        await resumed.NextAsync("conversations.resumed");
        await ConversationTests.SayAsync(resumed, NightTurn);
        var emergency = await resumed.NextAsync("conversations.emergency");
        // The event goes out at once; the entry is announced once it and the alert are durable (one transaction).
        await resumed.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "user" && e.GetProperty("text").GetString() == NightTurn);

        emergency.GetProperty("level").GetInt32().ShouldBe(3);
        (await GetAsync<ConversationView>(after, token, $"/api/v1/conversations/{id}")).EmergencyLevel.ShouldBe(3);
        var alert = (await GetAsync<AlertsApi.AlertPage>(after, after.TokenFor("sup", null, "supervisor"), "/api/v1/alerts")).Data.ShouldHaveSingleItem();
        alert.Level.ShouldBe(3);
        alert.Excerpt.ShouldBe(NightTurn);
    }

    [Fact]
    public async Task A_Korean_idiom_of_exaggeration_is_not_a_crisis()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("yuna");
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        var id = (await socket.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;

        await ConversationTests.SayAsync(socket, "배고파 죽겠다. 점심 뭐 먹을까?");
        await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");

        socket.Received.ShouldNotContain(e => e.GetProperty("type").GetString() == "conversations.emergency");
        (await GetAsync<ConversationView>(silo, token, $"/api/v1/conversations/{id}")).EmergencyLevel.ShouldBe(0);
    }

    [Fact]
    public async Task Ending_writes_a_summary_and_deleting_removes_the_conversation_but_not_the_bill()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine, Settings(
            ("Prices:Models:geriatrics:TextOutputPerMillion", "16"),
            ("Conversations:QuotaTickInterval", "00:00:00.200")));
        var token = silo.TokenFor("xavier");
        using var http = silo.HttpFor(token);
        string id;
        await using (var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=geriatrics", token, "realtime"))
        {
            id = (await socket.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;
            await ConversationTests.SayAsync(socket, "My mother keeps forgetting her medication in the evening.");
            await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");
            await socket.NextAsync("conversations.quota", e => e.GetProperty("used_seconds").GetDecimal() >= 1);
            (await http.PostAsync($"/api/v1/conversations/{id}/end", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var ended = await GetAsync<ConversationView>(silo, token, $"/api/v1/conversations/{id}");
        ended.Summary.ShouldNotBeNull();
        ended.Summary.ShouldContain("medication");
        var put = await http.PutAsJsonAsync($"/api/v1/conversations/{id}/summary", new { summary = "Evening medication reminders for mother." });
        (await TestSilo.ReadAsync<ConversationView>(put)).Summary.ShouldBe("Evening medication reminders for mother.");
        var before = await GetAsync<LimitsView>(silo, token, "/api/v1/conversations/limits/current");

        (await http.DeleteAsync($"/api/v1/conversations/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await http.GetAsync($"/api/v1/conversations/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await http.GetAsync($"/api/v1/conversations/{id}/transcript")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var after = await GetAsync<LimitsView>(silo, token, "/api/v1/conversations/limits/current");
        after.Used.ShouldBe(before.Used);
        before.Used.Seconds.ShouldBeGreaterThan(0);
        before.Used.Dollars.ShouldBeGreaterThan(0m);
    }

    [Fact]
    public async Task Characters_are_listed_without_their_instructions()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        using var http = silo.HttpFor(silo.TokenFor("zoe"));

        var json = await http.GetStringAsync("/api/v1/characters");

        var ids = JsonDocument.Parse(json).RootElement.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        ids.ShouldBe(["internal-medicine", "mental-health", "nutrition", "womens-health", "children", "geriatrics"], ignoreOrder: true);
        json.ShouldNotContain("instructions", Case.Insensitive);
        json.ShouldNotContain(CharacterCatalog.Default.Get("nutrition").Instructions.Role);
    }

    private static async Task<T> GetAsync<T>(TestSilo silo, string token, string path)
    {
        using var http = silo.HttpFor(token);
        var response = await http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await TestSilo.ReadAsync<T>(response);
    }

    private static async Task<(bool Stable, decimal Seconds)> LiveUsedSecondsAsync(TestSilo silo, string token, string id)
    {
        var first = (await GetAsync<ConversationView>(silo, token, $"/api/v1/conversations/{id}")).UsedSeconds;
        await Task.Delay(500);
        var second = (await GetAsync<ConversationView>(silo, token, $"/api/v1/conversations/{id}")).UsedSeconds;
        return (first == second && first > 0, second);
    }
}
