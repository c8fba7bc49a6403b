namespace Conversations.EndToEnd.Tests;

/// <summary>
/// Tests that load the machine on purpose (dozens of live conversations, a hundred thousand events) run alone, after
/// the others: on two cores they would otherwise starve the shared engine and time out the tests running beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadCollection
{
    public const string Name = "Load";
}
