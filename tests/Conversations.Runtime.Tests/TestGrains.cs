using Conversations.Runtime.Activation;
using Conversations.Runtime.Leases;
using Npgsql;

namespace Conversations.Runtime.Tests;

/// <summary>A grain that records how many turns overlap and writes fenced rows.</summary>
public sealed class CounterGrain(LeaseStore leases) : Grain
{
    private int _inTurn;

    public int Count { get; private set; }

    public int MaxConcurrentTurns { get; private set; }

    public List<string> Log { get; } = [];

    public DeactivationReason? DeactivatedBecause { get; private set; }

    public static List<CounterGrain> Deactivated { get; } = [];

    public async ValueTask<int> IncrementAsync()
    {
        var inside = Interlocked.Increment(ref _inTurn);
        MaxConcurrentTurns = Math.Max(MaxConcurrentTurns, inside);
        var before = Count;
        await Task.Yield();
        await Task.Delay(1);
        Count = before + 1;
        Interlocked.Decrement(ref _inTurn);
        return Count;
    }

    public ValueTask NoteAsync(string entry)
    {
        var inside = Interlocked.Increment(ref _inTurn);
        MaxConcurrentTurns = Math.Max(MaxConcurrentTurns, inside);
        Log.Add(entry);
        Interlocked.Decrement(ref _inTurn);
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes a row under this activation's fence.</summary>
    public async ValueTask WriteAsync(string value)
    {
        await leases.WriteFencedAsync(Context.Fence, async (connection, transaction) =>
        {
            await using var command = new NpgsqlCommand("INSERT INTO fenced_writes (key, epoch, value) VALUES ($1, $2, $3)", connection, transaction);
            command.Parameters.AddWithValue(Context.Key);
            command.Parameters.AddWithValue(Context.Fence.Epoch);
            command.Parameters.AddWithValue(value);
            return await command.ExecuteNonQueryAsync();
        });
    }

    public override ValueTask OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        DeactivatedBecause = reason;
        lock (Deactivated)
        {
            Deactivated.Add(this);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>A grain whose background loop pumps "socket traffic" into its own mailbox, like an upstream receive loop.</summary>
public sealed class PumpGrain : Grain
{
    public int Received { get; private set; }

    public bool Attached { get; set; }

    public override bool MayCollectWhenIdle => !Attached;

    public ValueTask StartPumpAsync(TimeSpan every)
    {
        var token = Context.Deactivating;
        _ = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                await Context.PostAsync(static g => g.OnTrafficAsync(), this, token);
                await Task.Delay(every, token);
            }
        }, token);
        return ValueTask.CompletedTask;
    }

    private ValueTask OnTrafficAsync()
    {
        Received++;
        return ValueTask.CompletedTask;
    }
}

/// <summary>A grain with a timer that ticks in its turns.</summary>
public sealed class TickingGrain : Grain
{
    private int _inTurn;

    public int Ticks { get; private set; }

    public int MaxConcurrentTurns { get; private set; }

    public ValueTask StartTicking(TimeSpan period)
    {
        Context.RegisterTimer(async () =>
        {
            MaxConcurrentTurns = Math.Max(MaxConcurrentTurns, Interlocked.Increment(ref _inTurn));
            await Task.Yield();
            Ticks++;
            Interlocked.Decrement(ref _inTurn);
        }, TimeSpan.Zero, period);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<int> BusyAsync()
    {
        MaxConcurrentTurns = Math.Max(MaxConcurrentTurns, Interlocked.Increment(ref _inTurn));
        await Task.Delay(2);
        Interlocked.Decrement(ref _inTurn);
        return Ticks;
    }
}
