using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Security.Claims;
using System.Text.Json;
using Conversations.Domain.Tiers;
using Conversations.Gateway.Api;
using Conversations.Gateway.Auth;
using Conversations.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Conversations.EndToEnd.Tests;

/// <summary>
/// What a probe of the REST API and the socket's handshake found (issues #12 and #13): inputs PostgreSQL cannot hold,
/// tokens without a user, refusals that were not ProblemDetails, a socket address taken from the caller's Host header,
/// tiers that did not exist. Each gets a clear 4xx (or 401) answer, never a 500.
/// </summary>
public sealed class RestRobustnessTests(PostgresServerFixture postgres, EngineFixture engine)
{
    [Fact]
    public async Task A_valid_token_without_a_sub_is_refused_with_a_401_problem_on_REST_and_before_the_socket_upgrade()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = SignedToken(silo, new Claim("tier", "free"), new Claim("role", "user"));

        using var http = silo.HttpFor(token);
        foreach (var path in new[] { "/api/v1/conversations", "/api/v1/conversations/limits/current", "/api/v1/characters" })
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
            var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
            problem.GetProperty("detail").GetString()!.ShouldContain("sub claim (the user id) is missing");
        }

        using (var create = await http.PostAsJsonAsync("/api/v1/conversations", new { character_id = "nutrition" }, TestContext.Current.CancellationToken))
        {
            await ProblemAsync(create, HttpStatusCode.Unauthorized, "unauthorized");
        }

        var refused = await Should.ThrowAsync<WebSocketException>(() => RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime"));
        refused.Message.ShouldContain("401");
    }

    [Fact]
    public async Task A_token_whose_user_id_holds_a_NUL_or_a_control_character_is_refused_with_401_not_500()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);

        foreach (var userId in new[] { "eve\0admin", "eve\u0007", "\u001b[31meve" })
        {
            var token = SignedToken(silo, new Claim("sub", userId), new Claim("role", "user"));
            using var http = silo.HttpFor(token);
            using var list = await http.GetAsync(new Uri("/api/v1/conversations", UriKind.Relative), TestContext.Current.CancellationToken);
            var problem = await ProblemAsync(list, HttpStatusCode.Unauthorized, "unauthorized");
            problem.GetProperty("detail").GetString()!.ShouldContain("control characters");
            using var create = await http.PostAsJsonAsync("/api/v1/conversations", new { character_id = "nutrition" }, TestContext.Current.CancellationToken);
            create.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await Should.ThrowAsync<WebSocketException>(() => RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime"))).Message.ShouldContain("401");
        }
    }

    [Fact]
    public async Task A_development_token_for_a_user_id_with_a_NUL_or_control_character_is_refused_with_400()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        using var http = silo.HttpFor(null);

        // As the JSON escapes arrive on the wire (a serializer would replace the lone surrogate, which JSON cannot even bind).
        foreach (var (userId, code) in new[] { (@"mallory\u0000", "validation_error"), (@"mal\nlory", "validation_error"), ("", "validation_error"), (@"\ud800mallory", "invalid_request") })
        {
            using var body = new StringContent($$"""{"user_id":"{{userId}}","tier":"free"}""", System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("/api/v1/dev/tokens", UriKind.Relative), body, TestContext.Current.CancellationToken);
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, code);
            problem.GetProperty("detail").GetString()!.ShouldContain("user_id");
        }
    }

    [Fact]
    public async Task A_NUL_or_control_character_in_a_conversation_id_is_a_404_on_REST_and_4404_on_the_socket()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("nadia");
        using var http = silo.HttpFor(token);

        foreach (var id in new[] { "conv_%00", "conv_%01abc", "conv_%1B", "%ED%A0%80" })
        {
            foreach (var (method, path) in new[]
            {
                (HttpMethod.Get, $"/api/v1/conversations/{id}"),
                (HttpMethod.Get, $"/api/v1/conversations/{id}/transcript"),
                (HttpMethod.Get, $"/api/v1/conversations/{id}/transcript/live"),
                (HttpMethod.Post, $"/api/v1/conversations/{id}/end"),
                (HttpMethod.Delete, $"/api/v1/conversations/{id}"),
            })
            {
                using var response = await http.SendAsync(new HttpRequestMessage(method, new Uri(path, UriKind.Relative)), TestContext.Current.CancellationToken);
                ((int)response.StatusCode).ShouldBeInRange(400, 404, $"{method} {path}");
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    await ProblemAsync(response, HttpStatusCode.NotFound, "conversation_not_found");
                }
            }

            await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, $"conversation_id={id}", token, "realtime");
            (await socket.NextAsync("error")).GetProperty("error").GetProperty("code").GetString().ShouldBe("conversation_not_found");
            await socket.Closed.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            ((int?)socket.CloseStatus).ShouldBe(4404);
        }

        // The node is fine afterwards.
        using var created = await http.PostAsJsonAsync("/api/v1/conversations", new { character_id = "nutrition" }, TestContext.Current.CancellationToken);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_NUL_or_control_character_in_the_list_cursor_is_refused_with_400()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        using var http = silo.HttpFor(silo.TokenFor("oscar"));

        foreach (var cursor in new[] { "%00", "conv_%00abc", "%07" })
        {
            using var response = await http.GetAsync(new Uri($"/api/v1/conversations?cursor={cursor}", UriKind.Relative), TestContext.Current.CancellationToken);
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "validation_error");
            problem.GetProperty("detail").GetString()!.ShouldContain("cursor");
        }
    }

    [Fact]
    public async Task An_unknown_tier_in_a_development_token_request_is_refused_with_the_list_of_tiers()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine, web =>
        {
            web.UseSetting("Tiers:Items:clinic:MaxSecondsPerConversation", "900");
            web.UseSetting("Tiers:Items:clinic:MonthlyMinutes", "600");
            web.UseSetting("Tiers:Items:clinic:MonthlyDollars", "20");
            web.UseSetting("Tiers:Items:clinic:MonthlyConversations", "50");
            web.UseSetting("Tiers:Items:clinic:AllowedModes:0", "Cascade");
        });
        using var http = silo.HttpFor(null);
        var configured = silo.Services.GetRequiredService<TierCatalog>().All.Select(t => t.Id).ToArray();
        configured.ShouldContain("clinic");

        using var refused = await http.PostAsJsonAsync("/api/v1/dev/tokens", new { user_id = "pat", tier = "platinum" }, TestContext.Current.CancellationToken);

        var problem = await ProblemAsync(refused, HttpStatusCode.BadRequest, "unknown_tier");
        problem.GetProperty("tiers").EnumerateArray().Select(t => t.GetString()).ShouldBe(configured);
        problem.GetProperty("detail").GetString()!.ShouldContain("'platinum'");
        foreach (var tier in configured)
        {
            problem.GetProperty("detail").GetString()!.ShouldContain(tier);
        }

        using var known = await http.PostAsJsonAsync("/api/v1/dev/tokens", new { user_id = "pat", tier = "clinic" }, TestContext.Current.CancellationToken);
        known.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var omitted = await http.PostAsJsonAsync("/api/v1/dev/tokens", new { user_id = "pat" }, TestContext.Current.CancellationToken);
        omitted.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Missing_tokens_and_missing_roles_are_refused_with_problem_json_401_and_403()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);

        using var anonymous = silo.HttpFor(null);
        using var missing = await anonymous.GetAsync(new Uri("/api/v1/conversations", UriKind.Relative), TestContext.Current.CancellationToken);
        await ProblemAsync(missing, HttpStatusCode.Unauthorized, "unauthorized");
        missing.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");

        using var forged = silo.HttpFor(silo.TokenFor("quentin")[..^4] + "AAAA");
        using var bad = await forged.GetAsync(new Uri("/api/v1/conversations", UriKind.Relative), TestContext.Current.CancellationToken);
        await ProblemAsync(bad, HttpStatusCode.Unauthorized, "unauthorized");
        bad.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");

        using var user = silo.HttpFor(silo.TokenFor("quentin"));
        foreach (var path in new[] { "/api/v1/alerts", "/api/v1/dashboard/conversations" })
        {
            using var forbidden = await user.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
            await ProblemAsync(forbidden, HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Fact]
    public async Task The_websocket_url_is_the_servers_own_address_whatever_Host_header_the_caller_sends()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        using var http = silo.HttpFor(silo.TokenFor("rita"));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/conversations", UriKind.Relative))
        {
            Content = JsonContent.Create(new { character_id = "nutrition" }),
        };
        request.Headers.Host = "attacker.example:6666";

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var created = await TestSilo.ReadAsync<CreatedConversation>(response);
        created.WebsocketUrl.ShouldBe(new Uri($"ws://{silo.BaseUrl.Authority}/v1/realtime?conversation_id={created.ConversationId}"));

        // And it works: the socket attaches to the conversation just created.
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, created.WebsocketUrl.Query.TrimStart('?'), silo.TokenFor("rita"), "realtime");
        (await socket.NextAsync("conversations.started")).GetProperty("conversation_id").GetString().ShouldBe(created.ConversationId);
    }

    [Fact]
    public async Task The_websocket_url_is_built_from_the_configured_public_base_url()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine, web => web.UseSetting("Api:PublicBaseUrl", "https://voice.example.com/conversations/"));
        using var http = silo.HttpFor(silo.TokenFor("sven"));

        using var response = await http.PostAsJsonAsync("/api/v1/conversations", new { character_id = "nutrition" }, TestContext.Current.CancellationToken);

        var created = await TestSilo.ReadAsync<CreatedConversation>(response);
        created.WebsocketUrl.ShouldBe(new Uri($"wss://voice.example.com/conversations/v1/realtime?conversation_id={created.ConversationId}"));
    }

    [Fact]
    public async Task A_quota_refusal_on_the_socket_names_the_limit_in_its_error_event()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine, web => web.UseSetting("Tiers:Items:free:MonthlyConversations", "1"));
        var token = silo.TokenFor("tess");
        using var http = silo.HttpFor(token);
        (await http.PostAsJsonAsync("/api/v1/conversations", new { character_id = "nutrition" }, TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.Created);

        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");

        var error = (await socket.NextAsync("error")).GetProperty("error");
        error.GetProperty("code").GetString().ShouldBe("quota_exceeded");
        error.GetProperty("message").GetString()!.ShouldContain("(limit: monthly_conversations)");
        await socket.Closed.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        socket.CloseStatus.ShouldBe(WebSocketCloseStatus.PolicyViolation);
    }

    /// <summary>A token signed with the silo's key, with exactly these claims.</summary>
    private static string SignedToken(TestSilo silo, params Claim[] claims)
    {
        var options = silo.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(AuthenticationExtensions.SigningKey(options), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Checks the status and that the body is a ProblemDetails of <paramref name="code"/>; returns it.</summary>
    internal static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", body);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        problem.GetProperty("type").GetString().ShouldBe($"/problems/{code}");
        problem.GetProperty("code").GetString().ShouldBe(code);
        problem.GetProperty("status").GetInt32().ShouldBe((int)status);
        return problem;
    }
}
