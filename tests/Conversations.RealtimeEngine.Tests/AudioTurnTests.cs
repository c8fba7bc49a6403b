using Conversations.Testing;
using OpenAI.Realtime;

namespace Conversations.RealtimeEngine.Tests;

public sealed class AudioTurnTests(EngineFixture engine, ITestOutputHelper output)
{
    [Fact]
    public async Task Spoken_turn_is_detected_transcribed_and_answered_with_audio()
    {
        const string sentence = "hello how are you today";
        var speech = SpeechStreaming.Padded(SpeechSamples.Pcm24k(sentence), leadMs: 600, tailMs: 1200);
        var (firstLoud, lastLoud) = SpeechStreaming.LoudSpan(speech);
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "mental-health");
        await recorder.WaitForAsync<RealtimeServerUpdateSessionCreated>();

        await SpeechStreaming.StreamAsync(recorder.Session, speech);

        var started = await recorder.WaitForAsync<RealtimeServerUpdateInputAudioBufferSpeechStarted>();
        var stopped = await recorder.WaitForAsync<RealtimeServerUpdateInputAudioBufferSpeechStopped>();
        var committed = await recorder.WaitForAsync<RealtimeServerUpdateInputAudioBufferCommitted>();
        stopped.ItemId.ShouldBe(started.ItemId);
        committed.ItemId.ShouldBe(started.ItemId);
        started.AudioStartTime.TotalMilliseconds.ShouldBeInRange(firstLoud - 300 - 40, firstLoud - 300 + 40, "speech onset minus the 300 ms prefix padding");
        stopped.AudioEndTime.TotalMilliseconds.ShouldBeInRange(lastLoud + 500 - 40, lastLoud + 500 + 120, "last speech plus the 500 ms silence window");
        recorder.All<RealtimeServerUpdateInputAudioBufferSpeechStarted>().Count.ShouldBe(1);

        var transcription = await recorder.WaitForAsync<RealtimeServerUpdateConversationItemInputAudioTranscriptionCompleted>();
        transcription.ItemId.ShouldBe(started.ItemId);
        SpeechStreaming.Words(transcription.Transcript).ShouldBe(SpeechStreaming.Words(sentence));

        var done = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();
        done.Response.Status.ShouldBe(RealtimeResponseStatus.Completed);
        (await recorder.WaitForAsync<RealtimeServerUpdateResponseOutputAudioTranscriptDone>()).Transcript.ShouldStartWith("I'm doing well");
        recorder.All<RealtimeServerUpdateResponseOutputAudioDelta>().Sum(delta => delta.Delta.ToMemory().Length).ShouldBeGreaterThan(48000);
        var firstAudio = recorder.ArrivalOf(update => update is RealtimeServerUpdateResponseOutputAudioDelta);
        var stoppedAt = recorder.ArrivalOf(update => update is RealtimeServerUpdateInputAudioBufferSpeechStopped);
        output.WriteLine($"time to first audio: {(firstAudio - stoppedAt).TotalMilliseconds:0} ms");
        done.Response.Usage.InputTokenDetails.AudioTokenCount.ShouldNotBeNull().ShouldBeGreaterThan(10, "10 tokens per second of user audio");
    }

    [Fact]
    public async Task Manual_commit_without_turn_detection_transcribes_and_answers_on_request()
    {
        const string sentence = "i feel hopeless";
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "mental-health");
        var ct = TestContext.Current.CancellationToken;
        var options = new RealtimeConversationSessionOptions { AudioOptions = new() { InputAudioOptions = new() } };
        options.AudioOptions.InputAudioOptions.DisableTurnDetection();
        await recorder.Session.ConfigureConversationSessionAsync(options, ct);
        var updated = await recorder.WaitForAsync<RealtimeServerUpdateSessionUpdated>();
        updated.Session.ShouldBeOfType<RealtimeConversationSession>().AudioOptions.InputAudioOptions.TurnDetection.ShouldBeNull();

        await SpeechStreaming.StreamAsync(recorder.Session, SpeechStreaming.Padded(SpeechSamples.Pcm24k(sentence, voice: "rms"), 200, 200), realTime: false);
        await recorder.Session.CommitPendingAudioAsync(ct);
        await recorder.Session.StartResponseAsync(ct);

        var committed = await recorder.WaitForAsync<RealtimeServerUpdateInputAudioBufferCommitted>();
        var transcription = await recorder.WaitForAsync<RealtimeServerUpdateConversationItemInputAudioTranscriptionCompleted>();
        transcription.ItemId.ShouldBe(committed.ItemId);
        SpeechStreaming.Words(transcription.Transcript).ShouldBe(SpeechStreaming.Words(sentence));
        var done = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();
        done.Response.Status.ShouldBe(RealtimeResponseStatus.Completed);
        (await recorder.WaitForAsync<RealtimeServerUpdateResponseOutputAudioTranscriptDone>()).Transcript.ShouldContain("988", customMessage: "the crisis reply answers what was said, so the transcript reached the responder");
        recorder.All<RealtimeServerUpdateInputAudioBufferSpeechStarted>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Committing_an_empty_buffer_is_an_error_and_the_session_continues()
    {
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "geriatrics");
        var ct = TestContext.Current.CancellationToken;

        await recorder.Session.CommitPendingAudioAsync(ct);

        var error = await recorder.WaitForAsync<RealtimeServerUpdateError>();
        error.Error.Code.ShouldBe("input_audio_buffer_commit_empty");
        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("hello"), ct);
        await recorder.WaitForAsync<RealtimeServerUpdateConversationItemAdded>();
    }

    [Fact]
    public async Task Clearing_the_input_buffer_discards_uncommitted_audio()
    {
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "geriatrics");
        var ct = TestContext.Current.CancellationToken;
        var options = new RealtimeConversationSessionOptions { AudioOptions = new() { InputAudioOptions = new() } };
        options.AudioOptions.InputAudioOptions.DisableTurnDetection();
        await recorder.Session.ConfigureConversationSessionAsync(options, ct);

        await SpeechStreaming.StreamAsync(recorder.Session, SpeechSamples.Pcm24k("hello how are you today"), realTime: false);
        await recorder.Session.ClearInputAudioAsync(ct);
        await recorder.WaitForAsync<RealtimeServerUpdateInputAudioBufferCleared>();
        await recorder.Session.CommitPendingAudioAsync(ct);

        (await recorder.WaitForAsync<RealtimeServerUpdateError>()).Error.Code.ShouldBe("input_audio_buffer_commit_empty");
        recorder.All<RealtimeServerUpdateInputAudioBufferCommitted>().ShouldBeEmpty();
    }
}
