using System.Net.Http.Headers;
using System.Text.Json;
using Conversations.Testing;
using Npgsql;

namespace Conversations.EndToEnd.Tests;

/// <summary>What a stale activation can and cannot do, and readers of the transcript stream across a move.</summary>
public sealed class FencingTests(PostgresServerFixture postgres, EngineFixture engine)
{
    [Fact]
    public async Task A_stale_activation_stores_and_announces_nothing_after_another_claimed_the_conversation_and_goes_away()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        var token = silo.TokenFor("fenced");
        var first = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        var id = (await first.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;

        // Once its start is durable, another activation claims the conversation (as one on another silo would, while this one is cut off).
        await Eventually.UntilAsync(async () => await ScalarAsync(silo.Database, "SELECT count(*) FROM conversations WHERE id = $1 AND status = 'active' AND attached", id) == 1, TimeSpan.FromSeconds(10), "the start is durable");
        await ExecuteAsync(silo.Database, "UPDATE conversations SET epoch = epoch + 1 WHERE id = $1", id);
        await ConversationTests.SayAsync(first, "Is rice better than pasta?");

        await first.Closed.WaitAsync(TimeSpan.FromSeconds(15));
        ((int?)first.CloseStatus).ShouldBe(1013, "the stale activation sends its client to the current one");
        first.Received.ShouldNotContain(e => e.GetProperty("type").GetString() == "conversations.transcript", "nothing it could not store was announced");
        (await ScalarAsync(silo.Database, "SELECT count(*) FROM transcript_entries WHERE conversation_id = $1", id)).ShouldBe(0L);
        await first.DisposeAsync();

        await using var second = await RawSocket.ConnectAsync(silo.BaseUrl, $"conversation_id={id}", token, "realtime");
        await second.NextAsync("conversations.resumed");
        await ConversationTests.SayAsync(second, "Is rice better than pasta?");
        (await second.NextAsync("conversations.transcript")).GetProperty("seq").GetInt64().ShouldBe(1);
        (await ScalarAsync(silo.Database, "SELECT epoch FROM conversations WHERE id = $1", id)).ShouldBe(3L, "the reconnect made a new activation, which claimed it again");
    }

    [Fact]
    public async Task A_reader_on_another_silo_gets_every_transcript_entry_once_in_order_while_the_conversation_moves()
    {
        var silos = await TestSilo.StartClusterAsync(postgres, engine, 3);
        try
        {
            var token = silos[0].TokenFor("followed");
            var client = await RawSocket.ConnectAsync(silos[0].BaseUrl, "model=nutrition", token, "realtime");
            var id = (await client.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;
            using var http = silos[2].HttpFor(token);
            http.Timeout = Timeout.InfiniteTimeSpan;
            using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var seen = new List<long>();
            var follower = FollowAsync(http, id, seen, reading.Token);

            await ConversationTests.SayAsync(client, "Is rice better than pasta?");
            await client.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");
            await Eventually.UntilAsync(() => seen.Count >= 2, TimeSpan.FromSeconds(20), "the reader on the third silo got the first turn");

            // The conversation's silo leaves: it resumes on another, and the reader keeps reading from the third.
            await silos[0].DisposeAsync();
            await client.Closed.WaitAsync(TimeSpan.FromSeconds(30));
            await client.DisposeAsync();
            await using var moved = await RawSocket.ConnectAsync(silos[1].BaseUrl, $"conversation_id={id}&resume_from_seq=2", token, "realtime");
            await moved.NextAsync("conversations.resumed");
            await ConversationTests.SayAsync(moved, "And brown rice?");
            await moved.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");
            await Eventually.UntilAsync(() => seen.Count >= 4, TimeSpan.FromSeconds(20), "the reader got the turn taken on the new silo");

            await reading.CancelAsync();
            await follower;
            seen.ShouldBe([1L, 2, 3, 4], "every entry once, in order");
        }
        finally
        {
            foreach (var silo in silos.Skip(1))
            {
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task FollowAsync(HttpClient http, string id, List<long> seen, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/conversations/{id}/transcript/live?after_seq=0");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    using var entry = JsonDocument.Parse(line["data: ".Length..]);
                    lock (seen)
                    {
                        seen.Add(entry.RootElement.GetProperty("seq").GetInt64());
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task ExecuteAsync(string database, string sql, params object[] parameters)
    {
        await using var db = new NpgsqlConnection(database);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string database, string sql, params object[] parameters)
    {
        await using var db = new NpgsqlConnection(database);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
