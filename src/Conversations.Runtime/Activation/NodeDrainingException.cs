namespace Conversations.Runtime.Activation;

/// <summary>This node is leaving the cluster and takes no new activations; the client should reach another node.</summary>
public sealed class NodeDrainingException(string nodeId) : Exception($"{nodeId} is leaving the cluster and takes no new conversations.");
