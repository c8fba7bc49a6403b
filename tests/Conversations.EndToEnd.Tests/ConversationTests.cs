using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Conversations.Gateway.Api;
using Conversations.Testing;
using OpenAI.Realtime;

namespace Conversations.EndToEnd.Tests;

/// <summary>Whole conversations through the real gateway, grain, engine and PostgreSQL, with the OpenAI SDK as the client.</summary>
public sealed class ConversationTests(PostgresServerFixture postgres, EngineFixture engine)
{
    [Fact]
    public async Task A_typed_turn_through_the_OpenAI_SDK_gets_text_and_audio_and_the_transcript_is_then_in_REST()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("alice");
        await using var session = await RecordedSession.StartAsync(silo.RealtimeClientFor(token), "nutrition");

        var started = await session.NextEventAsync("conversations.started");
        var conversationId = started.GetProperty("conversation_id").GetString()!;
        await session.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("How much water should I drink every day?"));
        await session.Session.StartResponseAsync();

        var audio = await session.NextAsync<RealtimeServerUpdateResponseOutputAudioDelta>();
        var said = await session.NextAsync<RealtimeServerUpdateResponseOutputAudioTranscriptDone>();
        var done = await session.NextAsync<RealtimeServerUpdateResponseDone>();
        var assistantEntry = await session.NextEventAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");

        audio.Delta.ToArray().Length.ShouldBeGreaterThan(0);
        said.Transcript.ShouldNotBeNullOrWhiteSpace();
        done.Response.Usage.ShouldNotBeNull();
        assistantEntry.GetProperty("text").GetString().ShouldBe(said.Transcript.Trim());

        using var http = silo.HttpFor(token);
        var transcript = await TestSilo.ReadAsync<TranscriptPage>(await http.GetAsync($"/api/v1/conversations/{conversationId}/transcript"));
        transcript.Data.Select(e => (e.Seq, e.Role)).ShouldBe([(1L, "user"), (2L, "assistant")]);
        transcript.Data[0].Text.ShouldBe("How much water should I drink every day?");
        transcript.Data[1].Text.ShouldBe(said.Transcript.Trim());
    }

    [Fact]
    public async Task A_spoken_turn_streamed_at_real_time_pace_is_heard_transcribed_and_answered_with_audio()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("bob");
        await using var session = await RecordedSession.StartAsync(silo.RealtimeClientFor(token), "mental-health");
        var conversationId = (await session.NextEventAsync("conversations.started")).GetProperty("conversation_id").GetString()!;

        var speech = SpeechSamples.Pcm24k("hello how are you today");
        await StreamAtRealTimePaceAsync(session.Session, [.. SpeechSamples.Silence24k(TimeSpan.FromMilliseconds(400)), .. speech, .. SpeechSamples.Silence24k(TimeSpan.FromSeconds(1.2))]);

        await session.NextAsync<RealtimeServerUpdateInputAudioBufferSpeechStarted>();
        await session.NextAsync<RealtimeServerUpdateInputAudioBufferSpeechStopped>();
        var heard = await session.NextAsync<RealtimeServerUpdateConversationItemInputAudioTranscriptionCompleted>();
        var answer = await session.NextAsync<RealtimeServerUpdateResponseOutputAudioDelta>();
        var userEntry = await session.NextEventAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "user");

        heard.Transcript.ShouldContain("how are you today");
        answer.Delta.ToArray().Length.ShouldBeGreaterThan(0);
        userEntry.GetProperty("text").GetString().ShouldBe(heard.Transcript.Trim());
        using var http = silo.HttpFor(token);
        var transcript = await TestSilo.ReadAsync<TranscriptPage>(await http.GetAsync($"/api/v1/conversations/{conversationId}/transcript"));
        transcript.Data[0].Role.ShouldBe("user");
        transcript.Data[0].Text.ShouldContain("how are you today");
    }

    [Fact]
    public async Task A_client_that_drops_and_resumes_from_its_last_seq_gets_each_missed_entry_once()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("carol");
        var first = await RawSocket.ConnectAsync(silo.BaseUrl, "model=womens-health", token, "realtime");
        var conversationId = (await first.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;
        await SayAsync(first, "I have been sleeping badly this month.");
        var seen = (await first.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant")).GetProperty("seq").GetInt64();

        // The next turn: the user's words are durable, then the phone loses signal before the answer arrives.
        await SayAsync(first, "What can I do about it?");
        await first.NextAsync("conversations.transcript", e => e.GetProperty("seq").GetInt64() == seen + 1);
        first.Drop();
        await Eventually.UntilAsync(async () => (await TranscriptAsync(silo, token, conversationId)).Count == seen + 2, TimeSpan.FromSeconds(30), "the answer is persisted while the client is away");

        await using var second = await RawSocket.ConnectAsync(silo.BaseUrl, $"conversation_id={conversationId}&resume_from_seq={seen}", token, "realtime");
        var resumed = await second.NextAsync("conversations.resumed");
        resumed.GetProperty("last_seq").GetInt64().ShouldBe(seen + 2);
        await SayAsync(second, "Thank you.");
        await second.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant" && e.GetProperty("seq").GetInt64() > seen + 2);

        var replayed = second.Received.Where(e => e.GetProperty("type").GetString() == "conversations.transcript").Select(e => e.GetProperty("seq").GetInt64()).ToList();
        replayed.ShouldBe([seen + 1, seen + 2, seen + 3, seen + 4], "missed entries once, in order, then the new turn; nothing seen before the drop");
        (await TranscriptAsync(silo, token, conversationId)).Select(e => e.Seq).ShouldBe([1L, 2, 3, 4, 5, 6]);
    }

    [Fact]
    public async Task A_conversation_created_over_REST_is_attached_by_id_and_ended_over_REST()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("dave", "basic");
        using var http = silo.HttpFor(token);

        var created = await http.PostAsJsonAsync("/api/v1/conversations", new { character_id = "geriatrics" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await TestSilo.ReadAsync<CreatedConversation>(created);
        body.MaxDurationSeconds.ShouldBe(1800);
        body.WebsocketUrl.Query.ShouldContain(body.ConversationId);

        await using (var socket = await RawSocket.ConnectAsync(silo.BaseUrl, $"conversation_id={body.ConversationId}", token, "realtime"))
        {
            (await socket.NextAsync("conversations.started")).GetProperty("character_id").GetString().ShouldBe("geriatrics");
            var ended = await http.PostAsync($"/api/v1/conversations/{body.ConversationId}/end", null);
            ended.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await socket.NextAsync("conversations.ended")).GetProperty("reason").GetString().ShouldBe("user");
            await socket.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            socket.CloseStatus.ShouldBe(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure);
        }

        var view = await TestSilo.ReadAsync<ConversationView>(await http.GetAsync($"/api/v1/conversations/{body.ConversationId}"));
        view.Status.ShouldBe("ended");
        var list = await TestSilo.ReadAsync<ConversationPage>(await http.GetAsync("/api/v1/conversations"));
        list.Data.Select(c => c.Id).ShouldBe([body.ConversationId]);

        await using var again = await RawSocket.ConnectAsync(silo.BaseUrl, $"conversation_id={body.ConversationId}", token, "realtime");
        (await again.NextAsync("error")).GetProperty("error").GetProperty("code").GetString().ShouldBe("conversation_ended");
        await again.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        ((int?)again.CloseStatus).ShouldBe(4409);
    }

    [Fact]
    public async Task Binary_audio_with_the_pcm16_subprotocol_is_heard_and_answered_in_binary_frames()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("erin");
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=children", token, "conversations.pcm16");
        socket.SubProtocol.ShouldBe("conversations.pcm16");
        await socket.NextAsync("conversations.started");

        byte[] audio = [.. SpeechSamples.Silence24k(TimeSpan.FromMilliseconds(300)), .. SpeechSamples.Pcm24k("hello how are you today"), .. SpeechSamples.Silence24k(TimeSpan.FromSeconds(1.2))];
        for (var offset = 0; offset < audio.Length; offset += 960)
        {
            await socket.SendBinaryAsync(audio.AsMemory(offset, Math.Min(960, audio.Length - offset)));
            await Task.Delay(5);
        }

        var heard = await socket.NextAsync("conversation.item.input_audio_transcription.completed");
        heard.GetProperty("transcript").GetString()!.ShouldContain("how are you");
        await socket.NextAsync("response.done", timeout: TimeSpan.FromSeconds(30));
        socket.BinaryBytesReceived.ShouldBeGreaterThan(24000, "at least half a second of assistant audio as binary frames");
        socket.Received.ShouldNotContain(e => e.GetProperty("type").GetString() == "response.output_audio.delta");
    }

    [Fact]
    public async Task An_append_larger_than_the_engine_takes_in_one_event_is_heard_whole_without_restarting_the_session()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=children", silo.TokenFor("ravi"));
        await socket.NextAsync("conversations.started");

        // 20 s in one event: about 1.3 MB of base64, over the engine's 1 MiB per message (Engine:MaxMessageBytes).
        byte[] audio = [.. SpeechSamples.Silence24k(TimeSpan.FromMilliseconds(300)), .. SpeechSamples.Pcm24k("hello how are you today")];
        audio = [.. audio, .. SpeechSamples.Silence24k(TimeSpan.FromSeconds(20) - TimeSpan.FromSeconds(audio.Length / 48000.0))];
        await socket.SendJsonAsync(new { type = "input_audio_buffer.append", event_id = "evt_long", audio = Convert.ToBase64String(audio) });

        var heard = await socket.NextAsync("conversation.item.input_audio_transcription.completed", timeout: TimeSpan.FromSeconds(30));
        heard.GetProperty("transcript").GetString()!.ShouldContain("how are you");
        await socket.NextAsync("response.done", timeout: TimeSpan.FromSeconds(30));
        socket.Received.ShouldNotContain(e => e.GetProperty("type").GetString() == "error" || e.GetProperty("type").GetString() == "conversations.resumed");

        // Audio inside a message cannot go up in pieces: refused with the client's event_id, before anything is stored.
        await socket.SendJsonAsync(new
        {
            type = "conversation.item.create",
            event_id = "evt_big_item",
            item = new { type = "message", role = "user", content = new[] { new { type = "input_audio", audio = Convert.ToBase64String(audio), transcript = "a long recording" } } },
        });
        var refused = await socket.NextAsync("error");
        refused.GetProperty("error").GetProperty("code").GetString().ShouldBe("message_too_large");
        refused.GetProperty("error").GetProperty("event_id").GetString().ShouldBe("evt_big_item");
        await SayAsync(socket, "thank you");
        await socket.NextAsync("conversations.transcript", e => e.GetProperty("text").GetString() == "thank you");
        await socket.NextAsync("response.done", timeout: TimeSpan.FromSeconds(30));
        var started = socket.Received.First(e => e.GetProperty("type").GetString() == "conversations.started");
        var transcript = await TranscriptAsync(silo, silo.TokenFor("ravi"), started.GetProperty("conversation_id").GetString()!);
        transcript.ShouldNotContain(e => e.Text == "a long recording");
        transcript.ShouldContain(e => e.Text == "thank you");
        socket.Received.ShouldNotContain(e => e.GetProperty("type").GetString() == "conversations.resumed");
    }

    internal static async Task SayAsync(RawSocket socket, string text)
    {
        await socket.SendJsonAsync(new
        {
            type = "conversation.item.create",
            item = new { type = "message", role = "user", content = new[] { new { type = "input_text", text } } },
        });
        await socket.SendJsonAsync(new { type = "response.create" });
    }

    internal static async Task<List<TranscriptEntryView>> TranscriptAsync(TestSilo silo, string token, string conversationId)
    {
        using var http = silo.HttpFor(token);
        return [.. (await TestSilo.ReadAsync<TranscriptPage>(await http.GetAsync($"/api/v1/conversations/{conversationId}/transcript"))).Data];
    }

    private static async Task StreamAtRealTimePaceAsync(RealtimeSessionClient session, byte[] audio)
    {
        const int chunk = 960; // 20 ms at 24 kHz, 16-bit mono
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var offset = 0; offset < audio.Length; offset += chunk)
        {
            await session.SendInputAudioAsync(BinaryData.FromBytes(audio.AsMemory(offset, Math.Min(chunk, audio.Length - offset))));
            var due = TimeSpan.FromMilliseconds((offset / chunk + 1) * 20);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
        }
    }
}
