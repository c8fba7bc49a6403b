using System.Text.RegularExpressions;
using Conversations.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conversations.Browser.Tests;

/// <summary>The pages as a new user first meets them: the way between them, and Korean that is readable.</summary>
public sealed class PagesTests(PostgresServerFixture postgres, EngineFixture engine, PlaywrightFixture playwright)
{
    private const float Long = 90_000;

    [Fact]
    public async Task The_voice_client_links_to_the_supervisors_dashboard_and_back()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        await using var chromium = await Chromium.LaunchAsync(playwright, FakeMicrophone.Silence());
        var page = await chromium.PageAsync();
        await page.GotoAsync(silo.BaseUrl.ToString());

        await page.GetByRole(AriaRole.Link, new() { Name = "Supervisors’ dashboard" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Uri(silo.BaseUrl, "dashboard").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Conversations · Operations" })).ToBeVisibleAsync();
        await chromium.ScreenshotAsync(page, "dashboard-from-the-link");
        await page.GetByRole(AriaRole.Link, new() { Name = "Voice client" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(silo.BaseUrl.ToString());
        chromium.ShouldHaveNoPageErrors();
    }

    [Fact]
    public async Task Korean_is_drawn_with_a_CJK_font_in_the_transcript_and_in_the_dashboards_alerts()
    {
        const string said = "오늘 밤에 죽을 거야. 이미 다 정리했어.";
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        await using var chromium = await Chromium.LaunchAsync(playwright, FakeMicrophone.Silence());
        var dashboard = await DashboardViewTests.OpenDashboardAsync(chromium, silo, "min");
        var voice = new VoicePage(await chromium.Context.NewPageAsync());
        await voice.OpenAsync(silo.BaseUrl);
        await voice.SignInAsync("jiwoo");
        await voice.StartAsync("mental-health");

        await voice.TypeAsync(said);

        var line = voice.Page.Locator("#transcript li[data-role=user] .text").Filter(new() { HasText = said });
        await Expect(line).ToBeVisibleAsync(new() { Timeout = Long });
        await Expect(line).ToHaveAttributeAsync("lang", "ko");
        await ShouldBeDrawnWithACjkFontAsync(voice.Page, "#transcript li[data-role=user] .text", said);
        await chromium.ScreenshotAsync(voice.Page, "korean-transcript");

        var excerpt = dashboard.Locator("#alerts li .excerpt").Filter(new() { HasText = "죽을 거야" });
        await Expect(excerpt).ToBeVisibleAsync(new() { Timeout = Long });
        await ShouldBeDrawnWithACjkFontAsync(dashboard, "#alerts li .excerpt", "죽을 거야");
        await chromium.ScreenshotAsync(dashboard, "korean-alert");
        chromium.ShouldHaveNoPageErrors();
    }

    /// <summary>
    /// Asks Chromium which fonts it really drew the element's text with (DevTools' CSS.getPlatformFontsForNode): every
    /// Hangul glyph must come from a CJK font, never from a Latin font's empty boxes. Retried, because the dashboard
    /// redraws its lists as events arrive and a node can be replaced between two DevTools calls.
    /// </summary>
    private static async Task ShouldBeDrawnWithACjkFontAsync(IPage page, string selector, string containing)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("DOM.enable");
        await cdp.SendAsync("CSS.enable");
        List<(string Family, int Glyphs)> fonts = [];
        var hangul = 0;
        await Eventually.UntilAsync(
            async () =>
            {
                (fonts, hangul) = await FontsOfAsync(cdp, selector, containing);
                return fonts.Count > 0;
            },
            TimeSpan.FromSeconds(10),
            $"Chromium says which fonts drew {selector}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{selector}: {string.Join(", ", fonts.Select(f => $"{f.Family} ({f.Glyphs})"))}");
        hangul.ShouldBeGreaterThan(0);
        fonts.Where(f => f.Family.Contains("CJK", StringComparison.Ordinal) || f.Family.Contains("KR", StringComparison.Ordinal) || f.Family.Contains("Gothic", StringComparison.Ordinal))
            .Sum(f => f.Glyphs).ShouldBeGreaterThanOrEqualTo(hangul, $"every Hangul glyph from a CJK font; fonts used: {string.Join(", ", fonts)}");
        var family = await page.Locator(selector).Filter(new() { HasText = containing }).First.EvaluateAsync<string>("e => getComputedStyle(e).fontFamily");
        family.ShouldContain("Noto Sans CJK KR", Case.Sensitive, "the stylesheet names the CJK font");
    }

    private static async Task<(List<(string Family, int Glyphs)> Fonts, int Hangul)> FontsOfAsync(ICDPSession cdp, string selector, string containing)
    {
        try
        {
            var document = await cdp.SendAsync("DOM.getDocument", new Dictionary<string, object> { ["depth"] = 0 });
            var nodes = await cdp.SendAsync("DOM.querySelectorAll", new Dictionary<string, object>
            {
                ["nodeId"] = document!.Value.GetProperty("root").GetProperty("nodeId").GetInt32(),
                ["selector"] = selector,
            });
            foreach (var node in nodes!.Value.GetProperty("nodeIds").EnumerateArray())
            {
                var html = (await cdp.SendAsync("DOM.getOuterHTML", new Dictionary<string, object> { ["nodeId"] = node.GetInt32() }))!.Value.GetProperty("outerHTML").GetString()!;
                if (!html.Contains(containing, StringComparison.Ordinal))
                {
                    continue;
                }

                var fonts = (await cdp.SendAsync("CSS.getPlatformFontsForNode", new Dictionary<string, object> { ["nodeId"] = node.GetInt32() }))!.Value
                    .GetProperty("fonts").EnumerateArray()
                    .Select(f => (f.GetProperty("familyName").GetString()!, f.GetProperty("glyphCount").GetInt32()))
                    .ToList();
                return (fonts, Regex.Matches(html, @"[\uac00-\ud7af]").Count);
            }
        }
        catch (PlaywrightException)
        {
            // The node went away between two calls.
        }

        return ([], 0);
    }
}
