using Conversations.Abstractions.Conversations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Conversations.Grains.Hosting;

/// <summary>
/// A silo that stops leaves gracefully, before its web server or Orleans stop: it reports not ready, refuses new
/// clients, hands its conversations over (their clients get 1013 and resume on another silo), then closes the client
/// sockets it still holds for conversations elsewhere (<see cref="Drained"/>).
/// </summary>
public sealed class SiloDrain(LocalConversations local, IGrainFactory grains, ILogger<SiloDrain> logger) : IHostedLifecycleService, IDisposable
{
    private static readonly TimeSpan HandOverWait = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _drained = new();

    /// <summary>Set when the silo starts leaving.</summary>
    public bool IsDraining { get; private set; }

    /// <summary>Cancelled once this silo's conversations have been handed over.</summary>
    public CancellationToken Drained => _drained.Token;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        IsDraining = true;
        var ids = local.Ids;
        logger.LogInformation("Leaving: handing over {Count} conversations", ids.Count);
        await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                await grains.GetGrain<IConversationGrain>(id).HandOverAsync();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "{Conversation}: hand-over failed; it ends with the silo", id);
            }
        }));

        var deadline = DateTime.UtcNow + HandOverWait;
        while (local.Count > 0 && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, CancellationToken.None);
        }

        await _drained.CancelAsync();
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _drained.Dispose();
}
