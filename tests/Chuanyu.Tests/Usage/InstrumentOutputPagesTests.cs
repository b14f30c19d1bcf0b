using System.Net;
using AngleSharp.Html.Parser;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Usage;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Usage;

/// <summary>
/// The page of the outputs credited to an instrument (仪器支撑成果, "成果登记" in the UI; the route keeps its old name
/// /Resources/{id}/Achievements) as people use it: the 重庆大学 instrument manager adds and deletes, the 重庆 region admin
/// reads, the 四川 researcher and region admin are refused.
/// </summary>
public sealed class InstrumentOutputPagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private async Task<PageSession> SignedInAsync(string email)
    {
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(email)).StatusCode);
        return session;
    }

    [Fact]
    public async Task InstrumentOutputs_AddedAndDeletedByTheManager_ReadByTheRegionAdmin_RefusedToOutsiders()
    {
        var instrument = await factory.WithDbAsync(async db =>
        {
            var cqu = await db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync();
            return await db.Set<Resource>().Where(r => r.OrganizationId == cqu && r.Kind == ResourceKind.Instrument && r.Status == ResourceStatus.Published &&
                                                       r.SharingStatus == SharingStatus.OpenToAll).OrderBy(r => r.Name).Select(r => r.Id).FirstAsync();
        });
        var url = $"/Resources/{instrument}/Achievements";
        var manager = await SignedInAsync(Demo.CquInstrumentManager);
        var (_, details) = await manager.GetAsync($"/Resources/{instrument}");
        Assert.Equal(url, details.QuerySelector("[data-testid=achievements-link]")!.GetAttribute("href"));

        // A missing title and kind are field errors in Chinese.
        var invalid = await manager.SubmitAsync(url, new Dictionary<string, string> { ["Kind"] = "", ["Title"] = "", ["AchievedOn"] = "2025-05-01" }, "form[data-testid=add-form]");
        Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
        var invalidDoc = new HtmlParser().ParseDocument(await invalid.Content.ReadAsStringAsync());
        Assert.Contains("请选择成果类型", invalidDoc.QuerySelector("[data-testid=error-kind]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("请填写成果名称", invalidDoc.QuerySelector("[data-testid=error-title]")!.TextContent, StringComparison.Ordinal);

        var title = $"基于场发射电镜的高熵合金断口研究 {Guid.NewGuid():N}";
        var added = await manager.SubmitAsync(url, new Dictionary<string, string> { ["Kind"] = "Paper", ["Title"] = title, ["AchievedOn"] = "2025-05-01" }, "form[data-testid=add-form]");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var list = await manager.FollowAsync(added);
        var row = list.QuerySelectorAll("[data-testid=achievements] tbody tr").Single(tr => tr.QuerySelector("[data-testid=title]")!.TextContent.Trim() == title);
        Assert.Equal("论文", row.QuerySelector("[data-testid=kind]")!.TextContent.Trim());
        Assert.NotNull(row.QuerySelector("button[data-confirm]"));
        var (_, other) = await manager.GetAsync(url + "?year=2024");
        Assert.DoesNotContain(title, other.Body!.TextContent, StringComparison.Ordinal);

        // The 重庆 region admin reads it, without the forms; the 四川 researcher and the 四川 region admin may not.
        var (regionResponse, regionView) = await (await SignedInAsync(Demo.ChongqingAdmin)).GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, regionResponse.StatusCode);
        Assert.Contains(title, regionView.Body!.TextContent, StringComparison.Ordinal);
        Assert.Null(regionView.QuerySelector("[data-testid=add-form]"));
        Assert.Null(regionView.QuerySelector("[data-testid=delete-form]"));
        var researcher = await SignedInAsync(Demo.ScuResearcher);
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.GetAsync(url)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await SignedInAsync(Demo.SichuanAdmin)).GetAsync(url)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/Resources/{Guid.NewGuid()}/Achievements")).Response.StatusCode);
        var (_, researcherPage) = await researcher.GetAsync("/Me/ServiceOrders");
        var token = researcherPage.QuerySelector("form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var achievementId = row.GetAttribute("data-achievement-id")!;
        using var hostile = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["achievementId"] = achievementId });
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.Client.PostAsync(url + "?handler=Delete", hostile)).StatusCode);

        // The manager deletes it.
        var deleted = await manager.SubmitAsync(url, new Dictionary<string, string>(), $"tr[data-achievement-id='{achievementId}'] form[data-testid=delete-form]");
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.DoesNotContain(title, (await manager.FollowAsync(deleted)).Body!.TextContent, StringComparison.Ordinal);
        Assert.False(await factory.WithDbAsync(db => db.Set<InstrumentOutput>().AnyAsync(a => a.Title == title)));
    }
}
