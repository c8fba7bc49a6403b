using System.Collections.Concurrent;

namespace Conversations.RealtimeEngine.Audio;

/// <summary>Streaming rational-ratio resampler for PCM16 mono: a polyphase windowed-sinc low-pass, no allocations per call.</summary>
/// <remarks>One instance per stream (it keeps the tail of the previous chunk); the filter tables are shared per ratio.</remarks>
public sealed class Resampler
{
    private const int TapsPerPhase = 24;
    private static readonly ConcurrentDictionary<(int Up, int Down), float[]> Filters = new();

    private readonly int _up;
    private readonly int _down;
    private readonly float[] _filter;
    private float[] _window;
    private long _position;

    public Resampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        var divisor = GreatestCommonDivisor(inputRate, outputRate);
        _up = outputRate / divisor;
        _down = inputRate / divisor;
        InputRate = inputRate;
        OutputRate = outputRate;
        _filter = Filters.GetOrAdd((_up, _down), static key => Design(key.Up, key.Down));
        _window = new float[TapsPerPhase - 1 + 480];
    }

    public int InputRate { get; }

    public int OutputRate { get; }

    /// <summary>The most samples <see cref="Process"/> can write for an input of this length.</summary>
    public int MaxOutputLength(int inputLength) => (int)(((long)inputLength * _up / _down) + 2);

    /// <summary>Resamples <paramref name="input"/> into <paramref name="output"/> and returns how many samples were written.</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        if (_up == _down)
        {
            input.CopyTo(output);
            return input.Length;
        }

        const int history = TapsPerPhase - 1;
        var needed = history + input.Length;
        if (_window.Length < needed)
        {
            var larger = new float[Math.Max(needed, _window.Length * 2)];
            _window.AsSpan(0, history).CopyTo(larger);
            _window = larger;
        }

        var window = _window;
        for (var i = 0; i < input.Length; i++)
        {
            window[history + i] = input[i];
        }

        var written = 0;
        var limit = (long)input.Length * _up;
        var filter = _filter;
        while (_position < limit)
        {
            var index = (int)(_position / _up);
            var phase = (int)(_position % _up);
            var sum = 0f;
            var newest = history + index;
            var taps = filter.AsSpan(phase * TapsPerPhase, TapsPerPhase);
            for (var k = 0; k < taps.Length; k++)
            {
                sum += taps[k] * window[newest - k];
            }

            output[written++] = Clamp(sum);
            _position += _down;
        }

        _position -= limit;
        window.AsSpan(input.Length, history).CopyTo(window);
        return written;
    }

    /// <summary>Resamples a whole clip at once (text-to-speech output), returning a new array.</summary>
    public static short[] Convert(ReadOnlySpan<short> input, int inputRate, int outputRate)
    {
        if (inputRate == outputRate)
        {
            return input.ToArray();
        }

        var resampler = new Resampler(inputRate, outputRate);
        var output = new short[resampler.MaxOutputLength(input.Length + (TapsPerPhase / 2))];
        var count = resampler.Process(input, output);
        // Flush the filter's delay with silence so the clip keeps its last few milliseconds.
        Span<short> tail = stackalloc short[TapsPerPhase / 2];
        tail.Clear();
        count += resampler.Process(tail, output.AsSpan(count));
        var skip = Math.Min(count, (int)((long)(TapsPerPhase / 2) * outputRate / inputRate));
        return output.AsSpan(skip, count - skip).ToArray();
    }

    private static short Clamp(float value) => value switch
    {
        >= short.MaxValue => short.MaxValue,
        <= short.MinValue => short.MinValue,
        _ => (short)MathF.Round(value),
    };

    // Polyphase layout: coefficient k of phase p is at [p * TapsPerPhase + k]; each phase sums to about one.
    private static float[] Design(int up, int down)
    {
        var length = TapsPerPhase * up;
        var cutoff = 0.5 / Math.Max(up, down) * 0.94;
        var centre = (length - 1) / 2.0;
        var prototype = new double[length];
        for (var n = 0; n < length; n++)
        {
            var x = n - centre;
            var sinc = Math.Abs(x) < 1e-9 ? 1.0 : Math.Sin(2 * Math.PI * cutoff * x) / (2 * Math.PI * cutoff * x);
            var blackman = 0.42 - (0.5 * Math.Cos(2 * Math.PI * n / (length - 1))) + (0.08 * Math.Cos(4 * Math.PI * n / (length - 1)));
            prototype[n] = 2 * cutoff * sinc * blackman * up;
        }

        var filter = new float[length];
        for (var phase = 0; phase < up; phase++)
        {
            for (var k = 0; k < TapsPerPhase; k++)
            {
                filter[(phase * TapsPerPhase) + k] = (float)prototype[(k * up) + phase];
            }
        }

        return filter;
    }

    private static int GreatestCommonDivisor(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
