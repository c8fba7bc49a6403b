using Conversations.RealtimeEngine.Protocol;
using Conversations.RealtimeEngine.Responders;
using Conversations.RealtimeEngine.Synthesis;
using Microsoft.Extensions.Options;

namespace Conversations.RealtimeEngine.Configuration;

/// <summary>Checks the engine configuration at start-up, so a typo fails the host instead of a conversation.</summary>
internal sealed class EngineOptionsValidator : IValidateOptions<EngineOptions>
{
    public ValidateOptionsResult Validate(string? name, EngineOptions options)
    {
        var failures = new List<string>();
        if (options.MaxMessageBytes is < 16 * 1024 or > 64 * 1024 * 1024)
        {
            failures.Add($"Engine:MaxMessageBytes is {options.MaxMessageBytes}; it must be between 16 KiB and 64 MiB.");
        }

        if (options.OutboundQueueCapacity < 16)
        {
            failures.Add("Engine:OutboundQueueCapacity must be at least 16.");
        }

        if (options.Recognition.MaxDecoders < 1 || options.Recognition.WarmDecoders < 0)
        {
            failures.Add("Engine:Recognition:MaxDecoders must be at least 1 and WarmDecoders not negative.");
        }

        if (options.Synthesis.AudioDeltaMilliseconds is < 10 or > 1000)
        {
            failures.Add("Engine:Synthesis:AudioDeltaMilliseconds must be between 10 and 1000.");
        }

        foreach (var (voice, flite) in options.Synthesis.FliteVoices)
        {
            if (!FliteSynthesizer.FliteVoiceNames.Contains(flite, StringComparer.Ordinal))
            {
                failures.Add($"Engine:Synthesis:FliteVoices:{voice} is '{flite}'; Flite voices are {string.Join(", ", FliteSynthesizer.FliteVoiceNames)}.");
            }
        }

        foreach (var (model, settings) in options.Models)
        {
            var at = $"Engine:Models:{model}";
            switch (settings.Responder)
            {
                case ResponderKinds.Echo:
                    break;
                case ResponderKinds.OpenAI:
                    ValidateProvider(failures, $"{at}:Chat", settings.Chat ?? new ProviderOptions { Provider = ProviderKinds.OpenAI }, remote: true);
                    break;
                case ResponderKinds.Scripted:
                    var script = settings.Script ?? model;
                    if (!CounsellingScripts.All.ContainsKey(script))
                    {
                        failures.Add($"{at}:Script '{script}' does not exist; scripts are {string.Join(", ", CounsellingScripts.All.Keys)}.");
                    }

                    break;
                default:
                    failures.Add($"{at}:Responder is '{settings.Responder}'; it must be '{ResponderKinds.Scripted}', '{ResponderKinds.OpenAI}' or '{ResponderKinds.Echo}'.");
                    break;
            }

            ValidateProvider(failures, $"{at}:Transcription", settings.Transcription, remote: null);
            ValidateProvider(failures, $"{at}:Speech", settings.Speech, remote: null);

            if (!SessionUpdate.Voices.Contains(settings.Voice))
            {
                failures.Add($"{at}:Voice '{settings.Voice}' is not an OpenAI voice name.");
            }

            if (string.IsNullOrWhiteSpace(settings.Language) || settings.Language.Length is < 2 or > 8)
            {
                failures.Add($"{at}:Language must be a language code such as 'en' or 'ko'.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // remote: true when the provider must be an OpenAI-compatible API, null when its Provider field decides.
    private static void ValidateProvider(List<string> failures, string at, ProviderOptions provider, bool? remote)
    {
        if (remote is null && provider.Provider is not (ProviderKinds.Local or ProviderKinds.OpenAI))
        {
            failures.Add($"{at}:Provider is '{provider.Provider}'; it must be '{ProviderKinds.Local}' or '{ProviderKinds.OpenAI}'.");
            return;
        }

        if (remote is false || (remote is null && provider.Provider is ProviderKinds.Local))
        {
            return;
        }

        if (!Uri.TryCreate(provider.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            failures.Add($"{at}:BaseUrl '{provider.BaseUrl}' must be an absolute http(s) URL such as https://api.openai.com/v1.");
        }

        if (string.IsNullOrWhiteSpace(provider.Model))
        {
            failures.Add($"{at}:Model is required.");
        }

        if (provider.MaxRetries is < 0 or > 10 || provider.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{at}: MaxRetries must be 0–10 and Timeout positive.");
        }
    }
}
