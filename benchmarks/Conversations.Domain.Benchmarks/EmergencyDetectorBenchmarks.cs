using BenchmarkDotNet.Attributes;
using Conversations.Domain.Emergency;

namespace Conversations.Domain.Benchmarks;

/// <summary>One <see cref="EmergencyDetector.Assess"/> per utterance, as the grain calls it on every user turn.</summary>
public class EmergencyDetectorBenchmarks
{
    private const string LongTurn =
        "So I went to the doctor yesterday about my knee and she said it's probably arthritis, which I kind of expected, " +
        "but then she also asked about my sleep and I told her I've been waking up at three every night, and honestly " +
        "I've been feeling pretty low since my husband passed, the days are long and I don't really see the point some days.";

    [Params("en-negative", "en-idiom", "en-level3", "ko-idiom", "ko-level3", "en-long")]
    public string Case { get; set; } = "en-negative";

    private string _utterance = "";

    [GlobalSetup]
    public void Setup() => _utterance = Case switch
    {
        "en-negative" => "Can you suggest a healthy breakfast for someone with diabetes?",
        "en-idiom" => "I'm just killing time until my appointment, this traffic is killing me.",
        "en-level3" => "I have the pills ready and I'm going to take them all tonight.",
        "ko-idiom" => "배고파 죽겠다. 오늘 점심 뭐 먹지?",
        "ko-level3" => "수면제 모아둔 거 오늘 밤에 다 먹을 거야.",
        _ => LongTurn,
    };

    [Benchmark]
    public int Assess() => EmergencyDetector.Assess(_utterance).Level;
}
