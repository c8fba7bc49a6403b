using System.Globalization;
using System.Text;
using Conversations.AppHost.Hosting;

namespace Conversations.AppHost.Console;

/// <summary>The block printed once everything is ready: where to connect, how to get a token, how to point an OpenAI client at it.</summary>
public static class UrlsBanner
{
    public static string Render(AppHostOptions options, Upstream upstream, string database, string? otlpEndpoint, TimeSpan startup, Func<string, string> bold)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(bold);
        var first = Trim(options.SiloUrl(0));
        var engine = Trim(options.EngineUrl);
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine(bold(string.Create(CultureInfo.InvariantCulture,
            $"Conversations is ready: {options.Silos} silo{(options.Silos == 1 ? "" : "s")}, the realtime engine and PostgreSQL, in {startup.TotalSeconds:0.0} s")));
        text.AppendLine();
        for (var i = 0; i < options.Silos; i++)
        {
            var silo = Trim(options.SiloUrl(i));
            var ws = "ws" + silo[4..];
            Row(text, $"Gateway silo-{i.ToString(CultureInfo.InvariantCulture)}", $"{ws}/v1/realtime?model=<character_id>    REST {silo}/api/v1");
        }

        Row(text, "OpenAPI", $"{first}/openapi/v1.json");
        Row(text, "Voice client", $"{first}/");
        Row(text, "Dashboard", $"{first}/dashboard");
        Row(text, "Realtime engine", $"{engine}/v1   (ws://{engine[7..]}/v1/realtime)");
        Row(text, "Health", $"{first}/health/ready   {first}/health/live   {engine}/health/live");
        Row(text, "Upstream", upstream.Description);
        Row(text, "PostgreSQL", database);
        Row(text, "Telemetry", otlpEndpoint is null ? "not exported (set OTEL_EXPORTER_OTLP_ENDPOINT to send it to an OpenTelemetry backend)" : $"OTLP to {otlpEndpoint}");
        text.AppendLine();
        text.AppendLine(bold("A development token:"));
        text.AppendLine($"  curl -s -X POST {first}/api/v1/dev/tokens -H 'content-type: application/json' -d '{{\"user_id\":\"alice\",\"tier\":\"free\"}}'");
        text.AppendLine();
        text.AppendLine(bold("An OpenAI SDK client, with that token as its key and a character as its model (GET /api/v1/characters):"));
        text.AppendLine($"  C#:     new RealtimeClient(new ApiKeyCredential(token), new RealtimeClientOptions {{ Endpoint = new Uri(\"{first}/v1\") }})");
        text.AppendLine($"  Python: AsyncOpenAI(api_key=token, base_url=\"{first}/v1\", websocket_base_url=\"ws{first[4..]}/v1\").realtime.connect(model=character_id)");
        text.AppendLine();
        text.AppendLine("Press Ctrl+C to stop everything.");
        text.AppendLine();
        return text.ToString();
    }

    private static void Row(StringBuilder text, string label, string value) => text.AppendLine($"  {label,-17} {value}");

    private static string Trim(Uri url) => url.AbsoluteUri.TrimEnd('/');
}
