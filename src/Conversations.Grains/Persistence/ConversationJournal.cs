using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Storage;

namespace Conversations.Grains.Persistence;

/// <summary>
/// The durable writes of one conversation activation, in order and off the audio path. The grain appends a write and
/// goes on; one loop on the grain's scheduler writes everything pending in one transaction fenced by the activation's
/// epoch, then runs each write's continuation (announce the entry, apply the quota decision). So an entry is durable
/// before it is announced, entries keep their order, and relaying audio never waits on PostgreSQL.
/// </summary>
/// <remarks>
/// Transient failures are retried with the same writes, which are idempotent (transcript seq, charge keys, response
/// ids). A stale fence (another activation claimed the conversation) or any other failure halts the journal for good:
/// it is never retried, pending writes are dropped unannounced, and the grain is told to deactivate.
/// </remarks>
internal sealed class ConversationJournal(NpgsqlDataSource dataSource, Fence fence, Telemetry.ConversationMetrics metrics, ILogger logger, Action<Exception> halted)
{
    private const int MaxBatch = 64;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);
    private readonly Queue<IJournalWrite> _pending = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _writing = Task.CompletedTask;
    private bool _running;

    public Fence Fence => fence;

    /// <summary>Set once a write was refused or failed for good; nothing is written after it.</summary>
    public bool IsHalted { get; private set; }

    /// <summary>Writes waiting for their transaction.</summary>
    public int Pending => _pending.Count;

    /// <summary>Queues a write; <paramref name="committed"/> runs on the grain's scheduler once it is durable.</summary>
    public void Append<T>(Func<NpgsqlTransaction, CancellationToken, Task<T>> write, Action<T>? committed = null) =>
        Enqueue(new JournalWrite<T>(write, committed, null));

    /// <summary>Queues a write and waits until it is durable.</summary>
    public Task<T> WriteAsync<T>(Func<NpgsqlTransaction, CancellationToken, Task<T>> write)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new JournalWrite<T>(write, null, done));
        return done.Task;
    }

    /// <summary>Completes when every write queued so far is durable (or the journal halted).</summary>
    public async Task FlushAsync()
    {
        while (_running)
        {
            await _writing;
        }
    }

    /// <summary>Stops retrying: a transient failure from now on halts the journal (the activation is going away).</summary>
    public void StopRetrying() => _stopping.Cancel();

    private void Enqueue(IJournalWrite write)
    {
        if (IsHalted)
        {
            write.Fail(new InvalidOperationException("The conversation's journal has halted; this activation is stale or failing."));
            return;
        }

        _pending.Enqueue(write);
        if (!_running)
        {
            _running = true;
            _writing = RunAsync();
        }
    }

    // Runs on the grain's scheduler (it was started there, and awaits come back to it).
    private async Task RunAsync()
    {
        try
        {
            var batch = new List<IJournalWrite>(MaxBatch);
            while (_pending.Count > 0 && !IsHalted)
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _pending.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (!await WriteWithRetriesAsync(batch))
                {
                    return;
                }

                foreach (var write in batch)
                {
                    write.Commit(logger);
                }
            }
        }
        finally
        {
            _running = false;
        }
    }

    private async Task<bool> WriteWithRetriesAsync(List<IJournalWrite> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await WriteAsync(batch);
                return true;
            }
            catch (Exception e) when (IsTransient(e) && !_stopping.IsCancellationRequested)
            {
                var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 50 * Math.Pow(2, attempt)));
                logger.LogWarning(e, "{Conversation}: journal write failed (attempt {Attempt}); retrying the same writes in {Backoff} ms", fence.ConversationId, attempt + 1, backoff.TotalMilliseconds);
                await Task.Delay(backoff);
            }
            catch (Exception e)
            {
                Halt(e, batch);
                return false;
            }
        }
    }

    private async Task WriteAsync(List<IJournalWrite> batch)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await dataSource.OpenConnectionAsync(_stopping.Token);
        await using var transaction = await connection.BeginTransactionAsync(_stopping.Token);
        await fence.CheckAsync(transaction, _stopping.Token);
        foreach (var write in batch)
        {
            await write.RunAsync(transaction, _stopping.Token);
        }

        await transaction.CommitAsync(_stopping.Token);
        metrics.JournalWrites.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("writes", batch.Count));
    }

    private void Halt(Exception reason, List<IJournalWrite> batch)
    {
        IsHalted = true;
        if (reason is InconsistentStateException)
        {
            logger.LogWarning("{Conversation}: this activation is stale ({Reason}); its pending writes are dropped and it deactivates", fence.ConversationId, reason.Message);
        }
        else
        {
            logger.LogError(reason, "{Conversation}: a journal write failed for good; the activation deactivates and the conversation resumes from what is stored", fence.ConversationId);
        }

        // The activation hears first, so whoever awaits a failed write finds it already told (its continuation may run at once).
        halted(reason);
        foreach (var write in batch.Concat(_pending))
        {
            write.Fail(reason);
        }

        _pending.Clear();
    }

    private static bool IsTransient(Exception e) =>
        e is NpgsqlException { IsTransient: true } or TimeoutException || (e is OperationCanceledException && e.InnerException is TimeoutException);

    private interface IJournalWrite
    {
        Task RunAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken);

        void Commit(ILogger logger);

        void Fail(Exception reason);
    }

    private sealed class JournalWrite<T>(Func<NpgsqlTransaction, CancellationToken, Task<T>> write, Action<T>? committed, TaskCompletionSource<T>? done) : IJournalWrite
    {
        private T _result = default!;

        public async Task RunAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken) => _result = await write(transaction, cancellationToken);

        public void Commit(ILogger logger)
        {
            try
            {
                committed?.Invoke(_result);
            }
            catch (Exception e)
            {
                logger.LogError(e, "A journal write's continuation failed");
            }

            done?.TrySetResult(_result);
        }

        public void Fail(Exception reason) => done?.TrySetException(reason);
    }
}
