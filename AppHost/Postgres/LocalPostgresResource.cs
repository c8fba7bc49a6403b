using Aspire.Hosting.ApplicationModel;

namespace Conversations.AppHost.Postgres;

/// <summary>A PostgreSQL server run from the Debian binaries as an executable resource (there is no container engine here).</summary>
public sealed class LocalPostgresResource(string name, string command, string dataDirectory)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    /// <summary>The folder holding the server's data (kept between runs).</summary>
    public string DataDirectory { get; } = dataDirectory;

    public EndpointReference Endpoint => new(this, EndpointName);

    // 127.0.0.1, not the endpoint's "localhost": the server listens on IPv4 only.
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host=127.0.0.1;Port={Endpoint.Property(EndpointProperty.TargetPort)};Username=postgres;Database={PostgresDatabase.Name}");
}
