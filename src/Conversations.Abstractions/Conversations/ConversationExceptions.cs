namespace Conversations.Abstractions.Conversations;

/// <summary>No conversation with this id exists (or it was deleted).</summary>
[GenerateSerializer, Alias("conversations.not-found")]
public sealed class ConversationNotFoundException : Exception
{
    public ConversationNotFoundException(string conversationId)
        : base($"Conversation {conversationId} does not exist.") => ConversationId = conversationId;

    [Id(0)]
    public string ConversationId { get; }
}

/// <summary>The conversation has ended and cannot be attached to.</summary>
[GenerateSerializer, Alias("conversations.ended")]
public sealed class ConversationEndedException : Exception
{
    public ConversationEndedException(string conversationId)
        : base($"Conversation {conversationId} has ended.") => ConversationId = conversationId;

    [Id(0)]
    public string ConversationId { get; }
}
