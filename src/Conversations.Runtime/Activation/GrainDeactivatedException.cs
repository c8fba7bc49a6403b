namespace Conversations.Runtime.Activation;

/// <summary>The activation ended before the call could run; resolve the grain again to reach its next activation.</summary>
public sealed class GrainDeactivatedException(string key) : Exception($"The activation of {key} has ended.")
{
    public string Key { get; } = key;
}
