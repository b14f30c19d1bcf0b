using System.Net;
using Chuanyu.Tests.Accounts;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Pages;

/// <summary>The 科技型中小企业 section of an organisation's page and the region administrator's /Admin/Smes, per role.</summary>
public sealed class SmeDeclarationPagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private const string RongxinNumber = "20265101160A001234";

    private Task<Guid> RongxinAsync()
    {
        var name = DemoData.Organizations.Single(x => x.Key == "rongxin").Name;
        return factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).SingleAsync());
    }

    private async Task<AngleSharp.Html.Dom.IHtmlDocument> PageAsAsync(string? email, Guid id)
    {
        var session = new PageSession(factory);
        if (email is not null)
        {
            await session.SignInAsync(email);
        }
        var (response, doc) = await session.GetAsync($"/Organizations/Details/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return doc;
    }

    [Fact]
    public async Task Anyone_SeesTheStatusAndYear_NotTheNumberNorTheLegalRepresentative()
    {
        var doc = await PageAsAsync(null, await RongxinAsync());

        var section = doc.QuerySelector("[data-testid=sme-section]")!;
        Assert.Contains("2026", section.QuerySelector("[data-testid=sme-status]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("已确认", section.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(RongxinNumber, doc.Body!.TextContent, StringComparison.Ordinal);
        Assert.Null(section.QuerySelector("[data-testid=sme-id-number]"));
        Assert.Null(section.QuerySelector("[data-testid=sme-declare]"));
        Assert.Null(section.QuerySelector("[data-testid=sme-decision]"));
    }

    [Fact]
    public async Task AMember_SeesTheNumberAndTheIdNumberMasked_ButNoForms()
    {
        var doc = await PageAsAsync(Demo.Engineer, await RongxinAsync());

        Assert.Equal(RongxinNumber, doc.QuerySelector("[data-testid=sme-number]")!.TextContent);
        var idNumber = doc.QuerySelector("[data-testid=sme-id-number]")!.TextContent;
        Assert.Equal("510***********0005", idNumber);
        Assert.DoesNotContain("51011619000101", doc.DocumentElement.OuterHtml, StringComparison.Ordinal);
        Assert.Null(doc.QuerySelector("[data-testid=sme-declare]"));
        Assert.Null(doc.QuerySelector("[data-testid=sme-decision]"));
    }

    [Fact]
    public async Task TheRegionsAdmin_GetsTheRevokeButtonWithAConfirmation_TheOtherRegionsDoesNot()
    {
        var id = await RongxinAsync();
        var sichuan = await PageAsAsync(Demo.SichuanAdmin, id);
        var revoke = sichuan.QuerySelector("[data-testid=sme-decision] [data-testid=sme-revoke]")!;
        Assert.Contains("撤销", revoke.GetAttribute("data-confirm"), StringComparison.Ordinal);
        Assert.Null(sichuan.QuerySelector("[data-testid=sme-confirm]"));
        Assert.Equal(RongxinNumber, sichuan.QuerySelector("[data-testid=sme-number]")!.TextContent);

        var chongqing = await PageAsAsync(Demo.ChongqingAdmin, id);
        Assert.Null(chongqing.QuerySelector("[data-testid=sme-decision]"));
        Assert.DoesNotContain(RongxinNumber, chongqing.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOrgAdmin_DeclaresThroughTheForm_ABadIdNumberIsMarkedAndNotEchoed()
    {
        var (_, email, id) = await SmeDeclarationApiTests.NewEnterpriseAsync(factory);
        var session = new PageSession(factory);
        await session.SignInAsync(email, "Sme-Admin-Passw0rd");
        var url = $"/Organizations/Details/{id}";
        var (_, before) = await session.GetAsync(url);
        Assert.Contains("尚未申报", before.QuerySelector("[data-testid=sme-status]")!.TextContent, StringComparison.Ordinal);

        var wrongId = SmeDeclarationApiTests.IdNumber[..17] + (SmeDeclarationApiTests.IdNumber[17] == '0' ? '1' : '0');
        var bad = await session.SubmitAsync(url, new Dictionary<string, string>
        {
            ["SmeInput.Year"] = "2026",
            ["SmeInput.RegistrationNumber"] = "2026510107A000777",
            ["SmeInput.LegalRepresentative"] = "测试法人",
            ["SmeInput.LegalRepresentativeIdNumber"] = wrongId,
        }, "form[data-testid=sme-declare]");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badHtml = await bad.Content.ReadAsStringAsync();
        var badDoc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(badHtml);
        Assert.Contains("校验码", badDoc.QuerySelector("[data-testid=error-legalRepresentativeIdNumber]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongId, badHtml, StringComparison.Ordinal);

        var good = await session.SubmitAsync(url, new Dictionary<string, string>
        {
            ["SmeInput.Year"] = "2026",
            ["SmeInput.RegistrationNumber"] = "2026510107a000777",
            ["SmeInput.LegalRepresentative"] = "测试法人",
            ["SmeInput.LegalRepresentativeIdNumber"] = SmeDeclarationApiTests.IdNumber,
        }, "form[data-testid=sme-declare]");
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        var after = await session.FollowAsync(good);
        Assert.Contains("待确认", after.QuerySelector("[data-testid=sme-status]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("2026510107A000777", after.QuerySelector("[data-testid=sme-number]")!.TextContent);
        Assert.Contains("*", after.QuerySelector("[data-testid=sme-id-number]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(SmeDeclarationApiTests.IdNumber[..17], after.DocumentElement.OuterHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminSmes_ListsTheRegionsDeclarations_AndConfirmsOne()
    {
        var (admin, _, id) = await SmeDeclarationApiTests.NewEnterpriseAsync(factory);
        Assert.Equal(HttpStatusCode.OK, (await SmeDeclarationApiTests.DeclareAsync(admin, id)).StatusCode);

        var sichuan = new PageSession(factory);
        await sichuan.SignInAsync(Demo.SichuanAdmin);
        var (_, queue) = await sichuan.GetAsync("/Admin/Smes");
        Assert.NotNull(queue.QuerySelector("[data-testid=nav-admin-smes]"));
        var row = queue.QuerySelectorAll("[data-testid=admin-smes] tbody tr").Single(r => r.QuerySelector($"input[name=id][value='{id}']") is not null);
        Assert.Contains("*", row.QuerySelector("[data-testid=sme-id-number]")!.TextContent, StringComparison.Ordinal);

        var confirm = await sichuan.SubmitAsync("/Admin/Smes", new Dictionary<string, string> { ["confirm"] = "true" },
            $"form[data-organization='{id}']");
        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        Assert.Equal(SmeDeclarationStatus.Confirmed, await factory.WithDbAsync(db => db.SmeDeclarations.Where(d => d.OrganizationId == id).Select(d => d.Status).SingleAsync()));

        // Chongqing's administrator does not see Sichuan's declarations; an enterprise's administrator not the page.
        var chongqing = new PageSession(factory);
        await chongqing.SignInAsync(Demo.ChongqingAdmin);
        var (_, theirs) = await chongqing.GetAsync("/Admin/Smes?all=true");
        Assert.Null(theirs.QuerySelector($"input[name=id][value='{id}']"));
        var engineer = new PageSession(factory);
        await engineer.SignInAsync(Demo.Engineer);
        var (refused, _) = await engineer.GetAsync("/Admin/Smes");
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
    }
}
