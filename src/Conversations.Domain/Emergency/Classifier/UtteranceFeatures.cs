using System.Buffers;
using System.Globalization;
using System.Text;

namespace Conversations.Domain.Emergency.Classifier;

/// <summary>Which n-grams describe an utterance: Korean syllables and jamo with spacing removed, English characters and words.</summary>
/// <param name="KoreanMaxN">Hangul syllable n-grams, 1 to this (0: none).</param>
/// <param name="JamoMinN">Shortest jamo n-gram (conjoining jamo, so an initial and a final consonant differ).</param>
/// <param name="JamoMaxN">Longest jamo n-gram (0: none).</param>
/// <param name="EnglishCharMinN">Shortest English character n-gram, over words joined by single spaces.</param>
/// <param name="EnglishCharMaxN">Longest English character n-gram (0: none).</param>
/// <param name="EnglishWords">English words and adjacent word pairs.</param>
/// <param name="LexiconWeight">The value of each lexicon feature (<see cref="Lexicon.LexiconDetector.Describe"/>) in an utterance's vector, where the n-grams share a length of 1 (0: none).</param>
internal sealed record FeatureOptions(int KoreanMaxN, int JamoMinN, int JamoMaxN, int EnglishCharMinN, int EnglishCharMaxN, bool EnglishWords, double LexiconWeight = 0)
{
    /// <summary>"k1-3 j2-4 c2-5 w x0.5" style, as written in the model file.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"k1-{KoreanMaxN} j{JamoMinN}-{JamoMaxN} c{EnglishCharMinN}-{EnglishCharMaxN} {(EnglishWords ? "w" : "-")} x{LexiconWeight:0.###}");

    /// <summary>Parses <see cref="ToString"/>.</summary>
    public static FeatureOptions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5)
        {
            throw new FormatException($"Feature options '{text}' are not 'k1-N jA-B cA-B w xW'.");
        }

        static (int Min, int Max) Range(string part)
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            return (int.Parse(part.AsSpan(1, dash - 1), CultureInfo.InvariantCulture), int.Parse(part.AsSpan(dash + 1), CultureInfo.InvariantCulture));
        }

        return new FeatureOptions(Range(parts[0]).Max, Range(parts[1]).Min, Range(parts[1]).Max, Range(parts[2]).Min, Range(parts[2]).Max,
            string.Equals(parts[3], "w", StringComparison.Ordinal), double.Parse(parts[4].AsSpan(1), CultureInfo.InvariantCulture));
    }
}

/// <summary>Receives one feature; the span is only valid during the call.</summary>
internal delegate void FeatureSink(ReadOnlySpan<char> feature);

/// <summary>
/// Turns an utterance into the n-gram features the classifier weighs. Korean spacing is unreliable (speech transcripts,
/// casual typing), so Hangul is read as one run per clause; English is lower-cased, apostrophes dropped, digits folded.
/// Features are prefixed by kind: <c>k:</c> syllables, <c>j:</c> jamo, <c>c:</c> English characters, <c>w:</c> words.
/// </summary>
internal static class UtteranceFeatures
{
    /// <summary>Characters read; longer input is cut (a turn is short, a context window is three turns).</summary>
    public const int MaxInputLength = 2000;

    private const char Clause = '|';
    private const int MaxWordLength = 24;

    /// <summary>
    /// The utterance as a sparse vector over a vocabulary: its known n-grams share a length of 1 (each worth 1/√n), and each
    /// known lexicon feature is worth <see cref="FeatureOptions.LexiconWeight"/>. Ids are distinct.
    /// </summary>
    public static (int[] Ids, double[] Values) Vectorize(string utterance, FeatureOptions options, Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(options);
        var grams = new List<int>(64);
        Extract(utterance, options, gram =>
        {
            if (vocabulary.TryGetValue(gram, out var f))
            {
                grams.Add(f);
            }
        });

        var lexicon = new List<int>();
        if (options.LexiconWeight > 0)
        {
            Lexicon.LexiconDetector.Describe(utterance, feature =>
            {
                if (vocabulary.TryGetValue(feature, out var f))
                {
                    lexicon.Add(f);
                }
            });
        }

        Distinct(grams);
        Distinct(lexicon);
        var ids = new int[grams.Count + lexicon.Count];
        var values = new double[ids.Length];
        var gramValue = 1 / Math.Sqrt(Math.Max(1, grams.Count));
        for (var i = 0; i < grams.Count; i++)
        {
            (ids[i], values[i]) = (grams[i], gramValue);
        }

        for (var i = 0; i < lexicon.Count; i++)
        {
            (ids[grams.Count + i], values[grams.Count + i]) = (lexicon[i], options.LexiconWeight);
        }

        return (ids, values);
    }

    /// <summary>Every feature name of <paramref name="utterance"/> (n-grams, then lexicon features), repeats included.</summary>
    public static void All(string utterance, FeatureOptions options, FeatureSink sink)
    {
        ArgumentNullException.ThrowIfNull(options);
        Extract(utterance, options, sink);
        if (options.LexiconWeight > 0)
        {
            Lexicon.LexiconDetector.Describe(utterance, sink);
        }
    }

    /// <summary>Sorts and removes repeats, in place.</summary>
    private static void Distinct(List<int> ids)
    {
        ids.Sort();
        var n = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            if (n == 0 || ids[n - 1] != ids[i])
            {
                ids[n++] = ids[i];
            }
        }

        ids.RemoveRange(n, ids.Count - n);
    }

    /// <summary>Calls <paramref name="sink"/> once per n-gram occurrence (duplicates included) of <paramref name="utterance"/>.</summary>
    public static void Extract(string utterance, FeatureOptions options, FeatureSink sink)
    {
        ArgumentNullException.ThrowIfNull(utterance);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        var text = utterance.Length > MaxInputLength ? utterance[..MaxInputLength] : utterance;
        try
        {
            if (!text.IsNormalized(NormalizationForm.FormC))
            {
                text = text.Normalize(NormalizationForm.FormC);
            }
        }
        catch (ArgumentException)
        {
            // Invalid UTF-16: read what there is.
        }

        var korean = ArrayPool<char>.Shared.Rent(text.Length + 2);
        var english = ArrayPool<char>.Shared.Rent(text.Length * 2 + 2);
        try
        {
            var (k, e) = Split(text, korean, english);
            Span<char> gram = stackalloc char[2 + MaxWordLength * 2 + 1];
            if (k > 2)
            {
                Grams(korean.AsSpan(0, k), 'k', 1, options.KoreanMaxN, gram, sink);
                if (options.JamoMaxN > 0)
                {
                    var jamo = ArrayPool<char>.Shared.Rent(k * 3);
                    try
                    {
                        var j = Decompose(korean.AsSpan(0, k), jamo);
                        Grams(jamo.AsSpan(0, j), 'j', options.JamoMinN, options.JamoMaxN, gram, sink);
                    }
                    finally
                    {
                        ArrayPool<char>.Shared.Return(jamo);
                    }
                }
            }

            if (e > 2)
            {
                Grams(english.AsSpan(0, e), 'c', options.EnglishCharMinN, options.EnglishCharMaxN, gram, sink);
                if (options.EnglishWords)
                {
                    Words(english.AsSpan(0, e), gram, sink);
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(korean);
            ArrayPool<char>.Shared.Return(english);
        }
    }

    /// <summary>
    /// Korean: "|오늘밤에죽을거야|" (syllables and jamo letters such as ㅋ or ㅠ, digits as 0, clause marks).
    /// English: " i dont want to live | tonight " (words joined by one space, clause marks as words).
    /// </summary>
    private static (int Korean, int English) Split(string text, char[] korean, char[] english)
    {
        int k = 0, e = 0;
        korean[k++] = Clause;
        english[e++] = ' ';
        var wordLength = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= '\uAC00' and <= '\uD7A3' || (c is >= '\u3131' and <= '\u318E' && !(k >= 2 && korean[k - 1] == c && korean[k - 2] == c)))
            {
                korean[k++] = c;
                EndWord(english, ref e, ref wordLength);
            }
            else if (c is >= '\u3131' and <= '\u318E')
            {
                // "ㅋㅋㅋㅋ" reads as "ㅋㅋ".
            }
            else if (char.IsAsciiDigit(c))
            {
                if (korean[k - 1] != '0')
                {
                    korean[k++] = '0';
                }

                if (wordLength == 0 || english[e - 1] != '0')
                {
                    AppendLetter(english, ref e, ref wordLength, '0');
                }
            }
            else if (char.IsAsciiLetter(c) || (char.IsLetter(c) && c < '\u0250'))
            {
                AppendLetter(english, ref e, ref wordLength, char.ToLowerInvariant(c));
            }
            else if (c is '\'' or '\u2019' or '\u2018' or '`' && wordLength > 0)
            {
                // "don't" reads as "dont", "i'm" as "im".
            }
            else if (c is '.' or '!' or '?' or ';' or ':' or ',' or '\u2026' or '\n' or '\r' or '\u3002' or '\uFF0C' or '\uFF01' or '\uFF1F' or '~')
            {
                if (korean[k - 1] != Clause)
                {
                    korean[k++] = Clause;
                }

                EndWord(english, ref e, ref wordLength);
                if (e >= 2 && english[e - 2] != Clause)
                {
                    english[e++] = Clause;
                    english[e++] = ' ';
                }
            }
            else
            {
                EndWord(english, ref e, ref wordLength);
            }
        }

        if (korean[k - 1] != Clause)
        {
            korean[k++] = Clause;
        }

        EndWord(english, ref e, ref wordLength);
        return (k > 2 ? k : 0, e > 2 ? e : 0);
    }

    private static void AppendLetter(char[] english, ref int e, ref int wordLength, char c)
    {
        if (wordLength < MaxWordLength)
        {
            english[e++] = c;
            wordLength++;
        }
    }

    private static void EndWord(char[] english, ref int e, ref int wordLength)
    {
        if (wordLength > 0)
        {
            english[e++] = ' ';
            wordLength = 0;
        }
    }

    /// <summary>Hangul syllables to conjoining jamo (initial, vowel, final); other characters stay.</summary>
    private static int Decompose(ReadOnlySpan<char> korean, char[] jamo)
    {
        var j = 0;
        foreach (var c in korean)
        {
            if (c is >= '\uAC00' and <= '\uD7A3')
            {
                var s = c - 0xAC00;
                jamo[j++] = (char)(0x1100 + (s / 588));
                jamo[j++] = (char)(0x1161 + (s % 588 / 28));
                if (s % 28 > 0)
                {
                    jamo[j++] = (char)(0x11A7 + (s % 28));
                }
            }
            else
            {
                jamo[j++] = c;
            }
        }

        return j;
    }

    /// <summary>Every n-gram of <paramref name="stream"/> for n in [min, max], except those of spaces or clause marks only.</summary>
    private static void Grams(ReadOnlySpan<char> stream, char kind, int min, int max, Span<char> gram, FeatureSink sink)
    {
        gram[0] = kind;
        gram[1] = ':';
        for (var n = Math.Max(1, min); n <= max; n++)
        {
            for (var i = 0; i + n <= stream.Length; i++)
            {
                var piece = stream.Slice(i, n);
                if (piece.IndexOfAnyExcept(' ', Clause) < 0)
                {
                    continue;
                }

                piece.CopyTo(gram[2..]);
                sink(gram[..(n + 2)]);
            }
        }
    }

    /// <summary>Each word and each pair of adjacent words in one clause.</summary>
    private static void Words(ReadOnlySpan<char> stream, Span<char> gram, FeatureSink sink)
    {
        gram[0] = 'w';
        gram[1] = ':';
        var previous = ReadOnlySpan<char>.Empty;
        foreach (var range in stream.Split(' '))
        {
            var word = stream[range];
            if (word.IsEmpty)
            {
                continue;
            }

            if (word is [Clause])
            {
                previous = ReadOnlySpan<char>.Empty;
                continue;
            }

            word.CopyTo(gram[2..]);
            sink(gram[..(word.Length + 2)]);
            if (!previous.IsEmpty)
            {
                previous.CopyTo(gram[2..]);
                gram[2 + previous.Length] = ' ';
                word.CopyTo(gram[(3 + previous.Length)..]);
                sink(gram[..(previous.Length + word.Length + 3)]);
            }

            previous = word;
        }
    }
}
