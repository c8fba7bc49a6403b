[assembly: AssemblyFixture(typeof(Conversations.Testing.PostgresServerFixture))]
[assembly: AssemblyFixture(typeof(Conversations.EndToEnd.Tests.EngineFixture))]
