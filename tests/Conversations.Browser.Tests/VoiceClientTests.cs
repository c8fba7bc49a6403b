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
        chromium.ShouldHaveNoPageErrors();
    }

    [Fact]
    public async Task After_a_dropped_socket_the_page_reconnects_resumes_after_its_last_seq_and_shows_each_line_once()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        await using var chromium = await Chromium.LaunchAsync(playwright, FakeMicrophone.Silence());
        var voice = new VoicePage(await chromium.PageAsync());
        await voice.OpenAsync(silo.BaseUrl);
        await voice.SignInAsync("carol");
        await voice.StartAsync("womens-health");
        await voice.TypeAsync("I have been sleeping badly this month.");
        await Expect(voice.Transcript).ToHaveCountAsync(2, new() { Timeout = (float)Long.TotalMilliseconds });

        // The next question leaves, then the network drops before anything comes back: the page never sees
        // entries 3 and 4 on this socket (a closing WebSocket delivers no more messages).
        await voice.Page.EvaluateAsync("() => { window.voiceClient.say('What can I do about it?'); window.voiceClient.drop(4000); }");

        await Expect(voice.State).ToHaveTextAsync("Live (resumed)", new() { Timeout = (float)Long.TotalMilliseconds });
        await Expect(voice.Transcript).ToHaveCountAsync(4, new() { Timeout = (float)Long.TotalMilliseconds });
        await voice.TypeAsync("Thank you.");
        await Expect(voice.Transcript).ToHaveCountAsync(6, new() { Timeout = (float)Long.TotalMilliseconds });
        await chromium.ScreenshotAsync(voice.Page, "resumed");

        var stats = await voice.StatsAsync();
        var conversationId = stats.GetProperty("conversationId").GetString()!;
        var connections = stats.GetProperty("connections").EnumerateArray().ToList();
        connections.Count.ShouldBe(2, "one drop, one reconnect");
        connections[0].GetProperty("dropped").GetBoolean().ShouldBeTrue();
        connections[1].GetProperty("url").GetString().ShouldBe($"/v1/realtime?conversation_id={conversationId}&resume_from_seq=2");

        var shown = await voice.TranscriptLinesAsync();
        shown.Select(l => l.Seq).ShouldBe([1L, 2, 3, 4, 5, 6], "every line once, in order");
        var stored = await silo.GetAsync<TranscriptPage>(silo.TokenFor("carol"), $"api/v1/conversations/{conversationId}/transcript");
        shown.ShouldBe(stored.Data.Select(e => (e.Seq, e.Role, e.Text)).ToList());
        shown[2].Text.ShouldBe("What can I do about it?");
        chromium.ShouldHaveNoPageErrors();
    }

    [Fact]
    public async Task Speaking_over_the_answer_stops_it_at_once_and_truncates_the_item_to_what_was_heard()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        // Short pauses: the next "hello how are you today" starts while the answer to the last one is playing.
        var microphone = FakeMicrophone.Saying("hello how are you today", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2.5));
        await using var chromium = await Chromium.LaunchAsync(playwright, microphone);
        var page = await chromium.PageAsync();
        var frames = new WebSocketFrames(page);
        var voice = new VoicePage(page);
        await voice.OpenAsync(silo.BaseUrl);
        await voice.SignInAsync("dave");
        await voice.StartAsync("mental-health");

        // On a slow machine an answer may be interrupted before any of it played; the first one heard in part counts.
        await voice.WaitForStatsAsync("s => s.truncations.some(t => t.audio_end_ms > 0)", (float)Long.TotalMilliseconds);
        await chromium.ScreenshotAsync(page, "interrupted");

        var truncation = (await voice.StatsAsync()).GetProperty("truncations").EnumerateArray().First(t => t.GetProperty("audio_end_ms").GetInt64() > 0);
        var itemId = truncation.GetProperty("item_id").GetString()!;
        var heardMs = truncation.GetProperty("audio_end_ms").GetInt64();
        var receivedMs = truncation.GetProperty("received_ms").GetInt64();
        heardMs.ShouldBeGreaterThan(0, "some of the answer was heard before the user spoke");
        heardMs.ShouldBeLessThan(receivedMs, "the rest of the received answer was thrown away, not played");

        // On the wire: the truncate names the answer's item and the milliseconds heard, right after speech started.
        var sent = await frames.SentAsync("conversation.item.truncate", TimeSpan.FromSeconds(10), f => f.GetProperty("item_id").GetString() == itemId);
        sent.Json.GetProperty("content_index").GetInt32().ShouldBe(0);
        sent.Json.GetProperty("audio_end_ms").GetInt64().ShouldBe(heardMs);
        frames.Received.ShouldContain(f => f.Type == "response.output_item.added" && f.Json.GetProperty("item").GetProperty("id").GetString() == itemId);
        var speechStarted = frames.Received.Last(f => f.Type == "input_audio_buffer.speech_started" && f.At <= sent.At);
        // "At once", with room for a busy machine.
        (sent.At - speechStarted.At).ShouldBeLessThan(TimeSpan.FromSeconds(2), "the page reacts to speech_started at once");
        frames.Received.ShouldNotContain(f => f.Type == "error" && f.At >= sent.At, "the server accepted the truncate");

        // Playback really stopped there: once a later answer has played, not one more sample of this one was heard.
        await voice.WaitForStatsAsync($"s => s.heardItemId !== null && s.heardItemId !== '{itemId}'", (float)Long.TotalMilliseconds);
        (await voice.StatsAsync()).GetProperty("heardMsByItem").GetProperty(itemId).GetInt64().ShouldBe(heardMs);
        chromium.ShouldHaveNoPageErrors();
    }

    [Fact]
    public async Task The_End_button_ends_the_conversation_on_the_server_and_shows_its_summary()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        await using var chromium = await Chromium.LaunchAsync(playwright, FakeMicrophone.Silence());
        var voice = new VoicePage(await chromium.PageAsync());
        await voice.OpenAsync(silo.BaseUrl);
        await voice.SignInAsync("erin");
        await voice.StartAsync("nutrition");
        await voice.TypeAsync("How much water should I drink every day?");
        await Expect(voice.Transcript).ToHaveCountAsync(2, new() { Timeout = (float)Long.TotalMilliseconds });
        var conversationId = (await voice.StatsAsync()).GetProperty("conversationId").GetString()!;

        await voice.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "End conversation" }).ClickAsync();

        await Expect(voice.State).ToHaveAttributeAsync("data-state", "ended");
        await Expect(voice.Page.Locator("#end-reason")).ToHaveTextAsync("You ended the conversation.");
        var token = silo.TokenFor("erin");
        var ended = await silo.GetAsync<ConversationView>(token, $"api/v1/conversations/{conversationId}");
        ended.Status.ShouldBe("ended");
        ended.EndReason.ShouldBe("user");

        // The summary is written as the conversation ends; the page fetches it and shows the server's text.
        var summary = voice.Page.Locator("#summary");
        await Expect(summary).ToHaveAttributeAsync("data-state", "ready");
        await chromium.ScreenshotAsync(voice.Page, "ended");
        var stored = (await silo.GetAsync<ConversationView>(token, $"api/v1/conversations/{conversationId}")).Summary;
        stored.ShouldNotBeNullOrWhiteSpace();
        (await summary.TextContentAsync()).ShouldBe(stored);

        (await voice.StatsAsync()).GetProperty("connections").EnumerateArray().Count().ShouldBe(1, "an ended conversation is not reconnected");
        chromium.ShouldHaveNoPageErrors();
    }

    [Fact]
    public async Task After_a_reload_the_page_offers_to_resume_the_conversation_and_shows_its_transcript_once()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        await using var chromium = await Chromium.LaunchAsync(playwright, FakeMicrophone.Silence());
        var voice = new VoicePage(await chromium.PageAsync());
        await voice.OpenAsync(silo.BaseUrl);
        await voice.SignInAsync("frank");
        await voice.StartAsync("internal-medicine");
        await voice.TypeAsync("I have had a headache since yesterday.");
        await Expect(voice.Transcript).ToHaveCountAsync(2, new() { Timeout = (float)Long.TotalMilliseconds });
        var conversationId = (await voice.StatsAsync()).GetProperty("conversationId").GetString()!;

        await voice.Page.ReloadAsync();
        var resume = voice.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { NameRegex = new Regex("^Resume the conversation with") });
        await resume.ClickAsync();

        await Expect(voice.State).ToHaveTextAsync("Live (resumed)");
        await Expect(voice.Transcript).ToHaveCountAsync(2);
        await voice.TypeAsync("Should I take something for it?");
        await Expect(voice.Transcript).ToHaveCountAsync(4, new() { Timeout = (float)Long.TotalMilliseconds });
        await chromium.ScreenshotAsync(voice.Page, "resumed-after-reload");

        var stats = await voice.StatsAsync();
        stats.GetProperty("connections").EnumerateArray().Single().GetProperty("url").GetString()
            .ShouldBe($"/v1/realtime?conversation_id={conversationId}&resume_from_seq=0");
        var shown = await voice.TranscriptLinesAsync();
        var stored = await silo.GetAsync<TranscriptPage>(silo.TokenFor("frank"), $"api/v1/conversations/{conversationId}/transcript");
        shown.ShouldBe(stored.Data.Select(e => (e.Seq, e.Role, e.Text)).ToList());
        chromium.ShouldHaveNoPageErrors();
    }
}
