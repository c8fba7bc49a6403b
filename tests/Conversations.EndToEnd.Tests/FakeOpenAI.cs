using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conversations.EndToEnd.Tests;

/// <summary>
/// Stands in for OpenAI's cloud (unreachable here) on a local port, speaking its wire format for the two REST calls the
/// gateway makes: minting realtime client secrets and moderations. It records what it was sent.
/// </summary>
public sealed class FakeOpenAI : IAsyncDisposable
{
    private static readonly string[] Categories =
    [
        "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent", "self-harm",
        "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence", "violence/graphic",
    ];

    private readonly WebApplication _app;

    private FakeOpenAI(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The <c>/v1</c> base URL to configure as <c>Upstream:OpenAI:Endpoint</c>.</summary>
    public Uri Endpoint { get; }

    public List<(string Path, string? Authorization, JsonElement Body)> Requests { get; } = [];

    /// <summary>Moderation inputs containing this phrase score high on self-harm intent.</summary>
    public string FlaggedPhrase { get; set; } = "last week on earth";

    public static async Task<FakeOpenAI> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeOpenAI? fake = null;
        app.MapPost("/v1/realtime/client_secrets", async (HttpContext http) =>
        {
            var body = await fake!.RecordAsync(http);
            return Results.Json(new
            {
                value = "ek_fake_" + Guid.NewGuid().ToString("N")[..12],
                expires_at = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds(),
                session = body.GetProperty("session"),
            });
        });
        app.MapPost("/v1/moderations", async (HttpContext http) =>
        {
            var body = await fake!.RecordAsync(http);
            var input = body.GetProperty("input").ValueKind == JsonValueKind.Array ? body.GetProperty("input")[0].GetString()! : body.GetProperty("input").GetString()!;
            var flagged = input.Contains(fake.FlaggedPhrase, StringComparison.OrdinalIgnoreCase);
            var scores = Categories.ToDictionary(c => c, c => flagged && c.StartsWith("self-harm", StringComparison.Ordinal) && c != "self-harm/instructions" ? 0.93 : 0.001);
            return Results.Json(new
            {
                id = "modr-fake",
                model = body.GetProperty("model").GetString(),
                results = new[]
                {
                    new
                    {
                        flagged,
                        categories = scores.ToDictionary(p => p.Key, p => p.Value > 0.5),
                        category_scores = scores,
                        category_applied_input_types = scores.ToDictionary(p => p.Key, _ => new[] { "text" }),
                    },
                },
            });
        });
        app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            var body = await fake!.RecordAsync(http);
            var lines = body.GetProperty("messages")[1].GetProperty("content").GetString()!.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            return Results.Json(new
            {
                id = "chatcmpl-fake",
                @object = "chat.completion",
                created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                model = body.GetProperty("model").GetString(),
                choices = new[]
                {
                    new { index = 0, finish_reason = "stop", message = new { role = "assistant", content = $"A model summary of {lines} lines." } },
                },
                usage = new { prompt_tokens = 50, completion_tokens = 8, total_tokens = 58 },
            });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeOpenAI(app, new Uri(address.TrimEnd('/') + "/v1"));
        return fake;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<JsonElement> RecordAsync(HttpContext http)
    {
        using var document = await JsonDocument.ParseAsync(http.Request.Body);
        var body = document.RootElement.Clone();
        lock (Requests)
        {
            Requests.Add((http.Request.Path, http.Request.Headers.Authorization.ToString(), body));
        }

        return body;
    }
}
