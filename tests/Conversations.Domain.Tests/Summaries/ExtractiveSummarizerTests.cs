using Conversations.Domain.Summaries;
using Conversations.Domain.Transcript;

namespace Conversations.Domain.Tests.Summaries;

public sealed class ExtractiveSummarizerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private static List<TranscriptEntry> Conversation(params (Speaker Role, string Text)[] lines) =>
        lines.Select((l, i) => new TranscriptEntry(i + 1, l.Role, l.Text, T0.AddSeconds(i * 10), $"item_{i}")).ToList();

    [Fact]
    public void English_summary_keeps_the_users_main_concern_in_order()
    {
        var transcript = Conversation(
            (Speaker.User, "Hello there."),
            (Speaker.Assistant, "Hi, what would you like to talk about today?"),
            (Speaker.User, "I have been sleeping badly for three weeks since I started night shifts at the hospital."),
            (Speaker.Assistant, "Night shifts can really disrupt sleep. How many hours of sleep do you get after a night shift?"),
            (Speaker.User, "Maybe four hours of sleep, and I drink a lot of coffee to stay awake during the shifts."),
            (Speaker.Assistant, "Coffee late in a shift can keep you awake after it. Try to stop coffee four hours before your sleep."),
            (Speaker.User, "Okay, thanks, bye."));

        var summary = ExtractiveSummarizer.Summarize(transcript);

        summary.ShouldContain("User: I have been sleeping badly for three weeks");
        summary.ShouldNotContain("Hello there");
        summary.ShouldNotContain("bye");
        summary.Length.ShouldBeLessThanOrEqualTo(ExtractiveSummarizer.DefaultMaxCharacters);
        var lines = summary.Split('\n');
        lines.Length.ShouldBeLessThanOrEqualTo(ExtractiveSummarizer.DefaultMaxSentences);
        Array.IndexOf(lines, lines.First(l => l.Contains("sleeping badly", StringComparison.Ordinal)))
            .ShouldBeLessThan(Array.IndexOf(lines, lines.First(l => l.Contains("coffee", StringComparison.Ordinal))));
    }

    [Fact]
    public void Korean_summary_works_without_word_segmentation()
    {
        var transcript = Conversation(
            (Speaker.User, "안녕하세요."),
            (Speaker.Assistant, "안녕하세요, 오늘 어떤 이야기를 나눠 볼까요?"),
            (Speaker.User, "요즘 회사 일 때문에 스트레스가 너무 심해서 잠을 잘 못 자요."),
            (Speaker.Assistant, "회사 스트레스 때문에 잠을 못 주무시는군요. 잠들기 전에 어떤 생각이 드세요?"),
            (Speaker.User, "내일 회사에서 할 일 생각 때문에 계속 잠이 안 와요."),
            (Speaker.Assistant, "자기 전에 할 일을 종이에 적어 두면 회사 생각을 내려놓는 데 도움이 돼요."),
            (Speaker.User, "감사합니다."));

        var summary = ExtractiveSummarizer.Summarize(transcript);

        summary.ShouldStartWith("사용자: 요즘 회사 일 때문에 스트레스가");
        summary.ShouldContain("상담사: ");
        summary.ShouldNotContain("감사합니다");
    }

    [Fact]
    public void Summary_respects_the_budget_and_skips_near_duplicates()
    {
        var repeated = Enumerable.Range(0, 30)
            .Select(i => (Speaker.User, $"My knee pain gets worse when I climb the stairs at work, day {i}."))
            .ToArray();

        var summary = ExtractiveSummarizer.Summarize(Conversation(repeated), maxCharacters: 120, maxSentences: 3);

        summary.Length.ShouldBeLessThanOrEqualTo(120);
        summary.Split('\n').Length.ShouldBe(1);
    }

    [Fact]
    public void Long_unpunctuated_speech_is_cut_into_sentences()
    {
        var speech = string.Join(' ', Enumerable.Repeat("i keep waking up at three in the morning and cannot get back to sleep because my back hurts", 6));

        var summary = ExtractiveSummarizer.Summarize(Conversation((Speaker.User, speech)), maxCharacters: 300);

        summary.Length.ShouldBeLessThanOrEqualTo(300);
        summary.ShouldStartWith("User: i keep waking up");
    }

    [Fact]
    public void Empty_or_small_talk_only_gives_an_empty_summary()
    {
        ExtractiveSummarizer.Summarize([]).ShouldBeEmpty();
        ExtractiveSummarizer.Summarize(Conversation((Speaker.User, "Hi."), (Speaker.Assistant, "Hello!"), (Speaker.User, "Thanks, bye."))).ShouldBeEmpty();
    }

    [Fact]
    public void A_single_sentence_longer_than_the_budget_is_clipped()
    {
        var summary = ExtractiveSummarizer.Summarize(
            Conversation((Speaker.User, "Sometimes when I eat spicy food late at night my stomach burns for hours and I cannot lie down flat at all.")),
            maxCharacters: 40);

        summary.Length.ShouldBe(40);
        summary.ShouldEndWith("…");
    }
}
