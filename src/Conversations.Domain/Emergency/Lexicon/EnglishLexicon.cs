namespace Conversations.Domain.Emergency.Lexicon;

/// <summary>English phrases: risk, idioms that are not risk, and the context cues the detector combines.</summary>
internal static class EnglishLexicon
{
    private const EmergencyCategory SelfHarm = EmergencyCategory.SelfHarm;
    private const EmergencyCategory Suicide = EmergencyCategory.SuicideIntent;
    private const EmergencyCategory Others = EmergencyCategory.HarmToOthers;
    private const EmergencyCategory Medical = EmergencyCategory.MedicalEmergency;
    private const EmergencyCategory Distress = EmergencyCategory.Distress;
    private const RiskFlags Neg = RiskFlags.Negatable;
    private const RiskFlags Core = RiskFlags.Core | RiskFlags.Negatable;
    private const RiskFlags Weak = RiskFlags.Weak | RiskFlags.Negatable;

    private const string Pills = "[pills|pill|meds|medication|medications|medicine|tablets|sleeping pills|painkillers|antidepressants|insulin|prescription]";
    private const string Person = "[him|her|them|my|his|their|your|you|everyone|everybody|someone|somebody|people|that guy|that woman|that man]";
    private const string Body = "[arm|arms|wrist|wrists|leg|legs|thigh|thighs|skin|stomach]";
    private const string High = "[roof|rooftop|bridge|building|balcony|ledge|cliff|window|overpass|tower|parking garage]";

    public static IReadOnlyList<LexiconEntry> Build()
    {
        var b = new LexiconBuilder(wordBoundaries: true);

        // Self-harm and suicide: cores are level 2 alone and level 3 with intent, time, plan or means.
        b.Risk(2, SelfHarm, Core,
            "[kill|killing|kills|killed] myself", "end my [own|] life", "ending my [own|] life", "take my [own|] life", "taking my [own|] life",
            "[want|wanted|wanting] to die", "better [off|] without me",  "better off if i [was|were] [gone|not around|not here|dead]", "if i [was|were] gone",
            "if i [was|were] not around", "do not want to [live|be alive|exist|be here|wake up|go on|be around] [anymore|]",
            "[suicidal|suicidal thoughts|suicidal feelings]", "[think|thinking|thought] about suicide", "thoughts of [suicide|dying|death|killing myself|ending my life|ending it]",
            "[think|thinking|thought] about [dying|killing myself|ending my life|ending it|ending it all|taking my life]",
            "[considering|contemplating|attempt|attempted|commit|committing] suicide", "want [it|everything] [all|] to end", "end it all", "ending it all", "end everything", "point [of|in] [living|being alive|going on|life]",
            "not worth living", "never [been|was] born", "stop living", "not exist anymore",
            "noose", "[hang|hanging] myself", "[shoot|shooting] myself", "[cut|slit|slice] my [wrist|wrists]",
            "[drown|poison|gas|suffocate] myself", "jump off [a|the] " + High, "jump from [a|the] " + High,
            "[step|jump|throw myself|walk|lie down] in front of [a|the|the next] [train|bus|car|truck]",
            "drive [my car|] [off|into] [a|the] [cliff|bridge|wall|tree|river]", "[overdose|overdosing]", "overdose on",
            "[take|taking|swallow|swallowing] [all|every|all of|the rest of] [my|the|] " + Pills,
            "[take|taking|swallow|swallowing] [a|the] whole [bottle|box|pack] of [my|] " + Pills,
            "[tired|sick] of [living|being alive|life|existing|being here]", "[better|happier|easier] [off|] if i [just|] [died|disappeared|was gone|were gone|was not here|was not around|was dead]",
            "do [something|this|that|it] to myself", "[might|could|would] do to myself",
            "giving [my stuff|my things|my belongings|my possessions|away my stuff|away my things|away my belongings|away my possessions|away my]", "gave away my [stuff|things|belongings|possessions]");
        b.Risk(2, SelfHarm, Core | RiskFlags.Passive,
            "wish i [was|were|could be] dead", "wish i [was|were] not alive", "[better|be better] off dead", "never wake up", "not wake up [again|tomorrow]",
            "[sleep|go to sleep] forever", "hope i [crash|die|do not wake up|never wake up|get hit|do not make it]", "[to|and|so i|so that i] [not|never] wake up",
            "[pray|hope|wish] [that|] i [will not|do not|never|would not|will never] wake up");
        b.Risk(2, SelfHarm, Core,
            "feel like [ending it|ending it all|dying|killing myself|giving up on life|disappearing forever]",
            "[use|using] [it|the gun|a gun|the knife|a knife|them|the pills] on myself",
            "[take|taking|swallow|swallowing] [everything|all the pills|all the meds|all the medicine|every pill] [in|from] the [medicine cabinet|cabinet|bathroom cabinet|drawer|bathroom]");
        b.Risk(2, SelfHarm, RiskFlags.Core, "not [think|believe|expect] i will be [around|here] [much longer|for long|long]", "not going to be around [much longer|for long]");
        b.RiskWith(3, Suicide, Neg, "means", null, "[stockpiling|hoarding|stockpiled|hoarded|been saving up|been collecting|been saving]");
        b.RiskWith(2, SelfHarm, Core, "careabout", null, "if i [died|die|was dead|were dead|disappeared|was gone|were gone|killed myself]");

        // Self-harm acts: the blade or lighter is how, not a plan, so means do not raise them.
        b.Risk(2, SelfHarm, Core | RiskFlags.MeansInherent,
            "[cutting|cut|cuts] myself", "[hurt|hurting|harm|harming] myself", "self harm", "self harming", "[burn|burned|burnt|burning] myself",
            "[hit|hitting|punch|punching|starve|starving] myself", "[scratch|scratching|cut|cutting|burn|burning|slash|slashing] my " + Body,
            "until [it|they|i] [bleed|bleeds]");

        // Negation is part of these phrases, so a "not" before them does not cancel them.
        b.Risk(2, SelfHarm, RiskFlags.Core, "[no|any|a] reason [for me|] to [live|keep living|go on|be alive|stay alive|keep going]", "life is not worth [it|living]");

        // Weak: only with intent, a plan or another core (a relationship can be "ended" tonight too).
        b.Risk(2, SelfHarm, Weak, "[end|ending] it", "will not be [here|around] [tomorrow|anymore|much longer]", "this is my last [message|conversation|goodbye|day]",
            "goodbye forever", "i will be gone", "will not need [it|them|this|my stuff|my things|anything] [anymore|]");
        // Readiness or a plan is in these phrases themselves: one more cue (a time, a plan step, means) makes level 3.
        b.Risk(2, SelfHarm, Weak | RiskFlags.IntentBuilt, "i am ready to go [now|]", "i am finally going to do it", "i [have|made|got] a plan");
        b.RiskWith(2, SelfHarm, Weak, "place", null, "jump", "[jumping|leap|leaping]");

        // Level 3 outright: an act under way or done, written goodbyes, seeking a method.
        b.Risk(3, Suicide, Neg,
            "suicide [note|letter]", "goodbye [letters|letter|notes]", "[took|swallowed|have taken|just took|already took] [all|every|all of|the rest of|#|# of] [my|the|] " + Pills,
            "[took|swallowed|have taken|just took|already took] [a|the] whole [bottle|box|pack] of [my|] " + Pills, "i [overdosed|have overdosed|just overdosed]",
            "[would|does|will|would it] [it|] take to [die|kill myself|overdose]", "[painless|easiest|quickest|fastest|best|surest] way to [die|kill myself|end my life|end it|commit suicide]",
            "how [to|do i|can i|could i] kill myself", "lethal dose",
            "how high [a|the] [building|bridge|floor|balcony|fall|drop] [needs|has|would have|should|would need] to be", "how many [floors|stories] [would it take|do i need|to die]",
            "[looked up|searched|googled|researched|researching|looking up] [ways|how|methods] to [die|kill myself|end my life|end it]");
        b.RiskWith(3, Suicide, RiskFlags.None, "garage", null, "engine running");

        // Someone else: resources help, but the answer is not replaced; fiction and news are not a concern.
        b.Risk(2, SelfHarm, RiskFlags.ThirdParty | Neg,
            "[kill|kills|killing] [himself|herself|themselves]", "[end|ends|ending] [his|her|their] [own|] life", "[take|takes|taking] [his|her|their] own life",
            "wants to die", "[hurt|hurts|hurting|cut|cuts|cutting|harm|harms|harming] [himself|herself|themselves]",
            "[cuts|cutting|burns|burning|scratches|scratching] [her|his|their] " + Body);
        b.Risk(1, Distress, RiskFlags.ThirdPartyPast,
            "killed [himself|herself|themselves]", "took [his|her|their] own life", "[committed|died by|died of] suicide");

        // Harm to others: a person object after a harm verb; level by what precedes it.
        b.Risk(2, Others, RiskFlags.HarmCore | Neg,
            "[kill|hurt|stab|shoot|strangle|murder|poison|smother|beat up|punch|harm|choke] " + Person,
            "[killing|hurting|stabbing|shooting|strangling|murdering|poisoning|smothering|harming|choking|pushing|drowning|dropping|shaking|throwing] " + Person);
        b.Risk(2, Others, Neg,
            "[he|she|husband|wife|boyfriend|girlfriend|partner|father|dad|mother|mom|stepfather|stepdad|brother|ex] [hits|beats|kicks|chokes|slaps|punches|hurts|abuses|hit|beat|choked] me",
            "threatened to [kill|hurt|stab|shoot] me", "[afraid|scared|terrified] [of|that] my [husband|wife|boyfriend|girlfriend|partner|father|dad|ex]");
        b.Risk(3, Others, Neg, "shoot up [my|the|a|our] [school|office|work|workplace|church|mall|class]", "[bought|got|have] a [gun|knife] to [kill|shoot|stab|hurt] " + Person);

        // Medical emergencies: level 3 signs, level 2 symptoms (level 3 with red flags).
        b.Risk(3, Medical, Neg,
            "can not breathe", "can not catch my breath", "not breathing", "stopped breathing", "throat is [closing|swelling]", "throat [closing|swelling] up", "[tongue|throat] [is|are] [swelling|swollen]",
            "[lips|face|skin] [are|is] [turning|going] blue", "turning blue", "[face|mouth|smile] [is|looks|was|] [drooping|droopy]", "[drooping|droopy] [face|mouth]",
            "one side of [his|her|my|their] face", "[slurred|slurring]", "speech is slurred", "talking gibberish", "can not [speak|talk] [suddenly|properly|at all]",
            "can not [lift|move|feel] [his|her|my|their] [left|right|] [arm|leg|hand]", "[left|right|one] side of [his|her|my|their] body is [numb|weak|paralyzed]",
            "can not see out of one eye", "not responding", "not answering", "unresponsive", "no pulse",
            "[he|she|they|baby|dad|mom|mum|friend|husband|wife|son|daughter|grandma|grandpa|grandfather|grandmother|child|father|mother] will not wake up",
            "can not move [the|his|her|my|their] [left|right] side", "can not move [his|her|my|their] [left|right|] [arm|leg|hand]",
            "[lips|face|skin] [are|is|look|looks|turning|going|turned|went] [blue|bluish|grey|gray|purple]", "unconscious", "will not stop bleeding",
            "[bleeding|blood] will not stop", "worst headache of my life", "thunderclap", "[having|had] a heart attack", "[having|had] a stroke",
            "[crushing|squeezing] [chest pain|pain in my chest]");
        b.RiskWith(3, Medical, Neg, "neuro", null, "hit [his|her|my|their] head");
        b.Risk(3, Medical, RiskFlags.None, "[swallowed|drank|ate|drunk] [some|some of the|the|a|] [bleach|detergent|drain cleaner|antifreeze|battery|button battery|poison|rat poison|weed killer|laundry pod|cleaning fluid]");
        b.RiskWith(3, Medical, RiskFlags.None, "poison", null,
            "[daughter|son|child|baby|toddler|kid|grandson|granddaughter|he|she] [swallowed|ate|drank|has swallowed|has eaten|might have swallowed|got into]");
        b.RiskWith(2, Medical, Neg, null, "fall", "not moving");
        b.RiskWith(2, Medical, Neg, null, "neuro", "sugar is [very|so|] low", "[low|dropping] blood sugar", "[hypo|hypoglycemic|hypoglycaemic]");
        b.RiskWith(2, Medical, Neg, "lethargy", null, "[fever|temperature] [of|is|over|above|] [#|high]", "high fever");
        b.RiskWith(2, Medical, Neg, null, "stroke",
            "[arm|leg|hand|face|side] [has gone|went|is|feels|is going|suddenly went] [numb|weak|dead|limp]", "[speech|voice|words] [sounds|is|are|seem|sound] [weird|strange|off|funny|garbled|jumbled]",
            "[suddenly|very] confused", "can not find [my|his|her] words");
        b.RiskWith(2, Medical, Neg, null, "redflag",
            "chest pain", "chest [hurts|is hurting|feels tight|is tight|feels heavy|feels like]", "pain in my chest", "pressure in my chest", "tightness in my chest",
            "[clutching|grabbing|holding|gripping] [his|her|my|their] chest", "pain in the middle of my chest");
        b.RiskWith(2, Medical, Neg, null, "longseizure", "[seizure|seizures|convulsing]");
        b.Risk(2, Medical, Neg,
            "trouble breathing", "hard to breathe", "difficulty breathing", "short of breath", "shortness of breath", "struggling to breathe",
            "[fainted|passed out|blacked out]", "collapsed", "wheezing", "not making sense", "[no|not had a|not had any|has not had a] wet [nappy|nappies|diaper|diapers]",
            "beat out of my chest", "[face|lips] [is|are] swelling", "vomiting blood", "coughing up blood", "baby [has not|is not|has stopped|stopped|is not] [moved|moving|kicking|kicked]", "bleeding [heavily|a lot]", "heavy bleeding", "heart is racing", "going to pass out");

        // Distress.
        b.Risk(1, Distress, Neg,
            "hopeless", "worthless", "can not go on", "can not take [it|this] anymore", "can not cope", "can not do this anymore", "depressed", "depression",
            "empty inside", "hate myself", "[a|such a] burden", "cry every [night|day]", "crying every [night|day]", "crying all the time",
            "[completely|so|all] alone", "[lonely|so lonely]", "pointless", "[a|such a] failure", "want to disappear", "falling apart",
            "panic attack*", "[feel|feeling] trapped", "no way out", "[nobody|no one] cares", "lose my mind", "feel like i am drowning",
            "nothing matters", "give up on everything", "miserable", "[anxious|anxiety]", "hate my life", "done with everything", "no future", "can not see a future",
            "[feel|feeling|so] [low|down|numb|empty]", "heart is breaking", "heartbroken", "dying inside", "can not stop crying", "funeral", "grieving",
            "passed away [yesterday|last night|this morning|last week|recently]", "put [our|my|the] [old|] [dog|cat|pet] to sleep", "[terminal|diagnosed with cancer|tumour|tumor]",
            "what is the point", "nothing will [ever|] get better", "never get better", "stopped enjoying", "do not enjoy anything", "no energy",
            "exhausted all the time", "hospice", "saying [our|my] goodbyes", "palliative");
        b.Risk(1, Distress, RiskFlags.None, "i am not [okay|ok|alright|fine]", "not coping");

        // Idioms and topics that look like risk and are not.
        b.Suppress("killing time", "kill time", "kill the [lights|light|music|engine|process|app|noise]", "kill for", "to die for", "die [of|from] [embarrassment|laughing|boredom|shame]",
            "died laughing", "dying to", "dying of [boredom|laughter]", "die [my|your|her|his|their] [hair|clothes|shirt]",
            "[killing|kill] myself [trying|to finish|working|with work|at work|at the gym|over this|for this]",
            "[embarrassed|embarrassing|mortified] i [want|wanted|could] to die", "[embarrassed|embarrassing|mortified] i could die",
            "suicide [rate|rates|prevention|hotline|statistics|awareness|squad]", "myself laughing", "overdose [of|on] [caffeine|sugar|chocolate]",
            "[rather|would rather] die than", "end it with", "ending it with", "jump [in|into] the [pool|lake|water|sea]", "jump [rope|start]",
            "killing [it|them] [on stage|at work|out there]", "[killed|kill|killing] it", "shoot [a|the] [photo|video|film|movie|scene]",
            "no thoughts of", "any thoughts of", "never said i", "rather jump", "overdose [response|training|prevention]", "self harm [among|statistics|research|awareness]");

        // Context cues.
        b.Cue("intent", "i am going to", "i will", "i am about to", "plan to", "planning", "planned", "plan on", "decided to", "ready to", "intend to", "i am [really|finally|just] going to", "tonight i");
        b.Cue("wish", "[telling|tell|told|tells] me to", "images of", "visions of", "want to", "wanted to", "wish i could", "thoughts of", "[thinking|thought] [of|about]", "urge to", "urges to", "feel like",
            "[scared|afraid|terrified|worried] [i will|i might|i would|i am going to|of]", "fantasize about");
        b.Cue("time", "tonight", "tomorrow", "today", "this weekend", "right now", "after this", "in an hour", "this evening", "[on|this] [friday|saturday|sunday|monday|tuesday|wednesday|thursday]");
        b.Cue("plan", "ready", "prepared", "saved up", "stockpil*", "know where", "know how", "picked a date", "set a date", "made up my mind", "my decision",
            "[decided|have decided]", "gave away my", "made peace with it", "[not|no longer] [scared|afraid] anymore", "[sorted|sorting|made|wrote|updated|written] [out|] my will", "[put|putting] my affairs in order", "[picked|chose|found|scouted] [the|a] [spot|place|location]", "said [my|] goodbye*", "tonight is the night", "today is the day", "already tied", "[tied|made] a noose",
            "going to do it", "do it [tonight|tomorrow|today]", "wrote letters", "written letters");
        b.Cue("act", "could be it", "this is it", "be the night", "be the day", "is the night", "is the day", "going to do it", "do it [tonight|tomorrow|today|now]", "when i do it", "after everyone [goes to bed|is asleep|has gone to bed|leaves]",
            "when [everyone|they|my family] [is|are] asleep", "nobody will find");
        b.Cue("means", Pills, "bottle of [pills|tablets|sleeping pills|painkillers]", "[rope|noose|gun|rifle|pistol|knife|razor|blade|charcoal|bleach|antifreeze|poison|tablets]", "[bridge|roof|ledge|train|tracks]");
        b.Cue("place", High, "[standing|sitting] on [the|a] [edge|railing]", "train station", "tracks");
        b.Cue("garage", "garage");
        b.Cue("fiction", "[movie|film|book|novel|story|character|show|series|drama|episode|scene|essay|article|news|song|game|documentary|play|podcast|class|lecture|course|homework|lyrics|villain|research]");
        b.Cue("past", "used to", "years ago", "last year", "a year ago", "last month", "in the past", "when i was [younger|a teen|a teenager|a kid|in school|in college]", "turned out");
        b.Cue("recovery", "[doing|feeling|much|a lot|so much] better", "recovered", "[have|i] stopped", "clean for", "doing well", "[good|fine|okay] now",
            "not anymore", "do not anymore", "no longer", "[therapy|treatment|medication|it] helped", "grateful i survived", "in a good place");
        b.Cue("hypothetical", "when i [think|worry|get nervous|get anxious|am anxious|am stressed|am nervous]", "what [should|do|would|can] [i|you|we|one] do if", "what if", "how [do|can|would] [i|you|we] [tell|know|recognize|spot] if", "signs of", "symptoms of", "what are the");
        b.Cue("careabout", "[care|notice|miss me|be sad|cry|be happier|be better off|even notice|come to my funeral]");
        b.Cue("poison", Pills, "[bleach|detergent|cleaner|battery|poison|chemicals|alcohol]");
        b.Cue("lethargy", "[very|really|so] [sleepy|drowsy|floppy|lethargic]", "[lethargic|floppy|unresponsive]", "hard to wake", "will not drink", "not drinking", "stiff neck", "rash");
        b.Cue("stroke", "[slurred|slurring]", "[face|mouth] [is|looks|] [drooping|droopy]", "[arm|leg|side] [has gone|went|is|feels] [numb|weak]",
            "[speech|voice|words] [sounds|is|are] [weird|strange|off|funny|garbled|jumbled]", "[suddenly|very] confused", "can not [lift|raise] [his|her|my] arm");
        b.Cue("present", "right now", "again", "now i", "since this morning", "still");
        b.Cue("mild", "a bit", "a little", "slightly", "bit of");
        b.Cue("exertion", "after [climbing|exercise|exercising|running|working out|the gym|walking|a run|a workout|sports]", "when i [run|climb|exercise|work out]");
        b.Cue("redflag", "[left|right|my] arm", "down my arm", "[into|to] my jaw", "jaw", "sweating", "sweaty", "cold sweat", "collapsed", "clammy", "crushing", "squeezing", "elephant",
            "severe", "worst", "radiating", "spreading", "to my back", "bad pain", "[short of|can not catch my] breath", "nauseous");
        b.Cue("neuro", "[confused|vomiting|throwing up|unconscious|passed out|will not wake up|drowsy|slurring|sweating]", "not making sense");
        b.Cue("fall", "[fell|fallen|collapsed|fall]");
        b.Cue("longseizure", "[more than|over|longer than] [five|#|a few] minutes", "will not stop", "not stopping");
        return b.Entries;
    }
}
