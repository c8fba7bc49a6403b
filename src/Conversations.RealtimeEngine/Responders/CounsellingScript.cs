using System.Text;
using Conversations.RealtimeEngine.Synthesis;

namespace Conversations.RealtimeEngine.Responders;

/// <summary>A keyword rule: if any keyword occurs in what the user said, answer with one of the replies (in turn).</summary>
internal sealed record ScriptRule(IReadOnlyList<string> Keywords, IReadOnlyList<string> Replies);

/// <summary>A character's scripted replies in English and Korean. Safety rules come first and are shared by every script.</summary>
internal sealed record CounsellingScript(
    string Name,
    string GreetingEnglish,
    string GreetingKorean,
    IReadOnlyList<ScriptRule> English,
    IReadOnlyList<ScriptRule> Korean,
    IReadOnlyList<string> FallbackEnglish,
    IReadOnlyList<string> FallbackKorean)
{
    private static readonly ScriptRule CrisisEnglish = new(
        ["kill myself", "suicide", "end my life", "want to die", "hurt myself", "self harm", "hopeless", "no reason to live"],
        ["I'm really sorry you're feeling this way, and I'm glad you told me. You don't have to carry this alone. If you might act on these thoughts, please call or text 988 in the US, 109 in Korea, or your local emergency number right now. Can you tell me if you are safe at this moment?"]);

    private static readonly ScriptRule CrisisKorean = new(
        ["자살", "죽고 싶", "죽고싶", "살고 싶지", "자해", "사라지고 싶", "희망이 없"],
        ["그렇게 힘든 마음을 말해 주셔서 고마워요. 혼자 견디지 않으셔도 돼요. 지금 위험하다고 느끼시면 바로 109 자살예방상담전화나 119에 연락해 주세요. 지금 안전하신지 알려 주실 수 있을까요?"]);

    private static readonly ScriptRule GreetingRuleEnglish = new(["hello", "hi", "hey", "good morning", "good evening"], []);
    private static readonly ScriptRule GreetingRuleKorean = new(["안녕", "반가워", "반갑"], []);
    private static readonly ScriptRule ThanksEnglish = new(["thank", "thanks", "bye", "goodbye"], ["You're very welcome. Take good care of yourself, and come back any time you want to talk."]);
    private static readonly ScriptRule ThanksKorean = new(["고마워", "감사", "안녕히"], ["천만에요. 몸과 마음을 잘 돌보시고, 이야기하고 싶을 때 언제든 다시 찾아 주세요."]);

    public string Greeting(string language) => language is "ko" ? GreetingKorean : GreetingEnglish;

    /// <summary>What the character says when the user has gone quiet.</summary>
    public string IdleCheckIn(string language) => language is "ko"
        ? "아직 거기 계세요? 천천히 하셔도 괜찮아요. 준비되면 말씀해 주세요."
        : "Are you still there? Take your time, I'm here whenever you're ready.";

    /// <summary>The reply to <paramref name="userText"/>; <paramref name="turn"/> rotates among a rule's replies.</summary>
    public string Reply(string userText, int turn)
    {
        var korean = TextLanguage.ContainsHangul(userText);
        var normalized = korean ? userText : Normalize(userText);
        IEnumerable<ScriptRule> rules = korean
            ? [CrisisKorean, .. Korean, ThanksKorean, GreetingRuleKorean]
            : [CrisisEnglish, .. English, ThanksEnglish, GreetingRuleEnglish];
        foreach (var rule in rules)
        {
            if (rule.Keywords.Any(keyword => Matches(normalized, keyword, korean)))
            {
                return rule.Replies.Count == 0 ? Greeting(korean ? "ko" : "en") : rule.Replies[turn % rule.Replies.Count];
            }
        }

        var fallback = korean ? FallbackKorean : FallbackEnglish;
        return fallback[turn % fallback.Count];
    }

    private static bool Matches(string text, string keyword, bool korean) =>
        korean ? text.Contains(keyword, StringComparison.Ordinal) : text.Contains($" {keyword} ", StringComparison.Ordinal);

    // Lower case, letters and digits only, single spaces, padded so keywords match whole words.
    private static string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append(' ');
        var space = true;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || c == '\'')
            {
                builder.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else if (!space)
            {
                builder.Append(' ');
                space = true;
            }
        }

        if (!space)
        {
            builder.Append(' ');
        }

        return builder.ToString().Replace("'", string.Empty, StringComparison.Ordinal);
    }
}
