namespace Conversations.Domain;

/// <summary>Primary language subtags ("en", "ko") from BCP 47 tags such as "ko-KR" or "en_US".</summary>
public static class LanguageCode
{
    /// <summary>English.</summary>
    public const string English = "en";

    /// <summary>Korean.</summary>
    public const string Korean = "ko";

    /// <summary>The lower-case primary subtag of <paramref name="tag"/>, or null when it is empty.</summary>
    public static string? Primary(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }

        var span = tag.AsSpan().Trim();
        var cut = span.IndexOfAny('-', '_');
        if (cut >= 0)
        {
            span = span[..cut];
        }

        return span.ToString().ToLowerInvariant();
    }

    /// <summary>Whether <paramref name="c"/> is a Hangul syllable or jamo.</summary>
    public static bool IsHangul(char c) =>
        c is (>= '\uAC00' and <= '\uD7A3') or (>= '\u1100' and <= '\u11FF') or (>= '\u3130' and <= '\u318F');

    /// <summary>"ko" when most letters of <paramref name="text"/> are Hangul, otherwise "en".</summary>
    public static string Detect(ReadOnlySpan<char> text)
    {
        int hangul = 0, other = 0;
        foreach (var c in text)
        {
            if (IsHangul(c))
            {
                hangul++;
            }
            else if (char.IsLetter(c))
            {
                other++;
            }
        }

        // A Hangul syllable carries about three Latin letters' worth of content.
        return hangul * 3 >= other && hangul > 0 ? Korean : English;
    }
}
