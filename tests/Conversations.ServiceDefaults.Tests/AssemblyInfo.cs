using Conversations.Testing;

[assembly: AssemblyFixture(typeof(PostgresServerFixture))]
