using System.Collections.Concurrent;
using Conversations.Runtime.Hosting;
using Conversations.Runtime.Leases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations.Runtime.Activation;

/// <summary>This node's live activations: finds or creates the one activation of a key, holding its lease.</summary>
public sealed class ActivationCatalog(
    IServiceProvider services,
    LeaseStore leases,
    NodeIdentity node,
    IOptions<RuntimeOptions> options,
    ILoggerFactory loggerFactory)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger<ActivationCatalog>();
    private volatile bool _accepting = true;

    /// <summary>Refuses new activations from now on (the node is leaving); existing ones keep running until deactivated.</summary>
    public void StopAccepting() => _accepting = false;

    /// <summary>The number of live activations on this node.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Returns the activation of <paramref name="key"/> on this node, activating it (taking its lease) when there is none.
    /// Throws <see cref="GrainOwnedElsewhereException"/> when another node holds a live lease.
    /// </summary>
    public async Task<GrainReference<TGrain>> GetAsync<TGrain>(string key, CancellationToken cancellationToken = default)
        where TGrain : Grain
    {
        while (true)
        {
            var entry = _entries.GetOrAdd(key, static (k, state) => new Entry(k, state.GrainType, state.Catalog), (GrainType: typeof(TGrain), Catalog: this));
            Activation activation;
            try
            {
                activation = await entry.Activation.Value.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                throw;
            }

            if (activation.IsDeactivating)
            {
                await activation.Completion.WaitAsync(cancellationToken);
                continue;
            }

            if (activation.Grain is not TGrain)
            {
                throw new InvalidOperationException($"{key} is a {activation.Grain.GetType().Name}, not a {typeof(TGrain).Name}.");
            }

            return new GrainReference<TGrain>(activation);
        }
    }

    internal IEnumerable<Activation> LiveActivations() =>
        _entries.Values
            .Where(e => e.Activation.IsValueCreated && e.Activation.Value.IsCompletedSuccessfully)
            .Select(e => e.Activation.Value.Result)
            .Where(a => !a.IsDeactivating);

    /// <summary>Deactivates every activation (node shutdown), releasing their leases so other nodes can take over at once.</summary>
    public async Task DeactivateAllAsync(DeactivationReason reason)
    {
        var all = LiveActivations().ToList();
        foreach (var activation in all)
        {
            activation.RequestDeactivation(reason);
        }

        await Task.WhenAll(all.Select(a => a.Completion));
    }

    private async Task<Activation> ActivateAsync(Entry entry)
    {
        if (!_accepting)
        {
            throw new NodeDrainingException(node.Id);
        }

        var grainType = entry.GrainType;
        var settings = options.Value;
        var fence = await leases.TryAcquireAsync(entry.Key, node.Id, settings.LeaseDuration);
        if (fence is null)
        {
            var owner = await leases.FindOwnerAsync(entry.Key);
            throw new GrainOwnedElsewhereException(entry.Key, owner);
        }

        Grain grain;
        try
        {
            grain = (Grain)ActivatorUtilities.CreateInstance(services, grainType);
        }
        catch
        {
            await leases.ReleaseAsync(fence.Value);
            throw;
        }

        var activation = new Activation(
            grain,
            fence.Value,
            settings.MailboxCapacity,
            leases,
            loggerFactory.CreateLogger(grainType),
            completed => _entries.TryRemove(new KeyValuePair<string, Entry>(entry.Key, entry)));
        await activation.StartAsync(CancellationToken.None);
        _logger.LogDebug("{Key}: activated at epoch {Epoch}", entry.Key, fence.Value.Epoch);
        return activation;
    }

    private sealed class Entry
    {
        public Entry(string key, Type grainType, ActivationCatalog catalog)
        {
            Key = key;
            GrainType = grainType;
            Activation = new Lazy<Task<Activation>>(() => catalog.ActivateAsync(this), LazyThreadSafetyMode.ExecutionAndPublication);
        }

        public string Key { get; }

        public Type GrainType { get; }

        public Lazy<Task<Activation>> Activation { get; }
    }
}
