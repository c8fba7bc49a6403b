using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using OpenAI;
using OpenAI.Audio;

namespace Conversations.RealtimeEngine.Tests;

/// <summary><c>POST /v1/audio/speech</c>: the engine's voices as OpenAI-compatible text-to-speech, through the OpenAI SDK.</summary>
public sealed class SpeechEndpointTests(EngineFixture engine)
{
    [Fact]
    public async Task Text_comes_back_as_pcm16_at_24_khz_in_the_voice_asked_for()
    {
        var client = new AudioClient("local", new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = engine.Server.OpenAIEndpoint });

        var speech = (await client.GenerateSpeechAsync("I am here with you now.", new GeneratedSpeechVoice("verse"), new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Pcm }, TestContext.Current.CancellationToken)).Value.ToArray();
        var other = (await client.GenerateSpeechAsync("I am here with you now.", new GeneratedSpeechVoice("alloy"), new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Pcm }, TestContext.Current.CancellationToken)).Value.ToArray();

        (speech.Length % 2).ShouldBe(0);
        (speech.Length / 48_000.0).ShouldBeInRange(0.8, 6, "about a second or two of speech at 24 kHz");
        speech.ShouldNotBe(other, "a different voice sounds different");
    }

    [Fact]
    public async Task Empty_text_and_other_formats_are_refused()
    {
        using var http = new HttpClient { BaseAddress = engine.Server.BaseAddress };

        (await http.PostAsJsonAsync("/v1/audio/speech", new { model = "local", input = "", voice = "verse" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.PostAsJsonAsync("/v1/audio/speech", new { model = "local", input = "hi", voice = "verse", response_format = "mp3" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
