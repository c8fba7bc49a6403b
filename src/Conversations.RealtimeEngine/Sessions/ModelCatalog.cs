using Conversations.RealtimeEngine.Configuration;
using Conversations.RealtimeEngine.Responders;
using Microsoft.Extensions.Options;

namespace Conversations.RealtimeEngine.Sessions;

/// <summary>A model a session runs: its configuration and its responder (none for echo).</summary>
internal sealed record EngineModel(string Name, ModelOptions Options, IResponder? Responder)
{
    public bool IsEcho => string.Equals(Options.Responder, ResponderKinds.Echo, StringComparison.Ordinal);
}

/// <summary>Resolves <c>?model=</c> to a configured model.</summary>
internal sealed class ModelCatalog
{
    private readonly Dictionary<string, EngineModel> _models = new(StringComparer.Ordinal);

    public ModelCatalog(IOptions<EngineOptions> options)
    {
        foreach (var (name, model) in options.Value.Models)
        {
            IResponder? responder = model.Responder switch
            {
                ResponderKinds.Scripted => new ScriptedResponder(CounsellingScripts.All[model.Script ?? name]),
                _ => null,
            };
            _models[name] = new EngineModel(name, model, responder);
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
