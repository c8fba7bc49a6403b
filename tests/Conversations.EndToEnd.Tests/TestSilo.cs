using System.ClientModel;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Conversations.Gateway.Auth;
using Conversations.Silo;
using Conversations.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI.Realtime;

namespace Conversations.EndToEnd.Tests;

/// <summary>
/// The real silo (its Program.cs, pages included) on a real Kestrel port, with its own database, talking to the shared
/// engine. The browser tests compile this file in too.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly WebApplicationFactory<SiloEntryPoint> _factory;

    private TestSilo(WebApplicationFactory<SiloEntryPoint> factory, string database)
    {
        _factory = factory;
        Database = database;
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseUrl = new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    public Uri BaseUrl { get; }

    public string Database { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary><paramref name="count"/> silos on one database: an Orleans cluster in this process, each silo with its own ports.</summary>
    public static async Task<TestSilo[]> StartClusterAsync(PostgresServerFixture postgres, EngineFixture engine, int count, Action<IWebHostBuilder>? configure = null)
    {
        var database = await postgres.CreateDatabaseAsync();
        var silos = new TestSilo[count];
        for (var i = 0; i < count; i++)
        {
            silos[i] = await StartAsync(postgres, engine, configure, database, name: $"silo-{i}");
        }

        return silos;
    }

    public static async Task<TestSilo> StartAsync(PostgresServerFixture postgres, EngineFixture engine, Action<IWebHostBuilder>? configure = null, string? database = null, string name = "silo-0")
    {
        database ??= await postgres.CreateDatabaseAsync();
        var factory = new WebApplicationFactory<SiloEntryPoint>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseUrls("http://127.0.0.1:0");
            web.UseSetting("ConnectionStrings:postgres", database);
            web.UseSetting("Orleans:Name", name);
            web.UseSetting("Orleans:Endpoints:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("Orleans:Endpoints:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("Upstream:Endpoint", new Uri(engine.BaseUrl, "v1").ToString());
            web.UseSetting("Logging:LogLevel:Default", Environment.GetEnvironmentVariable("CONVERSATIONS_TEST_LOG") ?? "Warning");
            if (TestContext.Current.TestOutputHelper is { } output)
            {
                web.ConfigureLogging(logging => logging.AddProvider(new TestOutputLoggerProvider(output)));
            }

            configure?.Invoke(web);
        });
        factory.UseKestrel();
        factory.StartServer();
        return new TestSilo(factory, database);
    }

    /// <summary>A signed user token, as the development endpoint mints.</summary>
    public string TokenFor(string userId, string? tier = null, params string[] roles)
    {
        var options = Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        return DevelopmentTokens.Create(options, userId, tier, roles.Length > 0 ? roles : ["user"], DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
    }

    /// <summary>An unmodified OpenAI SDK realtime client pointed at this gateway with the user's token as its key.</summary>
    public RealtimeClient RealtimeClientFor(string token) =>
        new(new ApiKeyCredential(token), new RealtimeClientOptions { Endpoint = new Uri(BaseUrl, "v1") });

    public HttpClient HttpFor(string? token)
    {
        var http = new HttpClient { BaseAddress = BaseUrl };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    /// <summary>GETs <paramref name="path"/> with the token and reads the JSON answer (fails on a non-success status).</summary>
    public async Task<T> GetAsync<T>(string token, string path)
    {
        using var http = HttpFor(token);
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await ReadAsync<T>(response);
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(Json))!;

    /// <summary>This silo's id as conversations report it (name@generation).</summary>
    public string NodeId => Services.GetRequiredService<Conversations.Grains.Hosting.SiloIdentity>().Id;

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
