using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Conversations.Domain.Emergency;

namespace Conversations.Emergency.Evaluation;

/// <summary>Wall-clock time of one assessment, as the grain pays it on every user utterance.</summary>
internal static class Latency
{
    private const int Rounds = 5;

    public static void Append(StringBuilder md, IReadOnlyList<LabelledUtterance> utterances, IReadOnlyList<DialogueTurn> dialogues)
    {
        foreach (var u in utterances)
        {
            EmergencyDetector.Assess(u.Text, u.Language); // warm-up: JIT, the lexicon automata, the classifier's vocabulary
        }

        var single = new Dictionary<string, List<double>>(StringComparer.Ordinal) { ["en"] = [], ["ko"] = [] };
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var u in utterances)
            {
                var start = Stopwatch.GetTimestamp();
                EmergencyDetector.Assess(u.Text, u.Language);
                single[u.Language].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        var context = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var dialogue in dialogues.GroupBy(t => t.Dialogue, StringComparer.Ordinal))
            {
                var conversation = new EmergencyContext();
                foreach (var turn in dialogue)
                {
                    var start = Stopwatch.GetTimestamp();
                    conversation.Assess(turn.Text, turn.Language);
                    context.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }

        md.Append("\n## Latency\n\n")
          .Append(CultureInfo.InvariantCulture, $"Measured by the report command on {Environment.ProcessorCount} cores ({RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.FrameworkDescription}), ")
          .Append(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: every utterance of the splits {Rounds} times after a warm-up, one thread; ")
          .Append("other sessions were building on the same machine, so the tail is pessimistic. Goal: p95 ≤ 15 ms per utterance.\n\n")
          .Append("| call | n | p50 | p95 | p99 | max |\n| --- | --- | --- | --- | --- | --- |\n");
        foreach (var (name, times) in new[] { ("EmergencyDetector.Assess, en", single["en"]), ("EmergencyDetector.Assess, ko", single["ko"]), ("EmergencyContext.Assess (3 readings), dialogue turns", context) })
        {
            times.Sort();
            md.Append(CultureInfo.InvariantCulture, $"| {name} | {times.Count} | {Ms(times, 0.50)} | {Ms(times, 0.95)} | {Ms(times, 0.99)} | {times[^1]:0.000} ms |\n");
        }
    }

    private static string Ms(List<double> sorted, double quantile) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)].ToString("0.000", CultureInfo.InvariantCulture) + " ms";
}
