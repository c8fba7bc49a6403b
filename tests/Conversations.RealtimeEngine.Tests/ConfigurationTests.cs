using System.ClientModel;
using Microsoft.Extensions.Options;
using OpenAI.Realtime;

namespace Conversations.RealtimeEngine.Tests;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Engine:Models:broken:Responder", "telepathy")]
    [InlineData("Engine:Models:broken:Voice", "gandalf")]
    [InlineData("Engine:Models:broken:Script", "no-such-script")]
    [InlineData("Engine:Synthesis:FliteVoices:alloy", "hal9000")]
    [InlineData("Engine:MaxMessageBytes", "10")]
    public async Task Invalid_configuration_fails_the_host_at_start(string key, string value)
    {
        var failure = await Should.ThrowAsync<OptionsValidationException>(() => RealtimeEngineServer.StartAsync(settings => settings[key] = value, TestContext.Current.CancellationToken));

        failure.Message.ShouldContain(value);
    }

    [Fact]
    public async Task A_configured_model_routes_to_its_script_and_voice()
    {
        await using var server = await RealtimeEngineServer.StartAsync(
            settings =>
            {
                settings["Engine:Models:night-nurse:Responder"] = "scripted";
                settings["Engine:Models:night-nurse:Script"] = "geriatrics";
                settings["Engine:Models:night-nurse:Voice"] = "verse";
                settings["Engine:Recognition:WarmDecoders"] = "0";
            },
            TestContext.Current.CancellationToken);
        var client = new RealtimeClient(new ApiKeyCredential("x"), new RealtimeClientOptions { Endpoint = server.OpenAIEndpoint });
        await using var recorder = await SessionRecorder.StartAsync(client, "night-nurse");

        var created = await recorder.WaitForAsync<RealtimeServerUpdateSessionCreated>();
        created.Session.ShouldBeOfType<RealtimeConversationSession>().AudioOptions.OutputAudioOptions.Voice.ShouldBe(RealtimeVoice.Verse);
        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("I fell yesterday"), TestContext.Current.CancellationToken);
        await recorder.Session.StartResponseAsync(TestContext.Current.CancellationToken);
        (await recorder.WaitForAsync<RealtimeServerUpdateResponseOutputAudioTranscriptDone>()).Transcript.ShouldContain("Falls should always be checked");
    }

    [Fact]
    public async Task With_an_api_key_configured_a_wrong_key_is_refused_before_the_upgrade()
    {
        await using var server = await RealtimeEngineServer.StartAsync(
            settings =>
            {
                settings["Engine:ApiKey"] = "secret";
                settings["Engine:Recognition:WarmDecoders"] = "0";
            },
            TestContext.Current.CancellationToken);
        var wrong = new RealtimeClient(new ApiKeyCredential("guess"), new RealtimeClientOptions { Endpoint = server.OpenAIEndpoint });
        var right = new RealtimeClient(new ApiKeyCredential("secret"), new RealtimeClientOptions { Endpoint = server.OpenAIEndpoint });

        await Should.ThrowAsync<Exception>(() => wrong.StartConversationSessionAsync("echo", cancellationToken: TestContext.Current.CancellationToken));
        await using var recorder = await SessionRecorder.StartAsync(right, "echo");
        await recorder.WaitForAsync<RealtimeServerUpdateSessionCreated>();
    }
}
