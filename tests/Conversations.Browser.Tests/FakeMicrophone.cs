using System.Diagnostics;
using System.Globalization;
using Conversations.Testing;

namespace Conversations.Browser.Tests;

/// <summary>WAV files for Chromium's fake microphone (48 kHz mono), which plays them in a loop.</summary>
public static class FakeMicrophone
{
    private static readonly string Cache = Path.Combine(Path.GetTempPath(), "conversations-speech");

    /// <summary>Flite (slt) saying <paramref name="sentence"/>, with silence before and after each repetition.</summary>
    public static string Saying(string sentence, TimeSpan silenceBefore, TimeSpan silenceAfter)
    {
        var speech = SpeechSamples.WavFile(sentence, 48000);
        var target = Path.Combine(Cache, $"{Path.GetFileNameWithoutExtension(speech)}-pad{silenceBefore.TotalMilliseconds:0}-{silenceAfter.TotalMilliseconds:0}.wav");
        return Make(target, speech, "{output}", "pad", Seconds(silenceBefore), Seconds(silenceAfter));
    }

    /// <summary>Nothing but silence: a microphone in a quiet room.</summary>
    public static string Silence() =>
        Make(Path.Combine(Cache, "silence-48k-5s.wav"), "-n", "-r", "48000", "-b", "16", "-c", "1", "-e", "signed-integer", "{output}", "trim", "0", "5");

    /// <summary>Runs sox once per distinct file; <c>{output}</c> in the arguments stands for the file being written.</summary>
    private static string Make(string target, params string[] soxArguments)
    {
        if (File.Exists(target))
        {
            return target;
        }

        Directory.CreateDirectory(Cache);
        var partial = $"{target}.{Guid.NewGuid():N}.wav";
        var start = new ProcessStartInfo("sox") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in soxArguments)
        {
            start.ArgumentList.Add(argument == "{output}" ? partial : argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start sox.");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"sox failed ({process.ExitCode}): {error}");
        }

        File.Move(partial, target, overwrite: true);
        return target;
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
