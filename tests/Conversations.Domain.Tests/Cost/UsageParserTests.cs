using System.Text.Json;
using Conversations.Domain.Cost;

namespace Conversations.Domain.Tests.Cost;

public sealed class UsageParserTests
{
    [Fact]
    public void Reads_a_response_done_of_the_OpenAI_realtime_api()
    {
        var json = """
            {"type":"response.done","event_id":"event_9","response":{"object":"realtime.response","id":"resp_42","status":"completed",
             "usage":{"total_tokens":37400,"input_tokens":31200,"output_tokens":6150,
              "input_token_details":{"text_tokens":1200,"audio_tokens":30000,"image_tokens":0,"cached_tokens":10200,
                "cached_tokens_details":{"text_tokens":200,"audio_tokens":10000,"image_tokens":0}},
              "output_token_details":{"text_tokens":150,"audio_tokens":6000}}}}
            """u8;

        UsageParser.TryParseResponseDone(json, "gpt-realtime", out var record).ShouldBeTrue();

        record.ShouldBe(new UsageRecord("resp_42", "gpt-realtime", new TokenUsage(1200, 200, 30000, 10000, 150, 6000)));
        PriceTable.Default.DollarsFor(record).ShouldBe(1.03448m);
    }

    [Fact]
    public void Reads_the_engine_cascade_extension_fields()
    {
        using var usage = JsonDocument.Parse($$"""
            {"total_tokens":2300,"input_tokens":2000,"output_tokens":300,
             "input_token_details":{"text_tokens":2000,"audio_tokens":0,"cached_tokens":0},
             "output_token_details":{"text_tokens":300,"audio_tokens":0},
             "{{UsageParser.TextModelField}}":"gpt-4o-mini",
             "{{UsageParser.SttSecondsField}}":7.5,"{{UsageParser.SttModelField}}":"whisper-1",
             "{{UsageParser.TtsCharactersField}}":240,"{{UsageParser.TtsModelField}}":"tts-1"}
            """);

        var record = UsageParser.Parse(usage.RootElement, "mental-health");

        record.ShouldBe(new UsageRecord(null, "gpt-4o-mini", new TokenUsage(TextInput: 2000, TextOutput: 300), 7.5m, "whisper-1", 240, "tts-1"));
        PriceTable.Default.DollarsFor(record).ShouldBe(0.00483m);
        UsageParser.SttSecondsField.ShouldBe("conversations_stt_seconds");
        UsageParser.TtsCharactersField.ShouldBe("conversations_tts_characters");
    }

    [Fact]
    public void The_engines_own_consumption_replaces_its_estimate_of_what_OpenAI_would_bill()
    {
        using var usage = JsonDocument.Parse("""
            {"total_tokens":900,"input_tokens":700,"output_tokens":200,
             "input_token_details":{"text_tokens":100,"audio_tokens":600,"cached_tokens":0},
             "output_token_details":{"text_tokens":40,"audio_tokens":160},
             "engine":{"llm_input_tokens":812,"llm_output_tokens":37,"stt_seconds":3.25,"tts_characters":151}}
            """);

        var record = UsageParser.Parse(usage.RootElement, "nutrition", "resp_1");

        record.ShouldBe(new UsageRecord("resp_1", "nutrition", new TokenUsage(TextInput: 812, TextOutput: 37), 3.25m, null, 151, null));
    }

    [Fact]
    public void Missing_details_fall_back_to_totals_and_cached_tokens_count_against_text_first()
    {
        using var noDetails = JsonDocument.Parse("""{"input_tokens":100,"output_tokens":20}""");
        UsageParser.Parse(noDetails.RootElement, "m").Tokens.ShouldBe(new TokenUsage(TextInput: 100, TextOutput: 20));

        using var noCachedSplit = JsonDocument.Parse("""{"input_token_details":{"text_tokens":50,"audio_tokens":500,"cached_tokens":80}}""");
        UsageParser.Parse(noCachedSplit.RootElement, "m").Tokens.ShouldBe(new TokenUsage(50, 50, 500, 30, 0, 0));
    }

    [Fact]
    public void Garbage_never_throws_and_never_counts_negative()
    {
        UsageParser.TryParseResponseDone("""{"type":"response.done","response":{"id":"r"}}"""u8, "m", out _).ShouldBeFalse();
        UsageParser.TryParseResponseDone("""{"type":"response.created"}"""u8, "m", out _).ShouldBeFalse();
        UsageParser.TryParseResponseDone("not json"u8, "m", out _).ShouldBeFalse();

        using var weird = JsonDocument.Parse("""{"input_token_details":{"text_tokens":-5,"audio_tokens":"many","cached_tokens_details":{"text_tokens":99}},"conversations_stt_seconds":-3}""");
        var record = UsageParser.Parse(weird.RootElement, "m");
        record.Tokens.ShouldBe(TokenUsage.None);
        record.SttSeconds.ShouldBe(0m);
    }
}
