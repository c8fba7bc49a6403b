using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Conversations.AppHost.Console;
using Conversations.AppHost.Postgres;
using Conversations.AppHost.Processes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Conversations.AppHost.Hosting;

/// <summary>Starts PostgreSQL, the realtime engine and the silos, waits until they are ready, prints the URLs; stops them in reverse.</summary>
public sealed class ClusterLauncher(
    IOptions<AppHostOptions> options,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    ConsoleOutput output) : IHostedService
{
    private static readonly TimeSpan PortWait = TimeSpan.FromSeconds(15);
    private readonly AppHostOptions _options = options.Value;
    private readonly List<ChildProcess> _silos = [];
    private ChildProcess? _engine;
    private DatabaseServer? _database;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        lifetime.ApplicationStopping.Register(() =>
        {
            // Ctrl+C reaches the children too (same process group): their exits from now on are expected.
            output.Info("stopping…");
            foreach (var child in _silos.Append(_engine).OfType<ChildProcess>())
            {
                child.MarkStopping();
            }
        });
        try
        {
            var configurationName = _options.Configuration ?? Repository.BuildConfiguration;
            var external = configuration.GetConnectionString("postgres");
            await WaitForFreePortsAsync(string.IsNullOrWhiteSpace(external), cancellationToken);
            _database = await DatabaseServer.StartAsync(_options, external, output, cancellationToken);

            var upstream = Upstream.From(configuration, _options.EngineUrl);
            _engine = ChildProcess.Start(ChildSpecs.Engine(_options, configuration, configurationName, output.UsesColor), output);
            for (var i = 0; i < _options.Silos; i++)
            {
                var spec = ChildSpecs.Silo(i, _options, configuration, configurationName, output.UsesColor, _database.ConnectionString, upstream);
                _silos.Add(ChildProcess.Start(spec, output));
            }

            var timeout = TimeSpan.FromSeconds(_options.ReadyTimeoutSeconds);
            await Task.WhenAll(_silos.Prepend(_engine).Select(child => child.WaitUntilReadyAsync(timeout, cancellationToken)));
            output.Block(UrlsBanner.Render(_options, upstream, _database.Description, configuration["OTEL_EXPORTER_OTLP_ENDPOINT"], clock.Elapsed, output.Bold));
        }
        catch (OperationCanceledException)
        {
            output.Error("start-up cancelled");
            await StopAsync(CancellationToken.None);
            throw;
        }
        catch (Exception exception)
        {
            output.Error($"start-up failed: {exception.Message}");
            await StopAsync(CancellationToken.None);
            throw new StartupFailedException(exception);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(_options.StopTimeoutSeconds);

        // Silos first (they may still write to PostgreSQL and call the engine while they drain), then the engine, then PostgreSQL.
        await Task.WhenAll(_silos.Select(silo => silo.StopAsync(timeout)));
        if (_engine is not null)
        {
            await _engine.StopAsync(timeout);
        }

        foreach (var child in _silos.Append(_engine).OfType<ChildProcess>())
        {
            await child.DisposeAsync();
        }

        _silos.Clear();
        _engine = null;
        if (_database is not null)
        {
            output.Info("stopping PostgreSQL");
            await _database.DisposeAsync();
            _database = null;
        }

        output.Info("stopped");
    }

    /// <summary>
    /// Children of an AppHost that was just killed need a moment to notice and exit; after that, fails clearly when a port
    /// is still taken (often by another AppHost that is running).
    /// </summary>
    private async Task WaitForFreePortsAsync(bool localPostgres, CancellationToken cancellationToken)
    {
        var ports = Enumerable.Range(0, _options.Silos).Select(i => (Name: $"silo-{i.ToString(CultureInfo.InvariantCulture)}", Port: _options.SiloPort + (10 * i)))
            .Append((Name: "engine", Port: _options.EnginePort))
            .ToList();
        if (localPostgres)
        {
            ports.Add((Name: "postgres", Port: _options.PostgresPort));
        }

        var clock = Stopwatch.StartNew();
        var reported = false;
        while (true)
        {
            var taken = ports.Where(p => !IsFree(_options.Host, p.Port)).Select(p => $"{p.Name} port {p.Port.ToString(CultureInfo.InvariantCulture)}").ToList();
            if (taken.Count == 0)
            {
                return;
            }

            if (clock.Elapsed > PortWait)
            {
                throw new InvalidOperationException(
                    $"{string.Join(", ", taken)} still in use after {PortWait.TotalSeconds:0} s (another AppHost running?). Stop it, or choose other ports: {AppHostOptions.PortSwitches}.");
            }

            if (!reported)
            {
                output.Info($"waiting for {string.Join(", ", taken)} to be free");
                reported = true;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static bool IsFree(string host, int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Parse(host), port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>The launcher could not start everything; it has said why and stopped what it had started.</summary>
public sealed class StartupFailedException(Exception inner) : Exception(inner.Message, inner);
