using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Conversations.AppHost.Tests;

/// <summary>Per-installation secrets: the silos sign with the generated key, and the engine only serves holders of its key.</summary>
[Collection(nameof(OneSiloSystem))]
public sealed class InstallationSecretsTests(OneSiloSystem running)
{
    private const string PublicDevelopmentKey = "development-only-signing-key-change-me-0123456789";
    private static readonly string Secrets = Path.Combine(AppHostProcess.RepositoryRoot(), ".data", "secrets");

    [Fact]
    public async Task The_silos_accept_tokens_signed_with_the_installation_key_and_refuse_the_public_development_key()
    {
        var installationKey = (await File.ReadAllTextAsync(Path.Combine(Secrets, "signing-key"), TestContext.Current.CancellationToken)).Trim();
        using var http = new HttpClient();

        (await CharactersAsync(http, Token(installationKey))).ShouldBe(HttpStatusCode.OK);
        (await CharactersAsync(http, Token(PublicDevelopmentKey))).ShouldBe(HttpStatusCode.Unauthorized);
        File.GetUnixFileMode(Path.Combine(Secrets, "signing-key")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task The_engine_refuses_a_client_without_the_installation_key()
    {
        var engine = new Uri($"ws://127.0.0.1:{running.System.Ports.Engine.ToString(CultureInfo.InvariantCulture)}/v1/realtime?model=mental-health");
        var key = (await File.ReadAllTextAsync(Path.Combine(Secrets, "engine-api-key"), TestContext.Current.CancellationToken)).Trim();

        using var anonymous = new ClientWebSocket();
        anonymous.Options.CollectHttpResponseDetails = true;
        await Should.ThrowAsync<WebSocketException>(() => anonymous.ConnectAsync(engine, TestContext.Current.CancellationToken));
        anonymous.HttpStatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using var holder = new ClientWebSocket();
        holder.Options.SetRequestHeader("Authorization", $"Bearer {key}");
        await holder.ConnectAsync(engine, TestContext.Current.CancellationToken);
        holder.State.ShouldBe(WebSocketState.Open);
    }

    private async Task<HttpStatusCode> CharactersAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{running.System.Ports.Silo(0)}/api/v1/characters"));
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    // An HS256 token as the gateway's development tokens are made (issuer and audience "conversations"), signed with the given key.
    private static string Token(string key)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { sub = "mallory", role = "supervisor", iss = "conversations", aud = "conversations", iat = now, nbf = now, exp = now + 600 }));
        var signature = Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
