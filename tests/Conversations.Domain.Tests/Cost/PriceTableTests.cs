using Conversations.Domain.Cost;
using Microsoft.Extensions.Configuration;

namespace Conversations.Domain.Tests.Cost;

public sealed class PriceTableTests
{
    [Fact]
    public void Gpt_realtime_worked_example()
    {
        // 1,200 text in (200 cached), 30,000 audio in (10,000 cached), 150 text out, 6,000 audio out.
        // text in   1,000 × $4     / 1M = $0.004
        // cached      200 × $0.40  / 1M = $0.00008
        // audio in 20,000 × $32    / 1M = $0.64
        // cached   10,000 × $0.40  / 1M = $0.004
        // text out    150 × $16    / 1M = $0.0024
        // audio out 6,000 × $64    / 1M = $0.384
        var usage = new UsageRecord("resp_1", "gpt-realtime", new TokenUsage(1200, 200, 30000, 10000, 150, 6000));

        PriceTable.Default.DollarsFor(usage).ShouldBe(1.03448m);
    }

    [Fact]
    public void Gpt_realtime_mini_worked_example()
    {
        // audio: 100,000 × $10 + 50,000 × $0.30 + 40,000 × $20 per 1M = $1 + $0.015 + $0.8; text: 10,000 × $0.60 + 10,000 × $0.06 + 1,000 × $2.40 per 1M = $0.006 + $0.0006 + $0.0024.
        var usage = new UsageRecord(null, "gpt-realtime-mini", new TokenUsage(20000, 10000, 150000, 50000, 1000, 40000));

        PriceTable.Default.DollarsFor(usage).ShouldBe(1.824m);
    }

    [Fact]
    public void Cascade_with_rest_providers_prices_each_part_by_its_model()
    {
        // gpt-4o-mini: 2,000 in × $0.15 + 300 out × $0.60 per 1M = $0.0003 + $0.00018; whisper-1: 7.5 s × $0.006 / 60 = $0.00075; tts-1: 240 chars × $15 / 1M = $0.0036.
        var usage = new UsageRecord("resp_2", "gpt-4o-mini", new TokenUsage(TextInput: 2000, TextOutput: 300), 7.5m, "whisper-1", 240, "tts-1");

        var cost = PriceTable.Default.Quote(usage);

        cost.ShouldBe(new UsageCost(0.00048m, 0.00075m, 0.0036m));
        cost.Total.ShouldBe(0.00483m);
    }

    [Fact]
    public void Local_providers_are_free_and_unknown_models_cost_nothing_by_default()
    {
        PriceTable.Default.DollarsFor(new UsageRecord(null, "scripted", new TokenUsage(500, 0, 0, 0, 80, 0), 12m, "pocketsphinx", 300, "flite")).ShouldBe(0m);
        PriceTable.Default.DollarsFor(new UsageRecord(null, "mental-health", new TokenUsage(500, 0, 0, 0, 80, 0))).ShouldBe(0m);
        PriceTable.Default.Unpriced(["gpt-realtime", "mental-health", "scripted"]).ShouldBe(["mental-health"]);
    }

    [Fact]
    public void Dated_snapshots_find_their_model_by_longest_prefix()
    {
        PriceTable.Default.For("gpt-realtime-2025-08-28").ShouldBe(PriceTable.Defaults["gpt-realtime"]);
        PriceTable.Default.For("gpt-realtime-mini-2025-10-06").ShouldBe(PriceTable.Defaults["gpt-realtime-mini"]);
        PriceTable.Default.TryFind("gpt-realtimes", out _).ShouldBeFalse();
    }

    [Fact]
    public void Sums_of_many_records_are_exact()
    {
        var one = new UsageRecord(null, "gpt-realtime", new TokenUsage(TextInput: 1, AudioOutput: 1));
        var total = Enumerable.Repeat(one, 1_000_000).Sum(PriceTable.Default.DollarsFor);

        total.ShouldBe(68m);
    }

    [Fact]
    public void Configuration_overrides_prices_and_sets_a_fallback()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Prices:FallbackModel"] = "gpt-realtime",
            ["Prices:Models:gpt-realtime:AudioOutputPerMillion"] = "80",
            ["Prices:Models:my-llm:TextInputPerMillion"] = "1.25",
            ["Prices:Models:my-llm:TextOutputPerMillion"] = "5",
        }).Build();
        var options = new PricesOptions();
        configuration.GetSection(PricesOptions.SectionName).Bind(options);

        var table = PriceTable.FromOptions(options);

        table.For("gpt-realtime").ShouldBe(PriceTable.Defaults["gpt-realtime"] with { AudioOutputPerMillion = 80m });
        table.DollarsFor(new UsageRecord(null, "my-llm", new TokenUsage(TextInput: 1_000_000, TextOutput: 1_000_000))).ShouldBe(6.25m);
        table.For("unheard-of").ShouldBe(table.For("gpt-realtime"));
    }

    [Fact]
    public void Bad_price_configuration_is_refused()
    {
        var negative = new PricesOptions();
        negative.Models["x"] = new ModelPriceOptions { TextInputPerMillion = -1m };
        Should.Throw<ArgumentException>(() => PriceTable.FromOptions(negative));
        Should.Throw<ArgumentException>(() => PriceTable.FromOptions(new PricesOptions { FallbackModel = "nope" }));
    }

    [Fact]
    public void Each_bad_price_setting_is_named()
    {
        var options = new PricesOptions { FallbackModel = "nope" };
        options.Models["my-llm"] = new ModelPriceOptions { TextInputPerMillion = -1m, TextOutputPerMillion = 2m };
        options.Models["gpt-realtime"] = new ModelPriceOptions { SttPerMinute = -0.5m };

        var errors = PriceTable.Validate(options);

        errors.ShouldBe(
        [
            "model 'gpt-realtime': SttPerMinute must not be negative (is -0.5)",
            "model 'my-llm': TextInputPerMillion must not be negative (is -1)",
            "FallbackModel 'nope' has no prices (add it under Models, or name a priced model)",
        ]);
        PriceTable.Validate(new PricesOptions()).ShouldBeEmpty();
        Should.Throw<ArgumentException>(() => PriceTable.FromOptions(options)).Message.ShouldContain(errors[2]);
    }
}
