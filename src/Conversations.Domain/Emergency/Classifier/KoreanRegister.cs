namespace Conversations.Domain.Emergency.Classifier;

/// <summary>
/// Switches the speech register of Korean clause endings, for training variants: polite "-요" endings lose it
/// ("숨이 막혀요" → "숨이 막혀", "거예요" → "거야") and casual ones gain it ("죽을 거야" → "죽을 거예요", "힘들어" → "힘들어요").
/// Crude on purpose: the classifier should not learn that polite speech is a medical question and casual speech a crisis.
/// </summary>
internal static class KoreanRegister
{
    private const string CasualEndings = "어아해워와돼져쳐줘지네게래대까봐셔";

    public static string Toggle(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new System.Text.StringBuilder(text.Length + 8);
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && !IsClauseEnd(text[i]))
            {
                continue;
            }

            result.Append(ToggleClause(text.AsSpan(start, i - start)));
            if (i < text.Length)
            {
                result.Append(text[i]);
            }

            start = i + 1;
        }

        return result.ToString();
    }

    private static bool IsClauseEnd(char c) => c is '.' or '!' or '?' or ',' or '\n' or '~' or '…';

    private static string ToggleClause(ReadOnlySpan<char> clause)
    {
        var trimmed = clause.TrimEnd();
        var tail = clause[trimmed.Length..].ToString();
        var body = trimmed.ToString();
        if (body.Length < 2 || !(body[^1] is >= '\uAC00' and <= '\uD7A3'))
        {
            return clause.ToString();
        }

        if (body.EndsWith("예요", StringComparison.Ordinal) || body.EndsWith("에요", StringComparison.Ordinal))
        {
            return body[..^2] + "야" + tail; // "거예요" → "거야", "이에요" → "이야"
        }

        if (body[^1] == '요')
        {
            return body[..^1] + tail;
        }

        if (body.EndsWith("거야", StringComparison.Ordinal))
        {
            return body[..^1] + "예요" + tail;
        }

        return CasualEndings.Contains(body[^1], StringComparison.Ordinal) ? body + "요" + tail : clause.ToString();
    }
}
