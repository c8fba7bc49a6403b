using System.Text;

namespace Conversations.Domain.Emergency.Lexicon;

/// <summary>Expands lexicon patterns: <c>[a|b|]</c> is a choice (an empty choice makes it optional); the rest is literal.</summary>
internal static class PatternExpander
{
    public static IEnumerable<string> Expand(string pattern)
    {
        var results = new List<StringBuilder> { new() };
        var i = 0;
        while (i < pattern.Length)
        {
            if (pattern[i] == '[')
            {
                var close = pattern.IndexOf(']', i);
                if (close < 0)
                {
                    throw new FormatException($"Unclosed '[' in lexicon pattern '{pattern}'.");
                }

                var choices = pattern[(i + 1)..close].Split('|');
                results = results.SelectMany(r => choices.Select(c => new StringBuilder(r.ToString()).Append(c))).ToList();
                i = close + 1;
            }
            else
            {
                foreach (var r in results)
                {
                    r.Append(pattern[i]);
                }

                i++;
            }
        }

        return results.Select(r => r.ToString());
    }
}
