namespace Conversations.Domain.Emergency.Lexicon;

/// <summary>Korean phrases, matched with spacing removed so "죽고 싶어", "죽고싶어" and "죽고  싶다" are one phrase.</summary>
internal static class KoreanLexicon
{
    private const EmergencyCategory SelfHarm = EmergencyCategory.SelfHarm;
    private const EmergencyCategory Suicide = EmergencyCategory.SuicideIntent;
    private const EmergencyCategory Others = EmergencyCategory.HarmToOthers;
    private const EmergencyCategory Medical = EmergencyCategory.MedicalEmergency;
    private const EmergencyCategory Distress = EmergencyCategory.Distress;
    private const RiskFlags Neg = RiskFlags.Negatable;
    private const RiskFlags Core = RiskFlags.Core | RiskFlags.Negatable;
    private const RiskFlags Weak = RiskFlags.Weak | RiskFlags.IntentBuilt | RiskFlags.Negatable;
    private const string Cut = "[긋|그어|그었|그을|긋고|긋는|그으]";

    public static IReadOnlyList<LexiconEntry> Build()
    {
        var b = new LexiconBuilder(wordBoundaries: false);

        b.Risk(2, SelfHarm, Core,
            "[죽고|죽구|뒤지고|디지고] 싶", "자살하고 싶", "자살 [생각|충동|시도]", "[죽을|죽는] 생각", "그만 살고 싶", "[죽어|죽어 버리고|죽어버리고] 싶",
            "죽어 버리고 싶", "죽었으면 좋겠", "죽는 [게|것이|편이] [나을|낫]", "[안|다시는 안] 깼으면 좋겠", "[깨어나지|깨지] [않았으면|말았으면]",
            "태어나지 [말았어야|않았으면|말걸]", "자해", "손목[을|에|] " + Cut, "[팔|허벅지|다리][를|을|에|] " + Cut,
            "[나를|나 자신을|스스로를|스스로] 때[리|려|렸]", "머리를 벽에 박", "목[을|] [매|맬|매달]", "목숨을 끊[고 싶|을까]", "[뛰어내리고|사라져 죽고] 싶");

        // The negation is the phrase itself.
        b.Risk(2, SelfHarm, RiskFlags.Core,
            "살고 싶지 않", "살기 싫", "더 이상 살고 싶지", "살아야 할 이유[를|가|] [모르|없]", "살 이유가 없", "[사는|살] 의미가 없");
        b.RiskWith(2, SelfHarm, RiskFlags.Core, "better", null, "내가 없으면", "나만 없으면", "나 하나 없으면");

        // Intent is in the verb ending; these count with a time, a plan, means or another core.
        b.Risk(2, SelfHarm, Weak,
            "죽을 [거|래|꺼]", "죽으려", "죽기로", "[끝낼|끝내려|끝내겠|끝낼래]", "마지막 인사", "오늘이 마지막", "[다들|모두|여러분] 안녕", "그동안 고마웠");
        b.RiskWith(2, SelfHarm, Weak, "place", null, "뛰어내[릴 거|릴거|리려|릴래|리겠|릴까]");
        b.RiskWith(2, SelfHarm, Weak, "means", null, "다 [먹을|삼킬] [거|래]", "한꺼번에 [먹을|삼킬]");

        b.Risk(3, Suicide, Neg,
            "자살[할 거|할거|하려|하기로|하겠|할래|할까 해]", "목숨을 끊[으려|을 거|기로]", "목[을|] [맬 거|매려|맬래|매기로]", "손목[을|] [그을 거|그으려|그을래]",
            "유서[를|도|다|좀|] [쓰|써|썼|남기|남겼|작성]", "[죽는|자살|죽을 수 있는] 방법", "먹어야 죽", "[편하게|안 아프게|고통 없이|쉽게] 죽",
            "죽을 수 있[어|을까|나|는지]", "[연탄|번개탄][을|] 피우", "[연탄|번개탄][을|] 피웠");
        b.RiskWith(3, Suicide, Neg, "means", null, "한 [통|병|봉지] 다 [먹었|삼켰]", "다 삼켰", "한꺼번에 [다|] [먹었|삼켰]");
        b.Risk(3, Suicide, Neg, "[수면제|안정제|진통제|알약|수면 유도제][를|을|] [다|전부|몽땅|한꺼번에] [먹었|삼켰]");

        b.Risk(2, SelfHarm, RiskFlags.ThirdParty | Neg, "자해하는 것 같", "자해를 하는 것 같");
        b.Risk(1, Distress, RiskFlags.ThirdPartyPast, "목숨을 끊었", "자살했", "자살로 [세상을 떠났|죽었|잃었]");

        b.Risk(3, Others, RiskFlags.CheckSpeakerObject | Neg,
            "죽여 [버릴|버리겠]", "죽여버[릴|리겠]", "죽일 [거|꺼|래]", "죽이려[고|해]", "죽이겠", "찔러 [버릴|버리겠|죽]", "찔러버[릴|리겠]", "찌를 [거|래]",
            "[패|때려] 죽일", "칼로 찌르");
        b.Risk(2, Others, RiskFlags.CheckSpeakerObject | Neg,
            "[죽이고|죽여 버리고|죽여버리고|때리고|해치고|다치게 하고] 싶", "[때릴|해칠|죽일|다치게 할] 것 같");

        b.Risk(3, Medical, RiskFlags.None,
            "숨[을|이|] [못 쉬|안 쉬어|안 쉬|멎]", "숨이 막혀", "숨이 막힌", "호흡이 없", "의식이 없", "의식을 잃", "안 깨어나", "깨어나지 않", "반응이 없",
            "[얼굴|입]이 [처지|처졌|돌아갔|비뚤]", "한쪽 [얼굴|팔|다리|팔다리|몸]", "[말이|발음이] 어눌", "말을 못 하", "말이 안 나와", "[팔다리|팔|다리]에 힘이 안",
            "힘이 안 들어가", "마비가 [왔|됐|된]", "피가 [안 멈|멈추지 않|계속 나]", "지혈이 안", "[입술|얼굴]이 파래", "심장마비", "경련이 [멈추지|안 멈|계속]",
            "목이 부어");
        b.RiskWith(3, Medical, RiskFlags.None, "sudden", null, "두통");
        b.RiskWith(3, Medical, RiskFlags.None, "neuro", null, "머리를 [부딪|다쳤|박았]");
        b.RiskWith(2, Medical, Neg, null, "redflag",
            "가슴 통증", "가슴[이|을|에] [너무|많이|심하게|갑자기|계속|좀|] [아프|아파|아팠|조이|조여|답답|뻐근|쑤시|누르|쥐어짜|짓누르]", "흉통", "가슴이 터질");
        b.Risk(2, Medical, Neg,
            "숨쉬기[가|] [힘들|어렵|곤란]", "숨이 차", "호흡 곤란", "호흡이 곤란", "기절", "실신", "쓰러졌", "쓰러져", "피가 많이 나", "하혈", "경련", "[간질|뇌전증] 발작");

        b.Risk(1, Distress, Neg,
            "우울[해|하|한|증]", "[힘들어|괴로워|우울해|외로워|슬퍼|비참해|서러워][서|] [죽겠|미치겠|죽을 것 같]", "괴로워", "괴롭", "사는 게 [지옥|고통|힘들]", "살기 힘들",
            "[사라지고|사라져 버리고|없어지고] 싶", "나 자신이 [너무|] 싫", "내가 [너무|] 싫", "짐[으로|이 되|같]", "공황", "죽을 맛", "불안해", "외롭", "외로워", "슬퍼",
            "너무 힘들", "비참해", "절망", "포기하고 싶", "[매일|밤마다|매일 밤] 울");
        b.Risk(1, Distress, RiskFlags.None,
            "희망이 없", "의미[가|] 없", "내 편이 없", "쓸모[가|] 없", "하기 싫", "못 버티", "버틸 수가 없", "더 이상 못 하겠");

        b.Suppress("[부끄러워|창피해|쪽팔려|민망해|부끄러워서|창피해서|쪽팔려서|민망해서] 죽고 싶", "자살 [예방|방지|률|관련|뉴스]", "자살률");

        b.Cue("time", "오늘 밤", "오늘", "내일", "이번 주말", "주말에", "지금", "당장", "새벽에", "이따가", "곧");
        b.Cue("plan", "정리했", "정리해", "준비했", "준비해", "준비 다", "[사|사다] [놨|왔|뒀|두었]", "모아 [놨|둔|뒀|두었]", "날짜", "결심", "마음먹", "정했",
            "써 놨", "방법도", "계획", "유서");
        b.Cue("act", "[오늘|오늘 밤|내일|이따|이따가|지금|곧] [할|실행할|해 버릴] [거|래|꺼]", "다들 잠들면", "아무도 없을 때");
        b.Cue("means", "약을", "약도", "약이", "알약", "수면제", "수면 유도제", "안정제", "진통제", "번개탄", "연탄", "[칼을|칼도|칼이|커터칼|부엌칼|과도]",
            "밧줄", "로프", "농약", "제초제", "목 맬 줄");
        b.Cue("place", "옥상", "다리 위", "다리에서", "한강", "베란다", "층", "난간", "창문", "건물", "절벽", "철길", "선로", "대교");
        b.Cue("fiction", "드라마", "영화", "소설", "주인공", "장면", "뉴스", "기사", "웹툰", "게임", "노래", "책에서");
        b.Cue("past", "예전에", "예전엔", "옛날에", "한때", "작년에", "몇 년 전", "어릴 때", "였는데 지금은", "었는데 지금은");
        b.Cue("recovery", "좋아졌", "나아졌", "괜찮아졌", "극복", "지금은 괜찮", "이제는 괜찮");
        b.Cue("present", "지금", "다시", "또 ");
        b.Cue("mild", "좀", "조금", "약간");
        b.Cue("exertion", "운동", "계단", "뛰었", "등산");
        b.Cue("sudden", "갑자기", "평생 처음", "살면서 처음", "태어나서 처음", "벼락");
        b.Cue("redflag", "왼팔", "팔까지", "턱까지", "어깨까지", "등까지", "식은땀", "쥐어짜", "짓누르", "너무 아프", "심하게 아프", "숨이 막");
        b.Cue("neuro", "구토", "토하", "토했", "의식", "헛소리", "횡설수설", "혼란", "못 알아");
        b.Cue("better", "행복할", "행복하", "편할", "편하", "나을", "낫겠", "좋을", "좋아할");
        return b.Entries;
    }
}
