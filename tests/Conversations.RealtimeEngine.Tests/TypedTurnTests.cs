using OpenAI.Realtime;

namespace Conversations.RealtimeEngine.Tests;

public sealed class TypedTurnTests(EngineFixture engine)
{
    [Fact]
    public async Task Session_starts_with_session_created_for_the_requested_model()
    {
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "mental-health");

        var created = await recorder.WaitForAsync<RealtimeServerUpdateSessionCreated>();

        var session = created.Session.ShouldBeOfType<RealtimeConversationSession>();
        session.Model.ShouldBe("mental-health");
        session.AudioOptions.OutputAudioOptions.Voice.ShouldBe(RealtimeVoice.Echo);
        session.AudioOptions.InputAudioOptions.TurnDetection.ShouldBeOfType<RealtimeServerVadTurnDetection>();
    }

    [Fact]
    public async Task Typed_turn_gets_transcript_audio_and_usage_in_lifecycle_order()
    {
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "internal-medicine");
        var ct = TestContext.Current.CancellationToken;

        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("I have had a headache since this morning."), ct);
        await recorder.Session.StartResponseAsync(ct);
        var done = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();

        done.Response.Status.ShouldBe(RealtimeResponseStatus.Completed);
        var transcript = (await recorder.WaitForAsync<RealtimeServerUpdateResponseOutputAudioTranscriptDone>()).Transcript;
        transcript.ShouldContain("head hurts");
        string.Concat(recorder.All<RealtimeServerUpdateResponseOutputAudioTranscriptDelta>().Select(delta => delta.Delta)).ShouldBe(transcript);
        var audioBytes = recorder.All<RealtimeServerUpdateResponseOutputAudioDelta>().Sum(delta => delta.Delta.ToMemory().Length);
        (audioBytes / 48000.0).ShouldBeGreaterThan(3.0, "a three-sentence reply is several seconds of 24 kHz PCM16");

        var kinds = recorder.Updates.Select(update => update.Kind).ToList();
        int At(RealtimeServerUpdateKind kind) => kinds.IndexOf(kind);
        At(RealtimeServerUpdateKind.ResponseCreated).ShouldBeLessThan(At(RealtimeServerUpdateKind.ResponseOutputItemAdded));
        At(RealtimeServerUpdateKind.ResponseOutputItemAdded).ShouldBeLessThan(At(RealtimeServerUpdateKind.ResponseContentPartAdded));
        At(RealtimeServerUpdateKind.ResponseContentPartAdded).ShouldBeLessThan(At(RealtimeServerUpdateKind.ResponseOutputAudioTranscriptDelta));
        At(RealtimeServerUpdateKind.ResponseOutputAudioTranscriptDelta).ShouldBeLessThan(At(RealtimeServerUpdateKind.ResponseOutputAudioDelta));
        kinds.LastIndexOf(RealtimeServerUpdateKind.ResponseOutputAudioDelta).ShouldBeLessThan(At(RealtimeServerUpdateKind.ResponseOutputAudioDone));
        At(RealtimeServerUpdateKind.ResponseOutputAudioDone).ShouldBeLessThan(At(RealtimeServerUpdateKind.ResponseOutputAudioTranscriptDone));
        At(RealtimeServerUpdateKind.ResponseOutputAudioTranscriptDone).ShouldBeLessThan(At(RealtimeServerUpdateKind.ResponseContentPartDone));
        At(RealtimeServerUpdateKind.ResponseContentPartDone).ShouldBeLessThan(At(RealtimeServerUpdateKind.ResponseOutputItemDone));
        At(RealtimeServerUpdateKind.ResponseOutputItemDone).ShouldBeLessThan(At(RealtimeServerUpdateKind.ResponseDone));

        var item = done.Response.OutputItems.ShouldHaveSingleItem().ShouldBeOfType<RealtimeMessageItem>();
        item.Role.ShouldBe(RealtimeMessageRole.Assistant);
        item.Content.ShouldHaveSingleItem().ShouldBeOfType<RealtimeOutputAudioMessageContentPart>().Transcript.ShouldBe(transcript);

        var usage = done.Response.Usage;
        usage.InputTokenDetails.TextTokenCount.ShouldNotBeNull().ShouldBeGreaterThan(5);
        usage.OutputTokenDetails.TextTokenCount.ShouldBe((transcript.Length + 3) / 4);
        usage.OutputTokenDetails.AudioTokenCount.ShouldNotBeNull().ShouldBeGreaterThan(60, "20 audio tokens per second of speech");
        usage.TotalTokenCount.ShouldBe(usage.InputTokenCount + usage.OutputTokenCount);
    }

    [Fact]
    public async Task User_text_item_is_echoed_as_conversation_item_added_and_done()
    {
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "nutrition");
        var ct = TestContext.Current.CancellationToken;

        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("What should I eat for breakfast?"), ct);

        var added = await recorder.WaitForAsync<RealtimeServerUpdateConversationItemAdded>();
        var done = await recorder.WaitForAsync<RealtimeServerUpdateConversationItemDone>();
        var message = added.Item.ShouldBeOfType<RealtimeMessageItem>();
        message.Role.ShouldBe(RealtimeMessageRole.User);
        message.Content.ShouldHaveSingleItem().ShouldBeOfType<RealtimeInputTextMessageContentPart>().Text.ShouldBe("What should I eat for breakfast?");
        done.Item.ShouldBeOfType<RealtimeMessageItem>().Id.ShouldBe(message.Id);
    }

    [Fact]
    public async Task Text_modality_answers_with_output_text_and_no_audio()
    {
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "nutrition");
        var ct = TestContext.Current.CancellationToken;
        var options = new RealtimeConversationSessionOptions();
        options.OutputModalities.Add(RealtimeOutputModality.Text);
        await recorder.Session.ConfigureConversationSessionAsync(options, ct);
        await recorder.WaitForAsync<RealtimeServerUpdateSessionUpdated>();

        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("I drink too much soda."), ct);
        await recorder.Session.StartResponseAsync(ct);
        await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();

        var text = (await recorder.WaitForAsync<RealtimeServerUpdateResponseOutputTextDone>()).Text;
        text.ShouldContain("Cutting back slowly");
        string.Concat(recorder.All<RealtimeServerUpdateResponseOutputTextDelta>().Select(delta => delta.Delta)).ShouldBe(text);
        recorder.All<RealtimeServerUpdateResponseOutputAudioDelta>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Korean_typed_turn_is_answered_in_Korean_with_espeak_audio()
    {
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "mental-health");
        var ct = TestContext.Current.CancellationToken;

        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("요즘 너무 불안하고 걱정이 많아요."), ct);
        await recorder.Session.StartResponseAsync(ct);
        var done = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();

        done.Response.Status.ShouldBe(RealtimeResponseStatus.Completed);
        var transcript = (await recorder.WaitForAsync<RealtimeServerUpdateResponseOutputAudioTranscriptDone>()).Transcript;
        transcript.ShouldContain("불안");
        var seconds = recorder.All<RealtimeServerUpdateResponseOutputAudioDelta>().Sum(delta => delta.Delta.ToMemory().Length) / 48000.0;
        seconds.ShouldBeGreaterThan(2.0, "eSpeak NG speaks the Korean reply; Flite would say next to nothing for Hangul");
    }
}
