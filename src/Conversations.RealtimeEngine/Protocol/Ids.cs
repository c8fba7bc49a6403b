using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Conversations.RealtimeEngine.Protocol;

/// <summary>OpenAI-style identifiers (<c>item_…</c>, <c>resp_…</c>): random, so ids from different sessions never collide.</summary>
internal static class Ids
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New(string prefix) => string.Concat(prefix, "_", RandomNumberGenerator.GetString(Alphabet, 20));
}

/// <summary>Event ids for one session: a random prefix and a counter, written without allocating.</summary>
internal sealed class EventIdSource
{
    private readonly string _prefix = "event_" + RandomNumberGenerator.GetString("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 8);
    private long _next;

    public void Write(Utf8JsonWriter writer)
    {
        Span<char> id = stackalloc char[40];
        _prefix.AsSpan().CopyTo(id);
        var number = Interlocked.Increment(ref _next);
        number.TryFormat(id[_prefix.Length..], out var digits, "x", CultureInfo.InvariantCulture);
        writer.WriteString(JsonNames.EventId, id[..(_prefix.Length + digits)]);
    }
}
