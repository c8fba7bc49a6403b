[assembly: AssemblyFixture(typeof(Conversations.Testing.PostgresServerFixture))]
[assembly: AssemblyFixture(typeof(Conversations.EndToEnd.Tests.EngineFixture))]
[assembly: AssemblyFixture(typeof(Conversations.Browser.Tests.PlaywrightFixture))]

// One Chromium with a live conversation at a time: real-time audio on two shared cores needs the headroom.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
