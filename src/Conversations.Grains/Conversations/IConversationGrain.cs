namespace Conversations.Grains.Conversations;

/// <summary>The contract of a conversation actor (Orleans-shaped: small async methods, immutable messages).</summary>
public interface IConversationGrain
{
    /// <summary>Attaches a client socket (replacing any earlier one), replaying durable entries after <paramref name="resumeFromSeq"/>.</summary>
    ValueTask AttachAsync(IClientChannel client, long? resumeFromSeq);

    /// <summary>The client socket closed.</summary>
    ValueTask DetachAsync(IClientChannel client);

    /// <summary>One frame from the attached client (one-way; the grain disposes the frame).</summary>
    ValueTask ReceiveAsync(ClientFrame frame);

    /// <summary>Ends the conversation for good.</summary>
    ValueTask EndAsync(string reason);
}
