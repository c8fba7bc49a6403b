using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Conversations.Domain.Characters;
using Conversations.Gateway.Api;
using Conversations.Testing;
using Microsoft.AspNetCore.Hosting;

namespace Conversations.EndToEnd.Tests;

/// <summary>What the gateway asks of OpenAI's REST API, against a local fake that speaks its wire format.</summary>
public sealed class OpenAITests(PostgresServerFixture postgres, EngineFixture engine)
{
    [Fact]
    public async Task A_client_secret_is_minted_with_the_characters_instructions_fixed_and_the_key_kept_on_the_server()
    {
        await using var openAI = await FakeOpenAI.StartAsync();
        await using var silo = await TestSilo.StartAsync(postgres, engine, WithOpenAI(openAI));
        using var http = silo.HttpFor(silo.TokenFor("ada"));

        var response = await http.PostAsJsonAsync("/api/v1/realtime/client-secrets", new { character_id = "womens-health" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var secret = await TestSilo.ReadAsync<ClientSecretsApi.ClientSecretView>(response);
        secret.Value.ShouldStartWith("ek_fake_");
        secret.Voice.ShouldBe("marin");
        var (path, authorization, body) = openAI.Requests.ShouldHaveSingleItem();
        path.ShouldBe("/v1/realtime/client_secrets");
        authorization.ShouldBe("Bearer sk-server-only");
        body.GetProperty("session").GetProperty("instructions").GetString().ShouldBe(CharacterCatalog.Default.Get("womens-health").ComposeInstructions());
        body.GetProperty("session").GetProperty("audio").GetProperty("output").GetProperty("voice").GetString().ShouldBe("marin");
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("sk-server-only");
        var limits = await TestSilo.ReadAsync<LimitsView>(await http.GetAsync("/api/v1/conversations/limits/current"));
        limits.Used.Conversations.ShouldBe(1, "a direct session counts as one of the month's conversations");
    }

    [Fact]
    public async Task Without_an_OpenAI_key_client_secrets_are_refused_with_a_clear_problem()
    {
        await using var silo = await TestSilo.StartAsync(postgres, engine);
        using var http = silo.HttpFor(silo.TokenFor("ada"));

        var response = await http.PostAsJsonAsync("/api/v1/realtime/client-secrets", new { character_id = "nutrition" });

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString().ShouldBe("openai_not_configured");
    }

    [Fact]
    public async Task The_moderation_stage_raises_what_the_detector_reads_too_low()
    {
        await using var openAI = await FakeOpenAI.StartAsync();
        await using var silo = await TestSilo.StartAsync(postgres, engine, web =>
        {
            WithOpenAI(openAI)(web);
            web.UseSetting("Conversations:ModerationModel", "omni-moderation-latest");
        });
        var token = silo.TokenFor("bea");
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=mental-health", token, "realtime");
        await socket.NextAsync("conversations.started");

        const string utterance = "I have decided this is my last week on earth.";
        Conversations.Domain.Emergency.EmergencyDetector.Assess(utterance, "en").Level.ShouldBeLessThan(2, "the detector alone raises no alert on it (its classifier reads level 1)");
        await ConversationTests.SayAsync(socket, utterance);
        var emergency = await socket.NextAsync("conversations.emergency", timeout: TimeSpan.FromSeconds(20));

        emergency.GetProperty("level").GetInt32().ShouldBe(2);
        openAI.Requests.ShouldContain(r => r.Path == "/v1/moderations" && r.Body.GetProperty("model").GetString() == "omni-moderation-latest");
    }

    [Fact]
    public async Task A_character_with_a_text_model_gets_its_summary_from_that_model_after_the_end()
    {
        await using var openAI = await FakeOpenAI.StartAsync();
        await using var silo = await TestSilo.StartAsync(postgres, engine, web =>
        {
            WithOpenAI(openAI)(web);
            web.UseSetting("Characters:Items:nutrition:TextModel", "gpt-4o-mini");
        });
        var token = silo.TokenFor("cleo");
        using var http = silo.HttpFor(token);
        await using var socket = await RawSocket.ConnectAsync(silo.BaseUrl, "model=nutrition", token, "realtime");
        var id = (await socket.NextAsync("conversations.started")).GetProperty("conversation_id").GetString()!;
        await ConversationTests.SayAsync(socket, "How much protein do I need?");
        await socket.NextAsync("conversations.transcript", e => e.GetProperty("role").GetString() == "assistant");

        (await http.PostAsync($"/api/v1/conversations/{id}/end", null)).EnsureSuccessStatusCode();
        var ended = await socket.NextAsync("conversations.ended");

        ended.GetProperty("summary_pending").GetBoolean().ShouldBeTrue();
        await Eventually.UntilAsync(async () => (await TestSilo.ReadAsync<ConversationView>(await http.GetAsync($"/api/v1/conversations/{id}"))).Summary == "A model summary of 2 lines.", TimeSpan.FromSeconds(20), "the model's summary replaces the extractive one");
        var request = openAI.Requests.Single(r => r.Path == "/v1/chat/completions").Body;
        request.GetProperty("model").GetString().ShouldBe("gpt-4o-mini");
        request.GetProperty("messages")[1].GetProperty("content").GetString()!.ShouldContain("user: How much protein do I need?");
    }

    private static Action<IWebHostBuilder> WithOpenAI(FakeOpenAI openAI) => web =>
    {
        web.UseSetting("Upstream:OpenAI:ApiKey", "sk-server-only");
        web.UseSetting("Upstream:OpenAI:Endpoint", openAI.Endpoint.ToString());
    };
}
