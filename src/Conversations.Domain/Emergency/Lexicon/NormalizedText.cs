using System.Text;

namespace Conversations.Domain.Emergency.Lexicon;

/// <summary>An utterance prepared for matching: English as padded lower-case words with clause marks, Korean as Hangul without spaces.</summary>
internal sealed class NormalizedText
{
    /// <summary>The clause boundary mark, a word of its own in English and a character in Korean.</summary>
    public const char ClauseMark = '|';

    /// <summary>Inputs are cut here: an utterance is a spoken turn, and longer text is not a turn.</summary>
    public const int MaxInputLength = 4000;

    private static readonly Dictionary<string, string> Contractions = new(StringComparer.Ordinal)
    {
        ["can't"] = "can not", ["cant"] = "can not", ["cannot"] = "can not", ["won't"] = "will not", ["wont"] = "will not",
        ["don't"] = "do not", ["dont"] = "do not", ["doesnt"] = "does not", ["didnt"] = "did not", ["isnt"] = "is not",
        ["wasnt"] = "was not", ["havent"] = "have not", ["wouldnt"] = "would not", ["couldnt"] = "could not",
        ["shouldnt"] = "should not", ["arent"] = "are not", ["aint"] = "am not", ["ain't"] = "am not",
        ["im"] = "i am", ["ive"] = "i have", ["ill"] = "ill", ["gonna"] = "going to", ["wanna"] = "want to",
        ["gotta"] = "got to", ["tryna"] = "trying to", ["kms"] = "kill myself", ["unalive"] = "kill", ["unaliving"] = "killing",
        ["selfharm"] = "self harm", ["od"] = "overdose", ["oded"] = "overdosed", ["od'd"] = "overdosed", ["u"] = "you",
    };

    private static readonly string[] LaughterMarks = ["ㅋㅋ", "ㅎㅎ", "lol", "lmao", "haha", "😂", "🤣"];

    /// <summary>Fillers dropped so "I don't really want to live" reads as "I do not want to live".</summary>
    private static readonly HashSet<string> Fillers = new(StringComparer.Ordinal)
    {
        "really", "just", "honestly", "actually", "truly", "literally", "seriously", "basically", "kinda", "sorta", "simply",
    };

    private static readonly HashSet<string> EnglishFirstPerson = new(StringComparer.Ordinal) { "i", "me", "my", "myself", "mine" };
    private static readonly string[] KoreanFirstPerson = ["나는", "내가", "나도", "나를", "나한테", "저는", "제가", "저도", "저를", "저한테", "나만", "저만"];
    private static readonly HashSet<string> KoreanFirstPersonWords = new(StringComparer.Ordinal) { "나", "난", "날", "저", "전", "내" };

    private NormalizedText(string english, int[] wordAt, string[] words, int[] clauseOf, string korean, bool laughing, bool firstPerson)
    {
        Laughing = laughing;
        FirstPerson = firstPerson;
        English = english;
        WordAt = wordAt;
        Words = words;
        ClauseOf = clauseOf;
        Korean = korean;
    }

    /// <summary>" i am going to kill myself | tonight " — every word padded by single spaces.</summary>
    public string English { get; }

    /// <summary>The word index of each character of <see cref="English"/> (a space belongs to the word after it).</summary>
    public int[] WordAt { get; }

    /// <summary>The words of <see cref="English"/>, clause marks included.</summary>
    public string[] Words { get; }

    /// <summary>The clause number of each word.</summary>
    public int[] ClauseOf { get; }

    /// <summary>Whether the text laughs ("ㅋㅋ", "lol", "😂"): with a fiction cue it marks hyperbole.</summary>
    public bool Laughing { get; }

    /// <summary>Whether the speaker speaks of themself ("I", "my", "나는", "제가"): without it, a fiction or school cue makes risk words a topic.</summary>
    public bool FirstPerson { get; }

    /// <summary>Hangul and digits with spacing removed and '|' at clause boundaries: "오늘밤에죽을거야|".</summary>
    public string Korean { get; }

    public static NormalizedText From(string utterance)
    {
        var text = utterance.Length > MaxInputLength ? utterance[..MaxInputLength] : utterance;
        try
        {
            // Decomposed Hangul from some keyboards must compose to match the lexicon.
            if (!text.IsNormalized(NormalizationForm.FormC))
            {
                text = text.Normalize(NormalizationForm.FormC);
            }
        }
        catch (ArgumentException)
        {
            // Invalid UTF-16 (lone surrogates): match what there is.
        }

        var words = new List<string>(32);
        var korean = new StringBuilder(text.Length);
        var word = new StringBuilder(16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (LanguageCode.IsHangul(c))
            {
                Flush(word, words);
                if (c is >= '\uAC00' and <= '\uD7A3')
                {
                    korean.Append(c);
                }

                continue;
            }

            if (char.IsAsciiLetterOrDigit(c) || (char.IsLetter(c) && c < '\u0250'))
            {
                word.Append(char.ToLowerInvariant(c));
                if (char.IsAsciiDigit(c))
                {
                    korean.Append(c);
                }
            }
            else if (c is '\'' or '\u2019' or '\u2018' or '`' && word.Length > 0 && i + 1 < text.Length && char.IsLetter(text[i + 1]))
            {
                word.Append('\'');
            }
            else if (c is '.' or '!' or '?' or ';' or ':' or ',' or '\u2026' or '\n' or '\r' or '\u3002' or '\uFF0C' or '\uFF01' or '\uFF1F' or '~')
            {
                Flush(word, words);
                if (words.Count > 0 && !string.Equals(words[^1], "|", StringComparison.Ordinal))
                {
                    words.Add("|");
                }

                if (korean.Length > 0 && korean[^1] != ClauseMark)
                {
                    korean.Append(ClauseMark);
                }
            }
            else
            {
                Flush(word, words);
            }
        }

        Flush(word, words);
        var laughing = LaughterMarks.Any(mark => text.Contains(mark, StringComparison.OrdinalIgnoreCase));
        var firstPerson = words.Any(EnglishFirstPerson.Contains) || text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(token =>
            KoreanFirstPersonWords.Contains(token) || KoreanFirstPerson.Any(p => token.StartsWith(p, StringComparison.Ordinal)));
        return Build(words, korean.ToString(), laughing, firstPerson);
    }

    private static NormalizedText Build(List<string> words, string korean, bool laughing, bool firstPerson)
    {
        var english = new StringBuilder(words.Sum(w => w.Length + 1) + 2);
        var wordAt = new List<int>(english.Capacity);
        var clauseOf = new int[words.Count];
        var clause = 0;
        for (var w = 0; w < words.Count; w++)
        {
            english.Append(' ').Append(words[w]);
            for (var k = 0; k <= words[w].Length; k++)
            {
                wordAt.Add(w);
            }

            if (string.Equals(words[w], "|", StringComparison.Ordinal))
            {
                clause++;
            }

            clauseOf[w] = clause;
        }

        english.Append(' ');
        wordAt.Add(words.Count);
        return new NormalizedText(english.ToString(), [.. wordAt], [.. words], clauseOf, korean, laughing, firstPerson);
    }

    private static void Flush(StringBuilder word, List<string> words)
    {
        if (word.Length == 0)
        {
            return;
        }

        var w = word.ToString();
        word.Clear();
        if (w.All(char.IsAsciiDigit))
        {
            words.Add("#");
            return;
        }

        if (Fillers.Contains(w))
        {
            return;
        }

        if (Contractions.TryGetValue(w, out var expanded))
        {
            words.AddRange(expanded.Split(' '));
            return;
        }

        var apostrophe = w.IndexOf('\'', StringComparison.Ordinal);
        if (apostrophe <= 0)
        {
            words.Add(w);
            return;
        }

        var stem = w[..apostrophe];
        var tail = w[apostrophe..];
        if (string.Equals(tail, "'t", StringComparison.Ordinal) && stem.EndsWith('n'))
        {
            words.Add(stem[..^1]);
            words.Add("not");
            return;
        }

        words.Add(stem);
        var rest = tail switch
        {
            "'m" => "am",
            "'re" => "are",
            "'ve" => "have",
            "'ll" => "will",
            "'d" => "would",
            "'s" => "is",
            _ => null,
        };

        if (rest is not null)
        {
            words.Add(rest);
        }
    }
}
