using System.Globalization;
using Conversations.Domain.Emergency.Classifier;

namespace Conversations.Domain.Emergency.Lexicon;

/// <summary>What the lexicon read in one utterance: its level and category, the phrases that decided, and whether a rule dismissed risk words.</summary>
/// <param name="Protective">An idiom, fiction, negation, recovery or someone-else rule matched: the words of risk here are not the speaker's risk.</param>
/// <param name="Anchored">A risk phrase (kept or dismissed) or a cue of risk (means, place, time, plan, intent, symptoms …) is in the utterance.</param>
/// <param name="RiskPhrase">A risk phrase of level 2 or 3 (kept or dismissed) is in the utterance.</param>
internal sealed record LexiconReading(int Level, EmergencyCategory Category, IReadOnlyList<string> Evidence, bool Protective, bool Anchored, bool RiskPhrase);

/// <summary>
/// The lexicon stage of <see cref="EmergencyDetector"/>, in English and Korean: phrases found in one pass of a precompiled
/// automaton, then negation, idioms, third parties, past tense and context (intent, time, plan, means) decide.
/// </summary>
internal static class LexiconDetector
{
    private static readonly CompiledLexicon English = new(EnglishLexicon.Build(), isEnglish: true);
    private static readonly CompiledLexicon Korean = new(KoreanLexicon.Build(), isEnglish: false);

    /// <summary>Reads one utterance.</summary>
    public static LexiconReading Read(string utterance)
    {
        if (string.IsNullOrWhiteSpace(utterance))
        {
            return new LexiconReading(0, EmergencyCategory.None, [], Protective: false, Anchored: false, RiskPhrase: false);
        }

        var text = NormalizedText.From(utterance);
        var verdict = new Verdict();
        if (text.Words.Length > 0)
        {
            English.Assess(text, text.English, verdict);
        }

        if (text.Korean.Length > 0)
        {
            Korean.Assess(text, text.Korean, verdict);
        }

        return new LexiconReading(verdict.Level, verdict.Category, verdict.Level == 0 ? [] : verdict.Evidence.Distinct(StringComparer.Ordinal).Take(8).ToArray(),
            verdict.Protective, verdict.Anchored, verdict.RiskPhrase);
    }

    /// <summary>
    /// What the lexicon's phrase lists recognise in <paramref name="utterance"/>, as features for the classifier: each cue's tag
    /// ("x:time", "x:means"), each risk phrase's level and category and whether it was negated or dismissed ("x:2SelfHarm",
    /// "x:not-2SelfHarm"), idioms, laughter, and every pair of these ("x:means+time"); its verdict is not among them.
    /// </summary>
    public static void Describe(string utterance, FeatureSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (string.IsNullOrWhiteSpace(utterance))
        {
            return;
        }

        var text = NormalizedText.From(utterance);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        if (text.Words.Length > 0)
        {
            English.Describe(text, text.English, found);
        }

        if (text.Korean.Length > 0)
        {
            Korean.Describe(text, text.Korean, found);
        }

        if (text.Laughing)
        {
            found.Add("laugh");
        }

        if (!text.FirstPerson)
        {
            found.Add("no-first-person");
        }

        var names = found.ToArray();
        Span<char> buffer = stackalloc char[128];
        for (var i = 0; i < names.Length; i++)
        {
            sink(Compose(buffer, names[i], null));
            for (var j = i + 1; j < names.Length; j++)
            {
                sink(Compose(buffer, names[i], names[j]));
            }
        }
    }

    private static ReadOnlySpan<char> Compose(Span<char> buffer, string a, string? b)
    {
        "x:".CopyTo(buffer);
        a.CopyTo(buffer[2..]);
        if (b is null)
        {
            return buffer[..(2 + a.Length)];
        }

        buffer[2 + a.Length] = '+';
        b.CopyTo(buffer[(3 + a.Length)..]);
        return buffer[..(3 + a.Length + b.Length)];
    }

    /// <summary>The best finding so far: highest level, then the most severe category, with its evidence.</summary>
    private sealed class Verdict
    {
        public int Level { get; private set; }

        public EmergencyCategory Category { get; private set; }

        public List<string> Evidence { get; } = [];

        /// <summary>Whether a rule dismissed a risk phrase, or an idiom or fiction phrase was found.</summary>
        public bool Protective { get; set; }

        /// <summary>Whether a risk phrase or a cue of risk was found.</summary>
        public bool Anchored { get; set; }

        /// <summary>Whether a risk phrase of level 2 or 3 was found, whatever its reading.</summary>
        public bool RiskPhrase { get; set; }

        public void Offer(int level, EmergencyCategory category, IEnumerable<string> evidence)
        {
            if (level < Level || (level == Level && Rank(category) <= Rank(Category)))
            {
                if (level == Level && level > 0)
                {
                    Evidence.AddRange(evidence);
                }

                return;
            }

            if (level > Level)
            {
                Evidence.Clear();
            }

            Level = level;
            Category = category;
            Evidence.InsertRange(0, evidence);
        }

        private static int Rank(EmergencyCategory category) => category switch
        {
            EmergencyCategory.SuicideIntent => 5,
            EmergencyCategory.HarmToOthers => 4,
            EmergencyCategory.MedicalEmergency => 3,
            EmergencyCategory.SelfHarm => 2,
            EmergencyCategory.Distress => 1,
            _ => 0,
        };
    }

    /// <summary>One language's lexicon compiled into an automaton, and the rules that read its matches.</summary>
    private sealed class CompiledLexicon
    {
        /// <summary>Cues that say how to read risk words, not that there is risk.</summary>
        private static readonly HashSet<string> NotRiskCues = new(StringComparer.Ordinal) { "fiction", "past", "recovery", "mild", "exertion", "hypothetical", "present", "better" };

        private static readonly HashSet<string> Negators = new(StringComparer.Ordinal) { "not", "never", "no" };
        private static readonly HashSet<string> NotNegating = new(StringComparer.Ordinal) { "stop", "help", "only", "sure", "know", "one", "longer", "even" };
        private static readonly string[] KoreanSpeakerObjects = ["나를", "저를", "너를", "나", "날", "저", "너", "널"];
        private const string KoreanNegationHeads = "않안없말";

        /// <summary>How many words before a risk phrase a negator may stand when only <see cref="NegationBridges"/> are between.</summary>
        private const int MaxNegationReach = 7;

        /// <summary>Words that carry an English negation forward to a risk phrase: "not have any thoughts of", "never said i wanted to".</summary>
        private static readonly HashSet<string> NegationBridges = new(StringComparer.Ordinal)
        {
            "have", "had", "any", "thoughts", "thought", "of", "about", "plans", "plan", "intention", "intentions", "urge", "urges", "to", "i", "ever",
            "once", "even", "said", "say", "wanted", "want", "would", "will", "going", "gonna", "really", "actually", "seriously", "been", "thinking",
            "considered", "considering", "a", "single", "the",
        };

        /// <summary>What may stand between a Korean risk phrase and its negation: "죽고 싶다는 생각은 한 번도 안 해", "자해 같은 건 전혀 안 해".</summary>
        private static readonly string[] KoreanNegationBridges = ["다는", "는", "생각", "마음", "한번도", "한번", "전혀", "절대", "같은", "적은", "적도", "적이", "일은", "일도", "진짜", "정말"];
        private const string KoreanParticles = "은는도을를이가하지진전혀절대로별건게거해할생각제던더";

        private readonly LexiconEntry[] _entries;
        private readonly PhraseAutomaton _automaton;
        private readonly bool _isEnglish;

        public CompiledLexicon(IReadOnlyList<LexiconEntry> entries, bool isEnglish)
        {
            _entries = [.. entries];
            _automaton = new PhraseAutomaton(_entries.Select(e => e.Phrase).ToArray());
            _isEnglish = isEnglish;
        }

        /// <summary>The names of the cues, risk phrases and idioms found (see <see cref="LexiconDetector.Describe"/>).</summary>
        public void Describe(NormalizedText normalized, string text, SortedSet<string> names)
        {
            var found = new List<(int Id, int Start, int End)>(16);
            _automaton.FindAll(text, found);
            var context = new Context(this, normalized, text, found);
            foreach (var match in found)
            {
                var entry = _entries[match.Id];
                switch (entry.Kind)
                {
                    case EntryKind.Cue:
                        names.Add(entry.Tag!);
                        break;
                    case EntryKind.Suppress:
                        names.Add("idiom");
                        break;
                    default:
                        var dismissed = context.IsSuppressed(match) ||
                                        (entry.Flags.HasFlag(RiskFlags.Negatable) && context.IsNegated(match)) ||
                                        (entry.Flags.HasFlag(RiskFlags.CheckSpeakerObject) && context.SpeakerIsObject(match));
                        var name = string.Create(CultureInfo.InvariantCulture, $"{(dismissed ? "not-" : "")}{entry.Level}{entry.Category}");
                        names.Add(entry.Flags.HasFlag(RiskFlags.ThirdParty) || entry.Flags.HasFlag(RiskFlags.ThirdPartyPast) ? "other-" + name : name);
                        break;
                }
            }
        }

        public void Assess(NormalizedText normalized, string text, Verdict verdict)
        {
            var found = new List<(int Id, int Start, int End)>(16);
            _automaton.FindAll(text, found);
            if (found.Count == 0)
            {
                return;
            }

            var context = new Context(this, normalized, text, found);
            var selfHarmCores = new List<(int Id, int Start, int End)>();
            var weak = new List<(int Id, int Start, int End)>();
            foreach (var match in found)
            {
                var entry = _entries[match.Id];
                if (entry.Kind == EntryKind.Suppress || (entry.Kind == EntryKind.Cue && entry.Tag is "fiction"))
                {
                    verdict.Protective = true;
                }

                if (entry.Kind == EntryKind.Risk || (entry.Kind == EntryKind.Cue && !NotRiskCues.Contains(entry.Tag!)))
                {
                    verdict.Anchored = true;
                }

                if (entry.Kind == EntryKind.Risk && entry.Level >= 2)
                {
                    verdict.RiskPhrase = true;
                }

                if (entry.Kind != EntryKind.Risk || (entry.Requires is not null && !context.HasCue(entry.Requires, match)))
                {
                    continue;
                }

                if (context.IsSuppressed(match) ||
                    (entry.Flags.HasFlag(RiskFlags.Negatable) && context.IsNegated(match)) ||
                    (entry.Flags.HasFlag(RiskFlags.CheckSpeakerObject) && context.SpeakerIsObject(match)))
                {
                    verdict.Protective = true;
                    continue;
                }

                var flags = entry.Flags;
                if (context.Normalized.Laughing && entry.Category != EmergencyCategory.MedicalEmergency && context.Supports(match, includeMeans: false, out _) == 0)
                {
                    verdict.Protective = true;
                    continue; // "I'll shoot myself lol", "동생이 과자 다 먹어서 죽여버릴까 보다 ㅋㅋ": hyperbole
                }

                if (flags.HasFlag(RiskFlags.ThirdPartyPast) || flags.HasFlag(RiskFlags.ThirdParty))
                {
                    if (context.HasCue("fiction", match))
                    {
                        verdict.Protective = true;
                        continue;
                    }

                    if (flags.HasFlag(RiskFlags.ThirdPartyPast))
                    {
                        verdict.Offer(1, EmergencyCategory.Distress, [entry.Evidence]);
                    }
                    else if (context.Supports(match, includeMeans: true, out var evidence) > 0)
                    {
                        verdict.Offer(3, EmergencyCategory.SuicideIntent, [entry.Evidence, .. evidence]); // someone else, with means or a time
                    }
                    else
                    {
                        verdict.Offer(Math.Min(entry.Level, 2), entry.Category, [entry.Evidence]);
                    }

                    continue;
                }

                if (entry.Category is EmergencyCategory.SelfHarm or EmergencyCategory.Distress or EmergencyCategory.SuicideIntent &&
                    context.HasCue("past", match) && context.HasCue("recovery", match))
                {
                    verdict.Protective = true;
                    continue; // "I used to … but I'm much better now"
                }

                if (entry.Category is EmergencyCategory.SelfHarm or EmergencyCategory.SuicideIntent or EmergencyCategory.HarmToOthers &&
                    !context.Normalized.FirstPerson && context.HasCue("fiction", match))
                {
                    verdict.Protective = true;
                    continue; // "심리학 과제로 청소년 자해 연구 논문을 읽고 있어": a topic, not the speaker
                }

                if (flags.HasFlag(RiskFlags.HarmCore))
                {
                    if (context.CueBefore("intent", match))
                    {
                        verdict.Offer(3, EmergencyCategory.HarmToOthers, [entry.Evidence, "intent"]);
                    }
                    else if (context.CueBefore("wish", match))
                    {
                        verdict.Offer(2, EmergencyCategory.HarmToOthers, [entry.Evidence]);
                    }

                    continue;
                }

                if (entry.Category == EmergencyCategory.MedicalEmergency)
                {
                    if ((context.HasCue("past", match) && !context.HasCue("present", match)) || context.HasCue("hypothetical", match))
                    {
                        verdict.Protective = true;
                        continue; // "I had chest pain last year", "what should I do if someone is having a stroke"
                    }

                    var level = entry.UpgradeWith is not null && context.HasCue(entry.UpgradeWith, match) ? 3 : entry.Level;
                    if (level == 2 && (context.HasCue("mild", match) || context.HasCue("exertion", match)))
                    {
                        verdict.Protective = true;
                        continue;
                    }

                    verdict.Offer(level, entry.Category, [entry.Evidence]);
                    continue;
                }

                if (flags.HasFlag(RiskFlags.Weak))
                {
                    weak.Add(match);
                    continue;
                }

                if (flags.HasFlag(RiskFlags.Core))
                {
                    selfHarmCores.Add(match);
                    continue;
                }

                verdict.Offer(entry.Level, entry.Category, [entry.Evidence]);
            }

            Compose(context, selfHarmCores, weak, verdict);

            // No words of death at all, but means, the act ("going to do it", "after everyone is asleep") and a plan or time.
            var none = (Id: -1, Start: 0, End: 0);
            if (context.HasCue("means", none) && context.HasCue("act", none) && (context.HasCue("plan", none) || context.HasCue("time", none)))
            {
                verdict.Offer(3, EmergencyCategory.SuicideIntent, ["means", "act", "plan"]);
            }
        }

        /// <summary>Self-harm: a core is level 2, and level 3 with intent, a time, a plan, means or a weak phrase; a weak phrase needs two supports.</summary>
        private void Compose(Context context, List<(int Id, int Start, int End)> cores, List<(int Id, int Start, int End)> weak, Verdict verdict)
        {
            foreach (var core in cores)
            {
                var entry = _entries[core.Id];
                var support = context.Supports(core, !entry.Flags.HasFlag(RiskFlags.MeansInherent), out var evidence);
                if (context.CueBefore("intent", core))
                {
                    support++;
                    evidence.Add("intent");
                }

                foreach (var w in weak)
                {
                    if (!context.Overlap(w, core))
                    {
                        support++;
                        evidence.Add(_entries[w.Id].Evidence);
                        break;
                    }
                }

                if (support == 0 && context.Normalized.Laughing && context.HasCue("fiction", core))
                {
                    verdict.Protective = true;
                    continue; // "이 드라마 결말 때문에 죽고 싶어 ㅋㅋ": hyperbole about a show
                }

                verdict.Offer(support > 0 ? 3 : 2, support > 0 ? EmergencyCategory.SuicideIntent : EmergencyCategory.SelfHarm, [entry.Evidence, .. evidence]);
            }

            foreach (var w in weak)
            {
                var entry = _entries[w.Id];
                var support = context.Supports(w, includeMeans: true, out var evidence);
                if (entry.Flags.HasFlag(RiskFlags.IntentBuilt) || context.CueBefore("intent", w))
                {
                    support++;
                    evidence.Add("intent");
                }

                if (entry.Requires is not null)
                {
                    support++;
                    evidence.Add(entry.Requires);
                }

                foreach (var other in cores.Concat(weak))
                {
                    if (!context.Overlap(other, w))
                    {
                        support++;
                        evidence.Add(_entries[other.Id].Evidence);
                        break;
                    }
                }

                if (support >= 2)
                {
                    verdict.Offer(3, EmergencyCategory.SuicideIntent, [entry.Evidence, .. evidence]);
                }
            }
        }

        /// <summary>The matches of one utterance and the questions the rules ask of them.</summary>
        private sealed class Context(CompiledLexicon lexicon, NormalizedText normalized, string text, List<(int Id, int Start, int End)> found)
        {
            private LexiconEntry Entry((int Id, int Start, int End) m) => lexicon._entries[m.Id];

            public NormalizedText Normalized => normalized;

            /// <summary>Whether two matches share text; English phrases are padded, so neighbours share one space and do not overlap.</summary>
            public bool Overlap((int Id, int Start, int End) a, (int Id, int Start, int End) b)
            {
                var slack = lexicon._isEnglish ? 1 : 0;
                return a.Start < b.End - slack && b.Start < a.End - slack;
            }

            public bool IsSuppressed((int Id, int Start, int End) risk)
            {
                foreach (var m in found)
                {
                    if (Entry(m).Kind == EntryKind.Suppress && Overlap(m, risk))
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>A cue with <paramref name="tag"/> anywhere in the utterance that is not part of <paramref name="risk"/> itself.</summary>
            public bool HasCue(string tag, (int Id, int Start, int End) risk)
            {
                foreach (var m in found)
                {
                    var e = Entry(m);
                    if (e.Kind == EntryKind.Cue && string.Equals(e.Tag, tag, StringComparison.Ordinal) && !Overlap(m, risk))
                    {
                        return true;
                    }
                }

                return false;
            }

            /// <summary>How many time, plan and means cues (outside the phrase) support a self-harm phrase.</summary>
            public int Supports((int Id, int Start, int End) risk, bool includeMeans, out List<string> evidence)
            {
                evidence = [];
                var count = 0;
                var includeTime = !Entry(risk).Flags.HasFlag(RiskFlags.Passive);
                foreach (var m in found)
                {
                    var e = Entry(m);
                    if (e.Kind == EntryKind.Cue && ((includeTime && e.Tag is "time") || e.Tag is "plan" || (includeMeans && e.Tag is "means")) && !Overlap(m, risk) &&
                        !evidence.Contains(e.Evidence, StringComparer.Ordinal))
                    {
                        count++;
                        evidence.Add(e.Evidence);
                    }
                }

                return count;
            }

            /// <summary>English: a cue ending within three words before the phrase, in the same clause.</summary>
            public bool CueBefore(string tag, (int Id, int Start, int End) risk)
            {
                if (!lexicon._isEnglish)
                {
                    return false;
                }

                var first = normalized.WordAt[risk.Start];
                foreach (var m in found)
                {
                    var e = Entry(m);
                    if (e.Kind != EntryKind.Cue || !string.Equals(e.Tag, tag, StringComparison.Ordinal) || m.End > risk.Start + 1)
                    {
                        continue;
                    }

                    var last = normalized.WordAt[m.End - 2];
                    if (first - last <= 3 && normalized.ClauseOf[last] == normalized.ClauseOf[Math.Min(first, normalized.ClauseOf.Length - 1)])
                    {
                        return true;
                    }
                }

                return false;
            }

            public bool IsNegated((int Id, int Start, int End) risk) => lexicon._isEnglish ? EnglishNegated(risk) : KoreanNegated(risk);

            /// <summary>
            /// "not", "never" or "no" within three words before, same clause, unless it negates something else ("can't stop", "not sure");
            /// or further back when only words that carry the negation forward stand between ("I don't have any thoughts of harming myself",
            /// "I never said I wanted to kill him").
            /// </summary>
            private bool EnglishNegated((int Id, int Start, int End) risk)
            {
                var first = normalized.WordAt[risk.Start];
                var words = normalized.Words;
                for (var w = first - 1; w >= 0 && w >= first - MaxNegationReach && normalized.ClauseOf[w] == normalized.ClauseOf[first]; w--)
                {
                    if (Negators.Contains(words[w]) && (w + 1 >= words.Length || !NotNegating.Contains(words[w + 1])))
                    {
                        return true;
                    }

                    if (first - w >= 3 && !NegationBridges.Contains(words[w]))
                    {
                        return false;
                    }
                }

                return false;
            }

            /// <summary>
            /// Korean negates after the verb: "죽고 싶지 않아", "자해는 안 해", "죽을 생각은 전혀 없어", "죽고 싶다는 생각은 한 번도 안 해 봤어";
            /// or "안" right before it.
            /// </summary>
            private bool KoreanNegated((int Id, int Start, int End) risk)
            {
                if (risk.Start > 0 && text[risk.Start - 1] == '안')
                {
                    return true;
                }

                int skipped = 0, bridged = 0;
                for (var i = risk.End; i < text.Length && text[i] != NormalizedText.ClauseMark; i++)
                {
                    if (KoreanNegationHeads.Contains(text[i], StringComparison.Ordinal) ||
                        (text[i] == '아' && i + 1 < text.Length && text[i + 1] is '니' or '냐'))
                    {
                        // After "생각", "마음" … only "안 해", "안 들어" deny the thought; "생각이 안 떠나" keeps it.
                        return bridged == 0 || text[i] != '안' || (i + 1 < text.Length && "해했하들든".Contains(text[i + 1], StringComparison.Ordinal));
                    }

                    var bridge = KoreanNegationBridges.FirstOrDefault(b => text.AsSpan(i).StartsWith(b, StringComparison.Ordinal));
                    if (bridge is not null && bridged + bridge.Length <= 10)
                    {
                        bridged += bridge.Length;
                        i += bridge.Length - 1;
                        continue;
                    }

                    if (!KoreanParticles.Contains(text[i], StringComparison.Ordinal) || ++skipped > 4)
                    {
                        return false;
                    }
                }

                return false;
            }

            /// <summary>Korean threats said about the speaker ("선생님이 나 죽일 거야") are not the speaker's intent.</summary>
            public bool SpeakerIsObject((int Id, int Start, int End) risk)
            {
                var before = text.AsSpan(0, risk.Start);
                foreach (var pronoun in KoreanSpeakerObjects)
                {
                    if (before.EndsWith(pronoun, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }
}
