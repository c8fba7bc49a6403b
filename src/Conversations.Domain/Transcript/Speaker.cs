namespace Conversations.Domain.Transcript;

/// <summary>Who said a transcript line.</summary>
public enum Speaker
{
    /// <summary>The person using the app.</summary>
    User,

    /// <summary>The AI character.</summary>
    Assistant,
}
