using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Conversations.Abstractions.Streams;
using Conversations.Domain.Transcript;
using Conversations.Grains.Persistence;
using Microsoft.Extensions.Logging;

namespace Conversations.Grains.Streams;

/// <summary>
/// A conversation's transcript for one reader on any silo: the stored entries after a seq, then the live ones from the
/// conversation's Orleans stream, each exactly once and in order. A gap in the live seqs (notices lost because a silo
/// died or the reader fell behind) is filled from PostgreSQL, and a quiet stream is checked against it now and then,
/// so no entry that was announced is ever skipped.
/// </summary>
public sealed class TranscriptFollower(ConversationStore store, IGrainFactory grains, ILogger<TranscriptFollower> logger)
{
    private const int PageSize = 500;
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SubscribeWait = TimeSpan.FromSeconds(5);

    public async IAsyncEnumerable<TranscriptEntry> FollowAsync(string conversationId, long afterSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var live = Channel.CreateUnbounded<TranscriptNotice>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listening = ListenAsync(conversationId, live.Writer, subscribed, stop.Token);
        try
        {
            // Subscribe first, then read what is stored: whatever lands in between comes twice and is skipped once.
            await Task.WhenAny(subscribed.Task, Task.Delay(SubscribeWait, cancellationToken));
            var last = afterSeq;
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var entry in await ReadAfterAsync(conversationId, last, cancellationToken))
                {
                    last = entry.Seq;
                    yield return entry;
                }

                // Live entries in order; a jump means entries were missed: the next round reads them from PostgreSQL.
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                quiet.CancelAfter(CheckInterval);
                var gap = false;
                while (!gap && await WaitAsync(live.Reader, quiet.Token))
                {
                    while (live.Reader.TryRead(out var notice))
                    {
                        if (notice.Seq == last + 1)
                        {
                            last = notice.Seq;
                            yield return new TranscriptEntry(notice.Seq, SpeakerNames.TryParse(notice.Role, out var role) ? role : Speaker.Assistant, notice.Text, notice.At, notice.ItemId, notice.SpeakerId);
                        }
                        else if (notice.Seq > last + 1)
                        {
                            gap = true;
                            break;
                        }
                    }
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await listening;
        }
    }

    private async Task<List<TranscriptEntry>> ReadAfterAsync(string conversationId, long after, CancellationToken cancellationToken)
    {
        var entries = new List<TranscriptEntry>();
        IReadOnlyList<TranscriptEntry> page;
        do
        {
            page = await store.ReadTranscriptAsync(conversationId, entries.Count > 0 ? entries[^1].Seq : after, PageSize, cancellationToken);
            entries.AddRange(page);
        }
        while (page.Count == PageSize);

        return entries;
    }

    private static async Task<bool> WaitAsync(ChannelReader<TranscriptNotice> reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.WaitToReadAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ListenAsync(string conversationId, ChannelWriter<TranscriptNotice> live, TaskCompletionSource subscribed, CancellationToken cancellationToken)
    {
        var key = StreamListenerGrain.KeyOf(ConversationStreams.Transcript(conversationId));
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var listener = grains.GetGrain<IStreamListenerGrain>(Guid.NewGuid(), key);
                await foreach (var notice in listener.ListenAsync(cancellationToken))
                {
                    if (notice.Entry is { } entry)
                    {
                        live.TryWrite(entry);
                    }
                    else
                    {
                        subscribed.TrySetResult();
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The periodic check keeps the reader going while the stream is unavailable.
                logger.LogDebug(e, "{Conversation}: transcript stream listener ended; listening again", conversationId);
                if (!await StreamPause.DelayAsync(CheckInterval, cancellationToken))
                {
                    return;
                }
            }
        }
    }
}
