[assembly: AssemblyFixture(typeof(Conversations.Testing.PostgresServerFixture))]
