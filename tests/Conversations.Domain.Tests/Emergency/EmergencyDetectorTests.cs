using System.Diagnostics;
using System.Text;
using Conversations.Domain.Emergency;
using Conversations.Domain.Emergency.Classifier;
using Conversations.Domain.Emergency.Lexicon;

namespace Conversations.Domain.Tests.Emergency;

public sealed class EmergencyDetectorTests
{
    [Theory]
    [InlineData("I don't want to die, I want to get healthier.")]
    [InlineData("I would never hurt myself.")]
    [InlineData("I'm not suicidal.")]
    [InlineData("죽고 싶지는 않아요.")]
    [InlineData("자해는 안 해요.")]
    [InlineData("죽을 생각은 전혀 없어요.")]
    public void Negation_is_protective(string utterance)
    {
        EmergencyDetector.Assess(utterance).Level.ShouldBe(0);
    }

    [Theory]
    [InlineData("I don't want to be alive anymore.")]
    [InlineData("I can't stop thinking about dying.")]
    [InlineData("I don't see any reason to keep living.")]
    [InlineData("살고 싶지 않아.")]
    public void Negation_inside_a_risk_phrase_is_not_protective(string utterance)
    {
        EmergencyDetector.Assess(utterance).ShouldSatisfyAllConditions(
            a => a.Level.ShouldBe(2),
            a => a.Category.ShouldBe(EmergencyCategory.SelfHarm));
    }

    [Theory]
    [InlineData("I'm just killing time until my appointment.")]
    [InlineData("This traffic is killing me.")]
    [InlineData("Can you kill the lights please?")]
    [InlineData("I'm dying to see the new season.")]
    [InlineData("I'm killing myself trying to finish this project.")]
    [InlineData("배고파 죽겠다.")]
    [InlineData("졸려 죽겠어.")]
    [InlineData("웃겨 죽겠다 ㅋㅋㅋ")]
    [InlineData("이 노래 진짜 죽인다.")]
    [InlineData("숙제 안 하면 선생님이 나 죽일 거야.")]
    public void Idioms_are_not_emergencies(string utterance)
    {
        EmergencyDetector.Assess(utterance).Level.ShouldBe(0);
    }

    [Theory]
    [InlineData("죽고 싶어")]
    [InlineData("죽고싶어")]
    [InlineData("죽고  싶다")]
    [InlineData("죽 고 싶 어 요")]
    public void Korean_spacing_variants_match_alike(string utterance)
    {
        EmergencyDetector.Assess(utterance).Level.ShouldBe(2);
    }

    [Fact]
    public void Decomposed_Hangul_is_composed_before_matching()
    {
        EmergencyDetector.Assess("죽고 싶어".Normalize(NormalizationForm.FormD)).Level.ShouldBe(2);
    }

    [Theory]
    [InlineData("I'm going to kill myself tonight.")]
    [InlineData("I have the pills ready and I'm taking them after everyone goes to bed.")]
    [InlineData("I'M GOING TO KILL MYSELF!!!")]
    [InlineData("i’m gonna end it all tonight")]
    [InlineData("유서를 썼어.")]
    [InlineData("옥상에서 뛰어내릴 거야.")]
    public void Intent_with_a_plan_time_or_means_is_level_3(string utterance)
    {
        var assessment = EmergencyDetector.Assess(utterance);

        assessment.Level.ShouldBe(3);
        assessment.Category.ShouldBe(EmergencyCategory.SuicideIntent);
        assessment.Evidence.ShouldNotBeEmpty();
    }

    [Fact]
    public void Ideation_without_a_plan_is_level_2_and_distress_is_level_1()
    {
        EmergencyDetector.Assess("I hope I don't wake up tomorrow.").Level.ShouldBe(2);
        EmergencyDetector.Assess("I don't really want to live.").Level.ShouldBe(2);
        EmergencyDetector.Assess("I want to die.").Level.ShouldBe(2);
        EmergencyDetector.Assess("I feel so hopeless.").ShouldSatisfyAllConditions(
            a => a.Level.ShouldBe(1),
            a => a.Category.ShouldBe(EmergencyCategory.Distress));
        EmergencyDetector.Assess("요즘 너무 힘들어 죽겠어.").Level.ShouldBe(1);
    }

    [Fact]
    public void Someone_else_at_risk_is_level_2_or_3_with_means_or_a_time_and_fiction_is_nothing()
    {
        EmergencyDetector.Assess("My friend says she wants to kill herself.").Level.ShouldBe(2);
        EmergencyDetector.Assess("My friend says she's going to kill herself tonight.").Level.ShouldBe(3);
        EmergencyDetector.Assess("We watched a movie where the main character kills himself.").Level.ShouldBe(0);
        EmergencyDetector.Assess("My uncle killed himself last year.").Level.ShouldBe(1);
    }

    [Fact]
    public void Harm_to_others_needs_a_person_and_rises_with_intent()
    {
        EmergencyDetector.Assess("I want to kill my neighbour.").ShouldSatisfyAllConditions(
            a => a.Level.ShouldBe(2),
            a => a.Category.ShouldBe(EmergencyCategory.HarmToOthers));
        EmergencyDetector.Assess("I'm going to stab my boss tomorrow.").Level.ShouldBe(3);
        EmergencyDetector.Assess("I'm going to kill this workout today.").Level.ShouldBe(0);
        EmergencyDetector.Assess("My sister will kill me if I forget her birthday.").Level.ShouldBe(0);
    }

    [Fact]
    public void Medical_emergencies_rise_with_red_flags_and_past_ones_do_not_count()
    {
        EmergencyDetector.Assess("I've had chest pain since this morning.").Level.ShouldBe(2);
        EmergencyDetector.Assess("I have crushing chest pain going down my left arm.").ShouldSatisfyAllConditions(
            a => a.Level.ShouldBe(3),
            a => a.Category.ShouldBe(EmergencyCategory.MedicalEmergency));
        EmergencyDetector.Assess("His face is drooping and his speech is slurred.").Level.ShouldBe(3);
        EmergencyDetector.Assess("가슴이 쥐어짜듯 아프고 왼팔까지 저려요.").Level.ShouldBe(3);
        EmergencyDetector.Assess("I had chest pain last year but it was reflux.").Level.ShouldBe(0);
    }

    [Fact]
    public void Language_comes_from_the_hint_or_the_script()
    {
        EmergencyDetector.Assess("죽고 싶어").Language.ShouldBe("ko");
        EmergencyDetector.Assess("I want to die").Language.ShouldBe("en");
        EmergencyDetector.Assess("I want to die", "ko-KR").Language.ShouldBe("ko");
        EmergencyDetector.Assess("I'm fine, 근데 죽고 싶어").Level.ShouldBe(2);
    }

    [Theory]
    [InlineData("We're having spaghetti tonight and the kids want garlic bread too.")]
    [InlineData("My train was ten minutes late so I grabbed a coffee at the station.")]
    [InlineData("Can you help me pick a colour for the bathroom tiles?")]
    [InlineData("I walked the dog after lunch and now I'm folding laundry.")]
    [InlineData("저녁에 된장찌개 끓여 먹고 산책 다녀왔어요.")]
    [InlineData("내일 회사 끝나고 친구랑 영화 보기로 했어")]
    [InlineData("아이 숙제 봐 주느라 좀 바빴어요")]
    [InlineData("주말에 부모님 댁에 가서 김치 담갔어")]
    public void Plain_everyday_speech_raises_no_alarm(string utterance)
    {
        EmergencyDetector.Assess(utterance).Level.ShouldBeLessThan(2);
    }

    [Fact]
    public void The_classifier_alone_gives_level_3_only_with_a_risk_phrase_a_cue_or_great_confidence()
    {
        var t = new ClassifierThresholds(Level3: 0.5, Level2: 0.5, Level1: 0.5, Veto: 0.9, Level3Alone: 0.95, Level2Alone: 0.9, Level3Cue: 0.8);
        var thresholds = new LanguageThresholds(t, t);
        static double[] Probabilities(double p3) => [0.05, 0.05, 0.1, 0.05, 0.05, 0.6, 0.05, 0.05, 0.99, Math.Max(0.85, p3), p3];
        static LexiconReading Lexicon(bool cue, bool phrase, bool protective = false) => new(0, EmergencyCategory.None, [], protective, cue || phrase, phrase);

        EmergencyDetector.Combine(Lexicon(cue: false, phrase: false), Probabilities(0.7), thresholds, "en", "en").Level.ShouldBe(1);
        EmergencyDetector.Combine(Lexicon(cue: true, phrase: false), Probabilities(0.7), thresholds, "en", "en").Level.ShouldBe(2);
        EmergencyDetector.Combine(Lexicon(cue: true, phrase: false), Probabilities(0.85), thresholds, "en", "en").Level.ShouldBe(3);
        EmergencyDetector.Combine(Lexicon(cue: false, phrase: true), Probabilities(0.7), thresholds, "en", "en").ShouldSatisfyAllConditions(
            a => a.Level.ShouldBe(3),
            a => a.Category.ShouldBe(EmergencyCategory.SuicideIntent));
        EmergencyDetector.Combine(Lexicon(cue: false, phrase: false), Probabilities(0.97), thresholds, "en", "en").Level.ShouldBe(3);
        EmergencyDetector.Combine(Lexicon(cue: false, phrase: true, protective: true), Probabilities(0.7), thresholds, "en", "en").Level.ShouldBe(1); // only P(≥ 1) reaches the veto
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("?!...,,,")]
    [InlineData("\uD800 lone surrogate \uDC00")]
    [InlineData("🙂🙂🙂 ㅋㅋㅋㅋ")]
    [InlineData("'''' n't 's")]
    public void Odd_input_is_level_0_without_throwing(string utterance)
    {
        EmergencyDetector.Assess(utterance).Level.ShouldBe(0);
    }

    [Fact]
    public void Huge_input_is_bounded_and_fast()
    {
        var huge = string.Concat(Enumerable.Repeat("kill kill myself not never 죽고 싶 ", 20_000));
        var clock = Stopwatch.StartNew();

        var assessment = EmergencyDetector.Assess(huge);

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(1));
        assessment.Level.ShouldBeGreaterThan(0);
    }
}
