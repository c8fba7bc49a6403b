using Microsoft.Playwright;

namespace Conversations.Browser.Tests;

/// <summary>
/// Playwright's driver (the node it ships in <c>bin/.playwright</c>) once per test run. Browsers are never downloaded:
/// every test launches Debian's Chromium (<see cref="Chromium"/>).
/// </summary>
public sealed class PlaywrightFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IPlaywright Playwright => _playwright ?? throw new InvalidOperationException("Playwright has not started.");

    public async ValueTask InitializeAsync()
    {
        var driver = Path.Combine(AppContext.BaseDirectory, ".playwright", "package", "cli.js");
        if (!File.Exists(driver))
        {
            throw new InvalidOperationException($"Playwright's driver is missing at {driver}; build the test project (the Microsoft.Playwright package copies it).");
        }

        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();

        // Expectations poll until this deadline; generous, because the machine may be busy with other test projects.
        Assertions.SetDefaultExpectTimeout(30_000);
    }

    public ValueTask DisposeAsync()
    {
        _playwright?.Dispose();
        return ValueTask.CompletedTask;
    }
}
