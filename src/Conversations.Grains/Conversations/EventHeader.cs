using System.Text.Json;

namespace Conversations.Grains.Conversations;

/// <summary>
/// The top-level fields of a realtime event the gateway routes on, read with one forward pass of
/// <see cref="Utf8JsonReader"/> and no allocation for the common audio events (strings are materialised only on demand).
/// </summary>
public ref struct EventHeader
{
    /// <summary>The longest nesting a client event may have.</summary>
    public const int MaxDepth = 16;

    public ReadOnlySpan<byte> Type;
    public ReadOnlySpan<byte> EventId;
    public ReadOnlySpan<byte> ItemId;
    public ReadOnlySpan<byte> Delta;
    public ReadOnlySpan<byte> ResponseId;
    public bool HasEscapes;

    /// <summary>Reads the header of <paramref name="json"/>; false when it is not well-formed JSON with an object at the top (or too deep).</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out EventHeader header)
    {
        header = default;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var target = reader.ValueTextEquals("type"u8) ? 1
                    : reader.ValueTextEquals("event_id"u8) ? 2
                    : reader.ValueTextEquals("item_id"u8) ? 3
                    : reader.ValueTextEquals("delta"u8) ? 4
                    : reader.ValueTextEquals("response_id"u8) ? 5
                    : 0;
                reader.Read();
                if (target != 0 && reader.TokenType == JsonTokenType.String)
                {
                    header.HasEscapes |= reader.ValueIsEscaped;
                    switch (target)
                    {
                        case 1: header.Type = reader.ValueSpan; break;
                        case 2: header.EventId = reader.ValueSpan; break;
                        case 3: header.ItemId = reader.ValueSpan; break;
                        case 4: header.Delta = reader.ValueSpan; break;
                        default: header.ResponseId = reader.ValueSpan; break;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            // Reading to the end validates the whole document, so malformed JSON is refused here, not upstream.
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public readonly string? EventIdString => EventId.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(EventId);

    public readonly string? ItemIdString => ItemId.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(ItemId);

    public readonly string? ResponseIdString => ResponseId.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(ResponseId);

    public readonly bool Is(ReadOnlySpan<byte> type) => Type.SequenceEqual(type);
}
