using System.Text.RegularExpressions;
using Conversations.Gateway.Supervision;
using Conversations.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conversations.Browser.Tests;

/// <summary>Issue #16 in Chromium: the voice client and the supervisors' page of a counsellor who steps into a crisis.</summary>
public sealed class SupervisionPageTests(PostgresServerFixture postgres, EngineFixture engine, PlaywrightFixture playwright)
{
    private const float Long = 90_000;
    private const string Crisis = "I am going to kill myself tonight"; // intent and a time: level 3
    private const string Words = "Hello, I am Kim, a counsellor. I am here with you now.";

    [Fact]
    public async Task A_spoken_crisis_notifies_the_supervisors_page_whose_counsellor_joins_takes_over_speaks_to_the_caller_and_hands_back()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        // Said once: the quiet after it outlasts the test, so the caller does not talk over the counsellor.
        await using var chromium = await Chromium.LaunchAsync(playwright, FakeMicrophone.Saying(Crisis, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(90)));
        var dashboard = await DashboardViewTests.OpenDashboardAsync(chromium, silo, "kim");
        var voice = new VoicePage(await chromium.Context.NewPageAsync());
        var caller = new WebSocketFrames(voice.Page);
        await voice.OpenAsync(silo.BaseUrl);
        await voice.SignInAsync("dana");
        await voice.StartAsync("mental-health");
        var id = (await voice.StatsAsync()).GetProperty("conversationId").GetString()!;

        // Level 3, heard from speech: a notice at once, and the conversation on top of the live table.
        var notice = dashboard.Locator($"#notification-list li[data-conversation-id='{id}']");
        await Expect(notice).ToHaveAttributeAsync("data-level", "3", new() { Timeout = Long });
        await Expect(notice).ToContainTextAsync("dana");
        await Expect(dashboard.Locator($"#live-crisis tr[data-conversation-id='{id}']")).ToHaveAttributeAsync("data-emergency-level", "3");
        await chromium.ScreenshotAsync(dashboard, "level-3-notice");

        // Join: the state, the transcript so far, and the caller's side playing on the supervisor's page.
        await notice.GetByRole(AriaRole.Button, new() { Name = "Join" }).ClickAsync();
        var state = dashboard.Locator("#supervision-state");
        await Expect(state).ToHaveAttributeAsync("data-connection", "live");
        await Expect(state).ToHaveAttributeAsync("data-level", "3");
        await Expect(state).ToHaveAttributeAsync("data-led-by", "");
        await Expect(dashboard.Locator("#supervision-supervisors")).ToHaveTextAsync("kim");
        await Expect(dashboard.Locator("#supervision-attached")).ToHaveTextAsync("Connected");
        await Expect(notice).ToHaveCountAsync(0);
        var transcript = dashboard.Locator("#supervision-transcript li");
        await Expect(transcript.Filter(new() { HasText = "kill myself" }).First).ToHaveAttributeAsync("data-role", "user");
        await WaitForSupervisorStatsAsync(dashboard, "s => s.playedSamples.user > 0");

        await dashboard.GetByRole(AriaRole.Button, new() { Name = "Take over" }).ClickAsync();

        await Expect(state).ToHaveAttributeAsync("data-led-by", "kim");
        await Expect(dashboard.Locator("#supervision-led-by")).ToHaveTextAsync("You");
        var human = voice.Page.Locator("#human");
        await Expect(human).ToHaveAttributeAsync("data-taken-over", "true");
        await Expect(human).ToContainTextAsync("A person has joined");

        // Say: the caller hears the words (its player plays the human response) and both transcripts show them.
        await dashboard.GetByLabel("Words to speak in the supervisor voice").FillAsync(Words);
        await dashboard.GetByRole(AriaRole.Button, new() { Name = "Say", Exact = true }).ClickAsync();

        var heard = await caller.ReceivedAsync("response.created", TimeSpan.FromSeconds(30), e => e.GetProperty("response").GetProperty("id").GetString()!.StartsWith("resp_human_", StringComparison.Ordinal));
        heard.Json.GetProperty("response").GetProperty("metadata").GetProperty("conversations_purpose").GetString().ShouldBe("human");
        await voice.WaitForStatsAsync("s => Object.entries(s.heardMsByItem).some(([item, ms]) => item.startsWith('item_human_') && ms >= 1000)", Long);
        await Expect(voice.Page.Locator("#transcript li[data-role=supervisor]").Filter(new() { HasText = Words })).ToContainTextAsync("Counsellor (a person)");
        var said = transcript.Filter(new() { HasText = Words });
        await Expect(said).ToHaveAttributeAsync("data-speaker-id", "kim");
        await Expect(said.Locator(".speaker")).ToHaveTextAsync("Supervisor · kim (you)");
        await WaitForSupervisorStatsAsync(dashboard, "s => s.playedSamples.supervisor >= 24000"); // what the caller heard, a second of it at least
        await chromium.ScreenshotAsync(voice.Page, "a-person-has-joined");

        // The microphone: the counsellor's own voice reaches the caller as another human turn, which stopping it ends.
        var microphone = dashboard.GetByRole(AriaRole.Button, new() { Name = "Microphone" });
        await microphone.ClickAsync();
        await Expect(microphone).ToHaveAttributeAsync("aria-pressed", "true");
        await voice.WaitForStatsAsync("s => Object.entries(s.heardMsByItem).filter(([item, ms]) => item.startsWith('item_human_') && ms > 0).length >= 2", Long);
        await microphone.ClickAsync();
        await Expect(microphone).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(transcript.Filter(new() { HasTextRegex = new Regex(@"spoke for \d") })).ToHaveAttributeAsync("data-speaker-id", "kim");
        await WaitForSupervisorStatsAsync(dashboard, "s => s.framesSent > 0");

        await dashboard.GetByRole(AriaRole.Button, new() { Name = "Hand back" }).ClickAsync();

        await Expect(human).ToHaveAttributeAsync("data-taken-over", "false");
        await Expect(human).ToHaveTextAsync("The human counsellor has left; the AI counsellor continues.");
        await Expect(state).ToHaveAttributeAsync("data-led-by", "");
        await Expect(dashboard.Locator("#supervision-led-by")).ToHaveTextAsync("The AI");
        var before = await voice.Page.Locator("#transcript li[data-role=assistant]").CountAsync();
        await voice.TypeAsync("Thank you. Can we talk a little more?");
        await Expect(voice.Page.Locator("#transcript li[data-role=assistant]")).ToHaveCountAsync(before + 1, new() { Timeout = Long }); // the AI answers again

        // The audit trail on the page is the stored one: every action, by this supervisor, in order.
        var audit = dashboard.Locator("#supervision-audit li");
        await Expect(audit).ToHaveTextAsync(
        [
            new Regex(@"kim joined \(audio: both\)$"),
            new Regex("kim took over$"),
            new Regex($"kim said “{Regex.Escape(Words)}”$"),
            new Regex(@"kim used the microphone \(spoke for \d"),
            new Regex("kim handed back to the AI$"),
        ]);
        (await audit.EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.action)")).ShouldBe(["join", "take_over", "say", "speak", "hand_back"]);
        var supervisor = silo.TokenFor("kim", null, "supervisor");
        var stored = await silo.GetAsync<SupervisionEndpoints.SupervisionView>(supervisor, $"api/v1/conversations/{id}/supervision");
        stored.Audit.Select(a => a.Action).ShouldBe(["join", "take_over", "say", "speak", "hand_back"]);
        stored.Audit.ShouldAllBe(a => a.SupervisorId == "kim");
        stored.LedBy.ShouldBeNull();
        await chromium.ScreenshotAsync(dashboard, "handed-back");

        await dashboard.GetByRole(AriaRole.Button, new() { Name = "Leave" }).ClickAsync();

        await Expect(dashboard.Locator("#supervision")).ToBeHiddenAsync();
        await Eventually.UntilAsync(
            async () => (await silo.GetAsync<SupervisionEndpoints.SupervisionView>(supervisor, $"api/v1/conversations/{id}/supervision")).Audit[^1].Action == "leave",
            TimeSpan.FromSeconds(30),
            "the leave is audited");
        chromium.ShouldHaveNoPageErrors();
    }

    /// <summary>Waits until a condition on <c>window.supervision.stats()</c> holds.</summary>
    private static Task WaitForSupervisorStatsAsync(IPage dashboard, string condition) =>
        dashboard.WaitForFunctionAsync($"() => ({condition})(window.supervision.stats())", null, new() { Timeout = Long, PollingInterval = 100 });
}
