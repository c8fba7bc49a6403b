using System.Text.Json;

namespace Conversations.RealtimeEngine.Protocol;

/// <summary>Typed reads of optional and required fields that fail with OpenAI-style error codes.</summary>
internal static class JsonFields
{
    public static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    public static JsonElement RequireObject(JsonElement element, string name, string param)
    {
        if (!TryGet(element, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new ProtocolException("missing_required_parameter", $"Missing required parameter: '{param}'.", param);
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw InvalidType(param, "an object");
    }

    public static string RequireString(JsonElement element, string name, string param)
    {
        return OptionalString(element, name, param) ?? throw new ProtocolException("missing_required_parameter", $"Missing required parameter: '{param}'.", param);
    }

    public static string? OptionalString(JsonElement element, string name, string param)
    {
        if (!TryGet(element, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw InvalidType(param, "a string");
    }

    public static bool? OptionalBool(JsonElement element, string name, string param)
    {
        if (!TryGet(element, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw InvalidType(param, "a boolean"),
        };
    }

    public static double? OptionalNumber(JsonElement element, string name, string param, double min, double max)
    {
        if (!TryGet(element, name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
        {
            throw InvalidType(param, "a number");
        }

        return number >= min && number <= max
            ? number
            : throw new ProtocolException("invalid_value", $"Invalid '{param}': {number} is outside {min}–{max}.", param);
    }

    public static int? OptionalInt(JsonElement element, string name, string param, int min, int max)
    {
        var number = OptionalNumber(element, name, param, min, max);
        return number is null ? null : (int)Math.Round(number.Value);
    }

    public static ProtocolException InvalidType(string param, string expected) =>
        new("invalid_type", $"Invalid type for '{param}': expected {expected}.", param);

    public static ProtocolException InvalidValue(string param, string? value, string supported) =>
        new("invalid_value", $"Invalid value for '{param}': '{value}'. Supported values are: {supported}.", param);
}
