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
using Microsoft.Extensions.Options;

namespace Conversations.Browser.Tests;

/// <summary>The real silo (its Program.cs, pages included) on a real Kestrel port, with its own database and the shared engine.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly WebApplicationFactory<SiloEntryPoint> _factory;

    private TestSilo(WebApplicationFactory<SiloEntryPoint> factory, string database)
    {
        _factory = factory;
        Database = database;
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseUrl = new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
    }

    public Uri BaseUrl { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>The connection string of the silo's database (a cluster's silos share one).</summary>
    public string Database { get; }

    /// <summary>Starts a silo; <paramref name="settings"/> are configuration keys and values on top of Development's.</summary>
    public static async Task<TestSilo> StartAsync(PostgresServerFixture postgres, EngineFixture engine, params (string Key, string Value)[] settings) =>
        Start(await postgres.CreateDatabaseAsync(), engine, settings);

    /// <summary>Starts another silo of the same cluster (same database): a second node.</summary>
    public static TestSilo Join(TestSilo cluster, EngineFixture engine) => Start(cluster.Database, engine, []);

    private static TestSilo Start(string database, EngineFixture engine, (string Key, string Value)[] settings)
    {
        var factory = new WebApplicationFactory<SiloEntryPoint>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.UseUrls("http://127.0.0.1:0");
            web.UseSetting("ConnectionStrings:postgres", database);
            web.UseSetting("Upstream:Endpoint", new Uri(engine.BaseUrl, "v1").ToString());
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
        factory.UseKestrel();
        factory.StartServer();
        return new TestSilo(factory, database);
    }

    /// <summary>A signed token, as the development endpoint mints.</summary>
    public string TokenFor(string userId, params string[] roles)
    {
        var options = Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        return DevelopmentTokens.Create(options, userId, tier: null, roles.Length > 0 ? roles : ["user"], DateTimeOffset.UtcNow, TimeSpan.FromHours(1));
    }

    public HttpClient HttpFor(string token)
    {
        var http = new HttpClient { BaseAddress = BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async Task<T> GetAsync<T>(string token, string path)
    {
        using var http = HttpFor(token);
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();
}
