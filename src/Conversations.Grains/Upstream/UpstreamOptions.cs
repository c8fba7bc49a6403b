using System.ComponentModel.DataAnnotations;

namespace Conversations.Grains.Upstream;

/// <summary>Where conversations reach their model (configuration section <c>Upstream</c>).</summary>
public sealed class UpstreamOptions
{
    public const string Section = "Upstream";

    /// <summary>The realtime engine (Mode B, and every character when no OpenAI key is set): its <c>/v1</c> base URL.</summary>
    [Required]
    public Uri Endpoint { get; set; } = new("http://127.0.0.1:5080/v1");

    /// <summary>The key sent to the engine.</summary>
    public string ApiKey { get; set; } = "offline";

    /// <summary>The OpenAI Realtime API for Mode A characters; unused while <see cref="OpenAIUpstreamOptions.ApiKey"/> is empty.</summary>
    public OpenAIUpstreamOptions OpenAI { get; set; } = new();

    /// <summary>The speech-to-text model named in <c>audio.input.transcription</c>.</summary>
    public string TranscriptionModel { get; set; } = "gpt-4o-mini-transcribe";

    /// <summary>How long opening an upstream session may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many persisted transcript entries seed a new upstream session, so the model remembers.</summary>
    [Range(0, 1000)]
    public int ContextReplayEntries { get; set; } = 50;
}

/// <summary>The OpenAI Realtime API (Mode A).</summary>
public sealed class OpenAIUpstreamOptions
{
    public Uri Endpoint { get; set; } = new("https://api.openai.com/v1");

    public string? ApiKey { get; set; }

    /// <summary>The realtime model for direct (WebRTC) sessions of characters whose own mode is the cascade.</summary>
    public string DirectModel { get; set; } = "gpt-realtime";

    /// <summary>How long a minted client secret can be used to open a session.</summary>
    public TimeSpan ClientSecretLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
