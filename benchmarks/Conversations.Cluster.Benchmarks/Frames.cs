using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Conversations.Cluster.Benchmarks;

internal static class Frames
{
    public static Task SendAsync(WebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Reads text events until one satisfies <paramref name="match"/>.</summary>
    public static async Task<JsonElement> ReadUntilAsync(WebSocket socket, Func<JsonElement, bool> match)
    {
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"closed: {socket.CloseStatus} {socket.CloseStatusDescription}");
            }

            if (result.MessageType != WebSocketMessageType.Text)
            {
                continue;
            }

            var element = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
            if (match(element))
            {
                return element;
            }
        }
    }

    public static string Type(JsonElement e) => e.GetProperty("type").GetString()!;

    public static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
