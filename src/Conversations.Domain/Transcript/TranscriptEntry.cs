namespace Conversations.Domain.Transcript;

/// <summary>One durable line of a conversation: its place in order, who said it, what, when, and the upstream item it came from.</summary>
public sealed record TranscriptEntry(long Seq, Speaker Role, string Text, DateTimeOffset At, string? ItemId);
