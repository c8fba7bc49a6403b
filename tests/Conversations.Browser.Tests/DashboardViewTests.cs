using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Conversations.Gateway.Api;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using static Microsoft.Playwright.Assertions;

namespace Conversations.Browser.Tests;

/// <summary>
/// What the dashboard told a new user that was not so (issue #13): conversations whose client left long ago shown as
/// live, one endless page, a latency chart that missed turns, "No usage yet" after hundreds of free answers.
/// </summary>
public sealed class DashboardViewTests(PostgresServerFixture postgres, EngineFixture engine, PlaywrightFixture playwright)
{
    private const float Long = 120_000;

    [Fact]
    public async Task Attached_and_detached_conversations_are_shown_apart_with_the_time_since_the_client_left()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        await using var chromium = await Chromium.LaunchAsync(playwright, FakeMicrophone.Silence());
        var dashboard = await OpenDashboardAsync(chromium, silo, "dashboard");
        var voice = new VoicePage(await chromium.Context.NewPageAsync());
        await voice.OpenAsync(silo.BaseUrl);
        await voice.SignInAsync("uma");
        await voice.StartAsync("nutrition");
        var attachedId = (await voice.StatsAsync()).GetProperty("conversationId").GetString()!;
        await using var leaving = await RawSocket.ConnectAsync(silo.BaseUrl, "model=geriatrics", silo.TokenFor("vic"), "realtime");
        var detachedId = (await leaving.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;
        await Expect(dashboard.Locator($"#live-attached tr[data-conversation-id='{detachedId}']")).ToBeVisibleAsync();

        await leaving.CloseAsync();

        var attached = dashboard.Locator($"#live-attached tr[data-conversation-id='{attachedId}']");
        var detached = dashboard.Locator($"#live-detached tr[data-conversation-id='{detachedId}']");
        await Expect(detached).ToBeVisibleAsync();
        await Expect(dashboard.Locator($"#live-attached tr[data-conversation-id='{detachedId}']")).ToHaveCountAsync(0);
        await Expect(attached.Locator("[data-column=client]")).ToHaveTextAsync("attached");
        await Expect(detached.Locator("[data-column=status]")).ToHaveTextAsync("detached");
        await Expect(detached.Locator("[data-column=user]")).ToHaveTextAsync("vic");

        // The time since the client left is the server's detached_at, and it keeps counting.
        var supervisor = silo.TokenFor("dashboard", null, "supervisor");
        var stored = (await silo.GetAsync<DashboardApi.LivePage>(supervisor, "api/v1/dashboard/conversations")).Data.Single(c => c.ConversationId == detachedId);
        stored.Attached.ShouldBeFalse();
        var client = detached.Locator("[data-column=client]");
        await Expect(client).ToHaveTextAsync(new Regex(@"^left \d+ s ago$"));
        string? shownAt = null;
        await Eventually.UntilAsync(
            async () => (shownAt = await client.GetAttributeAsync("data-detached-at")) is { } at && DateTimeOffset.Parse(at, CultureInfo.InvariantCulture) == stored.DetachedAt,
            TimeSpan.FromSeconds(10),
            $"the page shows the stored detached_at {stored.DetachedAt:O} (shows {shownAt})");
        var first = SecondsAgo(await client.TextContentAsync());
        await Expect(client).Not.ToHaveTextAsync($"left {first} s ago", new() { Timeout = 5_000 });
        SecondsAgo(await client.TextContentAsync()).ShouldBeGreaterThan(first);
        await Expect(dashboard.Locator("#live-attached-count")).ToHaveTextAsync("(1)");
        await Expect(dashboard.Locator("#live-detached-count")).ToHaveTextAsync("(1)");
        await chromium.ScreenshotAsync(dashboard, "attached-and-detached");

        // Coming back moves it up again.
        await using var back = await RawSocket.ConnectAsync(silo.BaseUrl, $"conversation_id={detachedId}", silo.TokenFor("vic"), "realtime");
        await back.NextAsync("conversations.resumed");
        await Expect(dashboard.Locator($"#live-attached tr[data-conversation-id='{detachedId}']")).ToBeVisibleAsync();
        await Expect(dashboard.Locator("#live-detached tr[data-conversation-id]")).ToHaveCountAsync(0);
        chromium.ShouldHaveNoPageErrors();
    }

    [Fact]
    public async Task Live_conversations_and_alerts_are_shown_a_page_at_a_time()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var sockets = new List<RawSocket>();
        var ids = new List<string>();
        try
        {
            // Five conversations (two with crisis sentences, so two alerts), three of whose clients leave.
            for (var i = 0; i < 5; i++)
            {
                var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=mental-health", silo.TokenFor($"pager-{i}"), "realtime");
                sockets.Add(socket);
                ids.Add((await socket.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!);
                if (i < 3)
                {
                    await SayAsync(socket, "I want to kill myself tonight, I have the pills ready");
                    await socket.NextAsync("conversations.emergency", timeout: TimeSpan.FromSeconds(60));
                }
            }

            foreach (var socket in sockets.Take(3))
            {
                await socket.CloseAsync();
            }

            var supervisor = silo.TokenFor("pat", null, "supervisor");
            await Eventually.UntilAsync(
                async () => (await silo.GetAsync<DashboardApi.LivePage>(supervisor, "api/v1/dashboard/conversations")).Detached == 3,
                TimeSpan.FromSeconds(30),
                "three clients have left");
            var alerts = await silo.GetAsync<AlertsApi.AlertPage>(supervisor, "api/v1/alerts");
            alerts.Total.ShouldBeGreaterThanOrEqualTo(3);

            await using var chromium = await Chromium.LaunchAsync(playwright, FakeMicrophone.Silence());
            var dashboard = await OpenDashboardAsync(chromium, silo, "pat", "dashboard?page_size=2");

            var shown = await EveryPageAsync(dashboard, "#live-pager", "#live tr[data-conversation-id]", "data-conversation-id", 2);
            shown.ShouldBe(ids, ignoreOrder: true);
            await Expect(dashboard.Locator("#live-pager [data-page-label]")).ToHaveTextAsync("Page 3 of 3 · 5 in all");
            await chromium.ScreenshotAsync(dashboard, "last-live-page");

            var shownAlerts = await EveryPageAsync(dashboard, "#alerts-pager", "#alerts li", "data-alert-id", 2);
            shownAlerts.ShouldBe(alerts.Data.Select(a => a.AlertId.ToString(CultureInfo.InvariantCulture)));
            await chromium.ScreenshotAsync(dashboard, "last-alerts-page");

            // A page stays the size of a page: no 15,000-pixel dashboard.
            var height = await dashboard.EvaluateAsync<int>("() => document.documentElement.scrollHeight");
            height.ShouldBeLessThan(2500);
            chromium.ShouldHaveNoPageErrors();
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
    public async Task The_time_to_first_audio_panel_counts_every_spoken_turn_including_those_before_it_was_opened()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var microphone = FakeMicrophone.Saying("hello how are you today", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(7));
        await using var chromium = await Chromium.LaunchAsync(playwright, microphone);
        var voice = new VoicePage(await chromium.PageAsync());
        await voice.OpenAsync(silo.BaseUrl);
        await voice.SignInAsync("wes");
        await voice.StartAsync("mental-health");
        var conversationId = (await voice.StatsAsync()).GetProperty("conversationId").GetString()!;
        var answers = voice.Page.Locator("#transcript li[data-role=assistant]");
        await Expect(answers).ToHaveCountAsync(2, new() { Timeout = Long });

        // Opened after two spoken turns; more come while it is open.
        var dashboard = await OpenDashboardAsync(chromium, silo, "xena", page: await chromium.Context.NewPageAsync());
        await Expect(answers).ToHaveCountAsync(3, new() { Timeout = Long });

        // Every answered spoken turn is one sample: the grain publishes one per answer (once its response is done), and
        // the dashboard shows every one published, before it opened or after. The microphone goes on, so compare live counts.
        var token = silo.TokenFor("wes");
        var (spokenTurns, published) = (0, new List<double>());
        await Eventually.UntilAsync(
            async () =>
            {
                spokenTurns = (await silo.GetAsync<TranscriptPage>(token, $"api/v1/conversations/{conversationId}/transcript")).Data.Count(e => e.Role == "assistant");
                published = await LatencySamplesAsync(silo, conversationId);
                return spokenTurns >= 3 && published.Count == spokenTurns;
            },
            TimeSpan.FromSeconds(30),
            $"one time-to-first-audio sample per answered spoken turn (answers {spokenTurns}, samples {published.Count})");
        TestContext.Current.TestOutputHelper?.WriteLine($"answers: {spokenTurns}; time to first audio published (ms): {string.Join(", ", published)}");
        await DashboardShowsEverySampleAsync(dashboard, silo, conversationId);
        await chromium.ScreenshotAsync(dashboard, "ttfa");

        // A dashboard opened now shows the same, from the history and the feed after it.
        await dashboard.ReloadAsync();
        await Expect(dashboard.Locator("#feed-state")).ToHaveAttributeAsync("data-state", "live");
        await DashboardShowsEverySampleAsync(dashboard, silo, conversationId);
        chromium.ShouldHaveNoPageErrors();
    }

    private static async Task DashboardShowsEverySampleAsync(IPage dashboard, TestSilo silo, string conversationId)
    {
        var (shown, published) = ("", 0);
        await Eventually.UntilAsync(
            async () =>
            {
                shown = await dashboard.Locator("#ttfa").GetAttributeAsync("data-samples") ?? "";
                published = (await LatencySamplesAsync(silo, conversationId)).Count;
                return shown == published.ToString(CultureInfo.InvariantCulture);
            },
            TimeSpan.FromSeconds(30),
            $"the dashboard shows every published sample (shows {shown}, published {published})");
    }

    [Fact]
    public async Task With_usage_recorded_at_zero_dollars_the_cost_panel_says_offline_models_cost_nothing()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        await using var chromium = await Chromium.LaunchAsync(playwright, FakeMicrophone.Silence());
        var dashboard = await OpenDashboardAsync(chromium, silo, "yann");
        var empty = dashboard.Locator("#cost-empty");
        await Expect(empty).ToHaveTextAsync("No usage yet.");

        var voice = new VoicePage(await chromium.Context.NewPageAsync());
        await voice.OpenAsync(silo.BaseUrl);
        await voice.SignInAsync("zoe");
        await voice.StartAsync("nutrition");
        await voice.TypeAsync("Is an apple a day enough fruit?");
        await Expect(voice.Transcript).ToHaveCountAsync(2, new() { Timeout = Long });
        var conversationId = (await voice.StatsAsync()).GetProperty("conversationId").GetString()!;

        // The offline engine's answer is recorded, at $0.
        DashboardApi.DashboardHistory? history = null;
        await Eventually.UntilAsync(
            async () => (history = await silo.GetAsync<DashboardApi.DashboardHistory>(silo.TokenFor("yann", null, "supervisor"), "api/v1/dashboard/history")).CostPerHour.Sum(h => h.Responses) > 0,
            TimeSpan.FromSeconds(30),
            "the answer's usage is recorded (after its transcript line)");
        var responses = history!.CostPerHour.Sum(h => h.Responses);
        history.CostPerHour.Sum(h => h.Dollars).ShouldBe(0m);
        (await silo.GetAsync<ConversationView>(silo.TokenFor("zoe"), $"api/v1/conversations/{conversationId}")).CostUsd.ShouldBe(0m);
        await Expect(empty).ToContainTextAsync("all at $0: offline models (the local realtime engine) cost nothing.");
        await Expect(empty).ToHaveAttributeAsync("data-responses", responses.ToString(CultureInfo.InvariantCulture));
        await chromium.ScreenshotAsync(dashboard, "zero-cost");

        await dashboard.ReloadAsync();
        await Expect(dashboard.Locator("#cost-empty")).ToHaveTextAsync(
            $"{responses} {(responses == 1 ? "response" : "responses")} in the last 12 hours, all at $0: offline models (the local realtime engine) cost nothing.");
        chromium.ShouldHaveNoPageErrors();
    }

    internal static async Task<IPage> OpenDashboardAsync(Chromium chromium, TestSilo silo, string supervisor, string path = "dashboard", IPage? page = null)
    {
        page ??= await chromium.PageAsync();
        await page.GotoAsync(new Uri(silo.BaseUrl, path).ToString());
        await page.GetByLabel("User").FillAsync(supervisor);
        await page.GetByRole(AriaRole.Button, new() { Name = "Get a development token" }).ClickAsync();
        await Expect(page.Locator("[data-signed-in-as]")).ToContainTextAsync("supervisor");
        await Expect(page.Locator("#feed-state")).ToHaveAttributeAsync("data-state", "live");
        return page;
    }

    /// <summary>Walks a panel's pages with its Next button; returns the ids shown, page after page.</summary>
    private static async Task<List<string>> EveryPageAsync(IPage page, string pager, string rows, string idAttribute, int pageSize)
    {
        var ids = new List<string>();
        var nav = page.Locator(pager);
        await Expect(nav).ToBeVisibleAsync();
        var pages = int.Parse((await nav.GetAttributeAsync("data-pages"))!, CultureInfo.InvariantCulture);
        for (var n = 1; n <= pages; n++)
        {
            await Expect(nav).ToHaveAttributeAsync("data-page", n.ToString(CultureInfo.InvariantCulture));
            var onPage = await page.Locator(rows).EvaluateAllAsync<string[]>($"rows => rows.map(r => r.getAttribute('{idAttribute}'))");
            onPage.Length.ShouldBeInRange(1, pageSize);
            ids.AddRange(onPage);
            if (n < pages)
            {
                await nav.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
            }
        }

        await Expect(nav.GetByRole(AriaRole.Button, new() { Name = "Next page" })).ToBeDisabledAsync();
        return ids;
    }

    private static async Task SayAsync(RawSocket socket, string text)
    {
        await socket.SendJsonAsync(new
        {
            type = "conversation.item.create",
            item = new { type = "message", role = "user", content = new[] { new { type = "input_text", text } } },
        });
        await socket.SendJsonAsync(new { type = "response.create" });
    }

    private static int SecondsAgo(string? text) =>
        int.Parse(Regex.Match(text ?? "", @"left (\d+) s ago").Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>The time-to-first-audio values the conversation's grain published on the feed.</summary>
    private static async Task<List<double>> LatencySamplesAsync(TestSilo silo, string conversationId)
    {
        await using var command = silo.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT payload FROM feed_events WHERE stream = $1 AND kind = 'latency' ORDER BY tx, id");
        command.Parameters.AddWithValue(conversationId);
        var samples = new List<double>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            using var payload = JsonDocument.Parse(reader.GetString(0));
            if (payload.RootElement.TryGetProperty("time_to_first_audio_ms", out var ttfa))
            {
                samples.Add(ttfa.GetDouble());
            }
        }

        return samples;
    }
}
