using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Conversations.Runtime.Streams;

/// <summary>
/// One <c>LISTEN</c> connection per node: every NOTIFY on the feed (from any node) wakes the local subscribers, which
/// then read after their own cursor. A missed notification costs at most the poll interval, never an event.
/// </summary>
public sealed class FeedSignal(NpgsqlDataSource dataSource, ILogger<FeedSignal> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next notification (or poll tick).</summary>
    public Task NextAsync(CancellationToken cancellationToken) => Volatile.Read(ref _next).Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => Pulse();
                await using (var listen = new NpgsqlCommand($"LISTEN {EventFeed.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(PollInterval, stoppingToken);
                    Pulse(); // Also on timeout: readers re-check, so a lost notification only delays them.
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Feed LISTEN connection failed; reconnecting");
                Pulse();
                await Task.Delay(PollInterval, stoppingToken);
            }
        }
    }

    private void Pulse() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
