using System.Net;
using System.Net.Http.Json;
using Conversations.Gateway.Api;
using Conversations.Testing;
using Npgsql;

namespace Conversations.EndToEnd.Tests;

/// <summary>Several silos of one Orleans cluster: one activation per conversation, every client served through any silo.</summary>
public sealed class ClusterTests(PostgresServerFixture postgres, EngineFixture engine)
{
    [Fact]
    public async Task A_hundred_racing_first_attaches_to_one_conversation_through_two_silos_make_one_activation()
    {
        var silos = await TestSilo.StartClusterAsync(postgres, engine, 2);
        try
        {
            var token = silos[0].TokenFor("racer", "premium");
            using var http = silos[0].HttpFor(token);
            var created = await TestSilo.ReadAsync<CreatedConversation>(await http.PostAsJsonAsync("/api/v1/conversations", new { character_id = "nutrition" }));

            // Nothing has activated it yet: a hundred clients race to be first, half through each silo.
            var clients = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
            {
                var socket = await RawSocket.ConnectAsync(silos[i % 2].BaseUrl, $"conversation_id={created.ConversationId}", token, "realtime");
                var attached = await socket.NextAsync("conversations.started|conversations.resumed");
                return (Node: attached.GetProperty("node_id").GetString()!, Socket: socket);
            }));

            clients.Select(c => c.Node).Distinct().ShouldHaveSingleItem("one activation serves every client");
            (await EpochAsync(silos[0].Database, created.ConversationId)).ShouldBe(1L, "exactly one activation claimed the conversation");
            foreach (var client in clients)
            {
                await client.Socket.DisposeAsync();
            }
        }
        finally
        {
            await DisposeAllAsync(silos);
        }
    }

    [Fact]
    public async Task A_hundred_clients_of_ten_conversations_spread_over_three_silos_all_see_one_activation_per_conversation()
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

            // The first ten activate each conversation on the silo they reach (local placement); the other ninety, all at once, on any silo.
            var first = await Task.WhenAll(Enumerable.Range(0, 10).Select(ConnectAsync));
            var rest = await Task.WhenAll(Enumerable.Range(10, 90).Select(ConnectAsync));
            var clients = first.Concat(rest).ToList();

            foreach (var group in clients.GroupBy(c => c.Conversation))
            {
                group.Select(c => c.Node).Distinct().ShouldHaveSingleItem($"{group.Key} must have one activation");
            }

            first.Select(c => c.Node).ShouldBe(Enumerable.Range(0, 10).Select(i => silos[i % 3].NodeId), "each conversation activates where its first client is");
            clients.Select(c => c.Node).Distinct().Count().ShouldBe(3);
            foreach (var client in clients)
            {
                await client.Socket.DisposeAsync();
            }
        }
        finally
        {
            await DisposeAllAsync(silos);
        }
    }

    [Fact]
    public async Task A_client_of_another_silo_is_served_through_grain_calls_and_REST_calls_reach_the_conversation()
    {
        var silos = await TestSilo.StartClusterAsync(postgres, engine, 2);
        try
        {
            var token = silos[0].TokenFor("elsewhere");
            await using var direct = await RawSocket.ConnectAsync(silos[0].BaseUrl, "model=womens-health", token, "realtime");
            var started = await direct.NextAsync("conversations.started");
            var id = started.GetProperty("conversation_id").GetString()!;
            started.GetProperty("node_id").GetString().ShouldBe(silos[0].NodeId);

            await using var viaOther = await RawSocket.ConnectAsync(silos[1].BaseUrl, $"conversation_id={id}&resume_from_seq=0", token, "realtime");
            var resumed = await viaOther.NextAsync("conversations.resumed");
            resumed.GetProperty("node_id").GetString().ShouldBe(silos[0].NodeId, "the activation stays where it is; the other silo reaches it by grain calls");
            await ConversationTests.SayAsync(viaOther, "Is it normal to feel tired before my period?");
            await viaOther.NextAsync("response.output_audio.delta");
            await viaOther.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");
            await direct.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            direct.CloseStatus.ShouldBe(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "the newer connection replaced it");

            using var http = silos[1].HttpFor(token);
            var ended = await http.PostAsync($"/api/v1/conversations/{id}/end", null);
            ended.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await TestSilo.ReadAsync<ConversationView>(ended)).Status.ShouldBe("ended");
            (await viaOther.NextAsync("conversations.ended")).GetProperty("reason").GetString().ShouldBe("user");
            await viaOther.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            viaOther.CloseStatus.ShouldBe(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure);
        }
        finally
        {
            await DisposeAllAsync(silos);
        }
    }

    [Fact]
    public async Task A_silo_that_leaves_gracefully_moves_only_its_own_conversations_and_cuts_off_none_on_the_others()
    {
        var silos = await TestSilo.StartClusterAsync(postgres, engine, 2);
        try
        {
            var token = silos[0].TokenFor("leaver");
            var leaving = await RawSocket.ConnectAsync(silos[0].BaseUrl, "model=geriatrics", token, "realtime");
            var id = (await leaving.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;
            await ConversationTests.SayAsync(leaving, "My father fell last week.");
            var lastSeen = (await leaving.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant")).GetProperty("seq").GetInt64();
            await using var staying = await RawSocket.ConnectAsync(silos[1].BaseUrl, "model=nutrition", token, "realtime");
            (await staying.NextAsync("conversations.started")).GetProperty("node_id").GetString().ShouldBe(silos[1].NodeId);

            await silos[0].DisposeAsync();
            await leaving.Closed.WaitAsync(TimeSpan.FromSeconds(30));
            ((int?)leaving.CloseStatus).ShouldBe(1013, "try again: the conversation moves");
            await leaving.DisposeAsync();

            await ConversationTests.SayAsync(staying, "Is porridge a good breakfast?");
            await staying.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");
            staying.Closed.IsCompleted.ShouldBeFalse("the survivor's conversation was not cut off");
            staying.Received.ShouldNotContain(e => e.GetProperty("type").GetString() == "conversations.resumed", "and not re-activated either");

            await using var resumedSocket = await RawSocket.ConnectAsync(silos[1].BaseUrl, $"conversation_id={id}&resume_from_seq={lastSeen}", token, "realtime");
            var resumed = await resumedSocket.NextAsync("conversations.resumed");
            resumed.GetProperty("node_id").GetString().ShouldBe(silos[1].NodeId);
            resumed.GetProperty("last_seq").GetInt64().ShouldBe(lastSeen);
            await ConversationTests.SayAsync(resumedSocket, "What can I do to prevent another fall?");
            var next = await resumedSocket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");
            next.GetProperty("seq").GetInt64().ShouldBe(lastSeen + 2);
        }
        finally
        {
            await silos[1].DisposeAsync();
        }
    }

    private static async Task<long> EpochAsync(string database, string conversationId)
    {
        await using var db = new NpgsqlConnection(database);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT epoch FROM conversations WHERE id = $1", db);
        command.Parameters.AddWithValue(conversationId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task DisposeAllAsync(IEnumerable<TestSilo> silos)
    {
        foreach (var silo in silos)
        {
            await silo.DisposeAsync();
        }
    }
}
