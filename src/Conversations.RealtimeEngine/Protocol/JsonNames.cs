using System.Text.Json;

namespace Conversations.RealtimeEngine.Protocol;

/// <summary>Pre-encoded property names for the events written on the audio path.</summary>
internal static class JsonNames
{
    public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    public static readonly JsonEncodedText EventId = JsonEncodedText.Encode("event_id");
    public static readonly JsonEncodedText ResponseId = JsonEncodedText.Encode("response_id");
    public static readonly JsonEncodedText ItemId = JsonEncodedText.Encode("item_id");
    public static readonly JsonEncodedText OutputIndex = JsonEncodedText.Encode("output_index");
    public static readonly JsonEncodedText ContentIndex = JsonEncodedText.Encode("content_index");
    public static readonly JsonEncodedText Delta = JsonEncodedText.Encode("delta");
}

/// <summary>Server event type names (OpenAI Realtime GA).</summary>
internal static class ServerEvents
{
    public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    public static readonly JsonEncodedText SessionCreated = JsonEncodedText.Encode("session.created");
    public static readonly JsonEncodedText SessionUpdated = JsonEncodedText.Encode("session.updated");
    public static readonly JsonEncodedText ConversationItemAdded = JsonEncodedText.Encode("conversation.item.added");
    public static readonly JsonEncodedText ConversationItemDone = JsonEncodedText.Encode("conversation.item.done");
    public static readonly JsonEncodedText ConversationItemDeleted = JsonEncodedText.Encode("conversation.item.deleted");
    public static readonly JsonEncodedText ConversationItemRetrieved = JsonEncodedText.Encode("conversation.item.retrieved");
    public static readonly JsonEncodedText ConversationItemTruncated = JsonEncodedText.Encode("conversation.item.truncated");
    public static readonly JsonEncodedText TranscriptionDelta = JsonEncodedText.Encode("conversation.item.input_audio_transcription.delta");
    public static readonly JsonEncodedText TranscriptionCompleted = JsonEncodedText.Encode("conversation.item.input_audio_transcription.completed");
    public static readonly JsonEncodedText TranscriptionFailed = JsonEncodedText.Encode("conversation.item.input_audio_transcription.failed");
    public static readonly JsonEncodedText SpeechStarted = JsonEncodedText.Encode("input_audio_buffer.speech_started");
    public static readonly JsonEncodedText SpeechStopped = JsonEncodedText.Encode("input_audio_buffer.speech_stopped");
    public static readonly JsonEncodedText Committed = JsonEncodedText.Encode("input_audio_buffer.committed");
    public static readonly JsonEncodedText Cleared = JsonEncodedText.Encode("input_audio_buffer.cleared");
    public static readonly JsonEncodedText TimeoutTriggered = JsonEncodedText.Encode("input_audio_buffer.timeout_triggered");
    public static readonly JsonEncodedText OutputAudioBufferCleared = JsonEncodedText.Encode("output_audio_buffer.cleared");
    public static readonly JsonEncodedText ResponseCreated = JsonEncodedText.Encode("response.created");
    public static readonly JsonEncodedText ResponseDone = JsonEncodedText.Encode("response.done");
    public static readonly JsonEncodedText OutputItemAdded = JsonEncodedText.Encode("response.output_item.added");
    public static readonly JsonEncodedText OutputItemDone = JsonEncodedText.Encode("response.output_item.done");
    public static readonly JsonEncodedText ContentPartAdded = JsonEncodedText.Encode("response.content_part.added");
    public static readonly JsonEncodedText ContentPartDone = JsonEncodedText.Encode("response.content_part.done");
    public static readonly JsonEncodedText OutputAudioDelta = JsonEncodedText.Encode("response.output_audio.delta");
    public static readonly JsonEncodedText OutputAudioDone = JsonEncodedText.Encode("response.output_audio.done");
    public static readonly JsonEncodedText OutputAudioTranscriptDelta = JsonEncodedText.Encode("response.output_audio_transcript.delta");
    public static readonly JsonEncodedText OutputAudioTranscriptDone = JsonEncodedText.Encode("response.output_audio_transcript.done");
    public static readonly JsonEncodedText OutputTextDelta = JsonEncodedText.Encode("response.output_text.delta");
    public static readonly JsonEncodedText OutputTextDone = JsonEncodedText.Encode("response.output_text.done");
    public static readonly JsonEncodedText FunctionCallArgumentsDelta = JsonEncodedText.Encode("response.function_call_arguments.delta");
    public static readonly JsonEncodedText FunctionCallArgumentsDone = JsonEncodedText.Encode("response.function_call_arguments.done");
}
