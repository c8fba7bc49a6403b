using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Conversations.Testing;

/// <summary>Real speech for tests: Flite says a sentence, sox turns it into PCM16 mono 24 kHz (the wire format).</summary>
/// <remarks>Flite's <c>slt</c> and <c>rms</c> voices are recognised by PocketSphinx word for word.</remarks>
public static class SpeechSamples
{
    private static readonly string Cache = Path.Combine(Path.GetTempPath(), "conversations-speech");

    /// <summary>PCM16 little-endian mono 24 kHz of <paramref name="sentence"/>.</summary>
    public static byte[] Pcm24k(string sentence, string voice = "slt") => File.ReadAllBytes(Make(sentence, voice, 24000, "raw"));

    /// <summary>A WAV file of the sentence at the given rate (Chromium's fake capture wants 48 kHz).</summary>
    public static string WavFile(string sentence, int sampleRate, string voice = "slt") => Make(sentence, voice, sampleRate, "wav");

    /// <summary>PCM16 silence of the given length at 24 kHz.</summary>
    public static byte[] Silence24k(TimeSpan length) => new byte[(int)(length.TotalSeconds * 24000) * 2];

    private static string Make(string sentence, string voice, int sampleRate, string kind)
    {
        Directory.CreateDirectory(Cache);
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{voice}|{sampleRate}|{kind}|{sentence}")))[..16];
        var target = Path.Combine(Cache, $"{key}.{kind}");
        if (File.Exists(target))
        {
            return target;
        }

        var wav = Path.Combine(Cache, $"{key}.{Guid.NewGuid():N}.flite.wav");
        Run("flite", "-voice", voice, "-t", sentence, "-o", wav);
        var partial = target + "." + Guid.NewGuid().ToString("N");
        Run("sox", wav, "-r", sampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-b", "16", "-c", "1", "-e", "signed-integer", "-t", kind, partial);
        File.Move(partial, target, overwrite: true);
        File.Delete(wav);
        return target;
    }

    private static void Run(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} failed ({process.ExitCode}): {error}");
        }
    }
}
