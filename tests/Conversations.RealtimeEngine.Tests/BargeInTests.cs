using Conversations.RealtimeEngine.Tests.Fakes;
using Conversations.Testing;
using OpenAI.Realtime;

namespace Conversations.RealtimeEngine.Tests;

public sealed class BargeInTests : IClassFixture<RestEngineFixture>
{
    private const string LongAnswer =
        "Thank you for telling me about your week and about all the things that have been worrying you lately at home. "
        + "It sounds like a lot to carry on your own. Let us look at one thing at a time, starting with sleep. "
        + "What time do you usually go to bed, and what do you do in the hour before it?";

    private readonly RestEngineFixture _rest;

    public BargeInTests(RestEngineFixture rest)
    {
        _rest = rest;
        rest.Fake.Reset();
    }

    [Fact]
    public async Task User_speech_during_a_response_cancels_it_and_truncation_keeps_only_what_was_heard_for_the_next_turn()
    {
        var fake = _rest.Fake;
        fake.Chat.Enqueue(ChatText.Of(LongAnswer, delayMs: 40));
        fake.Chat.Enqueue(ChatText.Of("Of course, I am listening."));
        await using var recorder = await SessionRecorder.StartAsync(_rest.Client(), "rest-chat");
        var ct = TestContext.Current.CancellationToken;
        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("My week was hard."), ct);
        await recorder.Session.StartResponseAsync(ct);
        var assistant = (await recorder.WaitForAsync<RealtimeServerUpdateResponseOutputItemAdded>()).Item.ShouldBeOfType<RealtimeMessageItem>();
        await recorder.WaitForAsync<RealtimeServerUpdateResponseOutputAudioDelta>();

        // The user talks over the assistant: the VAD's speech_started cancels the response.
        var speaking = SpeechStreaming.StreamAsync(recorder.Session, SpeechStreaming.Padded(SpeechSamples.Pcm24k("wait a moment please"), 100, 900));
        var started = await recorder.WaitForAsync<RealtimeServerUpdateInputAudioBufferSpeechStarted>();
        var cancelled = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();
        cancelled.Response.Status.ShouldBe(RealtimeResponseStatus.Cancelled);
        cancelled.Response.StatusDetails.Reason.ShouldBe(RealtimeResponseStatusReason.TurnDetected);
        cancelled.Response.OutputItems.ShouldHaveSingleItem().ShouldBeOfType<RealtimeMessageItem>().Status.ShouldBe(RealtimeMessageStatus.Incomplete);
        recorder.ArrivalOf(update => update is RealtimeServerUpdateResponseDone).ShouldBeGreaterThan(recorder.ArrivalOf(update => update is RealtimeServerUpdateInputAudioBufferSpeechStarted));
        var sent = (await recorder.WaitForAsync<RealtimeServerUpdateResponseOutputAudioTranscriptDone>()).Transcript;
        sent.ShouldStartWith("Thank you for telling me");

        // The client played 1.5 s of the answer before the user spoke over it.
        await recorder.Session.TruncateItemAsync(assistant.Id, 0, TimeSpan.FromMilliseconds(1500), ct);
        var truncated = await recorder.WaitForAsync<RealtimeServerUpdateConversationItemTruncated>();
        truncated.AudioEndTime.ShouldBe(TimeSpan.FromMilliseconds(1500));

        await speaking;
        await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>(skip: 1);
        fake.ChatRequests.Count.ShouldBe(2);
        var messages = fake.ChatRequests[1].GetProperty("messages").EnumerateArray().ToList();
        var heard = messages.Single(message => message.GetProperty("role").GetString() == "assistant").GetProperty("content").ToString();
        heard.ShouldNotBeEmpty();
        sent.ShouldStartWith(heard);
        heard.Length.ShouldBeLessThan(sent.Length / 2, "1.5 s of speech is a few words, not the whole answer");
        started.ItemId.ShouldBe((await recorder.WaitForAsync<RealtimeServerUpdateInputAudioBufferCommitted>()).ItemId);
    }

    [Fact]
    public async Task Truncating_beyond_the_generated_audio_is_clamped_to_its_end()
    {
        _rest.Fake.Chat.Enqueue(ChatText.Of("A short answer."));
        await using var recorder = await SessionRecorder.StartAsync(_rest.Client(), "rest-chat");
        var ct = TestContext.Current.CancellationToken;
        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("Hi"), ct);
        await recorder.Session.StartResponseAsync(ct);
        var done = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();
        var item = done.Response.OutputItems.ShouldHaveSingleItem().ShouldBeOfType<RealtimeMessageItem>();
        var generatedMs = recorder.All<RealtimeServerUpdateResponseOutputAudioDelta>().Sum(delta => delta.Delta.ToMemory().Length) / 48;

        await recorder.Session.TruncateItemAsync(item.Id, 0, TimeSpan.FromMinutes(10), ct);

        var truncated = await recorder.WaitForAsync<RealtimeServerUpdateConversationItemTruncated>();
        truncated.AudioEndTime.TotalMilliseconds.ShouldBe(generatedMs, tolerance: 1);
        recorder.All<RealtimeServerUpdateError>().ShouldBeEmpty();
        await recorder.Session.RequestItemRetrievalAsync(item.Id, ct);
        var retrieved = await recorder.WaitForAsync<RealtimeServerUpdateConversationItemRetrieved>();
        retrieved.Item.ShouldBeOfType<RealtimeMessageItem>().Content.ShouldHaveSingleItem()
            .ShouldBeOfType<RealtimeOutputAudioMessageContentPart>().Transcript.ShouldBe("A short answer.");
    }

    [Fact]
    public async Task With_interrupt_response_off_speech_does_not_cancel_the_answer()
    {
        _rest.Fake.Chat.Enqueue(ChatText.Of(LongAnswer, delayMs: 15));
        await using var recorder = await SessionRecorder.StartAsync(_rest.Client(), "rest-chat");
        var ct = TestContext.Current.CancellationToken;
        var options = new RealtimeConversationSessionOptions { AudioOptions = new() { InputAudioOptions = new() } };
        options.AudioOptions.InputAudioOptions.TurnDetection = new RealtimeServerVadTurnDetection { InterruptResponseEnabled = false, CreateResponseEnabled = false };
        await recorder.Session.ConfigureConversationSessionAsync(options, ct);
        await recorder.WaitForAsync<RealtimeServerUpdateSessionUpdated>();
        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("My week was hard."), ct);
        await recorder.Session.StartResponseAsync(ct);
        await recorder.WaitForAsync<RealtimeServerUpdateResponseOutputAudioDelta>();

        await SpeechStreaming.StreamAsync(recorder.Session, SpeechStreaming.Padded(SpeechSamples.Pcm24k("wait a moment"), 100, 700));

        await recorder.WaitForAsync<RealtimeServerUpdateInputAudioBufferSpeechStopped>();
        (await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>()).Response.Status.ShouldBe(RealtimeResponseStatus.Completed);
        recorder.All<RealtimeServerUpdateResponseCreated>().Count.ShouldBe(1, "create_response is off too");
    }
}
