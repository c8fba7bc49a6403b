using System.Globalization;

namespace Conversations.Grains.Hosting;

/// <summary>Which silo this is, as conversations report it: the configured name and the generation of this start (<c>name@generation</c>).</summary>
/// <remarks>A restarted silo has a new generation, so events written by its previous life are told apart from its own.</remarks>
public sealed record SiloIdentity(string Name, int Generation)
{
    public string Id { get; } = string.Create(CultureInfo.InvariantCulture, $"{Name}@{Generation}");

    public override string ToString() => Id;
}
