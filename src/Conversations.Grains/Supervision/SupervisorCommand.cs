using System.Text.Json;
using Conversations.Abstractions.Protocol;

namespace Conversations.Grains.Supervision;

/// <summary>A supervisor's JSON command on its socket, validated: <c>supervisor.take_over</c>, <c>supervisor.hand_back</c>, <c>supervisor.say</c> {text}, <c>supervisor.audio.done</c>.</summary>
internal sealed record SupervisorCommand(string Type, string? EventId, string? Text)
{
    public const string TakeOver = "supervisor.take_over";
    public const string HandBack = "supervisor.hand_back";
    public const string Say = "supervisor.say";
    public const string AudioDone = "supervisor.audio.done";

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 8, AllowDuplicateProperties = false };

    public static bool TryRead(ReadOnlyMemory<byte> utf8, out SupervisorCommand command, out ReadOnlyMemory<byte> error)
    {
        command = null!;
        try
        {
            using var document = JsonDocument.Parse(utf8, Options);
            var root = document.RootElement;
            string? eventId = null;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                error = ServerEvents.InvalidRequest("invalid_json", "A supervisor command is a JSON object with a type.");
                return false;
            }

            if (root.TryGetProperty("event_id", out var id))
            {
                eventId = id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            }

            var name = type.GetString();
            string? text = null;
            if (name is Say)
            {
                if (!root.TryGetProperty("text", out var value) || value.ValueKind != JsonValueKind.String)
                {
                    error = ServerEvents.InvalidRequest("missing_required_parameter", "supervisor.say needs text.", eventId, "text");
                    return false;
                }

                text = value.GetString();
            }
            else if (name is not (TakeOver or HandBack or AudioDone))
            {
                error = ServerEvents.InvalidRequest("unknown_event", $"Unknown supervisor command '{name}'.", eventId, "type");
                return false;
            }

            command = new SupervisorCommand(name!, eventId, text);
            error = default;
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            error = ServerEvents.InvalidRequest("invalid_json", "The command is not valid JSON (or not valid text).");
            return false;
        }
    }
}
