using Conversations.RealtimeEngine.Compute;
using Conversations.RealtimeEngine.Configuration;
using Conversations.RealtimeEngine.Recognition;
using Conversations.RealtimeEngine.Sessions;
using Conversations.RealtimeEngine.Speech;
using Conversations.RealtimeEngine.Synthesis;
using Conversations.RealtimeEngine.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Conversations.RealtimeEngine;

/// <summary>Hosts the realtime engine in any ASP.NET Core application.</summary>
public static class RealtimeEngineExtensions
{
    /// <summary>Adds the engine's services and binds section <c>Engine</c> (validated at start-up).</summary>
    public static TBuilder AddRealtimeEngine<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<EngineOptions>()
            .BindConfiguration(EngineOptions.SectionName)
            .PostConfigure(BuiltInModels.AddMissing)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EngineOptions>, EngineOptionsValidator>();
        services.AddMetrics();
        services.AddSingleton<EngineMetrics>();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<SpeechWorkers>();
        services.AddSingleton<PocketSphinxDecoderPool>();
        services.AddSingleton<PocketSphinxRecognizer>();
        services.AddSingleton<FliteSynthesizer>();
        services.AddSingleton<EspeakSynthesizer>();
        services.AddSingleton<LocalSpeechSynthesizer>();
        services.AddSingleton<EngineServices>();
        services.AddHostedService<EngineWarmUp>();
        return builder;
    }

    /// <summary>Maps <c>GET /v1/realtime</c> (WebSocket, OpenAI Realtime protocol) and <c>POST /v1/audio/speech</c> (text-to-speech).</summary>
    public static WebApplication MapRealtimeEngine(this WebApplication app)
    {
        app.UseWebSockets();
        app.MapGet("/v1/realtime", RealtimeEndpoint.HandleAsync).WithName("RealtimeSession");
        app.MapPost("/v1/audio/speech", SpeechEndpoint.HandleAsync).WithName("Speech");
        return app;
    }
}
