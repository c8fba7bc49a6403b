using System.Diagnostics;
using Conversations.RealtimeEngine.Audio;
using Conversations.RealtimeEngine.Configuration;
using Microsoft.Extensions.Options;

namespace Conversations.RealtimeEngine.Synthesis;

/// <summary>Speech in other languages (Korean included) with the <c>espeak-ng</c> process: WAV 22.05 kHz on stdout, resampled to 24 kHz.</summary>
/// <remarks>A process per sentence costs about 10–30 ms here and keeps eSpeak NG's global state out of the engine.</remarks>
internal sealed class EspeakSynthesizer(IOptions<EngineOptions> options)
{
    private static readonly HashSet<string> FemaleVoices = new(StringComparer.OrdinalIgnoreCase) { "alloy", "coral", "sage", "shimmer", "marin" };
    private readonly SynthesisOptions _options = options.Value.Synthesis;

    public async Task<SynthesizedSpeech> SynthesizeAsync(string text, string voice, string language, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_options.EspeakPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-v");
        start.ArgumentList.Add(FemaleVoices.Contains(voice) ? $"{language}+f3" : language);
        start.ArgumentList.Add("--stdout");
        start.ArgumentList.Add("--stdin");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.EspeakTimeout);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("espeak-ng did not start.");
        try
        {
            await process.StandardInput.WriteAsync(text.AsMemory(), timeout.Token);
            process.StandardInput.Close();
            using var wav = new MemoryStream();
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardOutput.BaseStream.CopyToAsync(wav, timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"espeak-ng failed ({process.ExitCode}): {await errors}");
            }

            return new SynthesizedSpeech(Wav.Decode(wav.GetBuffer().AsSpan(0, (int)wav.Length)));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
