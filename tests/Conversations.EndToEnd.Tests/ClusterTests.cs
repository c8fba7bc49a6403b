using System.Net;
using System.Net.Http.Json;
using Conversations.Gateway.Api;
using Conversations.Testing;

namespace Conversations.EndToEnd.Tests;

/// <summary>Several silos on one database: one owner per conversation, clients served through any node.</summary>
public sealed class ClusterTests(PostgresServerFixture postgres, EngineFixture engine)
{
    [Fact]
    public async Task A_hundred_clients_of_ten_conversations_spread_over_three_nodes_all_see_one_owner_per_conversation()
    {
        var silos = await TestSilo.StartClusterAsync(postgres, engine, 3);
        try
        {
            var token = silos[0].TokenFor("owner-test", "premium");
            using var http = silos[0].HttpFor(token);
            var ids = new List<string>();
            for (var i = 0; i < 10; i++)
            {
                var created = await http.PostAsJsonAsync("/api/v1/conversations", new { character_id = "nutrition" });
                ids.Add((await TestSilo.ReadAsync<CreatedConversation>(created)).ConversationId);
            }

            async Task<(string Conversation, string Node, RawSocket Socket)> ConnectAsync(int i)
            {
                var socket = await RawSocket.ConnectAsync(silos[i % 3].BaseUrl, $"conversation_id={ids[i % 10]}", token, "realtime");
                var attached = await socket.NextAsync("conversations.started|conversations.resumed");
                return (ids[i % 10], attached.GetProperty("node_id").GetString()!, socket);
            }

            // The first ten activate each conversation on the node they reach; the other ninety, all at once, on any node.
            var first = await Task.WhenAll(Enumerable.Range(0, 10).Select(ConnectAsync));
            var rest = await Task.WhenAll(Enumerable.Range(10, 90).Select(ConnectAsync));
            var clients = first.Concat(rest).ToList();

            foreach (var group in clients.GroupBy(c => c.Conversation))
            {
                group.Select(c => c.Node).Distinct().ShouldHaveSingleItem($"{group.Key} must have one owner");
            }

            clients.Select(c => c.Node).Distinct().Count().ShouldBe(3, "conversations are owned by all three nodes, so most clients went through a proxy");
            foreach (var client in clients)
            {
                await client.Socket.DisposeAsync();
            }
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_client_of_another_node_is_proxied_to_the_owner_and_REST_calls_reach_it()
    {
        var silos = await TestSilo.StartClusterAsync(postgres, engine, 2);
        try
        {
            var token = silos[0].TokenFor("proxied");
            await using var direct = await RawSocket.ConnectAsync(silos[0].BaseUrl, "model=womens-health", token, "realtime");
            var started = await direct.NextAsync("conversations.started");
            var id = started.GetProperty("conversation_id").GetString()!;
            started.GetProperty("node_id").GetString().ShouldBe(silos[0].NodeId);

            await using var viaOther = await RawSocket.ConnectAsync(silos[1].BaseUrl, $"conversation_id={id}&resume_from_seq=0", token, "realtime");
            var resumed = await viaOther.NextAsync("conversations.resumed");
            resumed.GetProperty("node_id").GetString().ShouldBe(silos[0].NodeId, "the owner serves it, through the proxy");
            await ConversationTests.SayAsync(viaOther, "Is it normal to feel tired before my period?");
            await viaOther.NextAsync("response.output_audio.delta");
            await viaOther.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");
            await direct.Closed.WaitAsync(TimeSpan.FromSeconds(10));

            using var http = silos[1].HttpFor(token);
            var ended = await http.PostAsync($"/api/v1/conversations/{id}/end", null);
            ended.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await TestSilo.ReadAsync<ConversationView>(ended)).Status.ShouldBe("ended");
            (await viaOther.NextAsync("conversations.ended")).GetProperty("reason").GetString().ShouldBe("user");
            await viaOther.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            viaOther.CloseStatus.ShouldBe(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "close codes pass through the proxy");
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_node_that_leaves_hands_its_conversations_over_and_the_client_resumes_on_another()
    {
        var silos = await TestSilo.StartClusterAsync(postgres, engine, 2);
        try
        {
            var token = silos[0].TokenFor("leaver");
            var first = await RawSocket.ConnectAsync(silos[0].BaseUrl, "model=geriatrics", token, "realtime");
            var id = (await first.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;
            await ConversationTests.SayAsync(first, "My father fell last week.");
            var lastSeen = (await first.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant")).GetProperty("seq").GetInt64();

            await silos[0].DisposeAsync();
            await first.Closed.WaitAsync(TimeSpan.FromSeconds(20));
            ((int?)first.CloseStatus).ShouldBe(1013, "try again: the conversation moves");
            await first.DisposeAsync();

            await using var second = await RawSocket.ConnectAsync(silos[1].BaseUrl, $"conversation_id={id}&resume_from_seq={lastSeen}", token, "realtime");
            var resumed = await second.NextAsync("conversations.resumed");
            resumed.GetProperty("node_id").GetString().ShouldBe(silos[1].NodeId);
            resumed.GetProperty("last_seq").GetInt64().ShouldBe(lastSeen);
            await ConversationTests.SayAsync(second, "What can I do to prevent another fall?");
            var next = await second.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");
            next.GetProperty("seq").GetInt64().ShouldBe(lastSeen + 2);
        }
        finally
        {
            await silos[1].DisposeAsync();
        }
    }
}
