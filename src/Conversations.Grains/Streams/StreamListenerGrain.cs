using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Conversations.Abstractions.Streams;
using Orleans.Placement;
using Orleans.Streams;

namespace Conversations.Grains.Streams;

/// <summary>
/// Subscribes one reader to one conversation stream for as long as it reads (see <see cref="IStreamListenerGrain"/>).
/// A reader slower than the stream loses the oldest notices, never the newest: its follower sees the gap and reads the
/// missing part from PostgreSQL.
/// </summary>
[PreferLocalPlacement]
public sealed class StreamListenerGrain : Grain, IStreamListenerGrain
{
    /// <summary>The first notice of every listen: the subscription is in place.</summary>
    public const string SubscribedKind = "subscribed";

    private const int Capacity = 1024;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // An earlier activation whose silo died may have left its subscription behind.
        foreach (var handle in await Stream().GetAllSubscriptionHandles())
        {
            await handle.UnsubscribeAsync();
        }
    }

    public async IAsyncEnumerable<ConversationNotice> ListenAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var notices = Channel.CreateBounded<ConversationNotice>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var subscription = await Stream().SubscribeAsync((notice, _) =>
        {
            notices.Writer.TryWrite(notice);
            return Task.CompletedTask;
        });
        try
        {
            // Readers catch up from PostgreSQL after this, so nothing falls between their read and the live stream.
            yield return new ConversationNotice(this.GetPrimaryKeyString(), SubscribedKind, null);
            await foreach (var notice in notices.Reader.ReadAllAsync(cancellationToken))
            {
                yield return notice;
            }
        }
        finally
        {
            await subscription.UnsubscribeAsync();
            DeactivateOnIdle();
        }
    }

    private IAsyncStream<ConversationNotice> Stream()
    {
        this.GetPrimaryKey(out var stream);
        var separator = stream!.IndexOf('/', StringComparison.Ordinal);
        return this.GetStreamProvider(ConversationStreams.ProviderName)
            .GetStream<ConversationNotice>(Orleans.Runtime.StreamId.Create(stream[..separator], stream[(separator + 1)..]));
    }

    /// <summary>The key extension naming a stream: <c>namespace/key</c>.</summary>
    public static string KeyOf(Orleans.Runtime.StreamId stream) => $"{stream.GetNamespace()}/{stream.GetKeyAsString()}";
}
