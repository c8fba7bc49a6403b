using System.Net;
using System.Net.Sockets;

namespace Conversations.Testing;

/// <summary>
/// A loopback TCP forwarder that can be partitioned: while blocked, no byte passes in either direction (connections
/// stay open, as behind a dropped link), and new connections are held. Unblocking lets the held traffic through.
/// </summary>
public sealed class TcpProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private volatile TaskCompletionSource _open = Opened();

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _ = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Block() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Unblock() => _open.TrySetResult();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        Unblock();
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                using (var server = new TcpClient())
                {
                    try
                    {
                        await _open.Task;
                        await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                        await Task.WhenAny(PumpAsync(client.GetStream(), server.GetStream()), PumpAsync(server.GetStream(), client.GetStream()));
                    }
                    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                    {
                    }
                }
            });
        }
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        var buffer = new byte[16384];
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            await _open.Task.WaitAsync(_stop.Token);
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}
