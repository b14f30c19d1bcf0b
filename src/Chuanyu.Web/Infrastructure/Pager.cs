using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;

namespace Chuanyu.Web.Infrastructure;

/// <summary>Previous/next paging that keeps the page's other query parameters.</summary>
public sealed record Pager(int PageNumber, int PageSize, int Total, HttpRequest Request)
{
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public string Url(int page)
    {
        var query = QueryHelpers.ParseQuery(Request.QueryString.Value)
            .Where(kv => !kv.Key.Equals("page", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        query["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Request.Path + new QueryBuilder(query).ToQueryString();
    }
}
