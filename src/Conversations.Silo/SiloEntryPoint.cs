namespace Conversations.Silo;

/// <summary>Marks the silo assembly for hosts that start it in-process (WebApplicationFactory in tests).</summary>
public sealed class SiloEntryPoint;
