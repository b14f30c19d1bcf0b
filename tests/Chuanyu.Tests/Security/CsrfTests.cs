using System.Net;
using System.Net.Http.Json;
using System.Text;
using Chuanyu.Tests.Catalog;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.Security;

/// <summary>
/// Cross-site request forgery through the API: a request that a page of another site makes a browser send carries the
/// sign-in cookie but cannot carry the antiforgery token (nor set an Authorization header), so every state-changing
/// API call authenticated by the cookie alone is refused without the token, and only then.
/// </summary>
public sealed class CsrfTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static readonly string[] SafeMethods = ["GET", "HEAD", "OPTIONS", "TRACE"];

    /// <summary>Every state-changing API route, from the endpoint data sources (not a hand list), with its route values filled.</summary>
    private List<(string Method, string Url)> StateChangingApiCalls()
    {
        var sources = factory.Services.GetServices<EndpointDataSource>();
        var calls = new List<(string, string)>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern;
            if (pattern.RawText is null || !pattern.RawText.TrimStart('/').StartsWith("api/", StringComparison.Ordinal))
            {
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [];
            foreach (var method in methods.Where(m => !SafeMethods.Contains(m)))
            {
                var url = RouteValues.Fill(pattern);
                calls.Add((method, url));
            }
        }
        return calls;
    }

    private static HttpRequestMessage Call(string method, string url, string? token = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Add("RequestVerificationToken", token);
        }
        return request;
    }

    private static async Task<string?> ProblemCodeAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return null;
        }
        var problem = await response.ReadJsonAsync();
        return problem.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    private static async Task<string> TokenAsync(PageSession session)
    {
        var (_, page) = await session.GetAsync("/Me");
        return page.QuerySelector("meta[name=request-verification-token]")!.GetAttribute("content")!;
    }

    [Fact]
    public async Task EveryStateChangingEndpoint_RefusesTheCookieWithoutTheToken_AndAcceptsItWithTheToken()
    {
        var calls = StateChangingApiCalls();
        // The enumeration finds the routes the security test named, so it is not vacuous.
        Assert.Contains(calls, c => c.Method == "POST" && c.Url.EndsWith("/approve", StringComparison.Ordinal) && c.Url.StartsWith("/api/v1/bookings/", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.Method == "POST" && c.Url.EndsWith("/resources/import", StringComparison.Ordinal));
        Assert.True(calls.Count > 40, $"only {calls.Count} state-changing API routes found");

        var session = new PageSession(factory);
        await session.SignInAsync(Demo.CquInstrumentManager);
        var unguarded = new List<string>();
        foreach (var (method, url) in calls)
        {
            var response = await session.Client.SendAsync(Call(method, url));
            if (response.StatusCode != HttpStatusCode.BadRequest || await ProblemCodeAsync(response) != "antiforgery")
            {
                unguarded.Add($"{method} {url} → {(int)response.StatusCode}");
            }
        }
        Assert.True(unguarded.Count == 0, "answered a cookie request without the token:\n" + string.Join('\n', unguarded));

        // With the page's token the same calls pass the check and reach their handlers (which refuse the random ids).
        var token = await TokenAsync(session);
        var refused = new List<string>();
        foreach (var (method, url) in calls)
        {
            var response = await session.Client.SendAsync(Call(method, url, token));
            if (await ProblemCodeAsync(response) == "antiforgery")
            {
                refused.Add($"{method} {url}");
            }
        }
        Assert.True(refused.Count == 0, "refused a cookie request with the token:\n" + string.Join('\n', refused));
    }

    [Fact]
    public async Task BearerTokenCallers_NeedNoAntiforgeryToken()
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var id = await InstrumentAsync(factory, manager, "防伪 令牌 无需 " + Guid.NewGuid().ToString("N")[..6]);
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/resources/{id}/retire", null)).StatusCode);
    }

    [Fact]
    public async Task ApprovingAndCancellingWithTheCookieAlone_ChangeNothing()
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var instrument = await InstrumentAsync(factory, manager, "防伪 审批 " + Guid.NewGuid().ToString("N")[..6]);
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        var day = Weekday(DateTimeOffset.UtcNow, 8, DayOfWeek.Tuesday, 9);
        var created = await researcher.PostAsJsonAsync("/api/v1/bookings", Request(instrument, day, day.AddHours(2)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var booking = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();

        var managerPage = new PageSession(factory);
        await managerPage.SignInAsync(Demo.CquInstrumentManager);
        var approve = await managerPage.Client.PostAsync($"/api/v1/bookings/{booking}/approve", null);
        Assert.Equal("antiforgery", await ProblemCodeAsync(approve));
        var researcherPage = new PageSession(factory);
        await researcherPage.SignInAsync(Demo.ScuResearcher);
        var cancel = await researcherPage.Client.PostAsync($"/api/v1/bookings/{booking}/cancel", null);
        Assert.Equal("antiforgery", await ProblemCodeAsync(cancel));
        Assert.Equal(BookingStatus.Pending, await factory.WithDbAsync(db => db.Set<InstrumentBooking>().Where(b => b.Id == booking).Select(b => b.Status).SingleAsync()));

        // The same approval with the page's token goes through.
        var approved = await managerPage.Client.SendAsync(Call("POST", $"/api/v1/bookings/{booking}/approve", await TokenAsync(managerPage)));
        Assert.Equal(HttpStatusCode.NoContent, approved.StatusCode);
    }

    [Fact]
    public async Task ImportingWithTheCookieAlone_CreatesNothing()
    {
        var cqu = await OrgAsync(factory, "重庆大学");
        var name = "防伪 导入 " + Guid.NewGuid().ToString("N")[..6];
        var session = new PageSession(factory);
        await session.SignInAsync(Demo.CquInstrumentManager);
        var response = await ImportFiles.ImportAsync(session.Client, cqu, ImportFiles.Csv([ImportFiles.Row(name)]), "csrf.csv", dryRun: false);
        Assert.Equal("antiforgery", await ProblemCodeAsync(response));
        Assert.False(await factory.WithDbAsync(db => db.Set<Resource>().AnyAsync(r => r.Name == name)));
    }
}
