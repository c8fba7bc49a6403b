using System.Text;
using Conversations.Domain.Transcript;

namespace Conversations.Domain.Summaries;

/// <summary>
/// Offline summary of a transcript: the sentences that carry the conversation's most frequent content words, the user's
/// weighted above the assistant's, without near-duplicates, in their original order, within a character budget.
/// English is read as words, Korean as Hangul syllable bigrams, so no morphology is needed.
/// </summary>
public static class ExtractiveSummarizer
{
    /// <summary>Default character budget of a summary.</summary>
    public const int DefaultMaxCharacters = 600;

    /// <summary>Default number of sentences.</summary>
    public const int DefaultMaxSentences = 5;

    private static readonly HashSet<string> EnglishStopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "but", "if", "so", "to", "of", "in", "on", "at", "for", "with", "about", "from", "by", "as",
        "is", "am", "are", "was", "were", "be", "been", "being", "do", "does", "did", "have", "has", "had", "i", "me", "my", "you",
        "your", "we", "our", "he", "she", "it", "they", "them", "his", "her", "its", "their", "this", "that", "these", "those",
        "what", "which", "who", "how", "when", "where", "why", "can", "could", "would", "should", "will", "just", "really", "very",
        "not", "no", "yes", "okay", "ok", "yeah", "um", "uh", "like", "also", "too", "there", "here", "then", "than", "some", "any",
        "all", "more", "much", "get", "got", "thank", "thanks", "hello", "hi", "sure", "know", "think", "feel", "it's", "i'm",
        "don't", "that's", "let's", "let", "let me", "maybe", "something", "things", "thing",
    };

    private static readonly HashSet<string> KoreanStopBigrams = new(StringComparer.Ordinal)
    {
        "있어", "어요", "니다", "습니", "해요", "네요", "세요", "그래", "래요", "그런", "이에", "에요", "거예", "예요", "는데", "하고",
        "어서", "해서", "지만", "있습", "합니", "그리", "리고", "감사", "사합", "안녕", "녕하", "하세", "좋아", "아요", "같아",
    };

    private static readonly string[] Greetings = ["hello", "hi ", "thank you", "thanks", "bye", "안녕", "감사합니다", "고마워"];

    /// <summary>Summarises <paramref name="transcript"/>; empty when there is nothing to say.</summary>
    public static string Summarize(
        IEnumerable<TranscriptEntry> transcript, int maxCharacters = DefaultMaxCharacters, int maxSentences = DefaultMaxSentences)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCharacters, 20);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSentences, 1);

        var sentences = new List<Sentence>();
        foreach (var entry in transcript.OrderBy(e => e.Seq))
        {
            foreach (var text in SplitSentences(entry.Text))
            {
                var terms = Terms(text);
                if (terms.Count >= 2 && !IsSmallTalk(text))
                {
                    sentences.Add(new Sentence(sentences.Count, entry.Role, text, terms));
                }
            }
        }

        if (sentences.Count == 0)
        {
            return string.Empty;
        }

        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in sentences.SelectMany(s => s.Terms.Distinct(StringComparer.Ordinal)))
        {
            frequency[term] = frequency.GetValueOrDefault(term) + 1;
        }

        var opening = sentences.Find(s => s.Role == Speaker.User)?.Index ?? -1;
        var ranked = sentences
            .Select(s => (Sentence: s, Score: Score(s, frequency) * (s.Index == opening ? 1.5 : 1.0)))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Sentence.Index)
            .Select(x => x.Sentence);

        var korean = sentences.Sum(s => s.Text.Count(LanguageCode.IsHangul)) * 3 >= sentences.Sum(s => s.Text.Length);
        var chosen = new List<Sentence>();
        var used = 0;
        foreach (var sentence in ranked)
        {
            if (chosen.Count >= maxSentences)
            {
                break;
            }

            if (chosen.Exists(c => Similarity(c.Terms, sentence.Terms) > 0.6))
            {
                continue;
            }

            var cost = Label(sentence.Role, korean).Length + sentence.Text.Length + 1;
            if (used + cost > maxCharacters && chosen.Count > 0)
            {
                continue;
            }

            chosen.Add(sentence);
            used += cost;
        }

        var summary = new StringBuilder(maxCharacters);
        foreach (var sentence in chosen.OrderBy(s => s.Index))
        {
            if (summary.Length > 0)
            {
                summary.Append('\n');
            }

            summary.Append(Label(sentence.Role, korean)).Append(sentence.Text);
        }

        return summary.Length <= maxCharacters ? summary.ToString() : summary.ToString(0, maxCharacters - 1) + "…";
    }

    private static string Label(Speaker role, bool korean) => (role, korean) switch
    {
        (Speaker.User, true) => "사용자: ",
        (Speaker.User, false) => "User: ",
        (_, true) => "상담사: ",
        _ => "Counsellor: ",
    };

    /// <summary>Content words on average frequent in the conversation; the user's concerns count more, their first one most (it is usually why they came).</summary>
    private static double Score(Sentence sentence, Dictionary<string, int> frequency)
    {
        var sum = sentence.Terms.Distinct(StringComparer.Ordinal).Sum(t => frequency[t] - 1);
        var score = sum / Math.Sqrt(sentence.Terms.Count);
        return sentence.Role == Speaker.User ? score * 1.5 : score;
    }

    private static double Similarity(List<string> a, List<string> b)
    {
        var setA = new HashSet<string>(a, StringComparer.Ordinal);
        var setB = new HashSet<string>(b, StringComparer.Ordinal);
        var union = setA.Count + setB.Count - setA.Count(setB.Contains);
        return union == 0 ? 0 : setA.Count(setB.Contains) / (double)union;
    }

    private static bool IsSmallTalk(string sentence)
    {
        var lower = sentence.ToLowerInvariant();
        return sentence.Length < 40 && Greetings.Any(g => lower.StartsWith(g, StringComparison.Ordinal));
    }

    /// <summary>Sentences by end punctuation; long unpunctuated speech is cut at commas or spaces near 200 characters.</summary>
    private static IEnumerable<string> SplitSentences(string text)
    {
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var end = i == text.Length || text[i] is '.' or '!' or '?' or '\n' or '。' or '？' or '！';
            if (!end && i - start < 200)
            {
                continue;
            }

            if (!end)
            {
                var cut = text.LastIndexOfAny([',', ' '], i, i - start);
                i = cut > start ? cut : i;
            }

            var sentence = text[start..Math.Min(i + 1, text.Length)].Trim();
            if (sentence.Length > 0)
            {
                yield return sentence;
            }

            start = i + 1;
        }
    }

    /// <summary>English content words (lower case, no stop words, plural 's' dropped) and Korean syllable bigrams within words.</summary>
    private static List<string> Terms(string sentence)
    {
        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var c in sentence.Append(' '))
        {
            if (char.IsLetterOrDigit(c) || c == '\'')
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }

            AddWord(word.ToString(), terms);
            word.Clear();
        }

        return terms;
    }

    private static void AddWord(string word, List<string> terms)
    {
        if (word.Length == 0)
        {
            return;
        }

        if (LanguageCode.IsHangul(word[0]))
        {
            for (var i = 0; i + 1 < word.Length; i++)
            {
                var bigram = word.Substring(i, 2);
                if (!KoreanStopBigrams.Contains(bigram))
                {
                    terms.Add(bigram);
                }
            }

            return;
        }

        if (word.Length < 3 || EnglishStopWords.Contains(word))
        {
            return;
        }

        terms.Add(word.Length > 4 && word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) ? word[..^1] : word);
    }

    private sealed record Sentence(int Index, Speaker Role, string Text, List<string> Terms);
}
