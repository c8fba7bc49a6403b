using Conversations.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace Conversations.EndToEnd.Tests;

/// <summary>A silo with bad configuration does not start, and says each thing that is wrong (issue #13).</summary>
public sealed class ConfigurationErrorTests(PostgresServerFixture postgres, EngineFixture engine)
{
    [Fact]
    public async Task A_silo_with_bad_configuration_refuses_to_start_and_names_each_problem()
    {
        var failure = await Should.ThrowAsync<Exception>(() => TestSilo.StartAsync(postgres, engine, web =>
        {
            web.UseSetting("Characters:Items:sleep-coach:DisplayName", "Sleep coach");
            web.UseSetting("Characters:Items:nutrition:Voice", "robot");
            web.UseSetting("Tiers:Items:free:MonthlyDollars", "-1");
            web.UseSetting("Tiers:DefaultTier", "gold");
            web.UseSetting("Prices:Models:my-llm:TextInputPerMillion", "-2");
            web.UseSetting("Prices:FallbackModel", "nope");
            web.UseSetting("Emergency:DefaultRegion", "FR");
            web.UseSetting("Api:PublicBaseUrl", "ftp://files.example.com");
        }));

        var problems = Flatten(failure).OfType<OptionsValidationException>().SelectMany(e => e.Failures).ToList();
        var message = string.Join(Environment.NewLine, Flatten(failure).Select(e => e.Message));
        TestContext.Current.TestOutputHelper?.WriteLine(message);
        string[] expected =
        [
            "Characters: character 'sleep-coach' is new and lacks Voice, Role, Scope, ClosingLines",
            "Characters: character 'nutrition': unknown voice 'robot'",
            "Tiers: tier 'free': MonthlyDollars must not be negative (is -1)",
            "Tiers: DefaultTier 'gold' is not a tier (tiers: free, basic, premium)",
            "Prices: model 'my-llm': TextInputPerMillion must not be negative (is -2)",
            "Prices: FallbackModel 'nope' has no prices",
            "Emergency: DefaultRegion 'FR' has no crisis resources (regions: KR, US)",
            "Api: PublicBaseUrl must be an absolute http or https URL without a query (is 'ftp://files.example.com/')",
        ];
        foreach (var problem in expected)
        {
            problems.ShouldContain(p => p.StartsWith(problem, StringComparison.Ordinal), $"failures: {string.Join(" | ", problems)}");
            message.ShouldContain(problem);
        }

        message.ShouldNotContain("see CharacterCatalog.Validate");
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        yield return e;
        var inner = e is AggregateException aggregate ? aggregate.InnerExceptions : e.InnerException is { } one ? [one] : [];
        foreach (var child in inner.SelectMany(Flatten))
        {
            yield return child;
        }
    }
}
