using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// Internal links are generated from a page's or an endpoint's name, never typed as paths, so a changed <c>@page</c>
/// template or endpoint route moves every link with it (tests/Chuanyu.Tests/Architecture/LinksFromRoutesTests.cs).
/// These fail on a name or values that match nothing, where the framework would give an empty link.
/// </summary>
public static class RouteLinks
{
    /// <summary>
    /// <c>Url.Page</c> for a page's name and values. "page" is Razor Pages' own route value (the page's name), so a page
    /// number cannot travel in <paramref name="values"/>: it is appended as <c>?page=</c> when past the first page.
    /// </summary>
    public static string PagePath(this IUrlHelper url, string pageName, object? values = null, int pageNumber = 1)
    {
        var path = url.Page(pageName, values) ?? throw new InvalidOperationException($"no page {pageName} for the values given");
        return pageNumber > 1 ? QueryHelpers.AddQueryString(path, "page", pageNumber.ToString(CultureInfo.InvariantCulture)) : path;
    }

    /// <summary>
    /// The path of a minimal API endpoint by its name (<c>WithName</c>); values that are not route parameters become
    /// the query string.
    /// </summary>
    public static string EndpointPath(this LinkGenerator links, HttpContext context, string endpointName, object? values = null) =>
        links.GetPathByName(context, endpointName, values) ?? throw new InvalidOperationException($"no endpoint {endpointName} for the values given");

    /// <summary>The same outside a request (a service building data that carries a link): no ambient values, no path base.</summary>
    public static string EndpointPath(this LinkGenerator links, string endpointName, object? values) =>
        links.GetPathByName(endpointName, values) ?? throw new InvalidOperationException($"no endpoint {endpointName} for the values given");
}
