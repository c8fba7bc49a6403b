using Conversations.Abstractions.Protocol;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Security.Claims;
using System.Text.Json;
using Conversations.Domain.Characters;
using Conversations.Gateway.Auth;
using Conversations.Gateway.Lifecycle;
using Conversations.Grains.Upstream;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using OpenAI.Realtime;

namespace Conversations.Gateway.Api;

/// <summary>
/// <c>POST /api/v1/realtime/client-secrets</c>: a short-lived OpenAI client secret for apps that connect to OpenAI
/// directly over WebRTC. The session it opens has the character's instructions, voice and tools fixed by the server,
/// and counts as one of the user's monthly conversations. The server's OpenAI key never leaves it.
/// </summary>
public static class ClientSecretsApi
{
    public static IEndpointRouteBuilder MapClientSecretsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/realtime/client-secrets", MintAsync).RequireAuthorization().WithTags("Realtime")
            .WithSummary("A short-lived OpenAI client secret for direct WebRTC")
            .WithDescription("Mints an OpenAI Realtime client secret whose session has the character's instructions, voice and tools fixed by the server; it counts as one of the month's conversations. Needs `Upstream:OpenAI:ApiKey` on the server.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status502BadGateway).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Ok<ClientSecretView>, ProblemHttpResult>> MintAsync(
        ClientSecretRequest request, ClaimsPrincipal principal, CharacterCatalog characters, ConversationStarter starter, IOptions<UpstreamOptions> options, CancellationToken cancellationToken)
    {
        var openAI = options.Value.OpenAI;
        if (string.IsNullOrEmpty(openAI.ApiKey))
        {
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "openai_not_configured", "Direct sessions need an OpenAI key on the server.", "Set Upstream:OpenAI:ApiKey.");
        }

        if (string.IsNullOrWhiteSpace(request.CharacterId) || !characters.TryGet(request.CharacterId, out var character))
        {
            return request.CharacterId is null ? Problems.Validation("character_id is required.") : Problems.UnknownCharacter(request.CharacterId);
        }

        var started = await starter.StartAsync(ConversationsUser.From(principal), character, cancellationToken);
        if (started.Record is null)
        {
            return Problems.QuotaRefused(started.Decision);
        }

        var model = character.Mode == UpstreamMode.SpeechToSpeech ? character.UpstreamModel : openAI.DirectModel;
        var body = ServerEvents.Write(w =>
        {
            w.WriteStartObject("expires_after"u8);
            w.WriteString("anchor"u8, "created_at"u8);
            w.WriteNumber("seconds"u8, (int)openAI.ClientSecretLifetime.TotalSeconds);
            w.WriteEndObject();
            w.WritePropertyName("session"u8);
            UpstreamEvents.WriteSession(w, character, options.Value.TranscriptionModel, extraInstructions: null, model);
        });
        var client = new RealtimeClient(new ApiKeyCredential(openAI.ApiKey), new RealtimeClientOptions { Endpoint = openAI.Endpoint });
        try
        {
            var result = await client.CreateRealtimeClientSecretAsync(BinaryContent.Create(new BinaryData(body)), new RequestOptions { CancellationToken = cancellationToken });
            using var answer = JsonDocument.Parse(result.GetRawResponse().Content);
            var root = answer.RootElement;
            return TypedResults.Ok(new ClientSecretView(
                root.GetProperty("value").GetString()!,
                DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("expires_at").GetInt64()),
                model,
                character.Voice,
                started.Record.Id));
        }
        catch (ClientResultException e)
        {
            return Problems.Create(StatusCodes.Status502BadGateway, "openai_error", "OpenAI refused to mint a client secret.", $"OpenAI answered {e.Status}.");
        }
    }

    /// <summary>The body of the request.</summary>
    public sealed record ClientSecretRequest(string? CharacterId);

    /// <summary>The secret and what it opens.</summary>
    public sealed record ClientSecretView(string Value, DateTimeOffset ExpiresAt, string Model, string Voice, string ConversationId);
}
