namespace Conversations.Domain.Emergency;

/// <summary>
/// One conversation's emergency screening across turns: feed it each user utterance in order; a plan stated over
/// several utterances counts ("I bought a rope", then "tonight is the night" is level 3), and the level never goes down.
/// Holds only the last <see cref="Turns"/> − 1 utterances (cut to <see cref="MaxUtteranceLength"/>) and the level; pure, no I/O.
/// Not thread-safe: the conversation grain owns one.
/// </summary>
public sealed class EmergencyContext
{
    /// <summary>How many consecutive user utterances are read together.</summary>
    public const int Turns = 3;

    /// <summary>The characters of each earlier utterance kept for context (its end, where plans are usually stated, is kept).</summary>
    public const int MaxUtteranceLength = 400;

    private readonly Queue<string> _earlier = new(Turns);

    /// <summary>A new conversation.</summary>
    public EmergencyContext()
    {
    }

    /// <summary>
    /// Resumes a conversation (after a failover the grain rebuilds it from its transcript) from its stored user
    /// utterances, oldest first (only the last few are kept), and its stored level; nothing is assessed again.
    /// </summary>
    public EmergencyContext(IEnumerable<string> recentUserUtterances, EmergencyLevel level)
    {
        ArgumentNullException.ThrowIfNull(recentUserUtterances);
        foreach (var utterance in recentUserUtterances)
        {
            Remember(utterance);
        }

        Level = level;
    }

    /// <summary>The conversation's level: the highest any assessment reached.</summary>
    public EmergencyLevel Level { get; private set; }

    /// <summary>The earlier utterances kept for context, oldest first.</summary>
    public IReadOnlyCollection<string> Earlier => _earlier;

    /// <summary>
    /// Assesses the next user utterance in the context of the ones before it, raises <see cref="Level"/>, and returns
    /// the assessment (compare with the level before to know whether it rose: <see cref="EmergencyLevel.IsRaisedBy"/>).
    /// </summary>
    public EmergencyAssessment Assess(string utterance, string? languageHint = null)
    {
        ArgumentNullException.ThrowIfNull(utterance);
        var alone = EmergencyDetector.Assess(utterance, languageHint);
        var assessment = alone;
        // Any utterance may complete a plan begun before, harmless as it reads alone ("I'm going to do it on Friday" after
        // "I want to die"); requiring it to show concern alone missed more plans than it spared (dialogues.tsv).
        if (_earlier.Count > 0 && !string.IsNullOrWhiteSpace(utterance) && alone.Level < 3)
        {
            var before = EmergencyDetector.Assess(Joined(null), languageHint);
            var together = EmergencyDetector.Assess(Joined(utterance), languageHint);

            // Only what this utterance adds to the ones before counts: a level the earlier turns already reached is not new.
            if (together.Level > alone.Level && together.Level > before.Level && together.Level >= 2)
            {
                assessment = together with { Evidence = ["context", .. together.Evidence], Language = alone.Language };
            }
        }

        Level = Level.Raise(assessment);
        Remember(utterance);
        return assessment;
    }

    private void Remember(string utterance)
    {
        if (string.IsNullOrWhiteSpace(utterance))
        {
            return;
        }

        if (_earlier.Count == Turns - 1)
        {
            _earlier.Dequeue();
        }

        _earlier.Enqueue(utterance.Length > MaxUtteranceLength ? utterance[^MaxUtteranceLength..] : utterance);
    }

    /// <summary>The earlier utterances and <paramref name="next"/> as one text, each its own sentence.</summary>
    private string Joined(string? next)
    {
        var parts = next is null ? _earlier : _earlier.Append(next);
        return string.Join(". ", parts.Select(p => p.TrimEnd().TrimEnd('.', '!', '?')));
    }
}
