using System.ClientModel;
using Conversations.Domain.Characters;
using Conversations.Grains.Policies;
using Conversations.Grains.Upstream;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Audio;

namespace Conversations.Grains.Supervision;

/// <summary>
/// Speaks what a supervisor types, in a voice of its own (<c>Conversations:SupervisorVoice</c>), with the conversation's
/// speech synthesis through the OpenAI SDK: the realtime engine's <c>/v1/audio/speech</c>, or OpenAI's for a
/// speech-to-speech character when a key is set. PCM16 mono 24 kHz.
/// </summary>
public sealed class SupervisorVoice(IOptions<UpstreamOptions> upstream, IOptions<ConversationOptions> conversations)
{
    public async Task<BinaryData> SpeakAsync(Character character, string text, CancellationToken cancellationToken)
    {
        var settings = upstream.Value;
        var (endpoint, key, model) = character.Mode == UpstreamMode.SpeechToSpeech && !string.IsNullOrEmpty(settings.OpenAI.ApiKey)
            ? (settings.OpenAI.Endpoint, settings.OpenAI.ApiKey, "gpt-4o-mini-tts")
            : (settings.Endpoint, settings.ApiKey, "local");
        var client = new AudioClient(model, new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = endpoint });
        ClientResult<BinaryData> speech = await client.GenerateSpeechAsync(
            text,
            new GeneratedSpeechVoice(conversations.Value.SupervisorVoice),
            new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Pcm },
            cancellationToken);
        return speech.Value;
    }
}
