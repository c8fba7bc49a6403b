using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Conversations.AppHost.Tests;

/// <summary>Free loopback ports for one AppHost run: silos (HTTP at base + 10·i, HTTPS the port after), engine, PostgreSQL, dashboard.</summary>
internal sealed record StackPorts(int SiloBase, int Engine, int Postgres, int Dashboard, int DashboardOtlp, int ResourceService)
{
    public static StackPorts Free(int silos)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var siloBase = Random.Shared.Next(20000, 40000);
            int[] wanted = [.. Enumerable.Range(0, silos).SelectMany(i => new[] { siloBase + (10 * i), siloBase + (10 * i) + 1 }), siloBase + 90, siloBase + 91, siloBase + 92, siloBase + 93, siloBase + 94];
            if (wanted.All(IsFree))
            {
                return new StackPorts(siloBase, siloBase + 90, siloBase + 91, siloBase + 92, siloBase + 93, siloBase + 94);
            }
        }

        throw new InvalidOperationException("No free block of loopback ports.");
    }

    public string Silo(int index) => $"http://127.0.0.1:{Http(index).ToString(CultureInfo.InvariantCulture)}";

    public int Http(int index) => SiloBase + (10 * index);

    public int Https(int index) => SiloBase + (10 * index) + 1;

    public string DashboardUrl => $"http://127.0.0.1:{Dashboard.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The AppHost's switches and the dashboard's addresses (as configuration keys).</summary>
    public string[] Arguments(int silos, string dataDirectory) =>
    [
        "--silos", silos.ToString(CultureInfo.InvariantCulture),
        "--silo-port", SiloBase.ToString(CultureInfo.InvariantCulture),
        "--engine-port", Engine.ToString(CultureInfo.InvariantCulture),
        "--postgres-port", Postgres.ToString(CultureInfo.InvariantCulture),
        "--data-dir", dataDirectory,
        $"ASPNETCORE_URLS={DashboardUrl}",
        $"ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL=http://127.0.0.1:{DashboardOtlp.ToString(CultureInfo.InvariantCulture)}",
        $"ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:{ResourceService.ToString(CultureInfo.InvariantCulture)}",
    ];

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
