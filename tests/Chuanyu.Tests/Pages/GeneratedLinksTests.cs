using System.Net;
using AngleSharp.Dom;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Pages;

/// <summary>
/// Links are generated from page and endpoint names (Architecture/LinksFromRoutesTests). A page name that matches no
/// page does not fail the build: the anchor tag helper renders <c>href=""</c> and the form tag helper
/// <c>action=""</c>. So the main pages are fetched as the people who use them, and every link and form on them must
/// lead somewhere; and a sample of generated links must render to the URLs the typed ones had.
/// </summary>
public sealed class GeneratedLinksTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private Task<Guid> OrgAsync(string name) => factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).FirstAsync());

    /// <summary>重庆大学's field-emission SEM from the demo catalogue: published, bookable, managed by the demo instrument manager.</summary>
    private Task<Guid> SemAsync() =>
        factory.WithDbAsync(db => (from r in db.Set<Resource>()
                                   join o in db.Organizations on r.OrganizationId equals o.Id
                                   where o.Name == "重庆大学" && r.Model == "GeminiSEM 300"
                                   select r.Id).FirstAsync());

    private async Task<PageSession> SessionAsync(string? email)
    {
        var session = new PageSession(factory);
        if (email is not null)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(email)).StatusCode);
        }
        return session;
    }

    private static async Task<IDocument> PageAsync(PageSession session, string url)
    {
        var (response, doc) = await session.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
        return doc;
    }

    private static readonly string[] TargetAttributes = ["action", "formaction", "hx-get", "hx-post"];

    /// <summary>Links and forms of a page that lead nowhere: an empty or missing href, action, formaction or hx-get.</summary>
    private static List<string> Dangling(IDocument doc) =>
    [
        .. doc.QuerySelectorAll("a").Where(a => string.IsNullOrWhiteSpace(a.GetAttribute("href"))).Select(a => a.OuterHtml),
        .. doc.QuerySelectorAll("form[action], [formaction], [hx-get], [hx-post]")
            .Where(e => TargetAttributes.Any(n => e.HasAttribute(n) && string.IsNullOrWhiteSpace(e.GetAttribute(n))))
            .Select(e => e.OuterHtml[..Math.Min(e.OuterHtml.Length, 200)]),
    ];

    [Theory]
    [InlineData(null, "/")]
    [InlineData(null, "/Search?q=显微镜")]
    [InlineData(null, "/Organizations")]
    [InlineData(null, "/Organizations/Details/{cqu}")]
    [InlineData(null, "/Organizations/{cqu}/Resources")]
    [InlineData(null, "/Resources/{sem}")]
    [InlineData(null, "/Resources/{sem}/Book")]
    [InlineData(null, "/Accounts/Login")]
    [InlineData(null, "/Accounts/Register")]
    [InlineData(null, "/Accounts/ForgotPassword")]
    [InlineData(null, "/Signatures/Verify")]
    [InlineData(Demo.CquInstrumentManager, "/Me")]
    [InlineData(Demo.CquInstrumentManager, "/Me/Bookings")]
    [InlineData(Demo.CquInstrumentManager, "/Me/ServiceOrders")]
    [InlineData(Demo.CquInstrumentManager, "/Me/Resources")]
    [InlineData(Demo.CquInstrumentManager, "/Me/Resources/New")]
    [InlineData(Demo.CquInstrumentManager, "/Me/Resources/Import")]
    [InlineData(Demo.CquInstrumentManager, "/Me/Resources/{sem}/Edit")]
    [InlineData(Demo.CquInstrumentManager, "/Me/BookingQueue")]
    [InlineData(Demo.CquInstrumentManager, "/Me/ServiceOrderQueue")]
    [InlineData(Demo.CquInstrumentManager, "/Organizations/{cqu}/Resources")]
    [InlineData(Demo.CquInstrumentManager, "/Resources/{sem}")]
    [InlineData(Demo.CquInstrumentManager, "/Resources/{sem}/Book")]
    [InlineData(Demo.CquInstrumentManager, "/Resources/{sem}/BookingRules")]
    [InlineData(Demo.CquInstrumentManager, "/Resources/{sem}/Achievements")]
    [InlineData(Demo.CquInstrumentManager, "/Me/TwoFactor")]
    [InlineData(Demo.CquInstrumentManager, "/Me/ChangePassword")]
    [InlineData(Demo.CquInstrumentManager, "/Me/Sessions")]
    [InlineData(Demo.CquInstrumentManager, "/Me/Privacy")]
    [InlineData(Demo.CquOrgAdmin, "/Me")]
    [InlineData(Demo.CquOrgAdmin, "/Me/UsageStatement")]
    [InlineData(Demo.CquOrgAdmin, "/Organizations/Details/{cqu}")]
    [InlineData(Demo.CquOrgAdmin, "/Organizations/Members/{cqu}")]
    [InlineData(Demo.ScuResearcher, "/Resources/{sem}/Order")]
    [InlineData(Demo.ScuResearcher, "/Organizations/Register")]
    [InlineData(Demo.ChongqingAdmin, "/Evaluation")]
    [InlineData(Demo.ChongqingAdmin, "/Admin/Organizations")]
    [InlineData(Demo.SystemAdmin, "/Evaluation/Scheme")]
    [InlineData(Demo.SystemAdmin, "/Admin/System")]
    [InlineData(Demo.SystemAdmin, "/Admin/Outbox")]
    [InlineData(Demo.SecurityAdmin, "/Admin/Users")]
    [InlineData(Demo.SecurityAdmin, "/Admin/ApiClients")]
    [InlineData(Demo.SecurityAdmin, "/Admin/SecurityPolicy")]
    [InlineData(Demo.AuditAdmin, "/Admin/Audit")]
    // vpages: the voucher pages of programmes, applications and providers
    [InlineData(null, "/Vouchers")]
    [InlineData(null, "/Vouchers/Providers")]
    [InlineData(Demo.Engineer, "/Vouchers")]
    [InlineData(Demo.Engineer, "/Vouchers/Applications")]
    [InlineData(Demo.CquOrgAdmin, "/Vouchers/Provider/Register")]
    [InlineData(Demo.SichuanAdmin, "/Vouchers/Admin/Programmes")]
    [InlineData(Demo.SichuanAdmin, "/Vouchers/Admin/Applications")]
    [InlineData(Demo.SichuanAdmin, "/Vouchers/Admin/Providers")]
    public async Task EveryLinkAndForm_OnTheMainPages_LeadsSomewhere(string? who, string template)
    {
        var url = template.Replace("{cqu}", (await OrgAsync("重庆大学")).ToString(), StringComparison.Ordinal)
            .Replace("{sem}", (await SemAsync()).ToString(), StringComparison.Ordinal);
        var doc = await PageAsync(await SessionAsync(who), url);
        var dangling = Dangling(doc);
        Assert.True(dangling.Count == 0, $"{url} as {who ?? "anonymous"}: links or forms with no target (a page or endpoint name that matches nothing?)\n"
            + string.Join('\n', dangling));
    }

    [Fact]
    public async Task GeneratedLinks_RenderTheSameUrlsAsTheTypedOnes()
    {
        var sem = await SemAsync();
        var cqu = await OrgAsync("重庆大学");
        var manager = await SessionAsync(Demo.CquInstrumentManager);
        string Href(IDocument doc, string selector) =>
            (doc.QuerySelector(selector) ?? throw new InvalidOperationException($"no {selector}")).GetAttribute("href")!;

        var details = await PageAsync(manager, $"/Resources/{sem}");
        // The layout: navigation, the language switch (an endpoint) back to this page, sign-out, the footer.
        Assert.Equal("/", Href(details, "a.navbar-brand"));
        Assert.Equal("/Me/Bookings", Href(details, "[data-testid=nav-my-bookings]"));
        Assert.Equal("/Me/ServiceOrders", Href(details, "[data-testid=nav-my-service-orders]"));
        Assert.Equal("/Me/Resources", Href(details, "[data-testid=nav-my-resources]"));
        Assert.Equal("/Me/BookingQueue", Href(details, "[data-testid=nav-booking-queue]"));
        Assert.Equal("/Me/ServiceOrderQueue", Href(details, "[data-testid=nav-service-order-queue]"));
        Assert.NotNull(details.QuerySelector("nav a[href='/Me']"));
        Assert.NotNull(details.QuerySelector("nav a[href='/Search']"));
        Assert.NotNull(details.QuerySelector("nav a[href='/Organizations']"));
        Assert.Equal("/culture/en?returnUrl=" + Uri.EscapeDataString($"/Resources/{sem}"), Href(details, "a[lang=en]"));
        Assert.NotNull(details.QuerySelector("form[action='/Accounts/Logout']"));
        Assert.NotNull(details.QuerySelector("footer a[href='/Signatures/Verify']"));
        Assert.NotNull(details.QuerySelector("footer a[href='/openapi/v1.json']"));
        // The record's own links: pages with route templates of their own.
        Assert.Equal($"/Organizations/{cqu}/Resources", Href(details, ".breadcrumb a"));
        Assert.Equal($"/Resources/{sem}/Book", Href(details, "[data-testid=book-link]"));
        Assert.Equal($"/Resources/{sem}/Order", Href(details, "[data-testid=order-link]"));
        Assert.Equal($"/Resources/{sem}/Achievements", Href(details, "[data-testid=achievements-link]"));
        Assert.Equal($"/Resources/{sem}/BookingRules", Href(details, "[data-testid=booking-rules-link]"));
        Assert.Equal($"/Me/Resources/{sem}/Edit", Href(details, "[data-testid=edit-link]"));
        Assert.Equal($"/Organizations/Details/{cqu}", Href(details, "[data-testid=organization]"));

        // Query values and fragments.
        var rules = await PageAsync(manager, $"/Resources/{sem}/BookingRules");
        Assert.Equal($"/Me/BookingQueue?status=All&instrument={sem}", Href(rules, "[data-testid=bookings-link]"));
        var book = await PageAsync(manager, $"/Resources/{sem}/Book");
        var free = book.QuerySelector("[data-testid=week] td[data-state=Free] a")!.GetAttribute("href")!;
        Assert.Matches($@"^/Resources/{sem}/Book\?from=\d{{4}}-\d{{2}}-\d{{2}}&date=\d{{4}}-\d{{2}}-\d{{2}}&start=\d{{2}}%3A\d{{2}}#booking-form$", free);
        var queue = await PageAsync(manager, "/Me/BookingQueue");
        Assert.Equal("/Me/BookingQueue?status=All", Href(queue, "[data-status=All]"));
        Assert.Equal("/Me/BookingQueue?status=Approved", Href(queue, "[data-status=Approved]"));
        var bookings = await PageAsync(manager, "/Me/Bookings");
        Assert.Equal("/Me/Bookings?status=Pending", Href(bookings, "[data-status=Pending]"));
        var orders = await PageAsync(manager, "/Me/ServiceOrderQueue");
        Assert.Equal("/Me/ServiceOrderQueue?status=Submitted", Href(orders, "[data-status=Submitted]"));
        var mine = await PageAsync(manager, "/Me/Resources?status=Published");
        Assert.NotNull(mine.QuerySelector("a[href='/Me/Resources?status=Published&sort=name']"));
        var orgResources = await PageAsync(manager, $"/Organizations/{cqu}/Resources");
        Assert.NotNull(orgResources.QuerySelector($"a[href='/Me/Resources/New?organizationId={cqu}']"));

        // Links to API endpoints, by their names.
        var import = await PageAsync(manager, "/Me/Resources/Import");
        Assert.Equal("/api/v1/resources/import-template?format=csv", Href(import, "[data-testid=template-csv]"));
        var search = await PageAsync(manager, "/Search?q=" + Uri.EscapeDataString("显微镜"));
        Assert.Equal("/api/v1/search/export?q=" + Uri.EscapeDataString("显微镜"), Href(search, "[data-testid=export]"));
        var verify = await PageAsync(manager, "/Signatures/Verify");
        Assert.NotNull(verify.QuerySelector("main a[href='/api/v1/signing-keys']"));
        var statement = await PageAsync(await SessionAsync(Demo.CquOrgAdmin), $"/Me/UsageStatement?organization={cqu}&month=2026-01&side=Owner");
        Assert.Equal($"/api/v1/organizations/{cqu}/usage-statement.xlsx?month=2026-01&side=Owner", Href(statement, "[data-testid=statement-xlsx]"));

        // Anonymous: signing in comes back to the page.
        var org = await PageAsync(await SessionAsync(null), $"/Organizations/Details/{cqu}");
        Assert.NotNull(org.QuerySelector($"a[href='/Accounts/Login?returnUrl={Uri.EscapeDataString($"/Organizations/Details/{cqu}")}']"));
    }
}
