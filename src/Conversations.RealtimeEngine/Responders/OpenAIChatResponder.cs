using System.Runtime.CompilerServices;
using System.Text;
using Conversations.RealtimeEngine.Configuration;
using Conversations.RealtimeEngine.Protocol;
using Conversations.RealtimeEngine.Providers;
using OpenAI.Chat;

namespace Conversations.RealtimeEngine.Responders;

/// <summary>
/// A chat model behind an OpenAI-compatible API (streaming <c>/v1/chat/completions</c> through the OpenAI SDK): OpenAI,
/// the Anthropic and Google compatibility endpoints, Ollama, vLLM, llama.cpp server.
/// </summary>
/// <remarks>Tokens are passed on as they arrive; tool calls are assembled from their streamed pieces and passed on whole.</remarks>
internal sealed class OpenAIChatResponder : IResponder
{
    private readonly ChatClient _client;
    private readonly ProviderOptions _options;

    public OpenAIChatResponder(ProviderOptions options)
    {
        _options = options;
        _client = new ChatClient(options.Model!, OpenAIProviders.Credential(options), OpenAIProviders.ClientOptions(options));
    }

    public async IAsyncEnumerable<ResponderEvent> RespondAsync(ResponderRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var completion = new ChatCompletionOptions { MaxOutputTokenCount = request.MaxOutputTokens, Temperature = _options.Temperature };
        foreach (var tool in request.Tools)
        {
            completion.Tools.Add(ChatTool.CreateFunctionTool(tool.Name, tool.Description, BinaryData.FromString(tool.ParametersJson)));
        }

        if (request.Tools.Count > 0)
        {
            completion.ToolChoice = request.ToolChoice switch
            {
                "auto" => ChatToolChoice.CreateAutoChoice(),
                "none" => ChatToolChoice.CreateNoneChoice(),
                "required" => ChatToolChoice.CreateRequiredChoice(),
                var name => ChatToolChoice.CreateFunctionChoice(name),
            };
        }

        using var watchdog = new ProviderWatchdog(_options.Timeout, cancellationToken);
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        IAsyncEnumerator<StreamingChatCompletionUpdate>? updates = null;
        try
        {
            updates = _client.CompleteChatStreamingAsync(Messages(request), completion, watchdog.Token).GetAsyncEnumerator(watchdog.Token);
            while (await Next(updates, cancellationToken))
            {
                watchdog.Alive();
                var update = updates.Current;
                foreach (var part in update.ContentUpdate)
                {
                    if (!string.IsNullOrEmpty(part.Text))
                    {
                        yield return new TextDelta(part.Text);
                    }
                }

                foreach (var call in update.ToolCallUpdates)
                {
                    if (!calls.TryGetValue(call.Index, out var pending))
                    {
                        pending = (null, null, new StringBuilder());
                    }

                    calls[call.Index] = (pending.Id ?? call.ToolCallId, pending.Name ?? call.FunctionName, pending.Arguments.Append(call.FunctionArgumentsUpdate?.ToString()));
                }

                if (update.Usage is { } usage)
                {
                    yield return new TokenUsage(usage.InputTokenCount, usage.OutputTokenCount);
                }
            }
        }
        finally
        {
            if (updates is not null)
            {
                await updates.DisposeAsync();
            }
        }

        foreach (var (_, call) in calls)
        {
            if (call.Name is not null)
            {
                yield return new FunctionCallRequested(call.Id ?? Ids.New("call"), call.Name, call.Arguments.Length == 0 ? "{}" : call.Arguments.ToString());
            }
        }
    }

    // One step of the stream, with provider failures (status codes, timeouts, dropped connections) turned into ProviderException.
    private static async ValueTask<bool> Next(IAsyncEnumerator<StreamingChatCompletionUpdate> updates, CancellationToken cancellationToken)
    {
        try
        {
            return await updates.MoveNextAsync();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            throw ProviderException.From(exception, "chat");
        }
    }

    private static List<ChatMessage> Messages(ResponderRequest request)
    {
        var messages = new List<ChatMessage>();
        if (request.Instructions.Length > 0)
        {
            messages.Add(new SystemChatMessage(request.Instructions));
        }

        List<ChatToolCall>? calls = null;
        foreach (var message in request.Messages)
        {
            if (message.Role is "function_call")
            {
                (calls ??= []).Add(ChatToolCall.CreateFunctionToolCall(message.CallId, message.Name, BinaryData.FromString(message.Text)));
                continue;
            }

            if (calls is not null)
            {
                messages.Add(new AssistantChatMessage(calls));
                calls = null;
            }

            // Providers refuse empty messages; an answer cancelled before its first word leaves one.
            if (message.Text.Length == 0)
            {
                continue;
            }

            switch (message.Role)
            {
                case "function_call_output":
                    messages.Add(new ToolChatMessage(message.CallId, message.Text));
                    break;
                case "assistant":
                    messages.Add(new AssistantChatMessage(message.Text));
                    break;
                case "system":
                    messages.Add(new SystemChatMessage(message.Text));
                    break;
                default:
                    messages.Add(new UserChatMessage(message.Text));
                    break;
            }
        }

        if (calls is not null)
        {
            messages.Add(new AssistantChatMessage(calls));
        }

        return messages;
    }
}
