using System.Diagnostics;
using System.Text.Json;
using Conversations.RealtimeEngine.Tests.Fakes;
using Conversations.Testing;
using OpenAI.Realtime;

namespace Conversations.RealtimeEngine.Tests;

public sealed class RestProviderTests : IClassFixture<RestEngineFixture>
{
    private readonly RestEngineFixture _rest;

    public RestProviderTests(RestEngineFixture rest)
    {
        _rest = rest;
        rest.Fake.Reset();
    }

    private FakeOpenAIServer Fake => _rest.Fake;

    [Fact]
    public async Task Streamed_chat_tokens_are_spoken_sentence_by_sentence_before_the_answer_is_complete()
    {
        Fake.Chat.Enqueue(ChatText.Of("I hear you. Let us take a slow breath together. Then tell me what happened today.", delayMs: 60));
        await using var recorder = await SessionRecorder.StartAsync(_rest.Client(), "rest-chat");
        var ct = TestContext.Current.CancellationToken;

        await recorder.Session.AddItemAsync(OpenAI.Realtime.RealtimeItem.CreateUserMessageItem("I had an awful day."), ct);
        await recorder.Session.StartResponseAsync(ct);
        await recorder.WaitForAsync<RealtimeServerUpdateResponseOutputAudioDelta>();
        var firstAudioAt = Stopwatch.GetTimestamp();
        var done = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();

        done.Response.Status.ShouldBe(RealtimeResponseStatus.Completed);
        firstAudioAt.ShouldBeLessThan(Fake.LastChatChunkAt, "the first sentence is spoken while the model is still writing");
        var deltas = recorder.All<RealtimeServerUpdateResponseOutputAudioTranscriptDelta>().Select(delta => delta.Delta).ToList();
        deltas.ShouldBe(["I hear you.", " Let us take a slow breath together.", " Then tell me what happened today."]);
        var kinds = recorder.Updates.Select(update => update.Kind).ToList();
        kinds.IndexOf(RealtimeServerUpdateKind.ResponseOutputAudioDelta).ShouldBeLessThan(
            kinds.LastIndexOf(RealtimeServerUpdateKind.ResponseOutputAudioTranscriptDelta),
            "audio of the first sentence goes out before the text of the last");

        var request = Fake.ChatRequests.ShouldHaveSingleItem();
        request.GetProperty("model").GetString().ShouldBe("fake-gpt");
        request.GetProperty("stream").GetBoolean().ShouldBeTrue();
        var messages = request.GetProperty("messages").EnumerateArray().ToList();
        messages[0].GetProperty("role").GetString().ShouldBe("system");
        messages[0].GetProperty("content").ToString().ShouldContain("kind counsellor");
        messages[^1].GetProperty("role").GetString().ShouldBe("user");
        messages[^1].GetProperty("content").ToString().ShouldContain("awful day");
    }

    [Fact]
    public async Task Declared_tools_reach_the_model_and_a_tool_call_round_trip_feeds_the_next_response()
    {
        Fake.Chat.Enqueue(new ChatToolCall("call_abc", "find_clinic", ["{\"city\":", "\"Seoul\"}"]));
        Fake.Chat.Enqueue(ChatText.Of("The nearest clinic is on Main Street."));
        await using var recorder = await SessionRecorder.StartAsync(_rest.Client(), "rest-chat");
        var ct = TestContext.Current.CancellationToken;
        var options = new RealtimeConversationSessionOptions();
        options.Tools.Add(new RealtimeFunctionTool("find_clinic")
        {
            FunctionDescription = "Find the nearest clinic",
            FunctionParameters = BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""),
        });
        await recorder.Session.ConfigureConversationSessionAsync(options, ct);

        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("Where is a clinic in Seoul?"), ct);
        await recorder.Session.StartResponseAsync(ct);
        var first = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();

        var call = first.Response.OutputItems.ShouldHaveSingleItem().ShouldBeOfType<RealtimeFunctionCallItem>();
        call.FunctionName.ShouldBe("find_clinic");
        call.CallId.ShouldBe("call_abc");
        call.FunctionArguments.ToString().ShouldBe("""{"city":"Seoul"}""");
        var argumentsDone = await recorder.WaitForAsync<RealtimeServerUpdateResponseFunctionCallArgumentsDone>();
        argumentsDone.FunctionName.ShouldBe("find_clinic");
        argumentsDone.FunctionArguments.ToString().ShouldBe("""{"city":"Seoul"}""");
        string.Concat(recorder.All<RealtimeServerUpdateResponseFunctionCallArgumentsDelta>().Select(delta => delta.Delta.ToString())).ShouldBe("""{"city":"Seoul"}""");
        var tools = Fake.ChatRequests[0].GetProperty("tools").EnumerateArray().ShouldHaveSingleItem();
        tools.GetProperty("function").GetProperty("name").GetString().ShouldBe("find_clinic");
        tools.GetProperty("function").GetProperty("parameters").GetProperty("required")[0].GetString().ShouldBe("city");

        await recorder.Session.AddItemAsync(RealtimeItem.CreateFunctionCallOutputItem("call_abc", """{"clinic":"Main Street Clinic"}"""), ct);
        await recorder.Session.StartResponseAsync(ct);
        var second = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>(skip: 1);

        second.Response.Status.ShouldBe(RealtimeResponseStatus.Completed);
        (await recorder.WaitForAsync<RealtimeServerUpdateResponseOutputAudioTranscriptDone>()).Transcript.ShouldBe("The nearest clinic is on Main Street.");
        var messages = Fake.ChatRequests[1].GetProperty("messages").EnumerateArray().ToList();
        var assistant = messages[^2];
        assistant.GetProperty("role").GetString().ShouldBe("assistant");
        assistant.GetProperty("tool_calls")[0].GetProperty("id").GetString().ShouldBe("call_abc");
        assistant.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString().ShouldBe("""{"city":"Seoul"}""");
        messages[^1].GetProperty("role").GetString().ShouldBe("tool");
        messages[^1].GetProperty("tool_call_id").GetString().ShouldBe("call_abc");
        messages[^1].GetProperty("content").ToString().ShouldContain("Main Street Clinic");
    }

    [Fact]
    public async Task Speech_to_text_and_text_to_speech_can_be_rest_providers_too()
    {
        Fake.Transcriptions.Enqueue(new Transcript("I have a headache"));
        Fake.Chat.Enqueue(ChatText.Of("I am sorry your head hurts."));
        await using var recorder = await SessionRecorder.StartAsync(_rest.Client(), "rest-all");
        var speech = SpeechStreaming.Padded(SpeechSamples.Pcm24k("i have a headache"), 300, 900);

        await SpeechStreaming.StreamAsync(recorder.Session, speech);
        var done = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();

        done.Response.Status.ShouldBe(RealtimeResponseStatus.Completed);
        (await recorder.WaitForAsync<RealtimeServerUpdateConversationItemInputAudioTranscriptionCompleted>()).Transcript.ShouldBe("I have a headache");
        var upload = Fake.TranscriptionUploads.ShouldHaveSingleItem();
        upload.Model.ShouldBe("fake-whisper");
        upload.File.AsSpan(0, 4).ToArray().ShouldBe("RIFF"u8.ToArray());
        BitConverter.ToInt32(upload.File, 24).ShouldBe(24000);
        ((upload.File.Length - 44) / 48.0).ShouldBeInRange(1000, speech.Length / 48.0, "the utterance with its padding, not the whole stream");
        Fake.ChatRequests.ShouldHaveSingleItem().GetProperty("messages").EnumerateArray().Last().GetProperty("content").ToString().ShouldContain("I have a headache");
        var tts = Fake.SpeechRequests.ShouldHaveSingleItem();
        tts.GetProperty("model").GetString().ShouldBe("fake-tts");
        tts.GetProperty("voice").GetString().ShouldBe("marin");
        tts.GetProperty("response_format").GetString().ShouldBe("pcm");
        tts.GetProperty("input").GetString().ShouldBe("I am sorry your head hurts.");
        var audio = recorder.All<RealtimeServerUpdateResponseOutputAudioDelta>().SelectMany(delta => delta.Delta.ToArray()).ToArray();
        audio.ShouldBe(FakeOpenAIServer.ToneFor("I am sorry your head hurts."));
    }

    [Theory]
    [InlineData(401, "provider_unauthorized")]
    [InlineData(429, "provider_rate_limited")]
    [InlineData(500, "provider_error")]
    [InlineData(503, "provider_error")]
    public async Task Chat_provider_failure_fails_the_response_with_a_code_and_the_next_turn_works(int status, string code)
    {
        Fake.Chat.Enqueue(new HttpFailure(status));
        await using var recorder = await SessionRecorder.StartAsync(_rest.Client(), "rest-chat");
        var ct = TestContext.Current.CancellationToken;

        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("Hello?"), ct);
        await recorder.Session.StartResponseAsync(ct);
        var failed = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();

        failed.Response.Status.ShouldBe(RealtimeResponseStatus.Failed);
        failed.Response.StatusDetails.Error.Code.ShouldBe(code);
        (await recorder.WaitForAsync<RealtimeServerUpdateError>()).Error.Code.ShouldBe(code);
        await AssertNextTurnWorksAsync(recorder, skip: 1);
    }

    [Fact]
    public async Task Chat_provider_that_never_answers_times_out_with_a_code()
    {
        Fake.Chat.Enqueue(new Hang());
        await using var recorder = await SessionRecorder.StartAsync(_rest.Client(), "rest-timeout");
        var ct = TestContext.Current.CancellationToken;
        var clock = Stopwatch.StartNew();

        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("Hello?"), ct);
        await recorder.Session.StartResponseAsync(ct);
        var failed = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>(timeout: TimeSpan.FromSeconds(60));

        failed.Response.StatusDetails.Error.Code.ShouldBe("provider_timeout");
        // The configured timeout is 1 s; HttpClient's own is 100 s. The margin is for a loaded machine, not for the code.
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the configured timeout, not HttpClient's 100 s, ended the call");
        await AssertNextTurnWorksAsync(recorder, skip: 1);
    }

    [Fact]
    public async Task A_retry_hides_one_server_error_when_the_model_allows_it()
    {
        Fake.Chat.Enqueue(new HttpFailure(500));
        Fake.Chat.Enqueue(ChatText.Of("Second time lucky."));
        await using var recorder = await SessionRecorder.StartAsync(_rest.Client(), "rest-retry");
        var ct = TestContext.Current.CancellationToken;

        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("Hello?"), ct);
        await recorder.Session.StartResponseAsync(ct);
        var done = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>(timeout: TimeSpan.FromSeconds(30));

        done.Response.Status.ShouldBe(RealtimeResponseStatus.Completed);
        Fake.ChatRequests.Count.ShouldBe(2);
        recorder.All<RealtimeServerUpdateError>().ShouldBeEmpty();
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { (byte)'<', (byte)'h', (byte)'t', (byte)'m' })]
    [InlineData(new byte[0])]
    public async Task Broken_audio_from_the_speech_provider_fails_the_response_and_the_next_turn_works(byte[] body)
    {
        Fake.Speech.Enqueue(new RawAudio(body));
        await using var recorder = await SessionRecorder.StartAsync(_rest.Client(), "rest-all");
        var ct = TestContext.Current.CancellationToken;

        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("Hello?"), ct);
        await recorder.Session.StartResponseAsync(ct);
        var failed = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();

        failed.Response.Status.ShouldBe(RealtimeResponseStatus.Failed);
        failed.Response.StatusDetails.Error.Code.ShouldBe("provider_bad_audio");
        await AssertNextTurnWorksAsync(recorder, skip: 1);
    }

    [Fact]
    public async Task Failed_transcription_is_reported_and_the_turn_gets_no_answer_but_the_session_goes_on()
    {
        Fake.Transcriptions.Enqueue(new HttpFailure(500));
        await using var recorder = await SessionRecorder.StartAsync(_rest.Client(), "rest-all");

        await SpeechStreaming.StreamAsync(recorder.Session, SpeechStreaming.Padded(SpeechSamples.Pcm24k("hello there"), 300, 900));

        var failed = await recorder.WaitForAsync<RealtimeServerUpdateConversationItemInputAudioTranscriptionFailed>();
        failed.Error.Code.ShouldBe("provider_error");
        var done = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();
        done.Response.StatusDetails.Error.Code.ShouldBe("transcription_failed");
        Fake.ChatRequests.ShouldBeEmpty();
        await AssertNextTurnWorksAsync(recorder, skip: 1);
    }

    [Fact]
    public async Task Usage_reports_the_models_own_tokens_and_the_speech_work_in_the_engine_extension()
    {
        Fake.Transcriptions.Enqueue(new Transcript("I cannot sleep"));
        Fake.Chat.Enqueue(new ChatText(["Try a", " warm drink."], TimeSpan.Zero, PromptTokens: 321, CompletionTokens: 7));
        await using var session = await RawSession.ConnectAsync(_rest.Engine, "rest-all");
        var speech = SpeechStreaming.Padded(SpeechSamples.Pcm24k("i cannot sleep"), 300, 900);

        for (var offset = 0; offset < speech.Length; offset += 4800)
        {
            var chunk = Convert.ToBase64String(speech, offset, Math.Min(4800, speech.Length - offset));
            await session.SendAsync($$"""{"type":"input_audio_buffer.append","audio":"{{chunk}}"}""");
        }

        var usage = (await session.WaitForAsync("response.done")).GetProperty("response").GetProperty("usage");
        var engine = usage.GetProperty("engine");
        engine.GetProperty("llm_input_tokens").GetInt32().ShouldBe(321);
        engine.GetProperty("llm_output_tokens").GetInt32().ShouldBe(7);
        engine.GetProperty("tts_characters").GetInt32().ShouldBe("Try a warm drink.".Length);
        var committed = (await session.WaitForAsync("conversation.item.added")).GetProperty("item");
        engine.GetProperty("stt_seconds").GetDouble().ShouldBeGreaterThan(0.8);
        usage.GetProperty("input_token_details").GetProperty("audio_tokens").GetInt32().ShouldBeGreaterThan(8);
        committed.GetProperty("role").GetString().ShouldBe("user");
    }

    private static async Task AssertNextTurnWorksAsync(SessionRecorder recorder, int skip)
    {
        var ct = TestContext.Current.CancellationToken;
        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("Are you there now?"), ct);
        await recorder.Session.StartResponseAsync(ct);
        var next = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>(skip: skip);
        next.Response.Status.ShouldBe(RealtimeResponseStatus.Completed);
        next.Response.OutputItems.ShouldHaveSingleItem();
    }
}
