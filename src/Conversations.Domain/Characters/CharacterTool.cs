namespace Conversations.Domain.Characters;

/// <summary>A function tool offered to the model: name, description and the JSON schema of its parameters.</summary>
public sealed record CharacterTool(string Name, string Description, string ParametersJsonSchema);
