using System.Threading.Channels;
using Conversations.Runtime.Leases;
using Microsoft.Extensions.Logging;

namespace Conversations.Runtime.Activation;

/// <summary>One live grain: its mailbox, the loop that runs one turn at a time, its timers and its lease.</summary>
internal sealed class Activation
{
    private static readonly TimeSpan DeactivationTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<Turn> _mailbox;
    private readonly CancellationTokenSource _deactivating = new();
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<GrainTimer> _timers = [];
    private readonly LeaseStore _leases;
    private readonly ILogger _logger;
    private readonly Action<Activation> _onCompleted;
    private long _lastActivity = Environment.TickCount64;
    private int _requestedReason = -1;

    public Activation(Grain grain, Fence fence, int mailboxCapacity, LeaseStore leases, ILogger logger, Action<Activation> onCompleted)
    {
        Grain = grain;
        Fence = fence;
        _leases = leases;
        _logger = logger;
        _onCompleted = onCompleted;
        _mailbox = Channel.CreateBounded<Turn>(new BoundedChannelOptions(mailboxCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        grain.Bind(new GrainContext(this, fence));
    }

    public Grain Grain { get; }

    public Fence Fence { get; }

    public CancellationToken Deactivating => _deactivating.Token;

    public bool IsDeactivating => Volatile.Read(ref _requestedReason) >= 0;

    /// <summary>Completes when the activation has fully ended (lease released, removed from the catalog).</summary>
    public Task Completion => _completed.Task;

    public TimeSpan IdleFor => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastActivity));

    /// <summary>Starts the turn loop and runs <see cref="Grain.OnActivateAsync"/> as the first turn.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(RunAsync, CancellationToken.None);
        var activated = new CallState<Grain, bool>(static async g =>
        {
            await g.OnActivateAsync(g.Context.Deactivating);
            return true;
        });
        try
        {
            await PostCallAsync(activated, cancellationToken);
        }
        catch
        {
            RequestDeactivation(DeactivationReason.ActivationFailed);
            await Completion;
            throw;
        }
    }

    /// <summary>Posts without waiting; false when the mailbox is full or closed.</summary>
    public bool TryPost(Turn turn) => _mailbox.Writer.TryWrite(turn);

    public async ValueTask<bool> PostAsync(Turn turn, CancellationToken cancellationToken = default)
    {
        if (_mailbox.Writer.TryWrite(turn))
        {
            return true;
        }

        try
        {
            await _mailbox.Writer.WriteAsync(turn, cancellationToken);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>Runs a call in a turn and returns its result; fails with <see cref="GrainDeactivatedException"/> if the activation ends first.</summary>
    public async Task<T> PostCallAsync<T>(CallState<Grain, T> call, CancellationToken cancellationToken)
    {
        if (!await PostAsync(Turn.For(static (Grain g, CallState<Grain, T> c) => c.RunAsync(g), Grain, call, countsAsActivity: true), cancellationToken))
        {
            throw new GrainDeactivatedException(Fence.Key);
        }

        return await call.Result;
    }

    public IDisposable RegisterTimer(Func<ValueTask> callback, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new GrainTimer(this, callback, dueTime, period, _logger);
        _timers.Add(timer);
        return timer;
    }

    /// <summary>Asks the activation to end after its current turn. The first reason wins.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        if (Interlocked.CompareExchange(ref _requestedReason, (int)reason, -1) == -1)
        {
            _deactivating.Cancel();
        }
    }

    private async Task RunAsync()
    {
        var reader = _mailbox.Reader;
        try
        {
            while (!IsDeactivating && await reader.WaitToReadAsync(_deactivating.Token))
            {
                while (!IsDeactivating && reader.TryRead(out var turn))
                {
                    await ExecuteAsync(turn);
                }
            }
        }
        catch (OperationCanceledException) when (_deactivating.IsCancellationRequested)
        {
        }

        await DeactivateAsync((DeactivationReason)Volatile.Read(ref _requestedReason));
    }

    private async Task ExecuteAsync(Turn turn)
    {
        try
        {
            await turn.RunAsync();
        }
        catch (StaleActivationException e)
        {
            _logger.LogWarning("{Key}: lease lost ({Message}); deactivating", Fence.Key, e.Message);
            RequestDeactivation(DeactivationReason.LeaseLost);
        }
        catch (Exception e) when (turn.State is ICallState)
        {
            _logger.LogDebug(e, "{Key}: call failed", Fence.Key);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "{Key}: turn failed", Fence.Key);
        }

        if (turn.CountsAsActivity)
        {
            Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);
        }
    }

    private async Task DeactivateAsync(DeactivationReason reason)
    {
        foreach (var timer in _timers)
        {
            timer.Dispose();
        }

        try
        {
            using var timeout = new CancellationTokenSource(DeactivationTimeout);
            await Grain.OnDeactivateAsync(reason, timeout.Token);
        }
        catch (StaleActivationException)
        {
            reason = DeactivationReason.LeaseLost;
        }
        catch (Exception e)
        {
            _logger.LogError(e, "{Key}: OnDeactivateAsync failed", Fence.Key);
        }

        _mailbox.Writer.TryComplete();
        var gone = new GrainDeactivatedException(Fence.Key);
        while (_mailbox.Reader.TryRead(out var dropped))
        {
            if (dropped.State is IAbortableTurn abortable)
            {
                abortable.Abort(gone);
            }
            else
            {
                (dropped.State as IDisposable)?.Dispose();
            }
        }

        if (reason != DeactivationReason.LeaseLost)
        {
            try
            {
                await _leases.ReleaseAsync(Fence, CancellationToken.None);
            }
            catch (Exception e)
            {
                // The lease then simply expires.
                _logger.LogWarning(e, "{Key}: could not release the lease", Fence.Key);
            }
        }

        _logger.LogDebug("{Key}: deactivated ({Reason})", Fence.Key, reason);
        _onCompleted(this);
        _completed.TrySetResult();
    }
}
