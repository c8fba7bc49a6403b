using Conversations.Domain.Transcript;
using Conversations.Grains.Persistence;
using Conversations.Grains.Upstream;

namespace Conversations.Grains.Tests;

/// <summary>What the grain itself tells the model, and how grain state is stored.</summary>
public sealed class UpstreamEventsTests
{
    [Fact]
    public void A_counsellors_words_join_the_models_context_as_what_the_user_heard_and_a_tools_output_is_not_replayed()
    {
        var said = new TranscriptEntry(7, Speaker.Supervisor, "I am here with you.", DateTimeOffset.UtcNow, null, "counsellor-kim");

        UpstreamEvents.SeedItem("human_7", said)!.ToString().ShouldBe(
            """{"type":"conversation.item.create","item":{"id":"human_7","type":"message","role":"assistant","content":[{"type":"output_text","text":"(A human counsellor said:) I am here with you."}]}}""");
        UpstreamEvents.SeedItem("seed_8", said with { Role = Speaker.Tool }).ShouldBeNull();
    }

    [Fact]
    public void Without_a_human_the_session_lets_the_ai_answer_and_while_one_leads_it_does_not()
    {
        var character = global::Conversations.Domain.Characters.CharacterCatalog.Default.Get("mental-health");

        UpstreamEvents.SessionUpdate(character, "whisper-1").ToString().ShouldContain("\"create_response\":true");
        var silent = UpstreamEvents.SessionUpdate(character, "whisper-1", aiResponds: false).ToString();
        silent.ShouldContain("\"create_response\":false");
        silent.ShouldContain("\"interrupt_response\":false");
    }

    [Fact]
    public void Grain_state_is_stored_as_plain_json_that_another_type_of_the_same_shape_reads_back()
    {
        var serializer = new JsonGrainStateSerializer();

        var stored = serializer.Serialize(new BeforeRename { LeaderId = "kim", Since = 42 });
        var read = serializer.Deserialize<AfterRename>(stored)!;

        stored.ToString().ShouldBe("""{"leader_id":"kim","since":42}""", "no CLR type name is stored");
        read.LeaderId.ShouldBe("kim");
        read.Since.ShouldBe(42);
    }

    private sealed class BeforeRename
    {
        public string? LeaderId { get; set; }

        public long Since { get; set; }
    }

    private sealed class AfterRename
    {
        public string? LeaderId { get; set; }

        public long Since { get; set; }
    }
}
