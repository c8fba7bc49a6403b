using System.ClientModel;
using OpenAI.Realtime;

namespace Conversations.RealtimeEngine.Tests.Fakes;

/// <summary>A fake OpenAI-compatible API and an engine whose models use it.</summary>
/// <remarks>
/// <c>rest-chat</c>: chat model over REST, local speech. <c>rest-all</c>: chat, transcription and speech over REST.
/// <c>rest-retry</c>: like rest-chat but with one retry. <c>rest-timeout</c>: like rest-chat with a 1 s timeout.
/// The others allow 5 s, so a busy test machine does not turn slowness into failures.
/// </remarks>
public sealed class RestEngineFixture : IAsyncLifetime
{
    public FakeOpenAIServer Fake { get; private set; } = null!;

    public RealtimeEngineServer Engine { get; private set; } = null!;

    public RealtimeClient Client() => new(new ApiKeyCredential("test-key"), new RealtimeClientOptions { Endpoint = Engine.OpenAIEndpoint });

    public async ValueTask InitializeAsync()
    {
        Fake = await FakeOpenAIServer.StartAsync();
        var baseUrl = Fake.BaseUrl.ToString();
        Engine = await RealtimeEngineServer.StartAsync(settings =>
        {
            settings["Engine:Recognition:WarmDecoders"] = "1";
            foreach (var model in new[] { "rest-chat", "rest-all", "rest-retry", "rest-timeout" })
            {
                var at = $"Engine:Models:{model}";
                settings[$"{at}:Responder"] = "openai";
                settings[$"{at}:Voice"] = "marin";
                settings[$"{at}:Instructions"] = "You are a kind counsellor.";
                settings[$"{at}:Chat:BaseUrl"] = baseUrl;
                settings[$"{at}:Chat:ApiKey"] = "fake-key";
                settings[$"{at}:Chat:Model"] = "fake-gpt";
                settings[$"{at}:Chat:Timeout"] = model == "rest-timeout" ? "00:00:01" : "00:00:05";
                settings[$"{at}:Chat:MaxRetries"] = model == "rest-retry" ? "1" : "0";
            }

            foreach (var (kind, model) in new[] { ("Transcription", "fake-whisper"), ("Speech", "fake-tts") })
            {
                settings[$"Engine:Models:rest-all:{kind}:Provider"] = "openai";
                settings[$"Engine:Models:rest-all:{kind}:BaseUrl"] = baseUrl;
                settings[$"Engine:Models:rest-all:{kind}:Model"] = model;
                settings[$"Engine:Models:rest-all:{kind}:Timeout"] = "00:00:05";
                settings[$"Engine:Models:rest-all:{kind}:MaxRetries"] = "0";
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Engine is not null)
        {
            await Engine.DisposeAsync();
        }

        if (Fake is not null)
        {
            await Fake.DisposeAsync();
        }
    }
}
