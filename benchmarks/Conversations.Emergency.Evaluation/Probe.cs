using System.Globalization;
using Conversations.Domain.Emergency;
using Conversations.Domain.Emergency.Classifier;
using Conversations.Domain.Emergency.Lexicon;

namespace Conversations.Emergency.Evaluation;

/// <summary>`probe TEXT…`: each stage's reading of each text, for looking into a disagreement.</summary>
internal static class Probe
{
    public static int Run(IEnumerable<string> texts)
    {
        var model = CrisisClassifier.Default;
        foreach (var text in texts)
        {
            var c = model.Read(text);
            var l = LexiconDetector.Read(text);
            var a = EmergencyDetector.Assess(text);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{text}\n  detector {a.Level} {a.Category} [{string.Join(", ", a.Evidence)}]\n  lexicon {l.Level} {l.Category} protective={l.Protective} anchored={l.Anchored} [{string.Join(", ", l.Evidence)}]\n  classifier {c.Level} {c.Category} P(≥1)={c.AtLeast(1):0.00} P(≥2)={c.AtLeast(2):0.00} P(≥3)={c.AtLeast(3):0.00} [{string.Join(", ", c.Evidence)}]"));
        }

        return 0;
    }
}
