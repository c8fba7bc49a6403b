using System.Text.RegularExpressions;
using Conversations.Domain.Tiers;
using Conversations.Gateway.Api;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Conversations.Browser.Tests;

/// <summary>The voice client page in Chromium, with a fake microphone, through the real silo, engine and PostgreSQL.</summary>
public sealed class VoiceClientTests(PostgresServerFixture postgres, EngineFixture engine, PlaywrightFixture playwright)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Spoken_words_appear_in_the_transcript_the_answer_is_heard_and_the_time_left_is_shown()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var microphone = FakeMicrophone.Saying("hello how are you today", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(9));
        await using var chromium = await Chromium.LaunchAsync(playwright, microphone);
        var voice = new VoicePage(await chromium.PageAsync());
        await voice.OpenAsync(silo.BaseUrl);
        await voice.SignInAsync("alice");
        await chromium.ScreenshotAsync(voice.Page, "signed-in");

        await voice.StartAsync("mental-health");

        // The microphone repeats the sentence; any hearing of it counts (PocketSphinx may garble one).
        var said = voice.Page.Locator("#transcript li[data-role=user] .text").Filter(new() { HasText = "how are you today" }).First;
        await Expect(said).ToBeVisibleAsync(new() { Timeout = (float)Long.TotalMilliseconds });
        var answer = voice.Page.Locator("#transcript li[data-role=assistant] .text").First;
        await Expect(answer).ToHaveTextAsync(new Regex(@"\w+"), new() { Timeout = (float)Long.TotalMilliseconds });
        // Half a second of the answer went through the player's jitter buffer to the audio output.
        await voice.WaitForStatsAsync("s => s.playedSamples >= 12000", (float)Long.TotalMilliseconds);
        await chromium.ScreenshotAsync(voice.Page, "answered");

        var stats = await voice.StatsAsync();
        stats.GetProperty("binaryAudio").GetBoolean().ShouldBeTrue("the server chose the conversations.pcm16 subprotocol");
        stats.GetProperty("framesSent").GetInt32().ShouldBeGreaterThan(50, "the microphone streamed 20 ms frames");
        stats.GetProperty("receivedSamples").GetInt64().ShouldBeGreaterThanOrEqualTo(stats.GetProperty("playedSamples").GetInt64());

        var maxSeconds = silo.Services.GetRequiredService<TierCatalog>().Resolve("free").MaxSecondsPerConversation;
        await Expect(voice.Remaining).ToHaveTextAsync(new Regex(@"^\d+:\d\d left$"));
        var left = int.Parse((await voice.Remaining.GetAttributeAsync("data-seconds"))!, System.Globalization.CultureInfo.InvariantCulture);
        left.ShouldBeInRange(maxSeconds - 180, maxSeconds - 1, "the clock started with the conversation and is running");

        // What the page shows is what the server stored, line for line.
        var conversationId = stats.GetProperty("conversationId").GetString()!;
        var token = silo.TokenFor("alice");
        var shown = await voice.TranscriptLinesAsync();
        var stored = await silo.GetAsync<TranscriptPage>(token, $"api/v1/conversations/{conversationId}/transcript");
        shown.Select(l => (l.Seq, l.Role, l.Text)).ShouldBe(stored.Data.Take(shown.Count).Select(e => (e.Seq, e.Role, e.Text)));
    }
}
