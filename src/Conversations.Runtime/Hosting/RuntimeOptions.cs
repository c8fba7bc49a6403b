using System.ComponentModel.DataAnnotations;

namespace Conversations.Runtime.Hosting;

/// <summary>The runtime's settings (configuration section <c>Runtime</c>).</summary>
public sealed class RuntimeOptions
{
    public const string Section = "Runtime";

    /// <summary>This node's name; the node id adds a generation per start.</summary>
    [Required]
    public string NodeId { get; set; } = "silo";

    /// <summary>The base URL other nodes and clients reach this node's gateway at.</summary>
    public Uri? AdvertisedAddress { get; set; }

    /// <summary>How long a lease lasts without renewal: the longest a dead node's conversations stay unreachable.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often this node renews all its leases (one statement per round).</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long an activation may go without activity before the idle collector ends it.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the idle collector looks.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often this node writes its heartbeat and looks for dead nodes.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A node whose heartbeat is older than this is declared dead, and its conversations are taken over.</summary>
    public TimeSpan DeathTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Turns a mailbox holds before posters wait.</summary>
    [Range(16, 1 << 20)]
    public int MailboxCapacity { get; set; } = 1024;
}
