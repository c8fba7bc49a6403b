namespace Conversations.Abstractions.Protocol;

/// <summary>WebSocket close codes of PROTOCOL.md.</summary>
public static class CloseCodes
{
    public const int Normal = 1000;
    public const int Policy = 1008;
    public const int TooBig = 1009;
    public const int Internal = 1011;

    /// <summary>The server is restarting or the conversation moved: reconnect and resume.</summary>
    public const int TryAgain = 1013;
    public const int UnknownConversation = 4404;
    public const int ConversationEnded = 4409;
}
