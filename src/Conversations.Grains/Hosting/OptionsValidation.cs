using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conversations.Grains.Hosting;

/// <summary>Start-up validation that reports each problem a catalog's <c>Validate</c> finds, not just that there is one.</summary>
public static class OptionsValidation
{
    /// <summary>
    /// Fails start-up with every message <paramref name="validate"/> returns, each prefixed with the configuration
    /// <paramref name="section"/> (the <see cref="OptionsValidationException"/> joins them with "; ").
    /// </summary>
    public static OptionsBuilder<TOptions> ValidateEach<TOptions>(this OptionsBuilder<TOptions> builder, string section, Func<TOptions, IReadOnlyList<string>> validate)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new ListedProblems<TOptions>(builder.Name, section, validate));
        return builder;
    }

    private sealed class ListedProblems<TOptions>(string? name, string section, Func<TOptions, IReadOnlyList<string>> validate) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? optionsName, TOptions options)
        {
            if (name is not null && !string.Equals(name, optionsName, StringComparison.Ordinal))
            {
                return ValidateOptionsResult.Skip;
            }

            var problems = validate(options);
            return problems.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(problems.Select(p => $"{section}: {p}"));
        }
    }
}
