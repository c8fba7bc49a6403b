namespace Conversations.Grains.Conversations;

/// <summary>No conversation with this id exists (or it was deleted).</summary>
public sealed class ConversationNotFoundException(string id) : Exception($"Conversation {id} does not exist.")
{
    public string ConversationId { get; } = id;
}

/// <summary>The conversation has ended and cannot be attached to.</summary>
public sealed class ConversationEndedException(string id) : Exception($"Conversation {id} has ended.")
{
    public string ConversationId { get; } = id;
}
