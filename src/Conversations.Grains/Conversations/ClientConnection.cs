using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Conversations.Abstractions.Conversations;
using Conversations.Abstractions.Protocol;
using Conversations.Domain.Transcript;

namespace Conversations.Grains.Conversations;

/// <summary>
/// The client attached to a conversation, as the grain sees it: a bounded queue of server events that the gateway
/// drains through <see cref="IConversationGrain.AttachAsync"/>, and the transcript cursor that makes every durable
/// entry reach it exactly once. The grain never waits on a slow client: one that lets the queue fill is closed (1008).
/// </summary>
internal sealed class ClientConnection(Guid id, bool binaryAudio, int capacity, long sentSeq)
{
    private readonly Channel<ServerEvent> _events = Channel.CreateUnbounded<ServerEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private List<TranscriptEntry>? _held;
    private int _queued;

    public Guid Id => id;

    public bool BinaryAudio => binaryAudio;

    /// <summary>The last transcript seq this client has been sent (or was told it has).</summary>
    public long SentSeq { get; private set; } = sentSeq;

    public bool IsClosed { get; private set; }

    /// <summary>Queues a JSON event; false once the connection is closed.</summary>
    public bool SendJson(ReadOnlyMemory<byte> json) => Enqueue(ServerEvent.Json(json));

    /// <summary>Queues raw PCM16 audio (binary clients only).</summary>
    public bool SendAudio(ReadOnlyMemory<byte> pcm16) => Enqueue(ServerEvent.Audio(pcm16));

    /// <summary>Sends a durable transcript entry unless this client has it already; held back while a replay is under way.</summary>
    public void SendTranscript(TranscriptEntry entry)
    {
        if (_held is not null)
        {
            _held.Add(entry);
        }
        else if (entry.Seq > SentSeq && Enqueue(ServerEvent.Json(ServerEvents.Transcript(entry))))
        {
            SentSeq = entry.Seq;
        }
    }

    /// <summary>Starts a replay: live entries wait until <see cref="EndReplay"/>, so replay and live neither overlap nor leave a gap.</summary>
    public void BeginReplay() => _held ??= [];

    /// <summary>Sends the replayed entries, then the live ones that arrived meanwhile, each once and in order.</summary>
    public void EndReplay(IEnumerable<TranscriptEntry> replayed)
    {
        var held = _held ?? [];
        _held = null;
        foreach (var entry in replayed.Concat(held).OrderBy(e => e.Seq))
        {
            SendTranscript(entry);
        }
    }

    /// <summary>Queues the close as the last event (even over capacity); later sends are dropped.</summary>
    public void Close(int code, string reason)
    {
        if (IsClosed)
        {
            return;
        }

        IsClosed = true;
        _events.Writer.TryWrite(ServerEvent.Close(code, reason));
        _events.Writer.TryComplete();
    }

    /// <summary>The queued events in order, ending after the close event.</summary>
    public async IAsyncEnumerable<ServerEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in _events.Reader.ReadAllAsync(cancellationToken))
        {
            _queued--;
            yield return item;
        }
    }

    private bool Enqueue(ServerEvent item)
    {
        if (IsClosed)
        {
            return false;
        }

        if (_queued >= capacity)
        {
            Close(CloseCodes.Policy, "client too slow: send queue full");
            return false;
        }

        _queued++;
        return _events.Writer.TryWrite(item);
    }
}
