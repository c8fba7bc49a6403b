using System.Globalization;

namespace Conversations.Runtime.Hosting;

/// <summary>Who this node is: a configured name plus a generation that differs on every start (Orleans' SiloAddress does the same).</summary>
/// <remarks>A restarted node is a new owner, so it cannot mistake the leases of its previous life for its own.</remarks>
public sealed record NodeIdentity(string Name, long Generation, Uri AdvertisedAddress)
{
    /// <summary>The owner id written into leases and the membership table: <c>name@generation</c>.</summary>
    public string Id { get; } = string.Create(CultureInfo.InvariantCulture, $"{Name}@{Generation}");

    public static NodeIdentity Create(string name, Uri advertisedAddress) =>
        new(name, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 + Random.Shared.Next(1000), advertisedAddress);

    public override string ToString() => Id;
}
