using Conversations.RealtimeEngine.Configuration;
using Conversations.RealtimeEngine.Recognition;
using Conversations.RealtimeEngine.Responders;
using Conversations.RealtimeEngine.Synthesis;
using Microsoft.Extensions.Options;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary>A model a session runs: its configuration and its providers (no responder for echo).</summary>
internal sealed record EngineModel(string Name, ModelOptions Options, IResponder? Responder, ISpeechRecognizer Recognizer, ISpeechSynthesizer Synthesizer)
{
    public bool IsEcho => string.Equals(Options.Responder, ResponderKinds.Echo, StringComparison.Ordinal);
}

/// <summary>Resolves <c>?model=</c> to a configured model, with the providers its configuration chose.</summary>
internal sealed class ModelCatalog
{
    private readonly Dictionary<string, EngineModel> _models = new(StringComparer.Ordinal);

    public ModelCatalog(IOptions<EngineOptions> options, PocketSphinxRecognizer localRecognizer, LocalSpeechSynthesizer localSynthesizer)
    {
        foreach (var (name, model) in options.Value.Models)
        {
            IResponder? responder = model.Responder switch
            {
                ResponderKinds.Scripted => new ScriptedResponder(CounsellingScripts.All[model.Script ?? name]),
                ResponderKinds.OpenAI => new OpenAIChatResponder(model.Chat!),
                _ => null,
            };
            ISpeechRecognizer recognizer = model.Transcription.Provider is ProviderKinds.OpenAI
                ? new OpenAITranscriptionRecognizer(model.Transcription)
                : localRecognizer;
            ISpeechSynthesizer synthesizer = model.Speech.Provider is ProviderKinds.OpenAI
                ? new OpenAISpeechSynthesizer(model.Speech)
                : localSynthesizer;
            _models[name] = new EngineModel(name, model, responder, recognizer, synthesizer);
        }
    }

    public IReadOnlyCollection<string> Names => _models.Keys;

    public bool TryGet(string? name, out EngineModel model)
    {
        if (name is not null && _models.TryGetValue(name, out var found))
        {
            model = found;
            return true;
        }

        model = null!;
        return false;
    }
}
