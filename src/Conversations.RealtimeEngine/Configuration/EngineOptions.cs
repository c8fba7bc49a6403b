namespace Conversations.RealtimeEngine.Configuration;

/// <summary>The engine's configuration, section <c>Engine</c>.</summary>
public sealed record EngineOptions
{
    public const string SectionName = "Engine";

    /// <summary>Models a client may ask for with <c>?model=</c>; the built-in ones are added unless configured.</summary>
    public Dictionary<string, ModelOptions> Models { get; init; } = new(StringComparer.Ordinal);

    /// <summary>When set, clients must send <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Largest client WebSocket message; a bigger one gets an error event and close code 1009.</summary>
    public int MaxMessageBytes { get; init; } = 1024 * 1024;

    /// <summary>Longest text accepted in one item (characters).</summary>
    public int MaxTextChars { get; init; } = 16_000;

    /// <summary>Most items kept in one conversation; the oldest are dropped beyond it.</summary>
    public int MaxConversationItems { get; init; } = 500;

    /// <summary>How long the engine waits for a client that does not read its events before closing it (1008).</summary>
    public TimeSpan SlowClientTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Events waiting for one client before the slow-client timeout starts to count.</summary>
    public int OutboundQueueCapacity { get; init; } = 512;

    /// <summary>Threads for native speech work (decoding, synthesis); 0 means one per core.</summary>
    public int SpeechThreads { get; init; }

    public RecognitionOptions Recognition { get; init; } = new();

    public SynthesisOptions Synthesis { get; init; } = new();
}

/// <summary>What one model name means: responder, voice and language.</summary>
public sealed record ModelOptions
{
    /// <summary><c>scripted</c> (a counselling script, offline), <c>openai</c> (a chat model behind an OpenAI-compatible API, see <see cref="Chat"/>) or <c>echo</c> (input audio straight back).</summary>
    public string Responder { get; init; } = ResponderKinds.Scripted;

    /// <summary>The script for the <c>scripted</c> responder; defaults to the model name.</summary>
    public string? Script { get; init; }

    /// <summary>Default OpenAI voice name for the session (a client may change it).</summary>
    public string Voice { get; init; } = "alloy";

    /// <summary>Default language of replies and of recognition (ISO 639-1).</summary>
    public string Language { get; init; } = "en";

    /// <summary>Default session instructions.</summary>
    public string? Instructions { get; init; }

    /// <summary>The chat model for the <c>openai</c> responder (streaming <c>/v1/chat/completions</c>).</summary>
    public ProviderOptions? Chat { get; init; }

    /// <summary>Speech-to-text: <c>local</c> (PocketSphinx) or <c>openai</c> (<c>/v1/audio/transcriptions</c>).</summary>
    public ProviderOptions Transcription { get; init; } = new();

    /// <summary>Text-to-speech: <c>local</c> (Flite, eSpeak NG) or <c>openai</c> (<c>/v1/audio/speech</c>, PCM).</summary>
    public ProviderOptions Speech { get; init; } = new();
}

/// <summary>One provider of a model: local, or an OpenAI-compatible REST API (OpenAI, the Anthropic and Google compatibility endpoints, Ollama, vLLM, llama.cpp).</summary>
public sealed record ProviderOptions
{
    /// <summary><c>local</c> or <c>openai</c> (ignored for <see cref="ModelOptions.Chat"/>, whose kind is the model's responder).</summary>
    public string Provider { get; init; } = ProviderKinds.Local;

    /// <summary>API base, e.g. <c>https://api.openai.com/v1</c> or <c>http://localhost:11434/v1</c>.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>The key sent as <c>Authorization: Bearer</c>; servers that need none accept any value.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The provider's model name (<c>gpt-4o-mini</c>, <c>whisper-1</c>, <c>gpt-4o-mini-tts</c>, <c>llama3.1</c> …).</summary>
    public string? Model { get; init; }

    /// <summary>Retries on 429 and 5xx (exponential back-off) before the error reaches the client.</summary>
    public int MaxRetries { get; init; } = 1;

    /// <summary>Longest wait for a response, and for each streamed chunk after it.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Sampling temperature for chat models (provider default when unset).</summary>
    public float? Temperature { get; init; }
}

/// <summary>Offline speech recognition with PocketSphinx.</summary>
public sealed record RecognitionOptions
{
    public string ModelDirectory { get; init; } = "/usr/share/pocketsphinx/model/en-us";

    /// <summary>Most decoders alive at once; each holds the acoustic model (tens of MB), so this bounds memory.</summary>
    public int MaxDecoders { get; init; } = 16;

    /// <summary>Decoders loaded at start-up so the first utterance does not pay the model load.</summary>
    public int WarmDecoders { get; init; } = 2;

    /// <summary>Run PocketSphinx's second and third passes (more accurate on long sentences, 0.05–0.2 s slower to finalise).</summary>
    public bool SecondPass { get; init; }

    /// <summary>Narrower beams (<c>-maxhmmpf 3000 -maxwpf 5 -topn 2 -pl_window 10</c>): about a quarter of the CPU (0.05× real time instead of 0.2×), as accurate on the test speech.</summary>
    public bool Fast { get; init; } = true;
}

/// <summary>Offline speech synthesis: Flite for English, eSpeak NG for everything else.</summary>
public sealed record SynthesisOptions
{
    /// <summary>OpenAI voice name → Flite voice (<c>slt</c>, <c>rms</c>, <c>awb</c>, <c>kal</c>).</summary>
    public Dictionary<string, string> FliteVoices { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The eSpeak NG executable.</summary>
    public string EspeakPath { get; init; } = "espeak-ng";

    /// <summary>Longest time one eSpeak NG run may take.</summary>
    public TimeSpan EspeakTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Size of each <c>response.output_audio.delta</c> in milliseconds of audio.</summary>
    public int AudioDeltaMilliseconds { get; init; } = 100;
}

/// <summary>The responder kinds a model can use.</summary>
public static class ResponderKinds
{
    public const string Scripted = "scripted";
    public const string Echo = "echo";
    public const string OpenAI = "openai";
}

/// <summary>Where a speech provider runs.</summary>
public static class ProviderKinds
{
    public const string Local = "local";
    public const string OpenAI = "openai";
}
