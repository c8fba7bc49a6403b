using System.ClientModel;
using System.Collections.Concurrent;
using Conversations.Domain.Characters;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI.Realtime;

namespace Conversations.Grains.Upstream;

/// <summary>Opens a character's upstream session: the OpenAI Realtime API for Mode A when a key is configured, otherwise the realtime engine.</summary>
public sealed class UpstreamConnector(IOptions<UpstreamOptions> options, ILogger<UpstreamConnector> logger)
{
    private readonly ConcurrentDictionary<(Uri, string), RealtimeClient> _clients = new();
    private int _warnedOffline;

    public async Task<UpstreamSession> ConnectAsync(Character character, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var (endpoint, key, model) = Target(character, settings);
        var client = _clients.GetOrAdd((endpoint, key), static k =>
            new RealtimeClient(new ApiKeyCredential(k.Item2), new RealtimeClientOptions { Endpoint = k.Item1 }));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ConnectTimeout);
        var session = await client.StartConversationSessionAsync(model, cancellationToken: timeout.Token);
        return new UpstreamSession(session, model, endpoint);
    }

    private (Uri Endpoint, string Key, string Model) Target(Character character, UpstreamOptions settings)
    {
        if (character.Mode == UpstreamMode.SpeechToSpeech)
        {
            if (!string.IsNullOrEmpty(settings.OpenAI.ApiKey))
            {
                return (settings.OpenAI.Endpoint, settings.OpenAI.ApiKey, character.UpstreamModel);
            }

            if (Interlocked.Exchange(ref _warnedOffline, 1) == 0)
            {
                logger.LogWarning("No OpenAI key is configured (Upstream:OpenAI:ApiKey): speech-to-speech characters use the realtime engine.");
            }

            return (settings.Endpoint, settings.ApiKey, character.Id);
        }

        return (settings.Endpoint, settings.ApiKey, character.UpstreamModel);
    }
}
