using Conversations.Testing;
using OpenAI.Realtime;

namespace Conversations.AppHost.Tests;

/// <summary>The AppHost's system (PostgreSQL, the engine, two silos) through an unmodified OpenAI SDK client, then stopped.</summary>
public sealed class WholeSystemTests
{
    [Fact]
    public async Task Two_silos_hold_a_typed_and_a_spoken_turn_and_stopping_the_AppHost_leaves_no_process()
    {
        var system = await RunningSystem.StartAsync(silos: 2, TestContext.Current.CancellationToken);
        IReadOnlyDictionary<int, string> stack;
        await using (system)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"healthy after {system.TimeToHealthy.TotalSeconds:0.0} s");
            stack = StackProcesses.Of(Environment.ProcessId);
            stack.Values.ShouldContain(command => command.Contains("Conversations.Silo", StringComparison.Ordinal));
            stack.Values.ShouldContain(command => command.Contains("postgres", StringComparison.Ordinal));
            var token = await system.TokenAsync("alice");

            await using (var typed = await RealtimeRecorder.StartAsync(system.Ports.Silo(0), token, "nutrition"))
            {
                await typed.NextEventAsync("conversations.started");
                await typed.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("How much water should I drink every day?"), TestContext.Current.CancellationToken);
                await typed.Session.StartResponseAsync(TestContext.Current.CancellationToken);
                var audio = await typed.NextAsync<RealtimeServerUpdateResponseOutputAudioDelta>();
                var said = await typed.NextAsync<RealtimeServerUpdateResponseOutputAudioTranscriptDone>();
                var entry = await typed.NextEventAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");

                audio.Delta.ToArray().Length.ShouldBeGreaterThan(0);
                entry.GetProperty("text").GetString().ShouldBe(said.Transcript.Trim());
            }

            await using (var spoken = await RealtimeRecorder.StartAsync(system.Ports.Silo(1), token, "mental-health"))
            {
                await spoken.NextEventAsync("conversations.started");
                await spoken.StreamAtRealTimePaceAsync(
                    [.. SpeechSamples.Silence24k(TimeSpan.FromMilliseconds(400)), .. SpeechSamples.Pcm24k("hello how are you today"), .. SpeechSamples.Silence24k(TimeSpan.FromSeconds(1.2))]);
                var heard = await spoken.NextAsync<RealtimeServerUpdateConversationItemInputAudioTranscriptionCompleted>();
                var answer = await spoken.NextAsync<RealtimeServerUpdateResponseOutputAudioDelta>();
                var entry = await spoken.NextEventAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "user");

                heard.Transcript.ShouldContain("how are you today");
                answer.Delta.ToArray().Length.ShouldBeGreaterThan(0);
                entry.GetProperty("text").GetString().ShouldBe(heard.Transcript.Trim());
            }
        }

        // Stopped: PostgreSQL, the engine, the silos, the dashboard and DCP are all gone.
        await Eventually.UntilAsync(() => StackProcesses.StillRunning(stack).Count == 0, TimeSpan.FromSeconds(30), "every process of the stack exits");
    }
}
