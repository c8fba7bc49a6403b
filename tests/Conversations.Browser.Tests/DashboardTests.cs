using Microsoft.AspNetCore.Hosting;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Conversations.Gateway.Api;
using Conversations.Grains.Hosting;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conversations.Browser.Tests;

/// <summary>The supervisor's dashboard next to a user's voice client, in two tabs of one Chromium.</summary>
public sealed class DashboardTests(PostgresServerFixture postgres, EngineFixture engine, PlaywrightFixture playwright)
{
    private const float Long = 90_000;

    [Fact]
    public async Task A_conversation_shows_live_on_the_dashboard_with_its_cost_and_latency_and_leaves_when_it_ends()
    {
        // The offline engine's models have no price by default; give its answers one.
        await using var silo = await TestSilo.StartAsync(postgres, engine, web =>
        {
            web.UseSetting("Prices:Models:mental-health:TextOutputPerMillion", "16");
            web.UseSetting("Prices:Models:mental-health:AudioOutputPerMillion", "64");
        });
        var microphone = FakeMicrophone.Saying("hello how are you today", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(9));
        await using var chromium = await Chromium.LaunchAsync(playwright, microphone);
        var dashboard = await OpenDashboardAsync(chromium, silo, "sam");
        var voice = new VoicePage(await chromium.Context.NewPageAsync());
        await voice.OpenAsync(silo.BaseUrl);
        await voice.SignInAsync("alice");
        await voice.StartAsync("mental-health");
        var conversationId = (await voice.StatsAsync()).GetProperty("conversationId").GetString()!;

        var row = dashboard.Locator($"#live tr[data-conversation-id='{conversationId}']");
        await Expect(row.Locator("[data-column=character]")).ToHaveTextAsync("mental-health");
        await Expect(row.Locator("[data-column=user]")).ToHaveTextAsync("alice");
        await Expect(row.Locator("[data-column=status]")).ToHaveTextAsync("active");

        // A spoken turn: the answer's usage is priced, and the turn's latency lands in both histograms.
        await Expect(voice.Page.Locator("#transcript li[data-role=assistant]").First).ToBeVisibleAsync(new() { Timeout = Long });
        await Expect(dashboard.Locator("#ttfa")).ToHaveAttributeAsync("data-samples", new Regex("^[1-9]"), new() { Timeout = Long });
        await Expect(dashboard.Locator("#relay")).ToHaveAttributeAsync("data-samples", new Regex("^[1-9]"), new() { Timeout = Long });
        var supervisor = silo.TokenFor("sam", null, "supervisor");
        var live = await silo.GetAsync<DashboardApi.LivePage>(supervisor, "api/v1/dashboard/conversations");
        var stored = live.Data.Single(c => c.ConversationId == conversationId);
        stored.CostUsd.ShouldBeGreaterThan(0m, "the engine's answer carries usage, which is priced");
        await Expect(row.Locator("[data-column=node]")).ToHaveTextAsync(stored.NodeId);
        await EventuallyShowsCostAsync(row, silo, supervisor, conversationId);
        await Expect(dashboard.Locator("#cost-per-hour .row")).ToHaveCountAsync(12);
        await chromium.ScreenshotAsync(dashboard, "live");

        await voice.Page.GetByRole(AriaRole.Button, new() { Name = "End conversation" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(dashboard.Locator("#live-empty")).ToBeVisibleAsync();
        await chromium.ScreenshotAsync(dashboard, "ended");
        chromium.ShouldHaveNoPageErrors();
    }

    [Fact]
    public async Task An_emergency_sentence_shows_the_crisis_banner_and_an_alert_that_a_supervisor_acknowledges()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        await using var chromium = await Chromium.LaunchAsync(playwright, FakeMicrophone.Silence());
        var dashboard = await OpenDashboardAsync(chromium, silo, "sam");
        var page = await chromium.Context.NewPageAsync();
        var frames = new WebSocketFrames(page);
        var voice = new VoicePage(page);
        await voice.OpenAsync(silo.BaseUrl);
        await voice.SignInAsync("bob");
        await voice.StartAsync("mental-health");
        var conversationId = (await voice.StatsAsync()).GetProperty("conversationId").GetString()!;
        await Expect(dashboard.Locator($"#live tr[data-conversation-id='{conversationId}']")).ToBeVisibleAsync();

        await voice.TypeAsync("I want to kill myself tonight, I have the pills ready");

        // The client: a banner with every resource the server sent, phone numbers dialable.
        await Expect(voice.Emergency).ToBeVisibleAsync(new() { Timeout = Long });
        var sent = (await frames.ReceivedAsync("conversations.emergency", TimeSpan.FromSeconds(10))).Json;
        await Expect(voice.Emergency).ToHaveAttributeAsync("data-level", sent.GetProperty("level").GetInt32().ToString(CultureInfo.InvariantCulture));
        sent.GetProperty("level").GetInt32().ShouldBe(3);
        await Expect(voice.Page.Locator("#emergency-message")).ToHaveTextAsync(sent.GetProperty("message").GetString()!);
        var resources = sent.GetProperty("resources").EnumerateArray().ToList();
        resources.ShouldNotBeEmpty();
        await Expect(voice.Page.Locator("#emergency-resources li")).ToHaveCountAsync(resources.Count);
        foreach (var resource in resources)
        {
            var item = voice.Page.Locator("#emergency-resources li").Filter(new() { HasText = resource.GetProperty("name").GetString()! });
            await Expect(item.Locator($"a[href='tel:{Regex.Replace(resource.GetProperty("phone").GetString()!, @"[^\d+]", "")}']")).ToBeVisibleAsync();
        }

        await chromium.ScreenshotAsync(voice.Page, "banner");

        // The dashboard: the conversation flagged, an open alert with what was said.
        var row = dashboard.Locator($"#live tr[data-conversation-id='{conversationId}']");
        await Expect(row).ToHaveAttributeAsync("data-emergency-level", "3");
        var alert = dashboard.Locator("#alerts li").Filter(new() { HasText = "kill myself" });
        await Expect(alert).ToHaveAttributeAsync("data-status", "open");
        await Expect(alert).ToContainTextAsync("bob");
        var supervisor = silo.TokenFor("sam", null, "supervisor");
        var open = await silo.GetAsync<AlertsApi.AlertPage>(supervisor, "api/v1/alerts?status=open");
        var stored = open.Data.Single(a => a.ConversationId == conversationId && a.Level == 3);
        await Expect(alert).ToHaveAttributeAsync("data-alert-id", stored.AlertId.ToString(CultureInfo.InvariantCulture));
        await chromium.ScreenshotAsync(dashboard, "alert");

        await alert.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();

        await Expect(alert).ToHaveAttributeAsync("data-status", "acknowledged");
        await Expect(alert).ToContainTextAsync("Acknowledged by");
        var acknowledged = await silo.GetAsync<AlertsApi.AlertPage>(supervisor, "api/v1/alerts?status=acknowledged");
        acknowledged.Data.Single(a => a.AlertId == stored.AlertId).AcknowledgedBy.ShouldBe("sam");
        (await silo.GetAsync<AlertsApi.AlertPage>(supervisor, "api/v1/alerts?status=open")).Data.ShouldNotContain(a => a.AlertId == stored.AlertId);
        await chromium.ScreenshotAsync(dashboard, "acknowledged");
        chromium.ShouldHaveNoPageErrors();
    }

    [Fact]
    public async Task A_spoken_emergency_on_one_silo_shows_the_banner_and_an_alert_on_a_dashboard_served_by_another()
    {
        var cluster = await TestSilo.StartClusterAsync(postgres, engine, 2);
        await using var first = cluster[0];
        await using var second = cluster[1];
        var microphone = FakeMicrophone.Saying("I want to kill myself", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));
        await using var chromium = await Chromium.LaunchAsync(playwright, microphone);
        var dashboard = await OpenDashboardAsync(chromium, first, "sam");
        var voice = new VoicePage(await chromium.Context.NewPageAsync());
        await voice.OpenAsync(second.BaseUrl);
        await voice.SignInAsync("carol");
        await voice.StartAsync("geriatrics");
        var conversationId = (await voice.StatsAsync()).GetProperty("conversationId").GetString()!;

        // The conversation lives on the second silo; the first silo's dashboard sees it through the cluster feed.
        var row = dashboard.Locator($"#live tr[data-conversation-id='{conversationId}']");
        await Expect(row.Locator("[data-column=user]")).ToHaveTextAsync("carol");
        var secondNode = second.Services.GetRequiredService<SiloIdentity>().Id;
        secondNode.ShouldNotBe(first.Services.GetRequiredService<SiloIdentity>().Id);
        await Expect(row.Locator("[data-column=node]")).ToHaveTextAsync(secondNode);

        await Expect(voice.Page.Locator("#transcript li[data-role=user]").Filter(new() { HasText = "kill myself" }).First).ToBeVisibleAsync(new() { Timeout = Long });
        await Expect(voice.Emergency).ToBeVisibleAsync();
        await Expect(voice.Page.Locator("#emergency-resources a[href^='tel:']").First).ToBeVisibleAsync();
        var alert = dashboard.Locator("#alerts li").Filter(new() { HasText = "kill myself" });
        await Expect(alert).ToHaveAttributeAsync("data-status", "open");
        await Expect(row).ToHaveAttributeAsync("data-emergency-level", new Regex("^[23]$"));
        await chromium.ScreenshotAsync(voice.Page, "spoken-banner");
        await chromium.ScreenshotAsync(dashboard, "alert-from-other-silo");

        await voice.Page.GetByRole(AriaRole.Button, new() { Name = "End conversation" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        chromium.ShouldHaveNoPageErrors();
    }

    private static async Task<IPage> OpenDashboardAsync(Chromium chromium, TestSilo silo, string supervisor)
    {
        var page = await chromium.PageAsync();
        await page.GotoAsync(new Uri(silo.BaseUrl, "dashboard").ToString());
        await page.GetByLabel("User").FillAsync(supervisor);
        await page.GetByRole(AriaRole.Button, new() { Name = "Get a development token" }).ClickAsync();
        await Expect(page.Locator("[data-signed-in-as]")).ToContainTextAsync("supervisor");
        await Expect(page.Locator("#feed-state")).ToHaveAttributeAsync("data-state", "live");
        return page;
    }

    // The cost moves with every quota tick and answer; the page must catch up with the server's figure.
    private static async Task EventuallyShowsCostAsync(ILocator row, TestSilo silo, string supervisor, string conversationId)
    {
        var cell = row.Locator("[data-column=cost]");
        string? shown = null;
        string? expected = null;
        await Eventually.UntilAsync(
            async () =>
            {
                var live = await silo.GetAsync<DashboardApi.LivePage>(supervisor, "api/v1/dashboard/conversations");
                expected = "$" + live.Data.Single(c => c.ConversationId == conversationId).CostUsd.ToString("0.0000", CultureInfo.InvariantCulture);
                shown = await cell.TextContentAsync();
                return shown == expected;
            },
            TimeSpan.FromSeconds(30),
            $"the dashboard shows the stored cost (shown {shown}, stored {expected})");
    }
}
