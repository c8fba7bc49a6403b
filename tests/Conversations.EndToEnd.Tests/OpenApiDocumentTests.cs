using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Conversations.Testing;
using Microsoft.AspNetCore.Hosting;

namespace Conversations.EndToEnd.Tests;

/// <summary>
/// <c>/openapi/v1.json</c> documents what the service really does (issue #13): checked against the live endpoints — which
/// need a token, which problem types they answer, which events the socket sends — not against a list kept in the test.
/// </summary>
public sealed class OpenApiDocumentTests(PostgresServerFixture postgres, EngineFixture engine)
{
    [Fact]
    public async Task Every_endpoint_has_a_summary_and_a_description_and_those_that_need_a_token_declare_the_bearer_scheme()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var document = await DocumentAsync(silo);

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        scheme.GetProperty("type").GetString().ShouldBe("http");
        scheme.GetProperty("scheme").GetString().ShouldBe("bearer");
        scheme.GetProperty("bearerFormat").GetString().ShouldBe("JWT");

        using var anonymous = silo.HttpFor(null);
        var operations = Operations(document).ToList();
        operations.Count.ShouldBeGreaterThan(15);
        foreach (var (path, method, operation) in operations)
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            operation.TryGetProperty("summary", out var summary).ShouldBeTrue($"{name} has a summary");
            summary.GetString().ShouldNotBeNullOrWhiteSpace(name);
            operation.TryGetProperty("description", out var description).ShouldBeTrue($"{name} has a description");
            description.GetString()!.Length.ShouldBeGreaterThan(40, name);

            // Whether the endpoint needs a token is what it answers without one.
            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), new Uri(Concrete(path), UriKind.Relative));
            if (path == "/v1/realtime")
            {
                request.Headers.Connection.Add("Upgrade");
                request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
                request.Headers.Add("Sec-WebSocket-Version", "13");
                request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
            }

            using var response = await anonymous.SendAsync(request, TestContext.Current.CancellationToken);
            var needsToken = response.StatusCode == HttpStatusCode.Unauthorized;
            var declares = operation.TryGetProperty("security", out var security)
                && security.EnumerateArray().Any(r => r.TryGetProperty("bearer", out _));
            declares.ShouldBe(needsToken, $"{name} answered {(int)response.StatusCode} without a token");
            if (needsToken)
            {
                operation.GetProperty("responses").TryGetProperty("401", out _).ShouldBeTrue($"{name} documents its 401");
            }
        }
    }

    [Fact]
    public async Task The_realtime_socket_is_described_with_a_link_to_the_protocol_and_every_event_it_sends()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var document = await DocumentAsync(silo);

        var realtime = document.GetProperty("paths").GetProperty("/v1/realtime").GetProperty("get");
        realtime.GetProperty("description").GetString()!.ShouldContain("docs/protocol.md");
        realtime.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString())
            .ShouldBe(["model", "conversation_id", "resume_from_seq"], ignoreOrder: true);
        var clientEvents = realtime.GetProperty("x-client-events").EnumerateArray().Select(e => e.GetString()!).ToList();
        var serverEvents = realtime.GetProperty("x-server-events").EnumerateArray().Select(e => e.GetString()!).ToList();

        // The protocol document the description links to lists the same client events.
        var protocol = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "protocol.md"), TestContext.Current.CancellationToken);
        foreach (var clientEvent in clientEvents)
        {
            protocol.ShouldContain(clientEvent.Split('.')[^1], Case.Sensitive, $"docs/protocol.md names {clientEvent}");
        }

        // Every event of the service's own that a real conversation sends is listed; so is every client event it uses.
        var token = silo.TokenFor("olga");
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        await socket.NextAsync("conversations.started");
        await ConversationTests.SayAsync(socket, "What should I eat for breakfast?");
        await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");
        await socket.SendJsonAsync(new { type = "no.such.event" });
        await socket.NextAsync("error");
        using (var http = silo.HttpFor(token))
        {
            var id = socket.Received.First(e => e.GetProperty("type").GetString() == "conversations.started").GetProperty("conversation_id").GetString();
            (await http.PostAsync(new Uri($"/api/v1/conversations/{id}/end", UriKind.Relative), null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        }

        await socket.NextAsync("conversations.ended");
        var sent = socket.Received.Select(e => e.GetProperty("type").GetString()!).Where(t => t.StartsWith("conversations.", StringComparison.Ordinal) || t == "error").Distinct().ToList();
        sent.Count.ShouldBeGreaterThanOrEqualTo(4);
        serverEvents.ShouldBe(serverEvents.Union(sent), ignoreOrder: true, $"sent: {string.Join(", ", sent)}");
        clientEvents.ShouldContain("conversation.item.create");
        clientEvents.ShouldContain("response.create");
    }

    [Fact]
    public async Task Every_problem_type_the_api_answers_with_is_listed_in_the_document()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine, web => web.UseSetting("Tiers:Items:free:MonthlyConversations", "0"));
        var document = await DocumentAsync(silo);
        var listed = document.GetProperty("x-problem-types").EnumerateArray().ToDictionary(p => p.GetProperty("type").GetString()!, p => p.GetProperty("status").GetInt32());
        var description = document.GetProperty("info").GetProperty("description").GetString()!;

        using var anonymous = silo.HttpFor(null);
        using var user = silo.HttpFor(silo.TokenFor("pia", "free"));
        using var premium = silo.HttpFor(silo.TokenFor("pia", "premium"));
        var answers = new List<HttpResponseMessage>
        {
            await anonymous.GetAsync(new Uri("/api/v1/conversations", UriKind.Relative)),
            await user.GetAsync(new Uri("/api/v1/alerts", UriKind.Relative)),
            await user.GetAsync(new Uri("/api/v1/conversations/conv_missing", UriKind.Relative)),
            await user.GetAsync(new Uri("/api/v1/conversations?limit=0", UriKind.Relative)),
            await user.GetAsync(new Uri("/api/v1/no-such-thing", UriKind.Relative)),
            await user.PostAsJsonAsync("/api/v1/conversations", new { character_id = "nutrition" }),
            await premium.PostAsJsonAsync("/api/v1/conversations", new { character_id = "astrologer" }),
            await premium.PostAsync(new Uri("/api/v1/conversations", UriKind.Relative), new StringContent("{\"character_id\": 42}", Encoding.UTF8, "application/json")),
            await premium.PostAsync(new Uri("/api/v1/conversations", UriKind.Relative), new StringContent("character_id=nutrition", Encoding.UTF8, "text/plain")),
            await premium.PostAsJsonAsync("/api/v1/realtime/client-secrets", new { character_id = "nutrition" }),
            await anonymous.PostAsJsonAsync("/api/v1/dev/tokens", new { user_id = "pia", tier = "gold" }),
            await user.GetAsync(new Uri("/v1/realtime?model=nutrition", UriKind.Relative)),
        };
        var seen = new List<string>();
        foreach (var response in answers)
        {
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            ((int)response.StatusCode).ShouldBeGreaterThanOrEqualTo(400, body);
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", $"{(int)response.StatusCode} {response.RequestMessage!.RequestUri}: {body}");
            var type = JsonDocument.Parse(body).RootElement.GetProperty("type").GetString()!;
            listed.ShouldContainKey(type, $"{response.RequestMessage!.RequestUri} answered {type}");
            listed[type].ShouldBe((int)response.StatusCode, type);
            description.ShouldContain($"`{type}`");
            seen.Add(type);
            response.Dispose();
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", seen.Distinct()));
        seen.Distinct().Count().ShouldBeGreaterThanOrEqualTo(10);
    }

    private static async Task<JsonElement> DocumentAsync(TestSilo silo)
    {
        using var http = silo.HttpFor(null);
        using var response = await http.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        if (Environment.GetEnvironmentVariable("CONVERSATIONS_TEST_ARTIFACTS") is { Length: > 0 } artifacts)
        {
            // Kept for reading: the document as a client sees it.
            Directory.CreateDirectory(artifacts);
            await File.WriteAllTextAsync(Path.Combine(artifacts, "openapi-v1.json"), text, TestContext.Current.CancellationToken);
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject().Where(m => m.Name is "get" or "post" or "put" or "delete" or "patch"))
            {
                yield return (path.Name, method.Name, method.Value);
            }
        }
    }

    /// <summary>A path with its parameters filled in.</summary>
    private static string Concrete(string path) => path.Replace("{id}", "1", StringComparison.Ordinal);

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Conversations.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root was not found.");
    }
}
