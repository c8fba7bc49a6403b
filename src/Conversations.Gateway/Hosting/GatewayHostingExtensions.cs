using System.Text.Json;
using System.Text.Json.Serialization;
using Conversations.Gateway.Api;
using Conversations.Gateway.Auth;
using Conversations.Gateway.Realtime;
using Conversations.Grains.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Conversations.Gateway.Hosting;

/// <summary>Adds the gateway's services: authentication, limits, snake_case JSON, ProblemDetails and the OpenAPI document.</summary>
public static class GatewayHostingExtensions
{
    public static IHostApplicationBuilder AddConversationsGateway(this IHostApplicationBuilder builder)
    {
        builder.AddConversationsAuthentication();
        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
            json.SerializerOptions.MaxDepth = 16;
        });
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section)
            .ValidateEach(ApiOptions.Section, o => o.Problem() is { } problem ? [problem] : []).ValidateOnStart();
        builder.Services.AddSingleton<PublicAddress>();
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = Problems.Complete);

        // A body that does not bind (malformed JSON, a lone surrogate, a wrong type) is the caller's 400, not a 500.
        builder.Services.Configure<ExceptionHandlerOptions>(handler =>
        {
            handler.StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
            handler.SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException;
        });
        builder.Services.AddSingleton<Lifecycle.ConversationStarter>();
        builder.Services.AddSingleton<ConversationResolver>();
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddConversationsOpenApi();
        return builder;
    }
}
