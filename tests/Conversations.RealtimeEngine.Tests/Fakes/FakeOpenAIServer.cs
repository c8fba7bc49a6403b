using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conversations.RealtimeEngine.Tests.Fakes;

/// <summary>What the fake answers to one request.</summary>
public abstract record FakeReply;

/// <summary>A streamed chat answer: each token is one SSE chunk, <paramref name="Delay"/> apart, then a usage chunk.</summary>
public sealed record ChatText(IReadOnlyList<string> Tokens, TimeSpan Delay, int PromptTokens = 100, int CompletionTokens = 20) : FakeReply
{
    public static ChatText Of(string text, int delayMs = 0) =>
        new([.. text.Split(' ').Select((word, i) => i == 0 ? word : " " + word)], TimeSpan.FromMilliseconds(delayMs));
}

/// <summary>A streamed tool call; the arguments arrive in the given pieces.</summary>
public sealed record ChatToolCall(string CallId, string Name, IReadOnlyList<string> ArgumentPieces) : FakeReply;

/// <summary>An HTTP error with an OpenAI-style error body.</summary>
public sealed record HttpFailure(int Status) : FakeReply;

/// <summary>No answer at all, until the client gives up.</summary>
public sealed record Hang : FakeReply;

/// <summary>A transcription result.</summary>
public sealed record Transcript(string Text) : FakeReply;

/// <summary>Raw bytes as the speech body (broken audio, for example).</summary>
public sealed record RawAudio(byte[] Bytes, string ContentType = "application/octet-stream") : FakeReply;

/// <summary>One transcription upload as the fake received it.</summary>
public sealed record TranscriptionUpload(byte[] File, string? Model, string? Language, string? ResponseFormat);

/// <summary>
/// A local stand-in for an OpenAI-compatible API that speaks the real wire format: <c>/v1/chat/completions</c> with
/// server-sent events, multipart <c>/v1/audio/transcriptions</c>, and <c>/v1/audio/speech</c> returning raw PCM.
/// </summary>
/// <remarks>Replies come from per-endpoint queues (a default when empty); every request is recorded for assertions.</remarks>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<JsonElement> _chatRequests = [];
    private readonly List<TranscriptionUpload> _transcriptions = [];
    private readonly List<JsonElement> _speechRequests = [];

    private FakeOpenAIServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<FakeReply> Chat { get; } = new();

    public ConcurrentQueue<FakeReply> Transcriptions { get; } = new();

    public ConcurrentQueue<FakeReply> Speech { get; } = new();

    /// <summary>Stopwatch timestamp of the last chat chunk written, to compare with client arrival times.</summary>
    public long LastChatChunkAt { get; private set; }

    public IReadOnlyList<JsonElement> ChatRequests => Snapshot(_chatRequests);

    public IReadOnlyList<TranscriptionUpload> TranscriptionUploads => Snapshot(_transcriptions);

    public IReadOnlyList<JsonElement> SpeechRequests => Snapshot(_speechRequests);

    public static async Task<FakeOpenAIServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var fake = new FakeOpenAIServer(app);
        app.MapPost("/v1/chat/completions", fake.ChatAsync);
        app.MapPost("/v1/audio/transcriptions", fake.TranscribeAsync);
        app.MapPost("/v1/audio/speech", fake.SpeakAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return fake;
    }

    public void Reset()
    {
        Chat.Clear();
        Transcriptions.Clear();
        Speech.Clear();
        lock (_chatRequests)
        {
            _chatRequests.Clear();
        }

        lock (_transcriptions)
        {
            _transcriptions.Clear();
        }

        lock (_speechRequests)
        {
            _speechRequests.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>PCM16 24 kHz for a text: 40 ms of a 220 Hz tone per character.</summary>
    public static byte[] ToneFor(string text)
    {
        var samples = text.Length * 40 * 24;
        var bytes = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(6000 * Math.Sin(2 * Math.PI * 220 * i / 24000));
            bytes[2 * i] = (byte)value;
            bytes[(2 * i) + 1] = (byte)(value >> 8);
        }

        return bytes;
    }

    private static IReadOnlyList<T> Snapshot<T>(List<T> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }

    private async Task ChatAsync(HttpContext context)
    {
        var request = (await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted)).RootElement.Clone();
        lock (_chatRequests)
        {
            _chatRequests.Add(request);
        }

        var reply = Chat.TryDequeue(out var next) ? next : ChatText.Of("This is the default reply.");
        switch (reply)
        {
            case HttpFailure failure:
                await FailAsync(context, failure.Status);
                return;
            case Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
        }

        context.Response.ContentType = "text/event-stream";
        var model = request.GetProperty("model").GetString();
        var id = $"chatcmpl-{Guid.NewGuid():N}";
        await SendChunkAsync(context, id, model, new { role = "assistant", content = string.Empty }, null);
        switch (reply)
        {
            case ChatText text:
                foreach (var token in text.Tokens)
                {
                    if (text.Delay > TimeSpan.Zero)
                    {
                        await Task.Delay(text.Delay, context.RequestAborted);
                    }

                    await SendChunkAsync(context, id, model, new { content = token }, null);
                }

                await SendChunkAsync(context, id, model, new { }, "stop");
                await SendUsageAsync(context, id, model, text.PromptTokens, text.CompletionTokens);
                break;
            case ChatToolCall call:
                await SendChunkAsync(context, id, model, new { tool_calls = new object[] { new { index = 0, id = call.CallId, type = "function", function = new { name = call.Name, arguments = string.Empty } } } }, null);
                foreach (var piece in call.ArgumentPieces)
                {
                    await SendChunkAsync(context, id, model, new { tool_calls = new object[] { new { index = 0, function = new { arguments = piece } } } }, null);
                }

                await SendChunkAsync(context, id, model, new { }, "tool_calls");
                await SendUsageAsync(context, id, model, 80, 12);
                break;
        }

        await WriteAsync(context, "data: [DONE]\n\n");
    }

    private async Task SendChunkAsync(HttpContext context, string id, string? model, object delta, string? finishReason)
    {
        var chunk = new
        {
            id,
            @object = "chat.completion.chunk",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model,
            choices = new[] { new { index = 0, delta, logprobs = (object?)null, finish_reason = finishReason } },
        };
        await WriteAsync(context, $"data: {JsonSerializer.Serialize(chunk)}\n\n");
        LastChatChunkAt = Stopwatch.GetTimestamp();
    }

    private static Task SendUsageAsync(HttpContext context, string id, string? model, int prompt, int completion)
    {
        var chunk = new
        {
            id,
            @object = "chat.completion.chunk",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model,
            choices = Array.Empty<object>(),
            usage = new { prompt_tokens = prompt, completion_tokens = completion, total_tokens = prompt + completion },
        };
        return WriteAsync(context, $"data: {JsonSerializer.Serialize(chunk)}\n\n");
    }

    private static async Task WriteAsync(HttpContext context, string text)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private async Task TranscribeAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var file = form.Files.GetFile("file");
        using var content = new MemoryStream();
        if (file is not null)
        {
            await file.CopyToAsync(content, context.RequestAborted);
        }

        var upload = new TranscriptionUpload(content.ToArray(), form["model"], form["language"], form["response_format"]);
        lock (_transcriptions)
        {
            _transcriptions.Add(upload);
        }

        var reply = Transcriptions.TryDequeue(out var next) ? next : new Transcript("hello");
        switch (reply)
        {
            case HttpFailure failure:
                await FailAsync(context, failure.Status);
                return;
            case Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            case Transcript transcript when upload.ResponseFormat is "text":
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync(transcript.Text, context.RequestAborted);
                return;
            case Transcript transcript:
                await context.Response.WriteAsJsonAsync(new { text = transcript.Text }, context.RequestAborted);
                return;
        }
    }

    private async Task SpeakAsync(HttpContext context)
    {
        var request = (await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted)).RootElement.Clone();
        lock (_speechRequests)
        {
            _speechRequests.Add(request);
        }

        var reply = Speech.TryDequeue(out var next) ? next : new RawAudio(ToneFor(request.GetProperty("input").GetString() ?? string.Empty));
        switch (reply)
        {
            case HttpFailure failure:
                await FailAsync(context, failure.Status);
                return;
            case Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            case RawAudio audio:
                context.Response.ContentType = audio.ContentType;
                await context.Response.Body.WriteAsync(audio.Bytes, context.RequestAborted);
                return;
        }
    }

    private static async Task FailAsync(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(
            new { error = new { message = $"Fake failure {status}", type = status == 401 ? "invalid_request_error" : "server_error", code = (string?)null, param = (string?)null } },
            context.RequestAborted);
    }
}
