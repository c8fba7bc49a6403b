namespace Conversations.Domain.Characters;

/// <summary>What a client may see of a character (never its instructions).</summary>
public sealed record CharacterListing(string Id, string DisplayName, string Description, string Language, string Voice, UpstreamMode Mode);
