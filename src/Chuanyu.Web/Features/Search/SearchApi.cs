using System.ComponentModel;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chuanyu.Web.Features.Search;

/// <summary>One search across the catalogue of both regions; anyone may search, results follow the visibility rules.</summary>
public static class SearchApi
{
    /// <summary>The export's endpoint name: the search page's export link is generated from it.</summary>
    public const string ExportEndpoint = "ExportSearch";

    /// <summary>
    /// The search service, its facet cache, the backend of the configured engine (chosen once, from
    /// <see cref="DatabaseConnection"/>), the <c>Search:*</c> settings, how the index stays current (an interceptor on
    /// every EF save), the synonym stamp of an empty index at start-up, and the <c>reindex</c> command.
    /// </summary>
    public static IServiceCollection AddSearch(this IServiceCollection services)
    {
        services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.Section);
        services.AddSingleton<ISearchBackend>(sp => sp.GetRequiredService<DatabaseConnection>().Provider == DatabaseProvider.Postgres
            ? ActivatorUtilities.CreateInstance<PostgresSearchBackend>(sp)
            : ActivatorUtilities.CreateInstance<SqliteSearchBackend>(sp));
        services.AddScoped<SearchService>().AddSingleton<FacetCache>().AddSingleton<SearchTypes>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInterceptor, SearchIndexInterceptor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInterceptor>(SearchIndexBypassGuard.Instance));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDatabasePreparation, SearchIndexPreparation>());
        services.AddPlatformCommand<ReindexCommand>();
        return services;
    }

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/search", SearchAsync).AllowAnonymous().WithTags("Search")
            .WithSummary("Chinese full-text search over every type of record (resources of each kind, organisations, …) with filters, facets and highlights.")
            .WithDescription("`type` keeps records of the given types (repeat it, or separate them by commas; `facets.type` counts each). Each hit gives its `type` and the `link` of its page. `total` and the facet counts are exact up to 1,000 matches; above that they may be estimates, flagged `totalIsEstimate` (also `totalApproximate`). The first pages of hits are exact and in order; pages reach the first 10,000 results. `only` restricts the hits for the signed-in caller by a named rule: `only=my-vouchers` keeps the instruments and testing services of providers that accept an innovation voucher the caller's organisation holds. Empty or over-long `q`, an unknown `type`, or a bad filter value, is a 400 naming the parameter.");
        app.MapGet("/api/v1/search/export", ExportAsync).RequireAuthorization(Policies.SignedIn).WithTags("Search").WithName(ExportEndpoint)
            .WithSummary("The matches of a search (same parameters, at most 10,000, best first) as .xlsx in the catalogue sheet layout.");
        return app;
    }

    private static async Task<IResult> ExportAsync(
        SearchService search, ResourceImportService sheets, TimeProvider clock, string? q, string? kind, string? region, string? district, string? category,
        string? organizationId, string? certification, string? price, string[]? type, string? only, CancellationToken ct = default)
    {
        // The sheet is the catalogue's: the matches that are resources (other types have no row in it).
        var query = new SearchQuery(q, kind, region, district, category, organizationId, certification, price, Type: Types(type), Only: only);
        var (ids, errors) = await search.MatchingIdsAsync(query, SearchService.Cap, ct);
        if (ids is null)
        {
            return ApiResults.ToHttp(new ServiceResult.Invalid(errors));
        }
        var output = new MemoryStream();
        await sheets.WriteXlsxAsync(output, ids, ct);
        output.Position = 0;
        var stamp = clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMdd-HHmm", System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.File(output, ResourceSheet.XlsxContentType, $"chuanyu-search-{stamp}.xlsx");
    }

    private static async Task<IResult> SearchAsync(
        HttpContext http, SearchService search, string? q, string? kind, string? region, string? district, string? category, string? organizationId,
        string? certification, string? price, string[]? type, string? only, [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20,
        CancellationToken ct = default)
    {
        var (result, errors) = await search.SearchAsync(
            new SearchQuery(q, kind, region, district, category, organizationId, certification, price, page, pageSize, Types(type), only), ct);
        if (search.Timings is { } timings)
        {
            http.Response.Headers["Server-Timing"] = timings;
        }
        return result is null ? ApiResults.ToHttp(new ServiceResult.Invalid(errors)) : Results.Ok(result);
    }

    /// <summary><c>type=a&amp;type=b</c> and <c>type=a,b</c> alike.</summary>
    private static string? Types(string[]? type) => type is { Length: > 0 } ? string.Join(',', type) : null;
}
