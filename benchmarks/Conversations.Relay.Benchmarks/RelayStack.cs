using System.Globalization;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Conversations.Gateway.Auth;
using Conversations.Testing.Postgres;
using Conversations.Testing.Processes;

namespace Conversations.Relay.Benchmarks;

/// <summary>
/// What the benchmark measures, each piece its own process as the AppHost runs it: PostgreSQL from the local binaries,
/// the realtime engine (with an API key) and N silos whose character <c>nutrition</c> talks to the engine's <c>echo</c>.
/// </summary>
internal sealed class RelayStack : IAsyncDisposable
{
    public const string Character = "nutrition";
    private const string Tier = "premium";
    private readonly AuthOptions _auth = new() { SigningKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)) };
    private readonly string _engineKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private LocalPostgres? _postgres;
    private ServiceProcess? _engine;
    private readonly List<ServiceProcess> _silos = [];

    public ServiceProcess Engine => _engine!;

    public IReadOnlyList<ServiceProcess> Silos => _silos;

    public int PostgresProcessId => _postgres?.ServerProcessId ?? 0;

    public static async Task<RelayStack> StartAsync(int silos, IReadOnlyDictionary<string, string> siloSettings)
    {
        var stack = new RelayStack();
        try
        {
            stack._postgres = await LocalPostgres.StartAsync(new LocalPostgresOptions(Path.Combine(Path.GetTempPath(), "conversations-relay-bench", Guid.NewGuid().ToString("N"))) { MaxConnections = 600 });
            stack._engine = await ServiceProcess.StartAsync("Conversations.RealtimeEngine", "engine", new Dictionary<string, string>
            {
                ["Engine__ApiKey"] = stack._engineKey,
                ["Engine__OutboundQueueCapacity"] = "4096",
            });
            var database = stack._postgres.ConnectionString();
            var settings = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Auth__SigningKey"] = stack._auth.SigningKey,
                ["Upstream__ApiKey"] = stack._engineKey,
                [$"Characters__Items__{Character}__UpstreamModel"] = "echo",
                [$"Tiers__Items__{Tier}__MaxConcurrentConversations"] = "100000",
                [$"Tiers__Items__{Tier}__MonthlyConversations"] = "10000000",
                [$"Tiers__Items__{Tier}__MonthlyMinutes"] = "100000000",
                [$"Tiers__Items__{Tier}__MonthlyDollars"] = "100000000",
            };
            foreach (var (key, value) in siloSettings)
            {
                settings[key] = value;
            }

            // The first silo migrates the database; the others join its cluster.
            stack._silos.Add(await SiloProcess.StartAsync(database, stack._engine.BaseUrl, "silo-0", settings));
            stack._silos.AddRange(await Task.WhenAll(Enumerable.Range(1, silos - 1).Select(i => SiloProcess.StartAsync(database, stack._engine.BaseUrl, $"silo-{i.ToString(CultureInfo.InvariantCulture)}", settings))));
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>A user token for the premium tier, signed as the silos check it.</summary>
    public string Token(string user) => DevelopmentTokens.Create(_auth, user, Tier, ["user"], DateTimeOffset.UtcNow, TimeSpan.FromHours(4));

    /// <summary>A client socket on silo <paramref name="silo"/>'s gateway (<c>model=</c> or <c>conversation_id=</c> in <paramref name="query"/>).</summary>
    public async Task<ClientWebSocket> ConnectGatewayAsync(int silo, string query, string token, bool binaryAudio, CancellationToken cancellationToken)
    {
        var socket = NewSocket();
        socket.Options.AddSubProtocol(binaryAudio ? "conversations.pcm16" : "realtime");
        socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
        var url = new UriBuilder(_silos[silo].BaseUrl) { Scheme = "ws", Path = "/v1/realtime", Query = query }.Uri;
        return await ConnectAsync(socket, url, cancellationToken);
    }

    /// <summary>A session straight to the engine's <c>echo</c> model.</summary>
    public async Task<ClientWebSocket> ConnectEngineAsync(CancellationToken cancellationToken)
    {
        var socket = NewSocket();
        socket.Options.AddSubProtocol("realtime");
        socket.Options.SetRequestHeader("Authorization", $"Bearer {_engineKey}");
        var url = new UriBuilder(Engine.BaseUrl) { Scheme = "ws", Path = "/v1/realtime", Query = "model=echo" }.Uri;
        return await ConnectAsync(socket, url, cancellationToken);
    }

    /// <summary>Ends a conversation through the REST API (its upstream session closes with it).</summary>
    public async Task EndConversationAsync(int silo, string conversationId, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_silos[silo].BaseUrl, $"/api/v1/conversations/{conversationId}/end"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (_engine is not null)
        {
            await _engine.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
            try
            {
                Directory.Delete(_postgres.DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        _http.Dispose();
    }

    private static ClientWebSocket NewSocket()
    {
        var socket = new ClientWebSocket();
        socket.Options.SetBuffer(16 * 1024, 4 * 1024);
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        return socket;
    }

    private static async Task<ClientWebSocket> ConnectAsync(ClientWebSocket socket, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await socket.ConnectAsync(url, timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads server events until one of <paramref name="types"/> arrives; returns it parsed.</summary>
    public static async Task<JsonElement> WaitForEventAsync(ClientWebSocket socket, CancellationToken cancellationToken, params string[] types)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                length += result.Count;
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException($"The server closed the socket ({socket.CloseStatus} {socket.CloseStatusDescription}) before any of {string.Join(", ", types)}.");
            }

            if (result.MessageType != WebSocketMessageType.Text)
            {
                continue;
            }

            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            var type = document.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type == "error")
            {
                throw new InvalidOperationException($"The server refused: {document.RootElement.GetRawText()}");
            }

            if (types.Contains(type))
            {
                return document.RootElement.Clone();
            }
        }
    }
}
