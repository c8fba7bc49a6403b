using Conversations.Domain.Tiers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

// In the hosting namespace, which every host already imports: mapping the pages is one line in Program.cs.
namespace Conversations.Gateway.Hosting;

/// <summary>
/// The browser pages: the voice client at <c>/</c>, the operations dashboard at <c>/dashboard</c>, and their scripts
/// and stylesheet under <c>/pages/</c>. Plain files embedded in this assembly (<c>wwwroot/</c>); no build chain.
/// </summary>
public static class PagesEndpoints
{
    public const string AssetPath = "/pages";

    // Scripts, styles, sockets and audio worklets from this origin only; the token never goes anywhere else.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; media-src 'self' blob:; "
        + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static WebApplication MapConversationsPages(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(PagesEndpoints).Assembly, "Conversations.Gateway.wwwroot");
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = AssetPath,
            OnPrepareResponse = context => SetHeaders(context.Context.Response),
        });

        app.MapGet("/", (HttpContext http) => Page(http, files, "index.html")).ExcludeFromDescription();
        app.MapGet("/dashboard", (HttpContext http) => Page(http, files, "dashboard.html")).ExcludeFromDescription();
        app.MapGet($"{AssetPath}/environment.json", (IHostEnvironment environment, TierCatalog tiers) =>
                TypedResults.Ok(new PagesEnvironment(environment.IsDevelopment(), [.. tiers.All.Select(t => t.Id)], tiers.DefaultTier.Id)))
            .ExcludeFromDescription();
        return app;
    }

    private static FileStreamHttpResult Page(HttpContext http, EmbeddedFileProvider files, string name)
    {
        SetHeaders(http.Response);
        return TypedResults.Stream(files.GetFileInfo(name).CreateReadStream(), "text/html; charset=utf-8");
    }

    private static void SetHeaders(HttpResponse response)
    {
        // Revalidate every time: the files change with the assembly, and a stale script against a newer server is worse than a 304.
        response.Headers.CacheControl = "no-cache";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>What the pages need to know about the host: whether the development token form can work, and with which tiers.</summary>
    public sealed record PagesEnvironment(bool DevelopmentTokens, IReadOnlyList<string> Tiers, string DefaultTier);
}
