using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;

namespace Chuanyu.Web.Infrastructure;

/// <summary>Previous/next paging that keeps the page's other query parameters.</summary>
public sealed record Pager(int PageNumber, int PageSize, int Total, HttpRequest Request)
{
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);

    /// <summary>
    /// The page number in <c>?page=</c>. Read from the query itself: in Razor Pages "page" is also the route value
    /// naming the page, which model binding would find first.
    /// </summary>
    public static int RequestedPage(HttpRequest request) =>
        int.TryParse(request.Query["page"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var page)
            ? Math.Clamp(page, 1, 100_000)
            : 1;

    public string Url(int page)
    {
        var query = QueryHelpers.ParseQuery(Request.QueryString.Value)
            .Where(kv => !kv.Key.Equals("page", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        query["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Request.Path + new QueryBuilder(query).ToQueryString();
    }
}
