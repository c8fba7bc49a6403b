using Microsoft.Extensions.Configuration;

namespace Conversations.AppHost.Hosting;

/// <summary>Where the silos' conversations get their model from: the local realtime engine, or OpenAI when a key is configured.</summary>
public sealed record Upstream(Uri Endpoint, string? ApiKey, string Description)
{
    public const string OpenAiEndpoint = "https://api.openai.com/v1";

    /// <summary><c>Upstream:Endpoint</c>/<c>Upstream:ApiKey</c> win; else <c>OPENAI_API_KEY</c> (and <c>OPENAI_BASE_URL</c>); else the engine.</summary>
    public static Upstream From(IConfiguration configuration, Uri engineUrl)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var apiKey = NonEmpty(configuration["Upstream:ApiKey"]) ?? NonEmpty(configuration["OPENAI_API_KEY"]);
        if (NonEmpty(configuration["Upstream:Endpoint"]) is { } endpoint)
        {
            return new Upstream(new Uri(endpoint), apiKey, $"{endpoint} (Upstream__Endpoint)");
        }

        if (apiKey is not null)
        {
            var openAi = NonEmpty(configuration["OPENAI_BASE_URL"]) ?? OpenAiEndpoint;
            return new Upstream(new Uri(openAi), apiKey, $"{openAi} (OPENAI_API_KEY is set)");
        }

        var engine = new Uri(engineUrl, "/v1");
        return new Upstream(engine, null, $"the local realtime engine, {engine} (no OPENAI_API_KEY: offline)");
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
