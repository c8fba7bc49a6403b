using Conversations.Abstractions.Streams;
using Conversations.Grains.Streams;
using Conversations.Domain.Transcript;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Conversations.Grains.Conversations;

/// <summary>
/// Publishes what a conversation has made durable on its Orleans streams: each transcript entry on the conversation's
/// transcript stream, and a wake-up on the supervisors' feed. One at a time and in order, on the grain's scheduler;
/// a notice that fails is logged and left to the readers' catch-up from PostgreSQL.
/// </summary>
internal sealed class ConversationNotices(IStreamProvider streams, string conversationId, ILogger logger)
{
    private readonly IAsyncStream<ConversationNotice> _transcript = streams.GetStream<ConversationNotice>(ConversationStreams.Transcript(conversationId));
    private readonly IAsyncStream<ConversationNotice> _feed = streams.GetStream<ConversationNotice>(ConversationStreams.Feed);
    private readonly Queue<(IAsyncStream<ConversationNotice> Stream, ConversationNotice Notice)> _pending = new();
    private bool _feedQueued;
    private bool _running;

    public void Transcript(TranscriptEntry entry) =>
        Enqueue(_transcript, new ConversationNotice(conversationId, "transcript", new TranscriptNotice(entry.Seq, entry.Role.WireName(), entry.Text, entry.At, entry.ItemId, entry.SpeakerId)));

    /// <summary>Wakes feed readers; one queued wake-up covers everything committed before it is sent.</summary>
    public void Feed(string kind)
    {
        if (!_feedQueued)
        {
            _feedQueued = true;
            Enqueue(_feed, new ConversationNotice(conversationId, kind, null));
        }
    }

    private void Enqueue(IAsyncStream<ConversationNotice> stream, ConversationNotice notice)
    {
        _pending.Enqueue((stream, notice));
        if (!_running)
        {
            _running = true;
            _ = PublishAllAsync();
        }
    }

    private async Task PublishAllAsync()
    {
        try
        {
            while (_pending.TryDequeue(out var next))
            {
                if (ReferenceEquals(next.Stream, _feed))
                {
                    _feedQueued = false;
                }

                try
                {
                    await next.Stream.OnNextAsync(next.Notice);
                }
                catch (Exception e)
                {
                    logger.LogDebug(e, "{Conversation}: a {Kind} notice was not published; readers catch up from PostgreSQL", conversationId, next.Notice.Kind);
                }
            }
        }
        finally
        {
            _running = false;
        }
    }
}
