using Microsoft.Extensions.Configuration;

namespace Conversations.AppHost.Hosting;

/// <summary>
/// Where the silos' conversations get their model from: always the local realtime engine (cascade characters, and
/// every character offline); with <c>OPENAI_API_KEY</c>, speech-to-speech characters use the OpenAI Realtime API.
/// </summary>
public sealed record Upstream(Uri EngineEndpoint, string? OpenAIKey, Uri OpenAIEndpoint, string Description)
{
    public const string OpenAiEndpoint = "https://api.openai.com/v1";

    /// <summary><c>Upstream:Endpoint</c> overrides the engine; <c>OPENAI_API_KEY</c> (and <c>OPENAI_BASE_URL</c>) enable OpenAI.</summary>
    public static Upstream From(IConfiguration configuration, Uri engineUrl)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var engine = NonEmpty(configuration["Upstream:Endpoint"]) is { } configured ? new Uri(configured) : new Uri(engineUrl, "/v1");
        var apiKey = NonEmpty(configuration["Upstream:OpenAI:ApiKey"]) ?? NonEmpty(configuration["OPENAI_API_KEY"]);
        var openAi = new Uri(NonEmpty(configuration["Upstream:OpenAI:Endpoint"]) ?? NonEmpty(configuration["OPENAI_BASE_URL"]) ?? OpenAiEndpoint);
        var description = apiKey is null
            ? $"the realtime engine, {engine} (no OPENAI_API_KEY: offline)"
            : $"the realtime engine, {engine}; speech-to-speech characters at {openAi} (OPENAI_API_KEY is set)";
        return new Upstream(engine, apiKey, openAi, description);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
