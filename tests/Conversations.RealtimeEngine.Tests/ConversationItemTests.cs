namespace Conversations.RealtimeEngine.Tests;

public sealed class ConversationItemTests(EngineFixture engine)
{
    private const string UserItem = """{"type":"conversation.item.create","item":{"id":"item_mine","type":"message","role":"user","content":[{"type":"input_text","text":"I have a headache"}]}}""";

    [Fact]
    public async Task Items_can_be_retrieved_and_deleted_and_a_deleted_item_is_gone()
    {
        await using var session = await RawSession.ConnectAsync(engine.Server, "internal-medicine");
        await session.SendAsync(UserItem);
        await session.WaitForAsync("conversation.item.done");

        await session.SendAsync("""{"type":"conversation.item.retrieve","item_id":"item_mine"}""");
        var retrieved = (await session.WaitForAsync("conversation.item.retrieved")).GetProperty("item");
        retrieved.GetProperty("content")[0].GetProperty("text").GetString().ShouldBe("I have a headache");

        await session.SendAsync("""{"type":"conversation.item.delete","item_id":"item_mine"}""");
        (await session.WaitForAsync("conversation.item.deleted")).GetProperty("item_id").GetString().ShouldBe("item_mine");
        await session.SendAsync("""{"type":"conversation.item.retrieve","event_id":"again","item_id":"item_mine"}""");
        var error = (await session.WaitForAsync("error")).GetProperty("error");
        error.GetProperty("code").GetString().ShouldBe("item_not_found");
        error.GetProperty("event_id").GetString().ShouldBe("again");
    }

    [Fact]
    public async Task Creating_an_item_with_an_existing_id_is_refused()
    {
        await using var session = await RawSession.ConnectAsync(engine.Server, "internal-medicine");
        await session.SendAsync(UserItem);
        await session.WaitForAsync("conversation.item.done");

        await session.SendAsync(UserItem);

        (await session.WaitForAsync("error")).GetProperty("error").GetProperty("code").GetString().ShouldBe("item_already_exists");
    }

    [Fact]
    public async Task Out_of_band_response_answers_its_own_input_and_stays_out_of_the_conversation()
    {
        await using var session = await RawSession.ConnectAsync(engine.Server, "nutrition");
        await session.SendAsync(UserItem);
        await session.WaitForAsync("conversation.item.done");

        await session.SendAsync("""
            {"type":"response.create","response":{
              "conversation":"none","output_modalities":["text"],"metadata":{"purpose":"summary"},
              "input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"What should I eat for breakfast?"}]}]}}
            """);

        var response = (await session.WaitForAsync("response.done")).GetProperty("response");
        response.GetProperty("status").GetString().ShouldBe("completed");
        response.GetProperty("conversation_id").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        response.GetProperty("metadata").GetProperty("purpose").GetString().ShouldBe("summary");
        response.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString()!.ShouldContain("balanced meal", customMessage: "it answered the out-of-band input, not the headache in the conversation");
        session.Events.Count(e => e.GetProperty("type").GetString() == "conversation.item.added").ShouldBe(1, "only the user's own item entered the conversation");
    }

    [Fact]
    public async Task Function_call_output_items_are_accepted_and_stored()
    {
        await using var session = await RawSession.ConnectAsync(engine.Server, "nutrition");

        await session.SendAsync("""{"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"call_1","output":"{\"kcal\":350}"}}""");

        var item = (await session.WaitForAsync("conversation.item.added")).GetProperty("item");
        item.GetProperty("type").GetString().ShouldBe("function_call_output");
        item.GetProperty("call_id").GetString().ShouldBe("call_1");
        item.GetProperty("output").GetString().ShouldBe("{\"kcal\":350}");
        await session.SendAsync("""{"type":"response.create"}""");
        var done = (await session.WaitForAsync("response.done")).GetProperty("response");
        done.GetProperty("output")[0].GetProperty("content")[0].GetProperty("transcript").GetString()!.ShouldContain("350");
    }
}
