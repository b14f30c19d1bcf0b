using System.ComponentModel;
using Chuanyu.Web.Features.Accounts;

namespace Chuanyu.Web.Features.Search;

/// <summary>One search across the catalogue of both regions; anyone may search, results follow the visibility rules.</summary>
public static class SearchApi
{
    public static IServiceCollection AddSearch(this IServiceCollection services) => services.AddScoped<SearchService>();

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/search", SearchAsync).AllowAnonymous().WithTags("Search")
            .WithSummary("Chinese full-text search over published resources with filters, facets and highlights.")
            .WithDescription("`total` is exact up to 10,000 (`totalCapped` beyond); pages reach the first 10,000 results. Empty or over-long `q`, or a bad filter value, is a 400 naming the parameter.");
        return app;
    }

    private static async Task<IResult> SearchAsync(
        SearchService search, string? q, string? kind, string? region, string? district, string? category, string? organizationId,
        string? certification, string? price, [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default)
    {
        var (result, errors) = await search.SearchAsync(new SearchQuery(q, kind, region, district, category, organizationId, certification, price, page, pageSize), ct);
        return result is null ? AccountsApi.ToHttp(new ServiceResult.Invalid(errors)) : Results.Ok(result);
    }
}
