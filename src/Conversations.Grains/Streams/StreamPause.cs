namespace Conversations.Grains.Streams;

/// <summary>A delay that ends quietly when cancelled.</summary>
internal static class StreamPause
{
    /// <summary>Waits <paramref name="delay"/>; false when cancelled first.</summary>
    public static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
