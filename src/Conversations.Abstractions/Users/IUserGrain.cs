namespace Conversations.Abstractions.Users;

/// <summary>
/// A user's live conversations, keyed by user id: how many have a client attached right now, against the tier's cap
/// (each holds a billable upstream session). Held in memory; each conversation renews its place while attached, so a
/// place whose silo died expires on its own.
/// </summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Takes (or keeps) a place for <paramref name="conversationId"/>; false when <paramref name="limit"/> other conversations hold one.</summary>
    Task<bool> TryAttachAsync(string conversationId, int limit);

    /// <summary>The conversation is still attached: its place does not expire.</summary>
    Task RenewAsync(string conversationId);

    /// <summary>Gives the place back.</summary>
    Task DetachAsync(string conversationId);
}
