using System.Net.WebSockets;
using Conversations.Testing.Postgres;
using Conversations.Gateway.Auth;
using Conversations.RealtimeEngine;
using Conversations.Silo;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conversations.Cluster.Benchmarks;

/// <summary>A throw-away PostgreSQL, the offline engine and two silos on real loopback ports, all in this process.</summary>
internal sealed class BenchmarkCluster : IAsyncDisposable
{
    private readonly LocalPostgres _postgres;
    private readonly RealtimeEngineServer _engine;
    private readonly List<WebApplicationFactory<SiloEntryPoint>> _silos;

    private BenchmarkCluster(LocalPostgres postgres, RealtimeEngineServer engine, List<WebApplicationFactory<SiloEntryPoint>> silos, List<Uri> urls, string database)
    {
        _postgres = postgres;
        _engine = engine;
        _silos = silos;
        Urls = urls;
        Database = database;
    }

    public IReadOnlyList<Uri> Urls { get; }

    public string Database { get; }

    public static async Task<BenchmarkCluster> StartAsync()
    {
        var postgres = await LocalPostgres.StartAsync(new LocalPostgresOptions(Path.Combine(Path.GetTempPath(), "conversations-bench", Guid.NewGuid().ToString("N"))) { Ephemeral = true });
        try
        {
            return await StartOnAsync(postgres);
        }
        catch
        {
            // Never leave a server behind when the start fails.
            await postgres.DisposeAsync();
            throw;
        }
    }

    private static async Task<BenchmarkCluster> StartOnAsync(LocalPostgres postgres)
    {
        var database = postgres.ConnectionString();
        var engine = await RealtimeEngineServer.StartAsync();
        // WebApplicationFactory finds a test project's content roots in a manifest; a console app tells it directly.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CONVERSATIONS_SILO", Path.Combine(RepositoryRoot(), "src", "Conversations.Silo"));
        var silos = new List<WebApplicationFactory<SiloEntryPoint>>();
        var urls = new List<Uri>();
        for (var i = 0; i < 2; i++)
        {
            var port = FreePort();
            var url = new Uri($"http://127.0.0.1:{port}");
            var factory = new WebApplicationFactory<SiloEntryPoint>().WithWebHostBuilder(web =>
            {
                web.UseEnvironment("Development");
                web.UseUrls(url.ToString());
                web.UseSetting("ConnectionStrings:postgres", database);
                web.UseSetting("Auth:SigningKey", SigningKey);
                web.UseSetting("Upstream:Endpoint", engine.OpenAIEndpoint.ToString());
                web.UseSetting("Orleans:Name", $"bench-{i}");
                web.UseSetting("Orleans:Endpoints:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
                web.UseSetting("Orleans:Endpoints:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
                web.UseSetting("Logging:LogLevel:Default", "Warning");
                // The hop is timed frame after frame as fast as they come back, above the 400 a second a client may send.
                web.UseSetting("Gateway:MaxFramesPerSecond", "100000");
            });
            factory.UseKestrel();
            factory.StartServer();
            silos.Add(factory);
            urls.Add(url);
        }

        return new BenchmarkCluster(postgres, engine, silos, urls, database);
    }

    /// <summary>The key the benchmark's silos sign tokens with.</summary>
    private const string SigningKey = "benchmark-only-signing-key-of-the-cluster-silos-0123456789";

    public string Token(string user)
    {
        var options = _silos[0].Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        return DevelopmentTokens.Create(options, user, "premium", ["user"], DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
    }

    public static async Task<ClientWebSocket> ConnectAsync(Uri node, string query, string token)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("realtime");
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        await socket.ConnectAsync(new UriBuilder(node) { Scheme = "ws", Path = "/v1/realtime", Query = query }.Uri, CancellationToken.None);
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _engine.DisposeAsync();
        await _postgres.DisposeAsync();
        Directory.Delete(_postgres.DataDirectory, recursive: true);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Conversations.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Run the benchmark from the repository.");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
