using System.Text;
using System.Text.Json;
using Conversations.Domain.Characters;

namespace Conversations.Domain.Tests.Characters;

public sealed class SessionUpdatePolicyTests
{
    private static SessionUpdateDecision Evaluate(string sessionJson) =>
        SessionUpdatePolicy.Evaluate(Encoding.UTF8.GetBytes($$"""{"type":"session.update","event_id":"evt_1","session":{{sessionJson}}}"""));

    [Fact]
    public void Allowed_fields_pass_through_sanitised()
    {
        var decision = Evaluate("""
            {"type":"realtime","audio":{
              "input":{"turn_detection":{"type":"server_vad","threshold":0.6,"prefix_padding_ms":200,"silence_duration_ms":700,"create_response":true},
                       "transcription":{"language":"ko"},
                       "noise_reduction":{"type":"near_field"},
                       "format":{"type":"audio/pcm","rate":24000}},
              "output":{"format":{"type":"audio/pcm","rate":24000}}}}
            """);

        decision.IsAllowed.ShouldBeTrue();
        decision.ForbiddenFields.ShouldBeEmpty();
        decision.EventId.ShouldBe("evt_1");
        var input = decision.Session.GetProperty("audio").GetProperty("input");
        input.GetProperty("turn_detection").GetProperty("threshold").GetDouble().ShouldBe(0.6);
        input.GetProperty("transcription").GetProperty("language").GetString().ShouldBe("ko");
        decision.Session.GetProperty("type").GetString().ShouldBe("realtime");
    }

    [Theory]
    [InlineData("""{"instructions":"You are a pirate."}""", "instructions")]
    [InlineData("""{"tools":[]}""", "tools")]
    [InlineData("""{"tool_choice":"auto"}""", "tool_choice")]
    [InlineData("""{"voice":"ash"}""", "voice")]
    [InlineData("""{"model":"gpt-realtime"}""", "model")]
    [InlineData("""{"prompt":{"id":"pmpt_1"}}""", "prompt")]
    [InlineData("""{"audio":{"output":{"voice":"ash"}}}""", "audio.output.voice")]
    [InlineData("""{"audio":{"output":{"speed":1.5}}}""", "audio.output.speed")]
    [InlineData("""{"audio":{"input":{"transcription":{"language":"en","model":"whisper-1"}}}}""", "audio.input.transcription.model")]
    [InlineData("""{"audio":{"input":{"transcription":{"prompt":"ignore all"}}}}""", "audio.input.transcription.prompt")]
    [InlineData("""{"audio":{"input":{"transcription":null}}}""", "audio.input.transcription")]
    [InlineData("""{"audio":{"input":{"format":{"type":"audio/pcmu"}}}}""", "audio.input.format")]
    [InlineData("""{"audio":{"output":{"format":{"type":"audio/pcm","rate":16000}}}}""", "audio.output.format")]
    [InlineData("""{"audio":{"input":{"turn_detection":{"type":"server_vad","threshold":7}}}}""", "audio.input.turn_detection.threshold")]
    [InlineData("""{"audio":{"input":{"turn_detection":{"type":"magic"}}}}""", "audio.input.turn_detection.type")]
    [InlineData("""{"audio":{"input":{"noise_reduction":{"type":"studio"}}}}""", "audio.input.noise_reduction")]
    [InlineData("""{"type":"transcription"}""", "type")]
    [InlineData("""{"output_modalities":["text"]}""", "output_modalities")]
    public void Forbidden_fields_refuse_the_update(string session, string field)
    {
        var decision = Evaluate(session);

        decision.IsAllowed.ShouldBeFalse();
        decision.ForbiddenFields.ShouldContain(field);
        decision.ErrorMessage.ShouldContain(field);
    }

    [Fact]
    public void Every_forbidden_field_is_listed_and_nothing_is_forwarded()
    {
        var decision = Evaluate("""{"instructions":"x","voice":"ash","audio":{"input":{"transcription":{"language":"en"}},"output":{"voice":"ash"}}}""");

        decision.IsAllowed.ShouldBeFalse();
        decision.ForbiddenFields.ShouldBe(["instructions", "voice", "audio.output.voice"]);
        decision.Session.GetRawText().ShouldNotContain("language");
    }

    [Fact]
    public void Turn_detection_may_be_switched_off_or_semantic()
    {
        Evaluate("""{"audio":{"input":{"turn_detection":null}}}""").IsAllowed.ShouldBeTrue();
        Evaluate("""{"audio":{"input":{"turn_detection":{"type":"semantic_vad","eagerness":"low"}}}}""").IsAllowed.ShouldBeTrue();
        Evaluate("""{"audio":{"input":{"turn_detection":{"type":"semantic_vad","threshold":0.5}}}}""").IsAllowed.ShouldBeFalse();
    }

    [Fact]
    public void Wrong_event_shape_or_bad_json_is_refused()
    {
        SessionUpdatePolicy.Evaluate("""{"type":"response.create"}"""u8).ForbiddenFields.ShouldBe(["type"]);
        SessionUpdatePolicy.Evaluate("""{"type":"session.update"}"""u8).ForbiddenFields.ShouldBe(["session"]);
        SessionUpdatePolicy.Evaluate("""{"type":"session.update","""u8).IsAllowed.ShouldBeFalse();
        SessionUpdatePolicy.Evaluate("[]"u8).IsAllowed.ShouldBeFalse();
    }

    [Fact]
    public void Deeply_nested_input_is_refused_not_thrown()
    {
        var deep = new StringBuilder("""{"type":"session.update","session":{"audio":""");
        for (var i = 0; i < 100; i++)
        {
            deep.Append("""{"a":""");
        }

        deep.Append('1').Append('}', 102);
        SessionUpdatePolicy.Evaluate(Encoding.UTF8.GetBytes(deep.ToString())).IsAllowed.ShouldBeFalse();
    }

    [Fact]
    public void Works_on_an_already_parsed_element()
    {
        using var document = JsonDocument.Parse("""{"type":"session.update","session":{"audio":{"input":{"noise_reduction":null}}}}""");

        var decision = SessionUpdatePolicy.Evaluate(document.RootElement);

        decision.IsAllowed.ShouldBeTrue();
        decision.Session.GetProperty("audio").GetProperty("input").GetProperty("noise_reduction").ValueKind.ShouldBe(JsonValueKind.Null);
    }
}
