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

    public PocketSphinxDecoderPool(IOptions<EngineOptions> options)
    {
        _options = options.Value.Recognition;
        _slots = new SemaphoreSlim(_options.MaxDecoders, _options.MaxDecoders);
    }

    /// <summary>Decoders loaded so far.</summary>
    public int Loaded => Volatile.Read(ref _loaded);

    public async ValueTask<PocketSphinxDecoder> RentAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        if (_idle.TryTake(out var decoder))
        {
            return decoder;
        }

        try
        {
            return await Task.Run(LoadOne, cancellationToken);
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

    /// <summary>Loads decoders ahead of the first utterance.</summary>
    public void Warm(int count)
    {
        for (var i = Loaded; i < Math.Min(count, _options.MaxDecoders); i++)
        {
            _idle.Add(LoadOne());
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var decoder))
        {
            decoder.Dispose();
        }

        _slots.Dispose();
    }

    private PocketSphinxDecoder LoadOne()
    {
        var decoder = PocketSphinxDecoder.Load(_options);
        Interlocked.Increment(ref _loaded);
        return decoder;
    }
}
