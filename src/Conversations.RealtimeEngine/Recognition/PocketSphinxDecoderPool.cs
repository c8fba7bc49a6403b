using System.Collections.Concurrent;
using Conversations.RealtimeEngine.Configuration;
using Microsoft.Extensions.Options;

namespace Conversations.RealtimeEngine.Recognition;

/// <summary>Loaded decoders, reused across utterances: loading the model costs about 0.4 s, decoding much less.</summary>
/// <remarks>At most <c>MaxDecoders</c> exist; a caller beyond that waits for one to come back.</remarks>
internal sealed class PocketSphinxDecoderPool : IDisposable
{
    private readonly RecognitionOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<PocketSphinxDecoder> _idle = [];
    private int _loaded;
    private int _loadingSpare;
    private volatile bool _disposed;

    public PocketSphinxDecoderPool(IOptions<EngineOptions> options)
    {
        _options = options.Value.Recognition;
        _slots = new SemaphoreSlim(_options.MaxDecoders, _options.MaxDecoders);
    }

    /// <summary>Decoders loaded so far.</summary>
    public int Loaded => Volatile.Read(ref _loaded);

    /// <summary>Loaded decoders not leased to an utterance.</summary>
    public int Idle => _idle.Count;

    public async ValueTask<PocketSphinxDecoder> RentAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                if (_idle.TryTake(out var decoder))
                {
                    KeepSpare();
                    return decoder;
                }

                if (TryReserve())
                {
                    // A load blocks for about 0.4 s: on its own thread, not the pool's.
                    return await Task.Factory.StartNew(LoadReserved, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                }

                // All decoders exist and the one for this slot is still loading as the spare.
                await Task.Delay(20, cancellationToken);
            }
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    public void Return(PocketSphinxDecoder decoder)
    {
        if (decoder.Faulted)
        {
            decoder.Dispose();
            Interlocked.Decrement(ref _loaded);
        }
        else
        {
            _idle.Add(decoder);
        }

        _slots.Release();
    }

    // When the last idle decoder has just been taken, load one more in the background, so growth in concurrent
    // utterances does not make the next speaker wait the 0.4 s a load takes.
    private void KeepSpare()
    {
        if (!_idle.IsEmpty || Interlocked.CompareExchange(ref _loadingSpare, 1, 0) != 0)
        {
            return;
        }

        if (!TryReserve())
        {
            Volatile.Write(ref _loadingSpare, 0);
            return;
        }

        _ = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    var decoder = LoadReserved();
                    if (_disposed)
                    {
                        decoder.Dispose();
                    }
                    else
                    {
                        _idle.Add(decoder);
                    }
                }
                catch (InvalidOperationException)
                {
                    // The next RentAsync loads (and reports) instead.
                }
                finally
                {
                    Volatile.Write(ref _loadingSpare, 0);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>Loads decoders ahead of the first utterance.</summary>
    public void Warm(int count)
    {
        for (var i = Loaded; i < count && TryReserve(); i++)
        {
            _idle.Add(LoadReserved());
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var decoder))
        {
            decoder.Dispose();
        }

        _slots.Dispose();
    }

    // Counts a decoder before loading it, so concurrent loads never exceed MaxDecoders.
    private bool TryReserve()
    {
        while (true)
        {
            var loaded = Volatile.Read(ref _loaded);
            if (loaded >= _options.MaxDecoders)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _loaded, loaded + 1, loaded) == loaded)
            {
                return true;
            }
        }
    }

    private PocketSphinxDecoder LoadReserved()
    {
        try
        {
            return PocketSphinxDecoder.Load(_options);
        }
        catch
        {
            Interlocked.Decrement(ref _loaded);
            throw;
        }
    }
}
