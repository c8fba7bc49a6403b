using System.Diagnostics.Metrics;
using Conversations.RealtimeEngine.Telemetry;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Realtime;

namespace Conversations.RealtimeEngine.Tests;

public sealed class IdleAndMetricsTests(EngineFixture engine)
{
    [Fact]
    public async Task Idle_timeout_after_an_answer_triggers_a_check_in_response()
    {
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "geriatrics");
        var ct = TestContext.Current.CancellationToken;
        var options = new RealtimeConversationSessionOptions { AudioOptions = new() { InputAudioOptions = new() } };
        options.AudioOptions.InputAudioOptions.TurnDetection = new RealtimeServerVadTurnDetection { IdleTimeout = TimeSpan.FromSeconds(1) };
        await recorder.Session.ConfigureConversationSessionAsync(options, ct);
        var updated = await recorder.WaitForAsync<RealtimeServerUpdateSessionUpdated>();
        updated.Session.ShouldBeOfType<RealtimeConversationSession>().AudioOptions.InputAudioOptions.TurnDetection
            .ShouldBeOfType<RealtimeServerVadTurnDetection>().IdleTimeout.ShouldBe(TimeSpan.FromSeconds(1));

        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("Thank you."), ct);
        await recorder.Session.StartResponseAsync(ct);
        var first = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();
        var answerSeconds = recorder.All<RealtimeServerUpdateResponseOutputAudioDelta>().Sum(delta => delta.Delta.ToMemory().Length) / 48000.0;

        var timeout = await recorder.WaitForAsync<RealtimeServerUpdateInputAudioBufferTimeoutTriggered>(timeout: TimeSpan.FromSeconds(answerSeconds + 10));
        var checkIn = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>(skip: 1);
        checkIn.Response.Status.ShouldBe(RealtimeResponseStatus.Completed);
        (await recorder.WaitForAsync<RealtimeServerUpdateResponseOutputAudioTranscriptDone>(skip: 1)).Transcript.ShouldContain("still there");
        var waited = recorder.ArrivalOf(update => update is RealtimeServerUpdateInputAudioBufferTimeoutTriggered)
            - recorder.ArrivalOf(update => update is RealtimeServerUpdateResponseDone);
        waited.TotalSeconds.ShouldBeGreaterThanOrEqualTo(answerSeconds + 1 - 0.3, "the timeout counts from when the answer has finished playing");
        timeout.ItemId.ShouldNotBeNullOrEmpty();
        first.Response.Id.ShouldNotBe(checkIn.Response.Id);
    }

    [Fact]
    public async Task Time_to_first_audio_and_stage_latencies_are_recorded_as_histograms()
    {
        var factory = engine.Server.Services.GetRequiredService<IMeterFactory>();
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == EngineMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => seen[instrument.Name] = value);
        listener.Start();
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "children");

        await SpeechStreaming.StreamAsync(recorder.Session, SpeechStreaming.Padded(SpeechSamples.Pcm24k("i have too much homework"), 300, 900));
        await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();

        await Eventually.UntilAsync(() => seen.ContainsKey("conversations.engine.time_to_first_audio"), TimeSpan.FromSeconds(5), "time to first audio is recorded");
        seen["conversations.engine.time_to_first_audio"].ShouldBeInRange(0.001, 5);
        seen.Keys.ShouldContain("conversations.engine.stt.latency");
        seen.Keys.ShouldContain("conversations.engine.responder.first_token");
        seen.Keys.ShouldContain("conversations.engine.tts.first_chunk");
    }
}
