using System.ClientModel;
using Conversations.Domain.Emergency;
using Conversations.Grains.Upstream;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Moderations;

namespace Conversations.Grains.Policies;

/// <summary>The optional second stage of emergency detection: a moderation model through the OpenAI SDK.</summary>
public sealed class ModerationScreen
{
    private readonly ModerationClient? _client;
    private readonly ILogger<ModerationScreen> _logger;

    public ModerationScreen(IOptions<ConversationOptions> conversation, IOptions<UpstreamOptions> upstream, ILogger<ModerationScreen> logger)
    {
        _logger = logger;
        var openAI = upstream.Value.OpenAI;
        if (!string.IsNullOrEmpty(conversation.Value.ModerationModel) && !string.IsNullOrEmpty(openAI.ApiKey))
        {
            _client = new ModerationClient(conversation.Value.ModerationModel, new ApiKeyCredential(openAI.ApiKey), new OpenAIClientOptions { Endpoint = openAI.Endpoint });
        }
    }

    public bool IsEnabled => _client is not null;

    /// <summary>The moderation model's assessment, or null when the stage is off or the call failed (the lexicon's stands).</summary>
    public async Task<EmergencyAssessment?> AssessAsync(string utterance, string language, CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            return null;
        }

        try
        {
            ModerationResult result = await _client.ClassifyTextAsync(utterance, cancellationToken);
            var scores = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["self-harm"] = result.SelfHarm.Score,
                ["self-harm/intent"] = result.SelfHarmIntent.Score,
                ["self-harm/instructions"] = result.SelfHarmInstructions.Score,
                ["violence"] = result.Violence.Score,
                ["harassment/threatening"] = result.HarassmentThreatening.Score,
                ["hate/threatening"] = result.HateThreatening.Score,
            };
            return ModerationPolicy.Assess(scores, language);
        }
        catch (Exception e) when (e is ClientResultException or HttpRequestException or TaskCanceledException)
        {
            _logger.LogWarning(e, "Moderation call failed; the lexicon's assessment stands");
            return null;
        }
    }
}
