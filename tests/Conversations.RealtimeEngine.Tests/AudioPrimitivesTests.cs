using Conversations.RealtimeEngine.Audio;

namespace Conversations.RealtimeEngine.Tests;

public sealed class AudioPrimitivesTests
{
    [Theory]
    [InlineData(24000, 16000, 1000)]
    [InlineData(16000, 24000, 3000)]
    [InlineData(22050, 24000, 440)]
    public void Resampler_keeps_a_tone_at_its_frequency_loudness_and_duration(int from, int to, int frequency)
    {
        var input = Tone(from, frequency, seconds: 1.0, amplitude: 10000);

        var output = Resampler.Convert(input, from, to);

        output.Length.ShouldBeInRange(to - 30, to + 30);
        DominantCrossings(output).ShouldBeInRange((2 * frequency) - 6, (2 * frequency) + 6);
        Rms(output.AsSpan(to / 10, to * 8 / 10)).ShouldBeInRange(10000 / Math.Sqrt(2) * 0.95, 10000 / Math.Sqrt(2) * 1.05);
    }

    [Fact]
    public void Resampler_removes_content_above_the_new_nyquist_frequency()
    {
        var input = Tone(24000, 10000, seconds: 0.5, amplitude: 10000);

        var output = Resampler.Convert(input, 24000, 16000);

        var attenuation = 20 * Math.Log10(Rms(output.AsSpan(800, 6000)) / (10000 / Math.Sqrt(2)));
        attenuation.ShouldBeLessThan(-30, "a 10 kHz tone cannot exist at 16 kHz and must not alias down");
    }

    [Fact]
    public void Resampler_streamed_in_20_ms_chunks_matches_one_pass()
    {
        var input = Tone(24000, 700, seconds: 0.5, amplitude: 8000);
        var whole = new Resampler(24000, 16000);
        var expected = new short[whole.MaxOutputLength(input.Length)];
        var expectedCount = whole.Process(input, expected);

        var streamed = new Resampler(24000, 16000);
        var actual = new List<short>();
        var buffer = new short[400];
        for (var offset = 0; offset < input.Length; offset += 480)
        {
            var count = streamed.Process(input.AsSpan(offset, Math.Min(480, input.Length - offset)), buffer);
            actual.AddRange(buffer.AsSpan(0, count).ToArray());
        }

        actual.ShouldBe(expected.AsSpan(0, expectedCount).ToArray());
    }

    [Fact]
    public void Vad_detects_speech_onset_and_stops_after_the_silence_window()
    {
        var vad = new VoiceActivityDetector(threshold: 0.5, silenceDurationMs: 500);
        var signal = Concat(Silence(300), Tone(24000, 300, 1.0, 3000), Silence(800));

        var events = Run(vad, signal);

        events.Count.ShouldBe(2);
        events[0].Activity.ShouldBe(VoiceActivity.SpeechStarted);
        events[0].FrameMs.ShouldBeInRange(300, 340, "three voiced frames of five start speech");
        (vad.SpeechStartFrame * 10).ShouldBe(300);
        events[1].Activity.ShouldBe(VoiceActivity.SpeechStopped);
        events[1].FrameMs.ShouldBe(1300 + 500 - 10);
    }

    [Fact]
    public void Vad_hangover_keeps_a_short_pause_inside_one_utterance()
    {
        var vad = new VoiceActivityDetector(threshold: 0.5, silenceDurationMs: 500);
        var signal = Concat(Tone(24000, 300, 0.5, 3000), Silence(300), Tone(24000, 300, 0.5, 3000), Silence(700));

        var events = Run(vad, signal);

        events.Select(e => e.Activity).ShouldBe([VoiceActivity.SpeechStarted, VoiceActivity.SpeechStopped]);
    }

    [Fact]
    public void Vad_ignores_a_click_and_sound_below_the_threshold()
    {
        var quiet = new VoiceActivityDetector(threshold: 0.9, silenceDurationMs: 500);
        var clicky = new VoiceActivityDetector(threshold: 0.5, silenceDurationMs: 500);

        Run(quiet, Concat(Silence(100), Tone(24000, 300, 1.0, 300), Silence(600))).ShouldBeEmpty();
        Run(clicky, Concat(Silence(100), Tone(24000, 300, 0.02, 20000), Silence(600))).ShouldBeEmpty();
    }

    [Fact]
    public void Audio_ring_returns_the_most_recent_samples_by_absolute_position()
    {
        var ring = new AudioRing(100);
        var samples = Enumerable.Range(0, 250).Select(i => (short)i).ToArray();
        ring.Write(samples.AsSpan(0, 130), 130);
        ring.Write(samples.AsSpan(130, 120), 250);
        var target = new short[200];

        var count = ring.CopyFrom(180, target);

        ring.Start.ShouldBe(150);
        count.ShouldBe(70);
        target.AsSpan(0, count).ToArray().ShouldBe(samples[180..250]);
        ring.CopyFrom(0, target).ShouldBe(100, "older audio than the ring holds is gone");
        target[0].ShouldBe((short)150);
    }

    private static List<(VoiceActivity Activity, long FrameMs)> Run(VoiceActivityDetector vad, short[] signal)
    {
        var events = new List<(VoiceActivity, long)>();
        for (var offset = 0; offset + VoiceActivityDetector.FrameSamples <= signal.Length; offset += VoiceActivityDetector.FrameSamples)
        {
            var activity = vad.Process(signal.AsSpan(offset, VoiceActivityDetector.FrameSamples));
            if (activity != VoiceActivity.None)
            {
                events.Add((activity, offset / 24));
            }
        }

        return events;
    }

    private static short[] Tone(int rate, double frequency, double seconds, double amplitude) =>
        [.. Enumerable.Range(0, (int)(rate * seconds)).Select(i => (short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / rate)))];

    private static short[] Silence(int milliseconds) => new short[milliseconds * 24];

    private static short[] Concat(params short[][] parts) => [.. parts.SelectMany(part => part)];

    private static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var sample in samples)
        {
            sum += (double)sample * sample;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    private static int DominantCrossings(short[] samples)
    {
        var crossings = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            if ((samples[i - 1] < 0) != (samples[i] < 0))
            {
                crossings++;
            }
        }

        return crossings;
    }
}
