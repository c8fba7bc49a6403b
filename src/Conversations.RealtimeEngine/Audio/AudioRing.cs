namespace Conversations.RealtimeEngine.Audio;

/// <summary>The most recent audio, addressed by absolute sample position: the VAD's prefix padding comes from here.</summary>
public sealed class AudioRing
{
    private readonly short[] _samples;
    private long _end;

    public AudioRing(int capacity) => _samples = new short[Math.Max(1, capacity)];

    public int Capacity => _samples.Length;

    /// <summary>Absolute position just after the newest sample.</summary>
    public long End => _end;

    /// <summary>Absolute position of the oldest sample still held.</summary>
    public long Start => Math.Max(0, _end - _samples.Length);

    /// <summary>Appends samples that end at absolute position <paramref name="end"/> (gaps are treated as skipped audio).</summary>
    public void Write(ReadOnlySpan<short> samples, long end)
    {
        if (samples.Length >= _samples.Length)
        {
            samples = samples[^_samples.Length..];
        }

        var at = (int)((end - samples.Length) % _samples.Length);
        var first = Math.Min(samples.Length, _samples.Length - at);
        samples[..first].CopyTo(_samples.AsSpan(at));
        samples[first..].CopyTo(_samples);
        _end = end;
    }

    /// <summary>Copies the samples from absolute position <paramref name="from"/> to the end into <paramref name="target"/>; returns the count.</summary>
    public int CopyFrom(long from, Span<short> target)
    {
        from = Math.Max(from, Start);
        var count = (int)Math.Min(_end - from, target.Length);
        if (count <= 0)
        {
            return 0;
        }

        var at = (int)(from % _samples.Length);
        var first = Math.Min(count, _samples.Length - at);
        _samples.AsSpan(at, first).CopyTo(target);
        _samples.AsSpan(0, count - first).CopyTo(target[first..]);
        return count;
    }
}
