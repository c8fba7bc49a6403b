using Conversations.Domain.Transcript;

namespace Conversations.Domain.Tests.Transcript;

public sealed class TranscriptEntryTests
{
    [Fact]
    public void Speaker_wire_names_round_trip()
    {
        foreach (var speaker in Enum.GetValues<Speaker>())
        {
            SpeakerNames.TryParse(speaker.WireName(), out var parsed).ShouldBeTrue();
            parsed.ShouldBe(speaker);
        }

        SpeakerNames.TryParse("system", out _).ShouldBeFalse();
    }

    [Fact]
    public void Entries_are_values()
    {
        var at = DateTimeOffset.UnixEpoch;

        new TranscriptEntry(1, Speaker.User, "hi", at, null).ShouldBe(new TranscriptEntry(1, Speaker.User, "hi", at, null));
    }
}
