using System.Text;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary>Cuts streamed text into sentences, so each can be spoken as soon as it is complete.</summary>
/// <remarks>
/// A sentence ends at <c>. ! ? 。 ！ ？</c> or a newline followed by more text; a run without punctuation is cut at a
/// comma or space once it passes <see cref="MaxSentenceChars"/>, so a model that never punctuates still speaks.
/// </remarks>
internal sealed class SentenceSegmenter
{
    public const int MaxSentenceChars = 220;
    private readonly StringBuilder _pending = new();

    public void Append(string text) => _pending.Append(text);

    /// <summary>Takes the next complete sentence, keeping its leading whitespace so the pieces concatenate to the full text.</summary>
    public bool TryTake(out string sentence)
    {
        var end = FindEnd();
        if (end < 0)
        {
            sentence = string.Empty;
            return false;
        }

        sentence = _pending.ToString(0, end);
        _pending.Remove(0, end);
        if (string.IsNullOrWhiteSpace(sentence))
        {
            return TryTake(out sentence);
        }

        return true;
    }

    /// <summary>The rest of the text when the stream has ended (null when only whitespace is left).</summary>
    public string? Flush()
    {
        var rest = _pending.ToString();
        _pending.Clear();
        return string.IsNullOrWhiteSpace(rest) ? null : rest;
    }

    // Index just after the sentence's last character, or -1 when no sentence is complete yet.
    private int FindEnd()
    {
        var seenText = false;
        for (var i = 0; i < _pending.Length; i++)
        {
            var c = _pending[i];
            if (!char.IsWhiteSpace(c))
            {
                seenText = true;
            }

            var terminal = c is '.' or '!' or '?' or '。' or '！' or '？' or '\n';
            if (terminal && seenText && i + 1 < _pending.Length && char.IsWhiteSpace(_pending[i + 1]))
            {
                // "Dr. Smith", "e.g. this": a single letter or a title before the dot is no sentence end.
                if (c == '.' && IsAbbreviation(i))
                {
                    continue;
                }

                return i + 1;
            }

            if (i >= MaxSentenceChars)
            {
                for (var j = i; j > MaxSentenceChars / 2; j--)
                {
                    if (_pending[j] is ',' or ';' or ':' or '，' or '、')
                    {
                        return j + 1;
                    }
                }

                for (var j = i; j > MaxSentenceChars / 2; j--)
                {
                    if (_pending[j] == ' ')
                    {
                        return j;
                    }
                }

                return i + 1;
            }
        }

        return -1;
    }

    private bool IsAbbreviation(int dot)
    {
        var start = dot;
        while (start > 0 && char.IsLetter(_pending[start - 1]))
        {
            start--;
        }

        var word = _pending.ToString(start, dot - start);
        return word.Length == 1 || word is "Dr" or "Mr" or "Mrs" or "Ms" or "St" or "vs" or "etc" or "e.g" or "i.e";
    }
}
