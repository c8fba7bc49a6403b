
namespace Conversations.Abstractions.Streams;

/// <summary>
/// One reader's live view of one conversation stream: it subscribes while it is being read and yields what arrives.
/// Keyed by a new Guid per reader and the stream (<c>namespace/key</c>) as key extension; it activates on the reader's
/// silo, so the stream crosses silos once and the reader's enumeration stays local.
/// </summary>
/// <remarks>Live only: a reader that needs everything catches up from PostgreSQL (see the followers in Conversations.Grains.Streams).</remarks>
public interface IStreamListenerGrain : IGrainWithGuidCompoundKey
{
    /// <summary>Subscribes and yields the stream's notices until cancelled; unsubscribes at the end.</summary>
    IAsyncEnumerable<ConversationNotice> ListenAsync(CancellationToken cancellationToken = default);
}
