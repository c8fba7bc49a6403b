using System.Collections.Concurrent;

namespace Conversations.Grains.Hosting;

/// <summary>The conversations activated on this silo (so a leaving silo can hand them over).</summary>
public sealed class LocalConversations
{
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);

    public int Count => _ids.Count;

    public IReadOnlyCollection<string> Ids => [.. _ids.Keys];

    internal void Add(string id) => _ids[id] = 0;

    internal void Remove(string id) => _ids.TryRemove(id, out _);
}
