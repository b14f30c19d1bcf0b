using System.Text.RegularExpressions;

namespace Chuanyu.Tests.Architecture;

/// <summary>
/// Internal links and redirects are generated from page and endpoint names (<c>asp-page</c>, <c>Url.Page</c>,
/// <c>RedirectToPage</c>, <c>LinkGenerator.GetPathByName</c>), never typed as paths: a typed path survives a changed
/// <c>@page</c> template or endpoint route and silently points nowhere, a generated one follows it. This scans the
/// sources for the typed forms and names each file:line. Static files (/lib, /css, /js, /favicon) are not routes.
/// </summary>
public sealed partial class LinksFromRoutesTests
{
    /// <summary>
    /// An attribute whose value starts with a path (href="/x", formaction="/x", hx-get="/x", href="@("/x" + ...)"),
    /// a redirect / created-at location given as a path literal, or a path built in code: an interpolated string
    /// starting with a slash ($"/Resources/{id}") or a path literal with something appended ("/Me/Resources" + query).
    /// Page names (asp-page="/Catalog/Details", RedirectToPage("/Index")) and route templates are not links.
    /// </summary>
    [GeneratedRegex("""
        \b(?:href|src|action|formaction|hx-get|hx-post|hx-put|hx-patch|hx-delete)\s*=\s*"(?:@\(\$?@?")?/(?!(?:lib|css|js|favicon)\b|/)
        | \bRedirect\(\s*\$?@?"/
        | \b(?:Created|Accepted)\(\s*\$?@?"/
        | (?:\$@?|@\$)"/(?!/)
        | "/[\w./-]*"\s*\+
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex TypedLink();

    internal static DirectoryInfo WebSources()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Chuanyu.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found");
        }
        return new DirectoryInfo(Path.Combine(root.FullName, "src", "Chuanyu.Web"));
    }

    private static IEnumerable<string> TypedLinks(DirectoryInfo web)
    {
        var files = web.EnumerateFiles("*.cshtml", SearchOption.AllDirectories)
            .Concat(web.EnumerateFiles("*.cs", SearchOption.AllDirectories))
            .Where(f => !f.FullName.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.FullName.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        foreach (var file in files.OrderBy(f => f.FullName, StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file.FullName);
            for (var i = 0; i < lines.Length; i++)
            {
                if (TypedLink().IsMatch(lines[i]))
                {
                    var text = lines[i].Trim();
                    yield return $"{Path.GetRelativePath(web.FullName, file.FullName)}:{i + 1}: {text[..Math.Min(text.Length, 160)]}";
                }
            }
        }
    }

    [Fact]
    public void NoTypedInternalLinks_InPagesOrCode()
    {
        var found = TypedLinks(WebSources()).ToList();
        Assert.True(found.Count == 0,
            $"{found.Count} typed internal link(s): generate them from the page or endpoint name instead "
            + "(asp-page + asp-route-*, Url.Page, RedirectToPage, LinkGenerator.GetPathByName):\n" + string.Join('\n', found));
    }

    /// <summary>A page name given to asp-page, RedirectToPage, Url.Page / PagePath or GetPathByPage (a literal).</summary>
    [GeneratedRegex("""
        (?:\basp-page\s*=\s*"|\b(?:RedirectToPage|Url\.Page|PagePath|GetPathByPage)\((?:\s*\w+\s*,)?\s*")(/[^"]*)"
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex PageName();

    [Fact]
    public void EveryPageNamed_InPagesOrCode_Exists()
    {
        // A wrong name compiles and renders href="" (Pages/GeneratedLinksTests looks at the rendered pages too).
        var web = WebSources();
        var pages = Path.Combine(web.FullName, "Features");
        var named = web.EnumerateFiles("*.cshtml", SearchOption.AllDirectories).Concat(web.EnumerateFiles("*.cs", SearchOption.AllDirectories))
            .Where(f => !f.FullName.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadAllLines(f.FullName).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .SelectMany(l => PageName().Matches(l.Text).Select(m => (l.File, l.Line, Name: m.Groups[1].Value)))
            .ToList();
        Assert.True(named.Count > 100, $"only {named.Count} page names found: is the pattern still right?");
        var missing = named.Where(n => !File.Exists(Path.Combine(pages, n.Name.TrimStart('/') + ".cshtml")))
            .Select(n => $"{Path.GetRelativePath(web.FullName, n.File.FullName)}:{n.Line}: no page {n.Name}").ToList();
        Assert.True(missing.Count == 0, "page names that match no page under Features/:\n" + string.Join('\n', missing));
    }

    [Theory]
    [InlineData("""<a href="/Me/Bookings">""")]
    [InlineData("""<a class="x" href="/Resources/@r.Id/Book?from=1">""")]
    [InlineData("""<form method="post" action="/Evaluation?handler=Start">""")]
    [InlineData("""<button formaction="/Resources/@r.Id/Order?handler=Estimate">""")]
    [InlineData("""<select hx-get="/Resources/@r.Id/Book?handler=Colleagues">""")]
    [InlineData("""<a href="@("/Me/BookingQueue" + q)">""")]
    [InlineData("""<a href="/">""")]
    [InlineData("""return Redirect("/Me/Bookings");""")]
    [InlineData("""return Redirect($"/Resources/{id}");""")]
    [InlineData("""context.Response.Redirect("/Me/ChangePassword");""")]
    [InlineData("""Results.Created($"/api/v1/bookings/{id}", b)""")]
    [InlineData("""var url = $"/ServiceOrders/{o.Id}";""")]
    [InlineData("""public string XlsxUrl => $"/api/v1/organizations/{Organization}/usage-statement.xlsx?month={Month}";""")]
    [InlineData("""return "/Me/Resources" + QueryString.Create(q);""")]
    public void TheScan_FindsTypedLinks(string line) => Assert.Matches(TypedLink(), line);

    [Theory]
    [InlineData("""<link rel="stylesheet" href="/lib/bootstrap/css/bootstrap.min.css" />""")]
    [InlineData("""<script src="/js/site.js"></script>""")]
    [InlineData("""<link href="/css/site.css" />""")]
    [InlineData("""<link rel="icon" href="/favicon.svg" />""")]
    [InlineData("""<a href="https://www.gov.cn/">""")]
    [InlineData("""<a href="//example.cn/">""")]
    [InlineData("""<a asp-page="/Me/Index">""")]
    [InlineData("""<a href="@Model.ExportUrl">""")]
    [InlineData("""return RedirectToPage("/Catalog/Details", new { id });""")]
    [InlineData("@page \"/Resources/{id:guid}/Book\"")]
    [InlineData("""app.MapGet("/api/v1/search/export", ExportAsync)""")]
    [InlineData("""return Request.Path + new QueryBuilder(query).ToQueryString();""")]
    public void TheScan_LeavesStaticFilesAndGeneratedLinks(string line) => Assert.DoesNotMatch(TypedLink(), line);
}
