using Conversations.Domain.Characters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Conversations.Gateway.Api;

/// <summary><c>GET /api/v1/characters</c>: the characters a user may pick; instructions stay on the server.</summary>
public static class CharactersApi
{
    public static IEndpointRouteBuilder MapCharactersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/characters", List).RequireAuthorization().WithTags("Characters")
            .WithSummary("The characters a user may pick")
            .WithDescription("Each character's id (the `model` of a realtime session), name, description, language, voice and mode. Instructions stay on the server.");
        return app;
    }

    private static Ok<CharacterPage> List(CharacterCatalog characters) => TypedResults.Ok(new CharacterPage(characters.Listings()));

    /// <summary>The character list.</summary>
    public sealed record CharacterPage(IReadOnlyList<CharacterListing> Data);
}
