namespace Conversations.Runtime.Activation;

internal interface ICallState;

/// <summary>A call waiting for its turn: runs the grain method and hands the result (or exception) to the caller.</summary>
internal sealed class CallState<TGrain, T>(Func<TGrain, ValueTask<T>> call) : ICallState, IAbortableTurn
{
    private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Result => _result.Task;

    public async ValueTask RunAsync(TGrain grain)
    {
        try
        {
            _result.TrySetResult(await call(grain));
        }
        catch (Exception e)
        {
            _result.TrySetException(e);
            throw;
        }
    }

    public void Abort(Exception reason) => _result.TrySetException(reason);
}
