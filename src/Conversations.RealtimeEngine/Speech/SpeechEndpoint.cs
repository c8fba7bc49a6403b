using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Conversations.RealtimeEngine.Compute;
using Conversations.RealtimeEngine.Sessions;
using Conversations.RealtimeEngine.Synthesis;
using Microsoft.AspNetCore.Http;

namespace Conversations.RealtimeEngine.Speech;

/// <summary>
/// <c>POST /v1/audio/speech</c>, OpenAI-compatible text-to-speech with the engine's local voices (Flite for English,
/// eSpeak NG otherwise): <c>response_format</c> <c>pcm</c> (the default here) is PCM16 mono 24 kHz, as OpenAI's.
/// The conversations use it for what a human counsellor types, in a voice of its own.
/// </summary>
internal static class SpeechEndpoint
{
    public const int MaxInputLength = 4096;

    public static async Task<IResult> HandleAsync(HttpContext context, SpeechRequest request, LocalSpeechSynthesizer synthesizer, EngineServices services, CancellationToken cancellationToken)
    {
        if (services.Options.ApiKey is { Length: > 0 } key && !RealtimeEndpoint.Authorized(context, key))
        {
            return Results.Unauthorized();
        }

        if (string.IsNullOrWhiteSpace(request.Input) || request.Input.Length > MaxInputLength)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"input is required, at most {MaxInputLength} characters.");
        }

        if (request.ResponseFormat is not (null or "pcm"))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "This engine speaks response_format \"pcm\" (PCM16 mono 24 kHz) only.");
        }

        var language = TextLanguage.Detect(request.Input, "en");
        var speech = await synthesizer.SynthesizeAsync(request.Input, request.Voice ?? "alloy", language, SpeechPriority.Urgent, cancellationToken);
        return Results.Bytes(MemoryMarshal.AsBytes(speech.Samples.AsSpan()).ToArray(), "audio/pcm");
    }
}

/// <summary>The body of <c>POST /v1/audio/speech</c> (OpenAI's shape).</summary>
internal sealed record SpeechRequest(
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("input")] string? Input,
    [property: JsonPropertyName("voice")] string? Voice,
    [property: JsonPropertyName("response_format")] string? ResponseFormat);
