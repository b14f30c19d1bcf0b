using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Html.Parser;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Usage;

/// <summary>Usage speaks the reader's language: its API errors in the client's Accept-Language, its labels on the page in the language switched to.</summary>
public sealed class UsageMessagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Fact]
    public async Task StatementErrors_AreInTheClientsLanguage_WithTheMessageKeyAsCode()
    {
        var cqu = await factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync());
        var client = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var url = $"/api/v1/organizations/{cqu}/usage-statement?month=2026-13";

        var chinese = await (await client.GetAsync(url)).AssertProblemAsync(400);
        Assert.Equal("Usage.MonthFormat", chinese.GetProperty("errorCodes").GetProperty("month")[0].GetString());
        Assert.Equal("月份须为 yyyy-MM，例如 2026-11。", chinese.GetProperty("errors").GetProperty("month")[0].GetString());

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en"));
        var english = await (await client.SendAsync(request)).AssertProblemAsync(400);
        Assert.Equal("validation", english.GetProperty("code").GetString());
        Assert.Equal("Usage.MonthFormat", english.GetProperty("errorCodes").GetProperty("month")[0].GetString());
        Assert.Equal("The month must be yyyy-MM, e.g. 2026-11.", english.GetProperty("errors").GetProperty("month")[0].GetString());
    }

    [Fact]
    public async Task InstrumentOutputsPage_AfterSwitchingToEnglish_ShowsTheKindsAndReasonsInEnglish()
    {
        var instrument = await factory.WithDbAsync(async db =>
        {
            var cqu = await db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync();
            return await db.Set<Resource>().Where(r => r.OrganizationId == cqu && r.Kind == ResourceKind.Instrument && r.Status == ResourceStatus.Published &&
                                                       r.SharingStatus == SharingStatus.OpenToAll).OrderBy(r => r.Name).Select(r => r.Id).FirstAsync();
        });
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(Demo.CquInstrumentManager)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await session.Client.GetAsync("/culture/en?returnUrl=/")).StatusCode);
        var url = $"/Resources/{instrument}/Achievements";

        var (_, page) = await session.GetAsync(url);
        Assert.Equal(["Paper", "Patent", "Award", "Research project", "Standard", "Function development"],
            page.QuerySelectorAll("#Kind option").Skip(1).Select(o => o.TextContent.Trim()).ToArray());

        var invalid = await session.SubmitAsync(url, new Dictionary<string, string> { ["Kind"] = "", ["Title"] = "", ["AchievedOn"] = "2025-02-30" }, "form[data-testid=add-form]");
        var invalidDoc = new HtmlParser().ParseDocument(await invalid.Content.ReadAsStringAsync());
        Assert.Equal("The date achieved must be YYYY-MM-DD.", invalidDoc.QuerySelector("[data-testid=error-achievedOn]")!.TextContent.Trim());
        var unnamed = await session.SubmitAsync(url, new Dictionary<string, string> { ["Kind"] = "", ["Title"] = "", ["AchievedOn"] = "2025-05-01" }, "form[data-testid=add-form]");
        var unnamedDoc = new HtmlParser().ParseDocument(await unnamed.Content.ReadAsStringAsync());
        Assert.StartsWith("Please choose the kind of output", unnamedDoc.QuerySelector("[data-testid=error-kind]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal("Please enter the output's title (2–300 characters).", unnamedDoc.QuerySelector("[data-testid=error-title]")!.TextContent.Trim());

        var title = $"English label test {Guid.NewGuid():N}";
        var added = await session.SubmitAsync(url, new Dictionary<string, string> { ["Kind"] = "Award", ["Title"] = title, ["AchievedOn"] = "2025-05-01" }, "form[data-testid=add-form]");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var list = await session.FollowAsync(added);
        var row = list.QuerySelectorAll("[data-testid=achievements] tbody tr").Single(tr => tr.QuerySelector("[data-testid=title]")!.TextContent.Trim() == title);
        Assert.Equal("Award", row.QuerySelector("[data-testid=kind]")!.TextContent.Trim());
    }
}
