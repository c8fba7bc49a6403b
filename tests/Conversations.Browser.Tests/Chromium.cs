using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Conversations.Browser.Tests;

/// <summary>
/// Debian's Chromium, headless, with a fresh profile and a fake microphone that plays a WAV file (looping), driven by
/// Playwright. Console output and page errors go to the test's output; screenshots to <c>screenshots/</c> under
/// <c>$CONVERSATIONS_TEST_ARTIFACTS</c> (set by scripts/test.sh) or else under the repository's <c>artifacts/</c>.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    // scripts/test.sh names the folder for kept test files; run alone, the tests use artifacts/ in the repository.
    private static readonly string ScreenshotDirectory = Path.Combine(
        Environment.GetEnvironmentVariable("CONVERSATIONS_TEST_ARTIFACTS") is { Length: > 0 } artifacts ? artifacts : Path.Combine(RepositoryRoot(), "artifacts"),
        "screenshots");
    private readonly DirectoryInfo _profile;
    private readonly string _testName;
    private int _screenshots;

    private Chromium(IBrowserContext context, DirectoryInfo profile, string testName)
    {
        Context = context;
        _profile = profile;
        _testName = testName;
        context.Page += (_, page) => Watch(page);
        foreach (var page in context.Pages)
        {
            Watch(page);
        }
    }

    public IBrowserContext Context { get; }

    /// <summary>What the pages printed or threw, in order.</summary>
    public ConcurrentQueue<string> Console { get; } = new();

    /// <summary>Launches Chromium whose microphone plays <paramref name="microphoneWav"/> (48 kHz mono WAV) in a loop.</summary>
    public static async Task<Chromium> LaunchAsync(PlaywrightFixture playwright, string microphoneWav, [System.Runtime.CompilerServices.CallerMemberName] string testName = "")
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium package (apt-get install -y chromium).");
        }

        var profile = Directory.CreateTempSubdirectory("conversations-chromium-");
        var context = await playwright.Playwright.Chromium.LaunchPersistentContextAsync(profile.FullName, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                $"--use-file-for-fake-audio-capture={microphoneWav}",
            ],
            ViewportSize = new ViewportSize { Width = 1100, Height = 900 },
            Timeout = 60_000,
        });
        context.SetDefaultTimeout(30_000);
        return new Chromium(context, profile, testName);
    }

    /// <summary>The first tab, or a new one.</summary>
    public async Task<IPage> PageAsync() => Context.Pages.Count > 0 ? Context.Pages[0] : await Context.NewPageAsync();

    /// <summary>Saves a full-page screenshot as <c>screenshots/&lt;test&gt;-&lt;n&gt;-&lt;step&gt;.png</c>.</summary>
    public async Task ScreenshotAsync(IPage page, string step)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var name = $"{_testName}-{Interlocked.Increment(ref _screenshots)}-{step}.png";
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name), FullPage = true });
    }

    /// <summary>Fails if a page threw an uncaught error or logged one: a page that works quietly is part of working.</summary>
    public void ShouldHaveNoPageErrors() =>
        Console.Where(line => line.StartsWith("page error", StringComparison.Ordinal) || line.StartsWith("console.error", StringComparison.Ordinal)).ShouldBeEmpty();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Context.CloseAsync();
        }
        finally
        {
            try
            {
                _profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be writing its profile on a slow machine; the temp folder is cleared by the OS.
            }
        }
    }

    private void Watch(IPage page)
    {
        page.Console += (_, message) => Log($"console.{message.Type}: {message.Text} ({message.Location})");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Log($"http {response.Status}: {response.Request.Method} {response.Url}");
            }
        };
        page.PageError += (_, error) => Log($"page error: {error}");
    }

    private void Log(string line)
    {
        Console.Enqueue(line);
        TestContext.Current.TestOutputHelper?.WriteLine(line);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Conversations.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
