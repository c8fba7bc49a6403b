using Conversations.RealtimeEngine.Responders;
using Conversations.RealtimeEngine.Sessions;

namespace Conversations.RealtimeEngine.Tests;

public sealed class TextPipelineTests
{
    [Fact]
    public void Segmenter_yields_each_sentence_as_soon_as_the_next_one_begins()
    {
        var segmenter = new SentenceSegmenter();
        var taken = new List<string>();
        foreach (var token in new[] { "Hello", " there.", " Dr.", " Smith", " says", " hi!", " Bye" })
        {
            segmenter.Append(token);
            while (segmenter.TryTake(out var sentence))
            {
                taken.Add(sentence);
            }
        }

        taken.ShouldBe(["Hello there.", " Dr. Smith says hi!"]);
        segmenter.Flush().ShouldBe(" Bye");
    }

    [Fact]
    public void Segmenter_cuts_unpunctuated_text_at_a_comma_before_it_grows_too_long()
    {
        var segmenter = new SentenceSegmenter();
        var text = string.Join(' ', Enumerable.Repeat("word", 40)) + ", " + string.Join(' ', Enumerable.Repeat("more", 30));
        segmenter.Append(text);

        segmenter.TryTake(out var first).ShouldBeTrue();

        first.Length.ShouldBeLessThanOrEqualTo(SentenceSegmenter.MaxSentenceChars + 1);
        (first + segmenter.Flush()).ShouldBe(text);
    }

    [Theory]
    [InlineData("I want to kill myself", "988")]
    [InlineData("I feel so hopeless", "988")]
    [InlineData("자살하고 싶어요", "109")]
    [InlineData("요즘 죽고 싶다는 생각이 들어요", "109")]
    public void Every_script_answers_a_crisis_with_crisis_resources(string said, string resource)
    {
        foreach (var script in CounsellingScripts.All.Values)
        {
            script.Reply(said, turn: 0).ShouldContain(resource);
        }
    }

    [Fact]
    public void Korean_input_gets_a_Korean_reply_and_English_input_an_English_one()
    {
        var script = CounsellingScripts.All["nutrition"];

        Synthesis.TextLanguage.ContainsHangul(script.Reply("아침에 뭘 먹으면 좋을까요?", 0)).ShouldBeTrue();
        Synthesis.TextLanguage.ContainsHangul(script.Reply("What should I eat for breakfast?", 0)).ShouldBeFalse();
        script.Reply("What should I eat for breakfast?", 0).ShouldContain("balanced meal");
    }

    [Fact]
    public void Keywords_match_whole_words_only()
    {
        var script = CounsellingScripts.All["mental-health"];

        script.Reply("This is hard", 0).ShouldNotBe(script.Greeting("en"), "'hi' inside 'this' is no greeting");
        script.Reply("Hi!", 0).ShouldBe(script.Greeting("en"));
    }
}
