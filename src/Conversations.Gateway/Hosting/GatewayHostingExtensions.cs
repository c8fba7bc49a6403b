using System.Text.Json;
using System.Text.Json.Serialization;
using Conversations.Gateway.Auth;
using Conversations.Gateway.Realtime;
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
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<Lifecycle.ConversationStarter>();
        builder.Services.AddSingleton<ConversationResolver>();
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddOpenApi();
        return builder;
    }
}
