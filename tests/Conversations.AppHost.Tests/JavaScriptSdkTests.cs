using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Conversations.Testing;

namespace Conversations.AppHost.Tests;

/// <summary>The official OpenAI JavaScript SDK (npm <c>openai</c>, pinned by js/package-lock.json) against the local run over wss://.</summary>
[Collection(nameof(OneSiloSystem))]
public sealed class JavaScriptSdkTests(OneSiloSystem running)
{
    private static readonly string Folder = Path.Combine(AppHostProcess.RepositoryRoot(), "tests", "Conversations.AppHost.Tests", "js");
    private static readonly string Certificate = Path.Combine(AppHostProcess.RepositoryRoot(), ".data", "secrets", "localhost.crt");

    [Fact]
    public async Task The_JavaScript_SDK_holds_a_typed_and_a_spoken_turn_over_wss_trusting_the_generated_certificate()
    {
        await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], new Dictionary<string, string>(), TimeSpan.FromMinutes(3));
        var system = running.System;
        var token = await system.TokenAsync("erin");
        var speech = Path.Combine(Directory.CreateTempSubdirectory("conversations-js-").FullName, "speech.pcm");
        await File.WriteAllBytesAsync(speech, SpeechSamples.Pcm24k("hello how are you today"), TestContext.Current.CancellationToken);
        var gateway = $"https://localhost:{system.Ports.Https(0).ToString(CultureInfo.InvariantCulture)}/v1";

        var output = await RunAsync("node", ["interop.mjs", gateway, token, "mental-health", speech], new Dictionary<string, string> { ["NODE_EXTRA_CA_CERTS"] = Certificate }, TimeSpan.FromMinutes(2));

        using var result = JsonDocument.Parse(output);
        var typed = result.RootElement.GetProperty("typed");
        typed.GetProperty("audio_bytes").GetInt32().ShouldBeGreaterThan(0);
        var typedTranscript = typed.GetProperty("transcript");
        typedTranscript[0].GetProperty("text").GetString().ShouldBe("How much water should I drink every day?");
        typedTranscript[1].GetProperty("text").GetString().ShouldBe(typed.GetProperty("answer").GetString()!.Trim());
        var spoken = result.RootElement.GetProperty("spoken");
        spoken.GetProperty("heard").GetString()!.ShouldContain("how are you today");
        spoken.GetProperty("audio_bytes").GetInt32().ShouldBeGreaterThan(0);
        spoken.GetProperty("transcript")[0].GetProperty("text").GetString()!.ShouldContain("how are you today");
    }

    [Fact]
    public async Task Without_the_certificate_node_refuses_the_wss_endpoint()
    {
        // Trust comes from the certificate alone: nothing in the run or the test turns verification off.
        var probe = $"fetch('https://localhost:{running.System.Ports.Https(0).ToString(CultureInfo.InvariantCulture)}/health/live').then(() => process.exit(0), e => {{ console.log(String(e.cause?.code ?? e)); process.exit(3); }})";

        var failure = await Should.ThrowAsync<InvalidOperationException>(() => RunAsync("node", ["-e", probe], new Dictionary<string, string> { ["NODE_EXTRA_CA_CERTS"] = "" }, TimeSpan.FromSeconds(30)));

        failure.Message.ShouldContain("SELF_SIGNED");
    }

    private static async Task<string> RunAsync(string command, string[] arguments, Dictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start (install nodejs and npm: scripts/setup.sh does).");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException exception)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', arguments)} ran longer than {timeout}: {await stderr}", exception);
        }

        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"{command} {string.Join(' ', arguments.Take(2))} exited with {process.ExitCode}: {await stdout} {await stderr}");
    }
}
