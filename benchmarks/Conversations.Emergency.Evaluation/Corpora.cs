using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Conversations.Domain.Emergency;

namespace Conversations.Emergency.Evaluation;

/// <summary>One labelled utterance of a corpus file.</summary>
public sealed record LabelledUtterance(string Text, string Language, int Level, EmergencyCategory Category, string Topic, string Origin, string Note)
{
    /// <summary>Rows the lexicon was never tuned on: added with the classifier, written after the lexicon was frozen, or plain everyday lines of round 2.</summary>
    public bool UnseenByLexicon => Origin is "added" or "fresh" or "plain";

    /// <summary>
    /// A plain everyday line (level 0 without any risk word): the tuning split's round-2 lines (origin <c>plain</c>), the
    /// held-out writers' <c>benign</c> / <c>plain</c> notes. Other level-0 lines are hard negatives (idioms, fiction, negation …).
    /// </summary>
    public bool IsPlainNegative => Level == 0 && (Origin == "plain" || Note.StartsWith("benign", StringComparison.OrdinalIgnoreCase) || Note.StartsWith("plain", StringComparison.OrdinalIgnoreCase));
}

/// <summary>One user turn of a labelled dialogue.</summary>
public sealed record DialogueTurn(string Dialogue, string Language, int Level, EmergencyCategory Category, string Text);

/// <summary>The corpus files under tests/Conversations.Domain.Tests/Emergency.</summary>
public static class Corpora
{
    public const string Folder = "tests/Conversations.Domain.Tests/Emergency";
    public const string TuningFile = Folder + "/corpus.tsv";
    public const string DialoguesFile = Folder + "/dialogues.tsv";
    public const string HeldOutFile = Folder + "/heldout/heldout.tsv";
    public const string HeldOut2File = Folder + "/heldout2/heldout2.tsv";

    /// <summary>The tuning split: every row of corpus.tsv.</summary>
    public static IReadOnlyList<LabelledUtterance> Tuning() => Load(Path.Combine(RepositoryRoot(), TuningFile));

    /// <summary>The frozen held-out split, or null before it is committed.</summary>
    public static IReadOnlyList<LabelledUtterance>? HeldOut()
    {
        var path = Path.Combine(RepositoryRoot(), HeldOutFile);
        return File.Exists(path) ? Load(path) : null;
    }

    /// <summary>The second frozen held-out split (round 2), or null before it is committed.</summary>
    public static IReadOnlyList<LabelledUtterance>? HeldOut2()
    {
        var path = Path.Combine(RepositoryRoot(), HeldOut2File);
        return File.Exists(path) ? Load(path) : null;
    }

    /// <summary>Every frozen held-out split that is committed, by name.</summary>
    public static IEnumerable<(string Name, IReadOnlyList<LabelledUtterance> Items)> HeldOutSplits()
    {
        if (HeldOut() is { } first)
        {
            yield return ("held-out 1", first);
        }

        if (HeldOut2() is { } second)
        {
            yield return ("held-out 2", second);
        }
    }

    public static IReadOnlyList<DialogueTurn> Dialogues() =>
        Rows(Path.Combine(RepositoryRoot(), DialoguesFile))
            .Select(r => new DialogueTurn(r["dialogue"], r["language"], int.Parse(r["level"], CultureInfo.InvariantCulture), Enum.Parse<EmergencyCategory>(r["category"]), r["text"]))
            .ToArray();

    /// <summary>A corpus file: tab-separated with a header naming at least text, language, level and category.</summary>
    public static IReadOnlyList<LabelledUtterance> Load(string path) =>
        Rows(path).Select(r => new LabelledUtterance(
                r["text"],
                r["language"],
                int.Parse(r["level"], CultureInfo.InvariantCulture),
                Enum.Parse<EmergencyCategory>(r["category"]),
                r.GetValueOrDefault("topic") ?? r.GetValueOrDefault("note", ""), // the held-out file names its topic group in the note
                r.GetValueOrDefault("origin", ""),
                r.GetValueOrDefault("note", "")))
            .ToArray();

    /// <summary>SHA-256 of a file, lower-case hex.</summary>
    public static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static IEnumerable<Dictionary<string, string>> Rows(string path)
    {
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        var header = lines[0].Split('\t').Select(h => h.Trim().ToLowerInvariant()).ToArray();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var fields = line.Split('\t');
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length && i < fields.Length; i++)
            {
                row[header[i]] = fields[i].Trim();
            }

            yield return row;
        }
    }

    public static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Conversations.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException("Conversations.sln not found above the program or the current directory.");
    }
}
