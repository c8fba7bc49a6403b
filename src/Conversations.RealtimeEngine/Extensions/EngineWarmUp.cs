using Conversations.RealtimeEngine.Configuration;
using Conversations.RealtimeEngine.Recognition;
using Conversations.RealtimeEngine.Synthesis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.RealtimeEngine;

/// <summary>Loads speech models in the background at start-up, so the first conversation does not wait for them.</summary>
internal sealed partial class EngineWarmUp(
    PocketSphinxDecoderPool decoders,
    FliteSynthesizer flite,
    IOptions<EngineOptions> options,
    ILogger<EngineWarmUp> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(
        () =>
        {
            try
            {
                foreach (var model in options.Value.Models.Values.Where(model => model.Speech.Provider is ProviderKinds.Local))
                {
                    flite.Warm(flite.FliteVoiceFor(model.Voice));
                }

                if (options.Value.Models.Values.Any(model => model.Transcription.Provider is ProviderKinds.Local && model.Responder is not ResponderKinds.Echo))
                {
                    decoders.Warm(options.Value.Recognition.WarmDecoders);
                }
            }
            catch (Exception exception) when (exception is InvalidOperationException or DllNotFoundException or EntryPointNotFoundException)
            {
                LogWarmUpFailed(exception);
            }
        },
        stoppingToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speech models could not be loaded ahead of time; they will load on first use")]
    private partial void LogWarmUpFailed(Exception exception);
}
