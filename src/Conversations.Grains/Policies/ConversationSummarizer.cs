using System.ClientModel;
using System.Text;
using Conversations.Domain.Characters;
using Conversations.Domain.Transcript;
using Conversations.Grains.Persistence;
using Conversations.Grains.Upstream;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;

namespace Conversations.Grains.Policies;

/// <summary>
/// Summaries from the character's text model (an OpenAI-compatible chat endpoint, <c>Upstream:OpenAI</c>), written after
/// the conversation has ended. The extractive summary stored at the end stays if the model cannot be reached.
/// </summary>
public sealed class ConversationSummarizer(ConversationStore store, IOptions<UpstreamOptions> upstream, ILogger<ConversationSummarizer> logger)
{
    private const string Prompt =
        "Summarise this counselling conversation for the user in at most five sentences, in the language they used: " +
        "what they brought up, what was suggested, and any next step. Do not add advice that was not given.";

    /// <summary>Whether <paramref name="character"/> has a text model this server can call.</summary>
    public bool CanSummarize(Character character) =>
        character.TextModel is not null && !string.IsNullOrEmpty(upstream.Value.OpenAI.ApiKey);

    /// <summary>Asks the model and stores its summary over the extractive one; runs off the grain, after the end.</summary>
    public async Task SummarizeAsync(string conversationId, Character character, IReadOnlyList<TranscriptEntry> transcript, CancellationToken cancellationToken)
    {
        var openAI = upstream.Value.OpenAI;
        try
        {
            var chat = new ChatClient(character.TextModel, new ApiKeyCredential(openAI.ApiKey!), new OpenAIClientOptions { Endpoint = openAI.Endpoint });
            var lines = new StringBuilder();
            foreach (var entry in transcript)
            {
                lines.Append(entry.Role.WireName()).Append(": ").AppendLine(entry.Text);
            }

            ChatCompletion completion = await chat.CompleteChatAsync([new SystemChatMessage(Prompt), new UserChatMessage(lines.ToString())], cancellationToken: cancellationToken);
            var summary = string.Concat(completion.Content.Select(part => part.Text)).Trim();
            if (summary.Length > 0)
            {
                await store.SetEndedSummaryAsync(conversationId, summary, cancellationToken);
            }
        }
        catch (Exception e) when (e is ClientResultException or HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            logger.LogWarning(e, "{Conversation}: the text model could not summarise; the extractive summary stays", conversationId);
        }
    }
}
