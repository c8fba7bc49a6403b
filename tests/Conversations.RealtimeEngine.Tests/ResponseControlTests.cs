using System.Diagnostics;
using OpenAI.Realtime;

namespace Conversations.RealtimeEngine.Tests;

public sealed class ResponseControlTests(EngineFixture engine, ITestOutputHelper output)
{
    [Fact]
    public async Task Response_cancel_ends_the_response_as_cancelled_and_the_next_one_completes()
    {
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "womens-health");
        var ct = TestContext.Current.CancellationToken;
        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("Tell me about menopause."), ct);

        await recorder.Session.StartResponseAsync(ct);
        await recorder.Session.CancelResponseAsync(ct);

        var cancelled = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();
        cancelled.Response.Status.ShouldBe(RealtimeResponseStatus.Cancelled);
        cancelled.Response.StatusDetails.Reason.ShouldBe(RealtimeResponseStatusReason.ClientCancelled);

        await recorder.Session.StartResponseAsync(ct);
        var next = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>(skip: 1);
        next.Response.Status.ShouldBe(RealtimeResponseStatus.Completed);
        next.Response.Id.ShouldNotBe(cancelled.Response.Id);
    }

    [Fact]
    public async Task Output_audio_buffer_clear_stops_the_answer_and_is_acknowledged()
    {
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "children");
        var ct = TestContext.Current.CancellationToken;
        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("My friends were mean to me at school."), ct);

        await recorder.Session.StartResponseAsync(ct);
        await recorder.Session.SendCommandAsync(new RealtimeClientCommandOutputAudioBufferClear(), ct);

        var cleared = await recorder.WaitForAsync<RealtimeServerUpdateOutputAudioBufferCleared>();
        var done = await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>();
        cleared.ResponseId.ShouldBe(done.Response.Id);
        done.Response.Status.ShouldBe(RealtimeResponseStatus.Cancelled);
    }

    [Fact]
    public async Task Second_response_create_while_one_is_active_is_refused()
    {
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "womens-health");
        var ct = TestContext.Current.CancellationToken;
        await recorder.Session.AddItemAsync(RealtimeItem.CreateUserMessageItem("I have period cramps."), ct);

        await recorder.Session.StartResponseAsync(ct);
        await recorder.Session.StartResponseAsync(ct);

        (await recorder.WaitForAsync<RealtimeServerUpdateError>()).Error.Code.ShouldBe("conversation_already_has_active_response");
        (await recorder.WaitForAsync<RealtimeServerUpdateResponseDone>()).Response.Status.ShouldBe(RealtimeResponseStatus.Completed);
    }

    [Fact]
    public async Task Echo_model_returns_each_audio_chunk_at_once_and_unchanged()
    {
        await using var recorder = await SessionRecorder.StartAsync(engine.Client(), "echo");
        var ct = TestContext.Current.CancellationToken;
        await recorder.WaitForAsync<RealtimeServerUpdateSessionCreated>();
        var latencies = new List<double>();

        for (var i = 0; i < 50; i++)
        {
            var chunk = new byte[960];
            Random.Shared.NextBytes(chunk);
            var sent = Stopwatch.GetTimestamp();
            await recorder.Session.SendInputAudioAsync(BinaryData.FromBytes(chunk), ct);
            var echoed = await recorder.WaitForAsync<RealtimeServerUpdateResponseOutputAudioDelta>(skip: i);
            latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            echoed.Delta.ToArray().ShouldBe(chunk);
        }

        latencies.Sort();
        output.WriteLine($"echo round trip p50 {latencies[25]:0.0} ms, max {latencies[^1]:0.0} ms");
        latencies[25].ShouldBeLessThan(250, "an echo is a socket round trip, not a pipeline");
        recorder.All<RealtimeServerUpdateResponseCreated>().Count.ShouldBe(1, "one running echo response carries every chunk");
    }
}
