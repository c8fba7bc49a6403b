using System.Text;
using BenchmarkDotNet.Attributes;
using Conversations.Domain.Characters;
using Conversations.Domain.Cost;

namespace Conversations.Domain.Benchmarks;

/// <summary>The per-event policies: screening a client's session.update, pricing a response.done.</summary>
public class PolicyBenchmarks
{
    private readonly byte[] _sessionUpdate = Encoding.UTF8.GetBytes(
        """{"type":"session.update","event_id":"evt_1","session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","threshold":0.6,"silence_duration_ms":700},"transcription":{"language":"ko"}}}}}""");

    private readonly byte[] _responseDone = Encoding.UTF8.GetBytes(
        """{"type":"response.done","event_id":"event_9","response":{"id":"resp_42","status":"completed","usage":{"total_tokens":37400,"input_tokens":31200,"output_tokens":6150,"input_token_details":{"text_tokens":1200,"audio_tokens":30000,"cached_tokens":10200,"cached_tokens_details":{"text_tokens":200,"audio_tokens":10000}},"output_token_details":{"text_tokens":150,"audio_tokens":6000}}}}""");

    [Benchmark]
    public bool ScreenSessionUpdate() => SessionUpdatePolicy.Evaluate(_sessionUpdate).IsAllowed;

    [Benchmark]
    public decimal PriceResponseDone() =>
        UsageParser.TryParseResponseDone(_responseDone, "gpt-realtime", out var usage) ? PriceTable.Default.DollarsFor(usage) : 0m;
}
