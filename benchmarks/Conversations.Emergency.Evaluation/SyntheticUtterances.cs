using Conversations.Domain.Emergency;

namespace Conversations.Emergency.Evaluation;

/// <summary>
/// Template sentences added to the classifier's training data (never to any evaluation): the same frames filled with
/// risk and with harmless content ("I'm going to … tonight" with "jump off the bridge" and with "watch a movie"), so a
/// character n-gram model learns the content words rather than the frame. Deterministic; cross-validation keeps them
/// out of every evaluation fold.
/// </summary>
public static class SyntheticUtterances
{
    private static readonly string[] EnMethods =
    [
        "kill myself", "end my life", "take all my pills", "overdose on my sleeping pills", "hang myself", "jump off the bridge",
        "jump off the roof", "slit my wrists", "shoot myself", "drive my car off a cliff", "step in front of a train", "end it all",
        "take my own life", "drown myself in the lake", "swallow the whole bottle", "hang myself in the garage",
    ];

    private static readonly string[] EnTimes =
        ["tonight", "tomorrow", "this weekend", "after everyone is asleep", "on Friday", "right now", "in an hour", "after my shift", "before morning"];

    private static readonly string[] EnActivities =
    [
        "watch a movie", "go to the gym", "see my friends", "clean the kitchen", "study for my exam", "bake a cake", "go for a run",
        "call my mom", "finish my essay", "walk the dog", "go to bed early", "try the new ramen place", "paint my room", "take my vitamins",
        "hang the new curtains", "jump on the trampoline with my kids", "drive to the beach", "cut my hair", "kill some time at the mall",
    ];

    private static readonly string[] EnFrames3 =
    [
        "I'm going to {0} {1}", "{1} I'm going to {0}", "I've decided to {0} {1}", "I'm planning to {0} {1}", "I'll {0} {1}",
        "I'm ready to {0} {1}", "i'm gonna {0} {1}", "I've made up my mind, I'm going to {0} {1}",
    ];

    private static readonly string[] EnIdeation =
    [
        "want to die", "think about killing myself", "wish I were dead", "don't want to live anymore", "think about suicide",
        "wish I could disappear forever", "think everyone would be better off without me", "wish I wouldn't wake up", "feel like ending my life",
    ];

    private static readonly string[] EnThirdIdeation =
        ["she wants to die", "he thinks about killing himself", "she wishes she were dead", "he doesn't want to live anymore", "she keeps thinking about suicide"];

    private static readonly string[] EnWhen = ["Lately I", "Sometimes I", "I still", "Every night I", "Honestly I", "i just"];

    private static readonly string[] EnTrivia = ["This traffic", "My back", "This heat", "This homework", "My boss", "These shoes", "The wait", "This deadline"];

    private static readonly string[] EnDistress = ["hopeless", "so alone", "worthless", "exhausted and empty", "like a failure", "anxious all the time", "like a burden"];

    private static readonly string[] EnPeople = ["friend", "sister", "brother", "son", "daughter", "girlfriend", "roommate", "dad"];

    private static readonly string[] EnMedia = ["the movie", "the novel", "the game", "the news", "my history class", "the documentary", "the play"];

    private static readonly string[] KoMethods =
    [
        "수면제 다 먹을", "약을 한꺼번에 먹을", "목을 맬", "뛰어내릴", "손목을 그을", "번개탄 피울", "농약 마실", "물에 뛰어들", "죽을",
        "자살할", "목숨을 끊을", "생을 마감할", "다 끝낼", "연탄 피울", "철길에 뛰어들",
    ];

    private static readonly string[] KoTimes = ["오늘 밤에", "내일", "이번 주말에", "새벽에", "지금", "오늘", "내일 아침에", "다음 주에", "애들 자면", "다들 잠들면"];

    private static readonly string[] KoActivities =
    [
        "치킨 먹을", "영화 볼", "친구 만날", "운동할", "공부할", "여행 갈", "일찍 잘", "청소할", "라면 끓일", "산책할", "쇼핑할",
        "한강에서 자전거 탈", "옥상에서 고기 구울", "약 먹고 잘", "머리 자를", "캠핑 갈", "다리 위에서 사진 찍을", "바다 보러 갈",
    ];

    private static readonly string[] KoFrames3 = ["{1} {0} 거야", "{1} {0} 거예요", "{1} {0} 생각이야", "이미 정했어. {1} {0} 거야", "{1} 진짜 {0} 거야", "{1} {0}려고 해"];

    private static readonly string[] KoIdeation =
    [
        "죽고 싶어", "죽고 싶다는 생각이 들어", "살기 싫어", "자살 생각이 나", "그만 살고 싶어", "영원히 사라지고 싶어", "안 깨어났으면 좋겠어",
        "죽으면 편할 것 같아", "내가 없어지면 다들 편할 거야",
    ];

    private static readonly string[] KoThirdIdeation = ["죽고 싶다고 해요", "살기 싫다고 해요", "자살하고 싶대요", "사라지고 싶다고 해요", "자살 생각이 난대요"];

    private static readonly string[] KoWhen = ["요즘", "가끔", "계속", "매일", "솔직히", "자꾸"];

    private static readonly string[] KoTrivia = ["배고파", "졸려", "더워", "추워", "심심해", "피곤해", "웃겨", "귀여워", "배불러", "짜증나", "부러워", "궁금해", "목말라"];

    private static readonly string[] KoDistress = ["우울해", "외로워", "힘들어", "지쳤어", "불안해", "막막해", "괴로워", "쓸모없는 것 같아"];

    private static readonly string[] KoPeople = ["친구가", "동생이", "언니가", "아들이", "딸이", "남자친구가", "엄마가", "후배가"];

    private static readonly string[] KoMedia = ["드라마에서", "영화에서", "소설에서", "웹툰에서", "뉴스에서", "게임에서", "수업에서"];

    /// <summary>Every template sentence with its label; the language is the template's.</summary>
    public static IReadOnlyList<LabelledUtterance> Generate()
    {
        var items = new List<LabelledUtterance>();
        void Add(string text, string language, int level, EmergencyCategory category) =>
            items.Add(new LabelledUtterance(text, language, level, category, "synthetic", "synthetic", ""));

        var i = 0;
        foreach (var frame in EnFrames3)
        {
            foreach (var time in EnTimes)
            {
                i++;
                Add(string.Format(null, frame, EnMethods[i % EnMethods.Length], time), "en", 3, EmergencyCategory.SuicideIntent);
                Add(string.Format(null, frame, EnActivities[i % EnActivities.Length], time), "en", 0, EmergencyCategory.None);
                Add(string.Format(null, frame, EnActivities[(i + 7) % EnActivities.Length], time), "en", 0, EmergencyCategory.None);
            }
        }

        foreach (var method in EnMethods)
        {
            i++;
            Add("I would never " + method, "en", 0, EmergencyCategory.None);
            Add("I'm not going to " + method + ", I just needed to talk", "en", i % 2 == 0 ? 0 : 1, i % 2 == 0 ? EmergencyCategory.None : EmergencyCategory.Distress);
            Add(string.Format(null, "My {0} said they're going to {1} {2}", EnPeople[i % EnPeople.Length], method, EnTimes[i % EnTimes.Length]), "en", 3, EmergencyCategory.SuicideIntent);
            Add(string.Format(null, "In {0} the main character tries to {1}", EnMedia[i % EnMedia.Length], method), "en", 0, EmergencyCategory.None);
            Add(string.Format(null, "Years ago I tried to {0}, but I'm doing well now", method), "en", 0, EmergencyCategory.None);
        }

        foreach (var when in EnWhen)
        {
            foreach (var ideation in EnIdeation)
            {
                i++;
                Add(i % 2 == 0 ? when + " " + ideation : string.Format(null, "My {0} told me {1}", EnPeople[i % EnPeople.Length], EnThirdIdeation[i % EnThirdIdeation.Length]),
                    "en", 2, EmergencyCategory.SelfHarm);
            }

            foreach (var distress in EnDistress)
            {
                Add(when + " feel " + distress, "en", 1, EmergencyCategory.Distress);
            }
        }

        foreach (var trivia in EnTrivia)
        {
            Add(trivia + " is killing me", "en", 0, EmergencyCategory.None);
            Add(trivia + " is going to be the death of me lol", "en", 0, EmergencyCategory.None);
        }

        i = 0;
        foreach (var frame in KoFrames3)
        {
            foreach (var time in KoTimes)
            {
                i++;
                Add(string.Format(null, frame, KoMethods[i % KoMethods.Length], time), "ko", 3, EmergencyCategory.SuicideIntent);
                Add(string.Format(null, frame, KoActivities[i % KoActivities.Length], time), "ko", 0, EmergencyCategory.None);
                Add(string.Format(null, frame, KoActivities[(i + 7) % KoActivities.Length], time), "ko", 0, EmergencyCategory.None);
            }
        }

        foreach (var method in KoMethods)
        {
            i++;
            Add(method + " 생각은 전혀 없어", "ko", 0, EmergencyCategory.None);
            Add(string.Format(null, "{0} {1} {2} 거래요", KoPeople[i % KoPeople.Length], KoTimes[i % KoTimes.Length], method), "ko", 3, EmergencyCategory.SuicideIntent);
            Add(string.Format(null, "{0} 주인공이 {1} 뻔한 장면이 나왔어", KoMedia[i % KoMedia.Length], method), "ko", 0, EmergencyCategory.None);
        }

        foreach (var when in KoWhen)
        {
            foreach (var ideation in KoIdeation)
            {
                i++;
                Add(i % 2 == 0 ? when + " " + ideation : string.Format(null, "{0} {1} {2}", KoPeople[i % KoPeople.Length], when, KoThirdIdeation[i % KoThirdIdeation.Length]), "ko", 2, EmergencyCategory.SelfHarm);
            }

            foreach (var distress in KoDistress)
            {
                Add(when + " 너무 " + distress, "ko", 1, EmergencyCategory.Distress);
            }
        }

        foreach (var trivia in KoTrivia)
        {
            Add(trivia + " 죽겠다", "ko", 0, EmergencyCategory.None);
            Add(trivia + "서 죽는 줄 알았어 ㅋㅋ", "ko", 0, EmergencyCategory.None);
        }

        foreach (var past in new[] { "자살 시도를 했었는데", "자해를 했었는데", "죽고 싶었는데", "약을 먹은 적이 있었는데" })
        {
            foreach (var now in new[] { "지금은 괜찮아요", "지금은 잘 지내요", "이제 많이 좋아졌어요" })
            {
                Add("예전에 " + past + " " + now, "ko", 0, EmergencyCategory.None);
            }
        }

        return items;
    }
}
