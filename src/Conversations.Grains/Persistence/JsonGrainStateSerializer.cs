using System.Text.Json;
using Orleans.Storage;

namespace Conversations.Grains.Persistence;

/// <summary>
/// Grain state in Orleans' ADO.NET storage as plain JSON (snake_case, no CLR type names), so renaming or moving a
/// state class never makes stored state unreadable. Registered under the key <c>json</c> for <c>SerializerKey</c>.
/// </summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    public const string Key = "json";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T? Deserialize<T>(BinaryData input) => JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options);
}
