using Microsoft.Playwright;

namespace Conversations.AppHost.Tests;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (its browser download cannot work here); screenshots go to
/// <c>screenshots/</c> under <c>$CONVERSATIONS_TEST_ARTIFACTS</c> (set by scripts/test.sh), else the repository's <c>artifacts/</c>.
/// </summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly string _testName;
    private int _screenshots;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IPage page, string testName)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        _testName = testName;
    }

    public IPage Page { get; }

    public static string ScreenshotDirectory { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("CONVERSATIONS_TEST_ARTIFACTS") is { Length: > 0 } artifacts ? artifacts : Path.Combine(AppHostProcess.RepositoryRoot(), "artifacts"),
        "screenshots");

    public static async Task<DashboardBrowser> LaunchAsync([System.Runtime.CompilerServices.CallerMemberName] string testName = "")
    {
        File.Exists(ExecutablePath).ShouldBeTrue($"{ExecutablePath} is missing: install Debian's chromium package (scripts/setup.sh does).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
            Timeout = 60_000,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        page.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        return new DashboardBrowser(playwright, browser, page, testName);
    }

    /// <summary>Saves a screenshot as <c>screenshots/&lt;test&gt;-&lt;n&gt;-&lt;step&gt;.png</c> and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string step)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, $"{_testName}-{Interlocked.Increment(ref _screenshots)}-{step}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {path}");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
