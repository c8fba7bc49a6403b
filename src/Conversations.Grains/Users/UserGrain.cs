using Conversations.Abstractions.Users;

namespace Conversations.Grains.Users;

/// <summary>The per-user cap on attached conversations (see <see cref="IUserGrain"/>); places not renewed for <see cref="Expiry"/> lapse.</summary>
public sealed class UserGrain(TimeProvider time) : Grain, IUserGrain
{
    /// <summary>A place not renewed for this long belongs to a conversation that is gone (its silo died).</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, DateTimeOffset> _attached = new(StringComparer.Ordinal);

    public Task<bool> TryAttachAsync(string conversationId, int limit)
    {
        var now = time.GetUtcNow();
        foreach (var lapsed in _attached.Where(p => now - p.Value > Expiry).Select(p => p.Key).ToList())
        {
            _attached.Remove(lapsed);
        }

        if (!_attached.ContainsKey(conversationId) && _attached.Count >= limit)
        {
            return Task.FromResult(false);
        }

        _attached[conversationId] = now;
        return Task.FromResult(true);
    }

    public Task RenewAsync(string conversationId)
    {
        if (_attached.ContainsKey(conversationId))
        {
            _attached[conversationId] = time.GetUtcNow();
        }

        return Task.CompletedTask;
    }

    public Task DetachAsync(string conversationId)
    {
        _attached.Remove(conversationId);
        return Task.CompletedTask;
    }
}
