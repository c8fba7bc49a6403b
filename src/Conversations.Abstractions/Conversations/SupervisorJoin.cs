namespace Conversations.Abstractions.Conversations;

/// <summary>Which of a conversation's audio a supervisor hears.</summary>
public enum SupervisorAudio
{
    /// <summary>Transcripts only.</summary>
    None,

    /// <summary>The user's audio.</summary>
    User,

    /// <summary>The character's (and a leading supervisor's) audio.</summary>
    Assistant,

    /// <summary>Both, each event tagged with its source (a page mixes them; an API client may keep them apart).</summary>
    Both,
}

/// <summary>A supervisor (role <c>supervisor</c>) joining a conversation.</summary>
/// <param name="ConnectionId">The supervisor's connection: its frames carry it.</param>
/// <param name="SupervisorId">Who (the token's subject): recorded in the audit trail and on what it says.</param>
[GenerateSerializer, Immutable, Alias("conversations.supervisor-join")]
public sealed record SupervisorJoin(
    [property: Id(0)] Guid ConnectionId,
    [property: Id(1)] string SupervisorId,
    [property: Id(2)] SupervisorAudio Audio,
    [property: Id(3)] long? ResumeFromSeq);
