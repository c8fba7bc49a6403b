namespace Conversations.RealtimeEngine.Configuration;

/// <summary>Models every engine serves unless configuration says otherwise: <c>echo</c> and one scripted model per default character.</summary>
public static class BuiltInModels
{
    public static IReadOnlyDictionary<string, ModelOptions> All { get; } = new Dictionary<string, ModelOptions>(StringComparer.Ordinal)
    {
        ["echo"] = new() { Responder = ResponderKinds.Echo },
        ["internal-medicine"] = Scripted("sage", "You are a calm internal medicine counsellor."),
        ["mental-health"] = Scripted("echo", "You are a warm, patient mental health counsellor."),
        ["nutrition"] = Scripted("cedar", "You are a practical nutrition counsellor."),
        ["womens-health"] = Scripted("marin", "You are a respectful women's health counsellor."),
        ["children"] = Scripted("shimmer", "You are a friendly counsellor for children and adolescents."),
        ["geriatrics"] = Scripted("alloy", "You are a gentle counsellor for older adults."),
    };

    /// <summary>Adds the built-in models that configuration did not define.</summary>
    public static void AddMissing(EngineOptions options)
    {
        foreach (var (name, model) in All)
        {
            options.Models.TryAdd(name, model);
        }
    }

    private static ModelOptions Scripted(string voice, string instructions) =>
        new() { Responder = ResponderKinds.Scripted, Voice = voice, Instructions = instructions };
}
