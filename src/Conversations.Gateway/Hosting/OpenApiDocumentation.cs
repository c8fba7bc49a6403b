using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Conversations.Gateway.Hosting;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>): what the service is, the bearer scheme on every endpoint that needs
/// a token, the realtime WebSocket endpoint and its events (which OpenAPI cannot model, so they are described and listed
/// in <c>x-client-events</c> / <c>x-server-events</c>), and every problem type (<c>x-problem-types</c>).
/// </summary>
public static class OpenApiDocumentation
{
    public const string BearerScheme = "bearer";
    public const string ProtocolDocument = "docs/protocol.md";
    public const string RealtimePath = "/v1/realtime";

    /// <summary>Client events the gateway accepts on the socket (docs/protocol.md).</summary>
    public static IReadOnlyList<string> ClientEvents { get; } =
    [
        "input_audio_buffer.append", "input_audio_buffer.commit", "input_audio_buffer.clear", "conversation.item.create",
        "conversation.item.truncate", "response.create", "response.cancel", "output_audio_buffer.clear", "session.update",
    ];

    /// <summary>The server's own events; every OpenAI Realtime server event a client needs is relayed as well.</summary>
    public static IReadOnlyList<string> ServerEvents { get; } =
    [
        "conversations.started", "conversations.resumed", "conversations.transcript", "conversations.quota",
        "conversations.emergency", "conversations.ended", "error",
    ];

    public static IServiceCollection AddConversationsOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                RequireBearer(operation, context);
                return Task.CompletedTask;
            });
        });

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Conversations API",
            Version = "v1",
            Description = $"""
                Realtime voice AI counselling conversations. A client picks a character (`GET /api/v1/characters`) and talks
                to it over the OpenAI-Realtime-compatible WebSocket `GET {RealtimePath}` (described below, and fully in
                `{ProtocolDocument}`); this REST API creates, lists, reads, ends and deletes conversations, reads transcripts and the
                month's limits, and serves supervisors their alerts and dashboard.

                **Authentication**: a JWT bearer token (`Authorization: Bearer <token>`; on the socket, browsers may send it as the
                subprotocol `openai-insecure-api-key.<token>`). Tokens carry `sub` (the user), `tier` and `role` (`user`,
                `supervisor`). A user only ever sees their own conversations: another user's is a 404.

                **Errors** are `application/problem+json` with a stable `type` (`/problems/<code>`) and the same `code`:

                {ProblemTable()}
                """,
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A user or supervisor token (HS256). In Development, `POST /api/v1/dev/tokens` mints one.",
        };
        document.Extensions ??= new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal);
        document.Extensions["x-problem-types"] = new JsonNodeExtension(new JsonArray([.. Problems.Types.Select(p => (JsonNode)new JsonObject
        {
            ["type"] = p.Type,
            ["code"] = p.Code,
            ["status"] = p.Status,
            ["title"] = p.Title,
            ["when"] = p.When,
        })]));
        document.Paths ??= [];
        document.Paths[RealtimePath] = RealtimeSocket(document);
    }

    private static string ProblemTable()
    {
        var table = new StringBuilder("| type | status | when |\n| --- | --- | --- |\n");
        foreach (var p in Problems.Types)
        {
            table.Append(CultureInfo.InvariantCulture, $"| `{p.Type}` | {p.Status} | {p.When} |\n");
        }

        return table.ToString();
    }

    /// <summary>The client WebSocket, which endpoint discovery cannot see: one GET that upgrades.</summary>
    private static OpenApiPathItem RealtimeSocket(OpenApiDocument document)
    {
        var operation = new OpenApiOperation
        {
            OperationId = "realtime",
            Summary = "The realtime conversation: an OpenAI-Realtime-compatible WebSocket",
            Description = $"""
                Upgrades to a WebSocket that speaks the OpenAI Realtime protocol (GA event names), so an unmodified OpenAI
                Realtime client works with the user's token as its key and a character id as its model. Full contract:
                [{ProtocolDocument}]({ProtocolDocument}).

                - `model=<character_id>` starts a new conversation (counts against the month; a refusal is an `error` event
                  naming the limit, then close 1008); `conversation_id=<id>` attaches to an existing one of this user
                  (another user's: `error` `conversation_not_found`, close 4404); `resume_from_seq=<n>` replays the transcript
                  after `n` first.
                - Subprotocols: `realtime`; `conversations.pcm16` for raw PCM16 24 kHz mono audio in binary frames both ways;
                  `openai-insecure-api-key.<token>` for browsers.
                - Client events: {string.Join(", ", ClientEvents.Select(e => $"`{e}`"))}. Anything else, or a field a client
                  may not set (instructions, tools, voice, model), gets an `error` event and the socket stays open.
                - Server events: every OpenAI Realtime server event a client needs, relayed in order, plus
                  {string.Join(", ", ServerEvents.Where(e => e.StartsWith("conversations.", StringComparison.Ordinal)).Select(e => $"`{e}`"))}.
                  Emergency level 1 is not announced on the socket: read `emergency_level` from `GET /api/v1/conversations/<id>`.
                - Close codes: 1000 normal end; 1008 policy (quota, unknown character, slow client); 1009 frame too big;
                  1011 internal; 1013 try again (the conversation moves: reconnect with `conversation_id` and `resume_from_seq`);
                  4404 unknown conversation; 4409 conversation ended.
                """,
            Tags = new HashSet<OpenApiTagReference> { new("Realtime", document) },
            Parameters =
            [
                Query("model", "The character to start a new conversation with (`GET /api/v1/characters`)."),
                Query("conversation_id", "An existing conversation of this user to attach to; wins over `model`."),
                Query("resume_from_seq", "Replay the transcript entries after this seq before live events.", JsonSchemaType.Integer),
            ],
            Responses = new OpenApiResponses
            {
                ["101"] = new OpenApiResponse { Description = "Switching Protocols: the WebSocket is open; events flow as described above." },
                ["400"] = new OpenApiResponse { Description = "Not a WebSocket upgrade (`/problems/websocket_required`), or neither `model` nor `conversation_id` (`/problems/validation_error`)." },
                ["401"] = new OpenApiResponse { Description = "No token, or one that is not valid (`/problems/unauthorized`), before the upgrade." },
            },
            Security = [Bearer(document)],
            Extensions = new Dictionary<string, IOpenApiExtension>(StringComparer.Ordinal)
            {
                ["x-client-events"] = new JsonNodeExtension(new JsonArray([.. ClientEvents.Select(e => (JsonNode)JsonValue.Create(e))])),
                ["x-server-events"] = new JsonNodeExtension(new JsonArray([.. ServerEvents.Select(e => (JsonNode)JsonValue.Create(e))])),
                ["x-protocol"] = new JsonNodeExtension(JsonValue.Create(ProtocolDocument)),
            },
        };
        return new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Get] = operation } };
    }

    private static OpenApiParameter Query(string name, string description, JsonSchemaType type = JsonSchemaType.String) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Description = description,
        Schema = new OpenApiSchema { Type = type },
    };

    private static OpenApiSecurityRequirement Bearer(OpenApiDocument document) =>
        new() { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] };

    /// <summary>Endpoints that need a token say so, with their 401 (and 403 when a role is required).</summary>
    private static void RequireBearer(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (!metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<AuthorizationPolicy>().Any() || metadata.OfType<IAllowAnonymous>().Any())
        {
            return;
        }

        operation.Security = [Bearer(context.Document!)];
        operation.Responses ??= [];
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No token, or one that is not valid (`/problems/unauthorized`)." });
        var roles = metadata.OfType<AuthorizationPolicy>().SelectMany(p => p.Requirements).OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>().ToList();
        if (roles.Count > 0)
        {
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = $"The token lacks the role {string.Join(", ", roles.SelectMany(r => r.AllowedRoles))} (`/problems/forbidden`)." });
        }
    }
}
