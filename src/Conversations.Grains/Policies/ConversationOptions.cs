using System.ComponentModel.DataAnnotations;

namespace Conversations.Grains.Policies;

/// <summary>How the conversation grain applies its policies (configuration section <c>Conversations</c>).</summary>
public sealed class ConversationOptions
{
    public const string Section = "Conversations";

    /// <summary>How often the conversation clock is charged while a client is attached (one transaction per tick).</summary>
    public TimeSpan QuotaTickInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the character may take to say its closing line before the conversation ends anyway.</summary>
    public TimeSpan ClosingLineTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Events and audio queued for an attached client; a client that lets it fill is too slow and is closed (1008).</summary>
    [Range(16, 1 << 20)]
    public int ClientQueueCapacity { get; set; } = 4096;

    /// <summary>How long a conversation without a client stays activated (its upstream session open) before it is collected.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The voice a supervisor's typed words are spoken in, told apart from every character's.</summary>
    public string SupervisorVoice { get; set; } = "verse";

    /// <summary>How long a leading supervisor's socket may be gone before the lead goes back to the AI (and the user is told).</summary>
    public TimeSpan SupervisorReconnectGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A locale (e.g. <c>ko-KR</c>) for crisis resources when the character's language does not decide it.</summary>
    public string? Locale { get; set; }

    /// <summary>Where alerts are POSTed as JSON; none when empty.</summary>
    public Uri? AlertWebhookUrl { get; set; }

    [Range(1, 20)]
    public int AlertWebhookMaxAttempts { get; set; } = 6;

    /// <summary>
    /// The moderation model of the optional second emergency stage (e.g. <c>omni-moderation-latest</c>), called through
    /// the OpenAI SDK at <c>Upstream:OpenAI</c>; off when empty or when no OpenAI key is set.
    /// </summary>
    public string? ModerationModel { get; set; }
}
