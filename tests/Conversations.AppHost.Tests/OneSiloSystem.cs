namespace Conversations.AppHost.Tests;

/// <summary>One AppHost (PostgreSQL, the engine, one silo, the dashboard) shared by the tests that only look at a running system.</summary>
public sealed class OneSiloSystem : IAsyncLifetime
{
    private RunningSystem? _system;

    public RunningSystem System => _system ?? throw new InvalidOperationException("The system has not started.");

    public async ValueTask InitializeAsync() => _system = await RunningSystem.StartAsync(silos: 1, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}

[CollectionDefinition(nameof(OneSiloSystem))]
public sealed class OneSiloSystemCollection : ICollectionFixture<OneSiloSystem>;
