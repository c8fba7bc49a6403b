using Microsoft.Playwright;
using OpenAI.Realtime;
using static Microsoft.Playwright.Assertions;

namespace Conversations.AppHost.Tests;

/// <summary>The Aspire dashboard of a running AppHost shows the product: its resources running, a conversation's trace, its metrics.</summary>
[Collection(nameof(OneSiloSystem))]
public sealed class DashboardTests(OneSiloSystem running)
{
    [Fact]
    public async Task The_dashboard_shows_the_resources_running_a_conversation_trace_and_the_conversation_metrics()
    {
        var system = running.System;
        var token = await system.TokenAsync("dana");
        await using (var session = await RealtimeRecorder.StartAsync(system.Ports.Silo(0), token, "nutrition"))
        {
            await session.NextEventAsync("conversations.started");
            await session.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("What should I eat for breakfast?"), TestContext.Current.CancellationToken);
            await session.Session.StartResponseAsync(TestContext.Current.CancellationToken);
            await session.NextEventAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");
        }

        await system.WaitForDashboardAsync();
        await using var browser = await DashboardBrowser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync($"{system.DashboardUrl}/login?t={system.DashboardToken}");

        // Resources: PostgreSQL, the engine and the silo, each running and healthy.
        await page.GotoAsync($"{system.DashboardUrl}/");
        foreach (var resource in new[] { "postgres", "engine", "silo-0" })
        {
            await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = resource }).First).ToContainTextAsync("Running");
        }

        await browser.ScreenshotAsync("resources");

        // A conversation's trace: the silo's spans of the conversation grain.
        await page.GotoAsync($"{system.DashboardUrl}/traces");
        await page.Locator("fluent-text-input[name=traces-search]").ClickAsync();
        await page.Keyboard.TypeAsync("realtime");
        // The silo's socket requests (the engine serves its own GET /v1/realtime, without conversation spans).
        var trace = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "silo-0: GET /v1/realtime" }).First;
        await Expect(trace).ToBeVisibleAsync();
        await browser.ScreenshotAsync("traces");
        await trace.GetByText("GET /v1/realtime").First.ClickAsync();
        await Expect(page.GetByText("conversation.attach").First).ToBeVisibleAsync();
        await browser.ScreenshotAsync("conversation-trace");

        // Metrics: the conversation meter of the silo.
        await page.GotoAsync($"{system.DashboardUrl}/metrics/resource/silo-0?meter=Conversations.Grains&instrument=conversations.active");
        await Expect(page.GetByText("conversations.active").First).ToBeVisibleAsync();
        await browser.ScreenshotAsync("conversation-metrics");
    }
}
