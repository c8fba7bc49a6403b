
namespace Conversations.Abstractions.Conversations;

/// <summary>
/// One conversation, keyed by its id (<c>conv_…</c>): one activation in the cluster owns its upstream session, quota
/// clock, emergency level and transcript. The gateway and the REST API reach it only through this interface.
/// </summary>
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Attaches a client connection, replacing any earlier one, and yields the server events for it (transcript replay
    /// after <see cref="AttachRequest.ResumeFromSeq"/> first) until the grain closes it with a <see cref="ServerEventKind.Close"/>
    /// event. Cancelling the enumeration (the implementation takes the token with [EnumeratorCancellation]) detaches the connection.
    /// </summary>
    IAsyncEnumerable<ServerEvent> AttachAsync(AttachRequest request, CancellationToken cancellationToken = default);

    /// <summary>One frame from the attached client (a JSON event, or PCM16 audio), handled in the order the client sent them.</summary>
    /// <remarks>Awaited by the gateway before it reads the next frame, so a busy conversation slows its client down instead of queueing without bound.</remarks>
    Task SendAsync(ClientFrame frame);

    /// <summary>Ends the conversation for good (closing line skipped): charges the clock, writes the summary, closes the client and the upstream.</summary>
    Task EndAsync(string reason);

    /// <summary>Sets the conversation's summary (the client's own).</summary>
    Task SetSummaryAsync(string summary);

    /// <summary>
    /// Joins a supervisor to the conversation and yields what it sees: a <c>supervision.state</c> event, the transcript
    /// (after <see cref="SupervisorJoin.ResumeFromSeq"/>, then live, both sides), the user's and the character's audio
    /// if asked, and the state again whenever it changes. The user's experience does not change while supervisors
    /// only listen. Cancelling the enumeration is the supervisor leaving.
    /// </summary>
    IAsyncEnumerable<ServerEvent> SuperviseAsync(SupervisorJoin join, CancellationToken cancellationToken = default);

    /// <summary>
    /// One frame from a joined supervisor: <c>supervisor.take_over</c>, <c>supervisor.hand_back</c>,
    /// <c>supervisor.say</c> {text}, <c>supervisor.audio.done</c>, or binary PCM16 from its microphone.
    /// </summary>
    Task SupervisorSendAsync(ClientFrame frame);

    /// <summary>
    /// Its silo is leaving: tells the attached client to reconnect (1013), charges the clock and deactivates, so the
    /// conversation resumes on another silo. A silo calls it on its own conversations before it stops serving.
    /// </summary>
    Task HandOverAsync();
}
