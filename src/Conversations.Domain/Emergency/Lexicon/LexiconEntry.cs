namespace Conversations.Domain.Emergency.Lexicon;

/// <summary>What a lexicon phrase contributes.</summary>
internal enum EntryKind
{
    /// <summary>A risk phrase with a level and category.</summary>
    Risk,

    /// <summary>An idiom or topic phrase: risk phrases overlapping it are dropped.</summary>
    Suppress,

    /// <summary>A context cue named by its tag (intent, time, plan, means, place, fiction, past, recovery, mild …).</summary>
    Cue,
}

/// <summary>How a risk phrase combines with its context.</summary>
[Flags]
internal enum RiskFlags
{
    None = 0,

    /// <summary>A preceding negation ("never", "not", "않아" after) cancels it.</summary>
    Negatable = 1,

    /// <summary>Self-harm core: level 2 alone, level 3 with intent, time, plan or means.</summary>
    Core = 2,

    /// <summary>Counts only together with intent, plan, a time, or another core (level 3 then).</summary>
    Weak = 4,

    /// <summary>About someone else: capped at level 2; dropped in fiction.</summary>
    ThirdParty = 8,

    /// <summary>Someone else's past act (grief): level 1 distress; dropped in fiction.</summary>
    ThirdPartyPast = 16,

    /// <summary>Intent is part of the phrase (Korean verb endings such as -ㄹ 거야, -려고).</summary>
    IntentBuilt = 32,

    /// <summary>Harm to others verb with a person object: level 2 with "want to", level 3 with intent.</summary>
    HarmCore = 64,

    /// <summary>A passive wish ("I hope I don't wake up tomorrow"): a time in it is not a plan, only intent, a plan or means raise it.</summary>
    Passive = 512,

    /// <summary>A self-harm act whose instrument is part of it: means do not raise it to level 3.</summary>
    MeansInherent = 256,

    /// <summary>The phrase object is the speaker ("나 죽일 거야" said of someone else): dropped.</summary>
    CheckSpeakerObject = 128,
}

/// <summary>One expanded lexicon phrase and what it means.</summary>
internal sealed record LexiconEntry(
    string Phrase,
    EntryKind Kind,
    int Level,
    EmergencyCategory Category,
    RiskFlags Flags,
    string? Tag,
    string? Requires,
    string? UpgradeWith)
{
    /// <summary>The phrase as evidence: without the padding spaces.</summary>
    public string Evidence { get; } = Phrase.Trim();
}

/// <summary>Builds lexicon entries from readable pattern strings.</summary>
internal sealed class LexiconBuilder(bool wordBoundaries)
{
    private readonly List<LexiconEntry> _entries = [];

    public IReadOnlyList<LexiconEntry> Entries => _entries;

    public LexiconBuilder Risk(int level, EmergencyCategory category, RiskFlags flags, params string[] patterns) =>
        Add(EntryKind.Risk, level, category, flags, null, null, null, patterns);

    public LexiconBuilder RiskWith(int level, EmergencyCategory category, RiskFlags flags, string? requires, string? upgradeWith, params string[] patterns) =>
        Add(EntryKind.Risk, level, category, flags, null, requires, upgradeWith, patterns);

    public LexiconBuilder Suppress(params string[] patterns) =>
        Add(EntryKind.Suppress, 0, EmergencyCategory.None, RiskFlags.None, null, null, null, patterns);

    public LexiconBuilder Cue(string tag, params string[] patterns) =>
        Add(EntryKind.Cue, 0, EmergencyCategory.None, RiskFlags.None, tag, null, null, patterns);

    private LexiconBuilder Add(EntryKind kind, int level, EmergencyCategory category, RiskFlags flags, string? tag, string? requires, string? upgrade, string[] patterns)
    {
        foreach (var pattern in patterns)
        {
            foreach (var expanded in PatternExpander.Expand(pattern))
            {
                _entries.Add(new LexiconEntry(Shape(expanded), kind, level, category, flags, tag, requires, upgrade));
            }
        }

        return this;
    }

    /// <summary>English phrases match whole words (padded with spaces; a trailing '*' matches a word prefix); Korean ones ignore spacing.</summary>
    private string Shape(string phrase)
    {
        if (!wordBoundaries)
        {
            return string.Concat(phrase.Where(c => !char.IsWhiteSpace(c)));
        }

        var words = string.Join(' ', phrase.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return words.EndsWith('*') ? " " + words[..^1] : " " + words + " ";
    }
}
