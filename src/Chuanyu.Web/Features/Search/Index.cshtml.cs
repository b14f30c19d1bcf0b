using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Chuanyu.Web.Features.Search;

/// <summary>The search page: the same search as <c>GET /api/v1/search</c>, with the facets as links that add or remove a filter.</summary>
[AllowAnonymous]
public sealed class SearchIndexModel(SearchService search, SearchTypes types) : PageModel
{
    public const int PageSize = 20;

    /// <summary>What people type most, offered when the box is empty: search terms (data, in the index's language), not text to translate.</summary>
    public static readonly string[] Suggestions = ["扫描电镜", "XRD 衍射", "核磁共振", "液相色谱", "质谱", "万能试验机", "流式细胞仪", "CNAS 检测"];

    /// <summary>The filter parameters, in the order the page shows them.</summary>
    public static readonly string[] FilterNames = ["type", "kind", "region", "district", "category", "certification", "price", "organizationId", "only"];

    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    /// <summary>The type of record (a tab); several, comma-separated, as the API takes them.</summary>
    [BindProperty(SupportsGet = true)] public string? Type { get; set; }
    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }
    [BindProperty(SupportsGet = true)] public string? Region { get; set; }
    [BindProperty(SupportsGet = true)] public string? District { get; set; }
    [BindProperty(SupportsGet = true)] public string? Category { get; set; }
    [BindProperty(SupportsGet = true)] public string? Certification { get; set; }
    [BindProperty(SupportsGet = true)] public string? Price { get; set; }
    [BindProperty(SupportsGet = true)] public string? OrganizationId { get; set; }

    /// <summary>A named restriction for the signed-in caller (<see cref="ISearchFilterSource"/>), e.g. my-vouchers.</summary>
    [BindProperty(SupportsGet = true)] public string? Only { get; set; }

    /// <summary>The restrictions offered as check boxes (to signed-in people).</summary>
    public IReadOnlyList<ISearchFilterSource> Restrictions => User.Identity?.IsAuthenticated == true ? search.Restrictions : [];

    public SearchResult? Result { get; private set; }
    public Dictionary<string, string[]> Errors { get; private set; } = [];
    public Pager? Pager { get; private set; }

    /// <summary>The tabs: every type among the matches of this search without the type filter, with its count.</summary>
    public IReadOnlyList<FacetValue> Tabs { get; private set; } = [];

    /// <summary>The count on the tab of every type: the total of the search without the type filter.</summary>
    public (int Total, bool Estimate) AllTypes { get; private set; }

    public SearchTypes Types => types;

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Q) && FilterNames.All(f => string.IsNullOrEmpty(Value(f))))
        {
            return;
        }
        var page = Pager.RequestedPage(Request);
        var query = new SearchQuery(Q, Kind, Region, District, Category, OrganizationId, Certification, Price, page, PageSize, Type, Only);
        var (result, errors) = await search.SearchAsync(query, ct);
        Result = result;
        Errors = errors.Translated();
        if (result is not null)
        {
            Pager = new Pager(result.Page, PageSize, result.Total, Request);
            // With a tab chosen, the other tabs still count their records: the same search without the type.
            var all = string.IsNullOrEmpty(Type) ? result : (await search.SearchAsync(query with { Type = null, Page = 1, PageSize = 1 }, ct)).Result;
            Tabs = all?.Facets.Type ?? [];
            AllTypes = all is null ? (result.Total, result.TotalIsEstimate) : (all.Total, all.TotalIsEstimate);
        }
    }

    public string? Value(string filter) => filter switch
    {
        "type" => Type,
        "kind" => Kind,
        "region" => Region,
        "district" => District,
        "category" => Category,
        "certification" => Certification,
        "price" => Price,
        "organizationId" => OrganizationId,
        "only" => Only,
        _ => null,
    };

    /// <summary>This search with one filter set (or removed when <paramref name="value"/> is null), back on page 1.</summary>
    public string With(string filter, string? value)
    {
        var query = QueryHelpers.ParseQuery(Request.QueryString.Value)
            .Where(kv => !kv.Key.Equals("page", StringComparison.OrdinalIgnoreCase) && !kv.Key.Equals(filter, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        if (value is not null)
        {
            query[filter] = value;
        }
        return Request.Path + new QueryBuilder(query).ToQueryString();
    }

    /// <summary>The current search as an API query string (for the Excel export link).</summary>
    public string ApiQuery()
    {
        var query = QueryHelpers.ParseQuery(Request.QueryString.Value)
            .Where(kv => !kv.Key.Equals("page", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        return new QueryBuilder(query).ToQueryString().Value ?? "";
    }
}
