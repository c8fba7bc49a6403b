using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conversations.Testing;
using Microsoft.AspNetCore.Hosting;

namespace Conversations.EndToEnd.Tests;

/// <summary>
/// A hundred thousand mutated client events from several sockets against a running silo and engine: every event the
/// mutation made invalid is answered with an <c>error</c> naming it, and nothing breaks — no Error log, no upstream
/// restart, no server error close, no dropped socket — and a clean turn works afterwards.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class FuzzTests(PostgresServerFixture postgres, EngineFixture engine)
{
    private const int Sockets = 8;
    private const int EventsPerSocket = 12_500;
    private const int Window = 500;

    [Fact]
    public async Task A_hundred_thousand_mutated_client_events_are_each_answered_and_break_nothing()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine, web => web.UseSetting("Gateway:MaxFramesPerSecond", "100000"));
        var clock = Stopwatch.StartNew();
        var runs = await Task.WhenAll(Enumerable.Range(0, Sockets).Select(i => FuzzOneSocketAsync(silo, i)));
        var elapsed = clock.Elapsed;

        var sent = runs.Sum(r => r.Sent);
        sent.ShouldBeGreaterThanOrEqualTo(100_000);
        foreach (var run in runs)
        {
            run.Unanswered.ShouldBeEmpty($"socket {run.Socket}: every invalid event whose event_id can be read is answered with an error naming it");
            run.Errors.ShouldBeGreaterThanOrEqualTo(run.MustRefuse, $"socket {run.Socket}: and every other invalid event with an error too");
            run.ServerErrors.ShouldBe(0, $"socket {run.Socket}: no server_error");
            run.Resumed.ShouldBe(0, $"socket {run.Socket}: the upstream session was never restarted");
            run.Closed.ShouldBeFalse($"socket {run.Socket}: the connection stayed open");
        }

        silo.Log.Errors.ShouldBeEmpty();
        using var http = silo.HttpFor(null);
        (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode.ShouldBeTrue();
        await using var clean = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", silo.TokenFor("after-the-fuzz"), "realtime");
        await clean.NextAsync("conversations.started");
        await ConversationTests.SayAsync(clean, "Is rice better than pasta?");
        await clean.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"fuzz: {sent} events from {Sockets} sockets in {elapsed.TotalSeconds:0.0} s ({sent / elapsed.TotalSeconds:0} a second); "
            + $"{runs.Sum(r => r.MustRefuse)} had to be refused and were, {runs.Sum(r => r.Errors)} error events in all");
    }

    private static async Task<FuzzRun> FuzzOneSocketAsync(TestSilo silo, int index)
    {
        var token = silo.TokenFor($"fuzzer-{index}", "premium");
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        await socket.NextAsync("conversations.started");
        var random = new Random(1000 + index);
        var mustRefuse = new HashSet<string>(StringComparer.Ordinal);
        var (sent, refused) = (0, 0);
        for (var n = 0; n < EventsPerSocket; n++)
        {
            var eventId = $"f{index}-{n}";
            var (payload, refuse, namesItself, binary) = Mutations.Next(random, eventId);
            if (refuse && namesItself)
            {
                mustRefuse.Add(eventId);
            }

            refused += refuse ? 1 : 0;

            if (binary)
            {
                await socket.SendBinaryAsync(Encoding.UTF8.GetBytes(payload));
            }
            else
            {
                await socket.SendTextAsync(payload);
            }

            sent++;
            if (n % Window == Window - 1)
            {
                // A client that never reads its answers is too slow and is closed (1008): keep at most a window in flight.
                await socket.SendTextAsync($$"""{"type":"fuzz.sync","event_id":"sync-{{index}}-{{n}}"}""");
                await socket.NextAsync("error", e => ErrorEventId(e) == $"sync-{index}-{n}", TimeSpan.FromMinutes(2));
            }
        }

        // Events are handled in order: once the last one is answered, every answer is in.
        await socket.SendTextAsync($$"""{"type":"fuzz.done","event_id":"done-{{index}}"}""");
        await socket.NextAsync("error", e => ErrorEventId(e) == $"done-{index}", TimeSpan.FromMinutes(3));

        List<JsonElement> received;
        lock (socket.Received)
        {
            received = [.. socket.Received];
        }

        var answered = received.Where(e => e.GetProperty("type").GetString() == "error").Select(ErrorEventId).Where(id => id is not null).ToHashSet(StringComparer.Ordinal);
        return new FuzzRun(
            index,
            sent,
            refused,
            [.. mustRefuse.Where(id => !answered.Contains(id)).Take(10)],
            received.Count(e => e.GetProperty("type").GetString() == "error"),
            received.Count(e => e.GetProperty("type").GetString() == "error" && e.GetProperty("error").GetProperty("type").GetString() == "server_error"),
            received.Count(e => e.GetProperty("type").GetString() == "conversations.resumed"),
            socket.Closed.IsCompleted);
    }

    private static string? ErrorEventId(JsonElement errorEvent) =>
        errorEvent.GetProperty("error").TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    private sealed record FuzzRun(int Socket, int Sent, int MustRefuse, IReadOnlyList<string> Unanswered, int Errors, int ServerErrors, int Resumed, bool Closed);

    /// <summary>Valid client events and ways to break them, each mutation labelled with whether it must be refused.</summary>
    private static class Mutations
    {
        private static readonly string Audio = Convert.ToBase64String(new byte[480]);

        // Events whose valid form is harmless to repeat (no responses, no transcript entries).
        private static readonly Func<string, JsonObject>[] Templates =
        [
            id => new() { ["type"] = "input_audio_buffer.append", ["event_id"] = id, ["audio"] = Audio },
            id => new() { ["type"] = "input_audio_buffer.clear", ["event_id"] = id },
            id => new() { ["type"] = "output_audio_buffer.clear", ["event_id"] = id },
            id => new() { ["type"] = "response.cancel", ["event_id"] = id },
            id => new() { ["type"] = "conversation.item.truncate", ["event_id"] = id, ["item_id"] = "item_x", ["content_index"] = 0, ["audio_end_ms"] = 100 },
            id => new() { ["type"] = "session.update", ["event_id"] = id, ["session"] = new JsonObject { ["audio"] = new JsonObject { ["input"] = new JsonObject { ["noise_reduction"] = null } } } },
            id => new() { ["type"] = "response.create", ["event_id"] = id, ["response"] = new JsonObject { ["instructions"] = "x" } },
            id => new()
            {
                ["type"] = "conversation.item.create",
                ["event_id"] = id,
                ["item"] = new JsonObject { ["type"] = "message", ["role"] = "system", ["content"] = new JsonArray(new JsonObject { ["type"] = "input_text", ["text"] = "hi" }) },
            },
        ];

        private static readonly JsonNode[] WrongForText = [JsonValue.Create(12345), JsonValue.Create(true), new JsonArray(1, 2), new JsonObject { ["x"] = 1 }, JsonValue.Create(1e300)];

        private static readonly JsonNode[] WrongForOthers = [JsonValue.Create("twelve"), JsonValue.Create(false), new JsonArray("a"), JsonValue.Create(-1.5)];

        /// <summary>A mutated event: whether it must be refused, and whether its refusal can name it (its event_id stays readable).</summary>
        public static (string Payload, bool MustRefuse, bool NamesItself, bool Binary) Next(Random random, string eventId)
        {
            var template = Templates[random.Next(Templates.Length)](eventId);

            // Response and item templates are refused as they stand (server-owned fields, a system message).
            var invalidAlready = template["type"]!.GetValue<string>() is "response.create" or "conversation.item.create";
            switch (random.Next(10))
            {
                case 0: // A field of the wrong JSON type.
                    var field = Pick(random, template, except: ["type", "event_id"]);
                    if (field is null)
                    {
                        goto case 3;
                    }

                    var wrong = template[field]?.GetValueKind() == JsonValueKind.String ? WrongForText : WrongForOthers;
                    template[field] = wrong[random.Next(wrong.Length)].DeepClone();
                    return (template.ToJsonString(), true, true, false);
                case 1: // A field it does not have.
                    template["unexpected_" + random.Next(100)] = "x";
                    return (template.ToJsonString(), true, true, false);
                case 2: // A key twice: no reader can trust which one counts, so its event_id is not read either.
                    var json = template.ToJsonString();
                    return (json.Insert(1, "\"type\":\"input_audio_buffer.clear\","), true, false, false);
                case 3: // An unpaired surrogate in its event_id.
                    var text = template.ToJsonString().Replace(eventId, eventId + "\\ud800", StringComparison.Ordinal);
                    return (text, true, false, false);
                case 4: // Nested deeper than allowed.
                    var deep = new StringBuilder();
                    for (var i = 0; i < 20; i++)
                    {
                        deep.Append("{\"a\":");
                    }

                    deep.Append('1').Append('}', 20);
                    template["unexpected"] = JsonNode.Parse(deep.ToString(), documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
                    return (template.ToJsonString(new JsonSerializerOptions { MaxDepth = 64 }), true, false, false);
                case 5: // Cut short.
                    var whole = template.ToJsonString();
                    return (whole[..random.Next(1, whole.Length - 1)], true, false, false);
                case 6: // A huge number where a count belongs.
                    template["audio_end_ms"] = JsonValue.Create(decimal.MaxValue);
                    template["type"] = "conversation.item.truncate";
                    template["item_id"] = "item_x";
                    return (template.ToJsonString(), true, true, false);
                case 7: // An unknown event type.
                    template["type"] = "conversation.item.delete_all";
                    return (template.ToJsonString(), true, true, false);
                case 8: // A text frame as binary on the JSON subprotocol.
                    return (template.ToJsonString(), true, false, true);
                default: // As it is: valid for most templates.
                    return (template.ToJsonString(), invalidAlready, true, false);
            }
        }

        private static string? Pick(Random random, JsonObject node, string[] except)
        {
            var fields = node.Select(p => p.Key).Where(k => !except.Contains(k)).ToList();
            return fields.Count == 0 ? null : fields[random.Next(fields.Count)];
        }
    }
}
