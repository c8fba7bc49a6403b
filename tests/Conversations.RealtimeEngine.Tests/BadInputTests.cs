using System.Net.WebSockets;
using System.Text;

namespace Conversations.RealtimeEngine.Tests;

public sealed class BadInputTests(EngineFixture engine)
{
    [Fact]
    public async Task Malformed_json_gets_an_error_and_the_connection_stays_open()
    {
        await using var session = await RawSession.ConnectAsync(engine.Server, "nutrition");
        await session.WaitForAsync("session.created");

        await session.SendAsync("{\"type\": \"session.update\", \"session\": {");

        var error = await session.WaitForAsync("error");
        error.GetProperty("error").GetProperty("type").GetString().ShouldBe("invalid_request_error");
        error.GetProperty("error").GetProperty("code").GetString().ShouldBe("invalid_json");
        await session.SendAsync("""{"type":"session.update","event_id":"evt_ok","session":{"instructions":"Be brief."}}""");
        var updated = await session.WaitForAsync("session.updated");
        updated.GetProperty("session").GetProperty("instructions").GetString().ShouldBe("Be brief.");
    }

    [Fact]
    public async Task Unknown_event_type_is_reported_with_the_offending_event_id()
    {
        await using var session = await RawSession.ConnectAsync(engine.Server, "nutrition");

        await session.SendAsync("""{"type":"conversation.item.explode","event_id":"evt_42"}""");

        var error = (await session.WaitForAsync("error")).GetProperty("error");
        error.GetProperty("code").GetString().ShouldBe("invalid_value");
        error.GetProperty("event_id").GetString().ShouldBe("evt_42");
        error.GetProperty("message").GetString()!.ShouldContain("conversation.item.explode");
        session.Socket.State.ShouldBe(WebSocketState.Open);
    }

    [Theory]
    [InlineData("""{"event_id":"e1"}""", "missing_required_parameter", "type")]
    [InlineData("""{"type":"conversation.item.create","event_id":"e1"}""", "missing_required_parameter", "item")]
    [InlineData("""{"type":"conversation.item.create","event_id":"e1","item":{"type":"message","role":"user"}}""", "missing_required_parameter", "item.content")]
    [InlineData("""{"type":"conversation.item.create","event_id":"e1","item":{"type":"message","role":"robot","content":[]}}""", "invalid_value", "item.role")]
    [InlineData("""{"type":"input_audio_buffer.append","event_id":"e1"}""", "missing_required_parameter", "audio")]
    [InlineData("""{"type":"input_audio_buffer.append","event_id":"e1","audio":"not base64!"}""", "invalid_audio", "audio")]
    [InlineData("""{"type":"session.update","event_id":"e1","session":{"audio":{"output":{"voice":"darth"}}}}""", "invalid_value", "session.audio.output.voice")]
    [InlineData("""{"type":"session.update","event_id":"e1","session":{"audio":{"input":{"format":{"type":"audio/pcmu"}}}}}""", "unsupported_audio_format", "session.audio.input.format")]
    [InlineData("""{"type":"session.update","event_id":"e1","session":{"audio":{"input":{"turn_detection":{"type":"server_vad","threshold":7}}}}}""", "invalid_value", "session.audio.input.turn_detection.threshold")]
    [InlineData("""{"type":"conversation.item.truncate","event_id":"e1","item_id":"item_nope","content_index":0,"audio_end_ms":10}""", "item_not_found", "item_id")]
    [InlineData("""{"type":"response.cancel","event_id":"e1"}""", "response_cancel_not_active", null)]
    [InlineData("""[1,2,3]""", "invalid_json", null)]
    public async Task Bad_event_gets_an_error_with_code_and_param_and_the_session_continues(string json, string code, string? param)
    {
        await using var session = await RawSession.ConnectAsync(engine.Server, "nutrition");

        await session.SendAsync(json);

        var error = (await session.WaitForAsync("error")).GetProperty("error");
        error.GetProperty("code").GetString().ShouldBe(code);
        error.GetProperty("param").GetString().ShouldBe(param);
        if (json.Contains("\"e1\"", StringComparison.Ordinal))
        {
            error.GetProperty("event_id").GetString().ShouldBe("e1");
        }

        await session.SendAsync("""{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"still there?"}]}}""");
        await session.WaitForAsync("conversation.item.added");
    }

    [Fact]
    public async Task Oversized_message_gets_an_error_and_close_code_1009()
    {
        await using var session = await RawSession.ConnectAsync(engine.Server, "nutrition");
        await session.WaitForAsync("session.created");
        var huge = Encoding.UTF8.GetBytes($"{{\"type\":\"input_audio_buffer.append\",\"audio\":\"{new string('A', 2 * 1024 * 1024)}\"}}");

        await session.SendAsync(huge);

        var error = (await session.WaitForAsync("error")).GetProperty("error");
        error.GetProperty("code").GetString().ShouldBe("message_too_large");
        (await session.WaitForCloseAsync()).ShouldBe(WebSocketCloseStatus.MessageTooBig);
    }

    [Fact]
    public async Task Unknown_model_gets_model_not_found_and_close_code_1008()
    {
        await using var session = await RawSession.ConnectAsync(engine.Server, "gpt-imaginary");

        var error = (await session.WaitForAsync("error")).GetProperty("error");
        error.GetProperty("code").GetString().ShouldBe("model_not_found");
        error.GetProperty("message").GetString()!.ShouldContain("gpt-imaginary");
        (await session.WaitForCloseAsync()).ShouldBe(WebSocketCloseStatus.PolicyViolation);
    }

    [Fact]
    public async Task Odd_length_binary_audio_is_refused_and_whole_samples_are_accepted()
    {
        await using var session = await RawSession.ConnectAsync(engine.Server, "echo");
        await session.WaitForAsync("session.created");

        await session.SendAsync(new byte[3], WebSocketMessageType.Binary);
        (await session.WaitForAsync("error")).GetProperty("error").GetProperty("code").GetString().ShouldBe("invalid_audio");
        await session.SendAsync(new byte[960], WebSocketMessageType.Binary);
        var delta = await session.WaitForAsync("response.output_audio.delta");
        Convert.FromBase64String(delta.GetProperty("delta").GetString()!).Length.ShouldBe(960);
    }

    [Fact]
    public async Task A_plain_http_request_is_told_to_upgrade()
    {
        using var http = new HttpClient { BaseAddress = engine.Server.BaseAddress };

        var response = await http.GetAsync(new Uri("v1/realtime?model=echo", UriKind.Relative), TestContext.Current.CancellationToken);

        ((int)response.StatusCode).ShouldBe(426);
    }

    [Fact]
    public async Task Base64_audio_with_json_escapes_is_decoded_like_plain_base64()
    {
        await using var session = await RawSession.ConnectAsync(engine.Server, "echo");
        var audio = Enumerable.Range(0, 960).Select(i => (byte)(i * 7)).ToArray();
        var escaped = Convert.ToBase64String(audio).Replace("+", "\\u002B", StringComparison.Ordinal).Replace("/", "\\/", StringComparison.Ordinal);
        escaped.ShouldContain("\\u002B");

        await session.SendAsync($"{{\"type\":\"input_audio_buffer.append\",\"audio\":\"{escaped}\"}}");

        var delta = await session.WaitForAsync("response.output_audio.delta");
        Convert.FromBase64String(delta.GetProperty("delta").GetString()!).ShouldBe(audio);
    }
}
