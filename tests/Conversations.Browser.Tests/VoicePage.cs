using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conversations.Browser.Tests;

/// <summary>The voice client page as a user drives it: sign in, pick a character, start, type, end.</summary>
public sealed class VoicePage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Transcript => Page.Locator("#transcript li");

    public ILocator State => Page.Locator("#state");

    public ILocator Remaining => Page.Locator("#remaining");

    public ILocator Emergency => Page.Locator("#emergency");

    public async Task OpenAsync(Uri baseUrl)
    {
        await Page.GotoAsync(baseUrl.ToString());
    }

    /// <summary>Signs in through the development token form.</summary>
    public async Task SignInAsync(string userId)
    {
        await Page.GetByLabel("User").FillAsync(userId);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Get a development token" }).ClickAsync();
        await Expect(Page.Locator("[data-signed-in-as]")).ToContainTextAsync(userId);
    }

    /// <summary>Picks the character and starts talking; returns once the conversation is live.</summary>
    public async Task StartAsync(string characterId)
    {
        await Page.Locator("#character").SelectOptionAsync(characterId);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Start talking" }).ClickAsync();
        await Expect(State).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
    }

    /// <summary>Types a message and sends it with the form.</summary>
    public async Task TypeAsync(string text)
    {
        await Page.GetByPlaceholder("Or type a message").FillAsync(text);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
    }

    /// <summary>The transcript as shown: (seq, role, text) per line, in page order.</summary>
    public async Task<List<(long Seq, string Role, string Text)>> TranscriptLinesAsync()
    {
        var lines = await Transcript.EvaluateAllAsync<JsonElement>(
            "lines => lines.map(li => ({ seq: Number(li.dataset.seq), role: li.dataset.role, text: li.querySelector('.text').textContent }))");
        return [.. lines.EnumerateArray().Select(l => (l.GetProperty("seq").GetInt64(), l.GetProperty("role").GetString()!, l.GetProperty("text").GetString()!))];
    }

    /// <summary>The client's own counters (<c>window.voiceClient.stats()</c>).</summary>
    public async Task<JsonElement> StatsAsync() => await Page.EvaluateAsync<JsonElement>("() => window.voiceClient.stats()");

    /// <summary>Waits until a JavaScript condition on <c>stats</c> holds, e.g. <c>s => s.playedSamples > 0</c>.</summary>
    public async Task WaitForStatsAsync(string condition, float timeoutMs = 30_000)
    {
        await Page.WaitForFunctionAsync($"() => ({condition})(window.voiceClient.stats())", null, new() { Timeout = timeoutMs, PollingInterval = 100 });
    }
}
