using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Chuanyu.Tests.Accounts;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Vouchers;

/// <summary>
/// The voucher pages of programmes, applications and providers through the real host, as the people who use them: the
/// public lists and the draw, the administrator's form (元 and % turned into fen and fractions exactly), the
/// enterprise's application, the region's decisions, and the other region kept out.
/// </summary>
public sealed class VoucherPagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static DateOnly Today => ChinaTime.Today(TimeProvider.System);

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<PageSession> SessionAsync(string? email, string password = Chuanyu.Web.Seeding.DemoData.Password)
    {
        var session = new PageSession(factory);
        if (email is not null)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(email, password)).StatusCode);
        }
        return session;
    }

    private static async Task<IHtmlDocument> PageAsync(PageSession session, string url)
    {
        var (response, doc) = await session.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode}");
        return doc;
    }

    private static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response) =>
        new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

    /// <summary>The person's antiforgery token, from any of their pages, to post what no form of theirs offers.</summary>
    private static async Task<HttpResponseMessage> PostAsync(PageSession session, string tokenPage, string url, Dictionary<string, string> fields)
    {
        var (_, doc) = await session.GetAsync(tokenPage);
        fields["__RequestVerificationToken"] = doc.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var content = new FormUrlEncodedContent(fields);
        return await session.Client.PostAsync(url, content);
    }

    private static string NewCode() => "PG-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    /// <summary>The programme form as the administrator fills it in (face values and caps in 元, ratios in percent).</summary>
    private static Dictionary<string, string> ProgrammeForm(string code) => new()
    {
        ["Form.Code"] = code,
        ["Form.Name"] = "页面测试创新券",
        ["Form.IssuerDivisionCode"] = "510000",
        ["Form.Year"] = Today.Year.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Form.Mode"] = "Redeem",
        ["Form.Allocation"] = "FirstCome",
        ["Form.FaceValues"] = "10000、50,000.00",
        ["Form.VouchersPerEnterprise"] = "2",
        ["Form.Ratio"] = "33.33",
        ["Form.NetworkMemberRatio"] = "50",
        ["Form.ScienceProjectRatio"] = "",
        ["Form.PerClaimCap"] = "50,000.00",
        ["Form.AnnualCap"] = "",
        ["Form.ApplyFrom"] = Day(Today.AddDays(-1)),
        ["Form.ApplyUntil"] = Day(Today.AddDays(30)),
        ["Form.UseUntil"] = Day(Today.AddDays(180)),
        ["Form.RedeemUntil"] = Day(Today.AddDays(270)),
    };

    [Fact]
    public async Task PublicPages_ListTheProgrammes_TheProviders_AndTheDrawAnyoneCanRecompute()
    {
        var programme = await VoucherTestData.ProgrammeAsync(factory, change: p =>
        {
            p.Allocation = VoucherAllocation.Lottery;
            p.ApplyUntil = Today.AddDays(-1);
        });
        var rongxin = await VoucherTestData.RongxinAsync(factory);
        var cqu = await VoucherTestData.CquAsync(factory);
        await VoucherTestData.ApprovedProviderAsync(factory, cqu, VoucherTestData.Chongqing);
        var applicationIds = await factory.WithDbAsync(async db =>
        {
            var ids = new List<Guid>();
            foreach (var org in new[] { rongxin, cqu })
            {
                var a = new VoucherApplication
                {
                    Id = Guid.CreateVersion7(),
                    ProgrammeId = programme.Id,
                    OrganizationId = org,
                    ApplicantId = Guid.NewGuid(),
                    FaceValues = "100000",
                    Status = VoucherApplicationStatus.Submitted,
                    CreatedAt = DateTimeOffset.UtcNow,
                };
                db.Add(a);
                ids.Add(a.Id);
            }
            await db.SaveChangesAsync();
            return ids;
        });
        var api = await factory.ApiClientAsync(Demo.SichuanAdmin);
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsJsonAsync($"/api/v1/voucher-programmes/{programme.Id}/draw", new { seed = "page-seed-20261206" })).StatusCode);

        var anonymous = await SessionAsync(null);
        var index = await PageAsync(anonymous, "/Vouchers");
        var row = index.QuerySelector($"[data-testid=programmes] tr[data-programme='{programme.Id}']")!;
        Assert.Contains("33.33 %", row.QuerySelector("[data-testid=ratio]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("四川省", row.TextContent, StringComparison.Ordinal);
        Assert.Equal($"/Vouchers/Programmes/{programme.Id}", row.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("/Vouchers/Providers", index.QuerySelector("[data-testid=providers-link]")!.GetAttribute("href"));

        var page = await PageAsync(anonymous, $"/Vouchers/Programmes/{programme.Id}");
        Assert.Equal("¥1,000.00", page.QuerySelector("[data-testid=face-values]")!.TextContent.Trim());
        Assert.Equal("page-seed-20261206", page.QuerySelector("[data-testid=draw-seed]")!.TextContent);
        Assert.Equal(VoucherProgrammes.DrawRule, page.QuerySelector("[data-testid=draw-rule]")!.TextContent);
        var ranked = page.QuerySelectorAll("[data-testid=draw-table] tbody tr").ToList();
        var expected = applicationIds.OrderBy(a => VoucherProgrammes.DrawHash("page-seed-20261206", a), StringComparer.Ordinal).ToList();
        Assert.Equal(expected, ranked.Select(r => Guid.Parse(r.GetAttribute("data-application")!)).ToList());
        Assert.All(ranked, r => Assert.Equal(VoucherProgrammes.DrawHash("page-seed-20261206", Guid.Parse(r.GetAttribute("data-application")!)),
            r.QuerySelector("[data-testid=draw-hash]")!.TextContent));
        Assert.Null(page.QuerySelector("[data-testid=apply-link]")); // anonymous: sign in first

        var providers = await PageAsync(anonymous, "/Vouchers/Providers?region=500000&category=Testing");
        Assert.Contains("重庆大学", providers.QuerySelector("[data-testid=providers]")!.TextContent, StringComparison.Ordinal);
        var sichuanOnly = await PageAsync(anonymous, "/Vouchers/Providers?region=510000");
        Assert.DoesNotContain("重庆大学", sichuanOnly.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdministrator_CreatesFundsAndOpensAProgramme_ThroughTheForms_YuanAndPercentConvertedExactly()
    {
        var admin = await SessionAsync(Demo.SichuanAdmin);
        var list = await PageAsync(admin, "/Vouchers/Admin/Programmes");
        Assert.NotNull(list.QuerySelector("[data-testid=nav-voucher-programmes]"));
        var code = NewCode();
        var created = await admin.SubmitAsync("/Vouchers/Admin/Programmes", ProgrammeForm(code), "form[data-testid=programme-form]");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);

        var stored = await factory.WithDbAsync(db => db.Set<VoucherProgramme>().SingleAsync(p => p.Code == code));
        Assert.Equal((3333, 10000), (stored.RatioNum, stored.RatioDen));
        Assert.Equal(5_000_000L, stored.PerClaimCapFen);
        Assert.Null(stored.AnnualCapFen);
        Assert.Equal("1000000,5000000", stored.FaceValues);
        Assert.Equal(VoucherProgrammeStatus.Draft, stored.Status);
        var rule = await factory.WithDbAsync(db => db.Set<VoucherRatioRule>().SingleAsync(r => r.ProgrammeId == stored.Id));
        Assert.Equal((VoucherRatioCondition.NetworkMember, 1, 2), (rule.Condition, rule.RatioNum, rule.RatioDen));
        var settingsUrl = $"/Vouchers/Admin/Programmes/{stored.Id}";
        Assert.Equal(settingsUrl, created.Headers.Location!.OriginalString);

        // The settings page shows the terms back in 元 and %; opening needs a budget first.
        var settings = await PageAsync(admin, settingsUrl);
        Assert.Equal("33.33", settings.QuerySelector("#Form_Ratio")!.GetAttribute("value"));
        Assert.Equal("10000 50000", settings.QuerySelector("#Form_FaceValues")!.GetAttribute("value"));
        Assert.Contains("确定开放", settings.QuerySelector("[data-testid=open]")!.GetAttribute("data-confirm"), StringComparison.Ordinal);
        var tooEarly = await admin.SubmitAsync(settingsUrl, new Dictionary<string, string>(), "form:has([data-testid=open])");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooEarly.StatusCode);
        Assert.Contains("预算", (await ParseAsync(tooEarly)).QuerySelector("[data-testid=programme-error]")!.TextContent, StringComparison.Ordinal);

        var funded = await admin.SubmitAsync(settingsUrl, new Dictionary<string, string> { ["Budget"] = "1,000,000.50" }, "form[data-testid=budget-form]");
        Assert.Equal(HttpStatusCode.Redirect, funded.StatusCode);
        Assert.Equal(100_000_050L, await factory.WithDbAsync(db => db.Set<VoucherProgramme>().Where(p => p.Id == stored.Id).Select(p => p.BudgetFen).SingleAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SubmitAsync(settingsUrl, new Dictionary<string, string>(), "form:has([data-testid=open])")).StatusCode);
        Assert.Equal(VoucherProgrammeStatus.Open, await factory.WithDbAsync(db => db.Set<VoucherProgramme>().Where(p => p.Id == stored.Id).Select(p => p.Status).SingleAsync()));
        var opened = await PageAsync(admin, settingsUrl);
        Assert.Null(opened.QuerySelector("[data-testid=programme-form]")); // an open programme's terms do not change
        Assert.NotNull(opened.QuerySelector("[data-testid=close][data-confirm]"));
    }

    [Fact]
    public async Task ABadForm_MarksTheFieldInChinese_AndChangesNothing()
    {
        var admin = await SessionAsync(Demo.SichuanAdmin);
        var code = NewCode();
        var form = ProgrammeForm(code);
        form["Form.Ratio"] = "33.333";
        form["Form.PerClaimCap"] = "12.345";
        var bad = await admin.SubmitAsync("/Vouchers/Admin/Programmes", form, "form[data-testid=programme-form]");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var doc = await ParseAsync(bad);
        Assert.Contains("百分比", doc.QuerySelector("[data-testid=error-ratio]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("is-invalid", doc.QuerySelector("#Form_Ratio")!.ClassName, StringComparison.Ordinal);
        Assert.Contains("两位小数", doc.QuerySelector("[data-testid=error-perClaimCapFen]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("33.333", doc.QuerySelector("#Form_Ratio")!.GetAttribute("value")); // what was typed stays

        // A term the service refuses is marked the same way.
        form = ProgrammeForm(code);
        form["Form.UseUntil"] = Day(Today.AddDays(10));
        var refused = await ParseAsync(await admin.SubmitAsync("/Vouchers/Admin/Programmes", form, "form[data-testid=programme-form]"));
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", refused.QuerySelector("[data-testid=error-UseUntil]")!.TextContent);
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<VoucherProgramme>().CountAsync(p => p.Code == code)));
    }

    [Fact]
    public async Task AnEnterprisesAdministrator_AppliesThroughTheForm_WithoutSmeIsToldWhereToDeclare_AndWithdraws()
    {
        var programme = await VoucherTestData.ProgrammeAsync(factory, change: p => p.FaceValues = "100000,500000");

        // A verified enterprise without a 科技型中小企业 confirmation: refused, with the way to its organisation page.
        var (_, email, newcomer) = await SmeDeclarationApiTests.NewEnterpriseAsync(factory);
        var newcomerAdmin = await SessionAsync(email, "Sme-Admin-Passw0rd");
        var applyUrl = $"/Vouchers/Apply/{programme.Id}";
        var notSme = await newcomerAdmin.SubmitAsync(applyUrl, new Dictionary<string, string> { ["FaceValues"] = "100000" }, "form[data-testid=apply-form]");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notSme.StatusCode);
        var notSmeDoc = await ParseAsync(notSme);
        Assert.Contains("科技型中小企业", notSmeDoc.QuerySelector("[data-testid=apply-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal($"/Organizations/Details/{newcomer}", notSmeDoc.QuerySelector("[data-testid=declare-link]")!.GetAttribute("href"));

        // 蓉芯 (a confirmed SME) through its administrator: no face value ticked is marked; then the application.
        var rongxin = await VoucherTestData.RongxinAsync(factory);
        await VoucherTestData.ConfirmedSmeAsync(factory, rongxin, programme.Year);
        var userId = await VoucherTestData.UserAsync(factory, Demo.Engineer);
        await factory.WithDbAsync(async db =>
        {
            if (!await db.Set<RoleGrant>().AnyAsync(g => g.UserId == userId && g.OrganizationId == rongxin && g.Role == PlatformRole.OrgAdmin))
            {
                db.Add(new RoleGrant { Id = Guid.CreateVersion7(), UserId = userId, Role = PlatformRole.OrgAdmin, OrganizationId = rongxin, GrantedAt = DateTimeOffset.UtcNow });
            }
            return await db.SaveChangesAsync();
        });
        var engineer = await SessionAsync(Demo.Engineer);
        var programmePage = await PageAsync(engineer, $"/Vouchers/Programmes/{programme.Id}");
        Assert.Equal(applyUrl, programmePage.QuerySelector("[data-testid=apply-link]")!.GetAttribute("href"));
        var none = await engineer.SubmitAsync(applyUrl, new Dictionary<string, string>(), "form[data-testid=apply-form]");
        Assert.Contains("is-invalid", (await ParseAsync(none)).QuerySelector("#face-0")!.ClassName, StringComparison.Ordinal);

        var applied = await engineer.SubmitAsync(applyUrl, new Dictionary<string, string> { ["FaceValues"] = "500000", ["NetworkMember"] = "true" },
            "form[data-testid=apply-form]");
        Assert.Equal(HttpStatusCode.Redirect, applied.StatusCode);
        var application = await factory.WithDbAsync(db => db.Set<VoucherApplication>().SingleAsync(a => a.ProgrammeId == programme.Id && a.OrganizationId == rongxin));
        Assert.Equal(("500000", true, VoucherApplicationStatus.Submitted), (application.FaceValues, application.NetworkMember, application.Status));
        var mine = await engineer.FollowAsync(applied);
        var row = mine.QuerySelector($"[data-testid=applications] tr[data-application='{application.Id}']")!;
        Assert.Contains("已提交", row.QuerySelector("[data-testid=application-status]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(row.QuerySelector("[data-testid=withdraw][data-confirm]"));

        var withdrawn = await engineer.SubmitAsync("/Vouchers/Applications", new Dictionary<string, string>(), $"tr[data-application='{application.Id}'] form");
        Assert.Equal(HttpStatusCode.Redirect, withdrawn.StatusCode);
        Assert.Equal(VoucherApplicationStatus.Withdrawn,
            await factory.WithDbAsync(db => db.Set<VoucherApplication>().Where(a => a.Id == application.Id).Select(a => a.Status).SingleAsync()));
    }

    [Fact]
    public async Task TheIssuingRegion_DecidesOnTheApplicationsPage_TheOtherRegionNeitherSeesNorDecides()
    {
        var programme = await VoucherTestData.ProgrammeAsync(factory);
        var (_, _, org) = await SmeDeclarationApiTests.NewEnterpriseAsync(factory);
        await VoucherTestData.ConfirmedSmeAsync(factory, org, programme.Year);
        var application = await factory.WithDbAsync(async db =>
        {
            var a = new VoucherApplication
            {
                Id = Guid.CreateVersion7(),
                ProgrammeId = programme.Id,
                OrganizationId = org,
                ApplicantId = Guid.NewGuid(),
                FaceValues = "100000",
                NetworkMember = true,
                Status = VoucherApplicationStatus.Submitted,
                CreatedAt = DateTimeOffset.UtcNow,
            };
            db.Add(a);
            await db.SaveChangesAsync();
            return a.Id;
        });

        // Chongqing's administrator: not in the list, the settings page refused, a decision posted anyway is a 404.
        var chongqing = await SessionAsync(Demo.ChongqingAdmin);
        var theirs = await PageAsync(chongqing, "/Vouchers/Admin/Applications");
        Assert.Null(theirs.QuerySelector($"tr[data-application='{application}']"));
        var (settings, _) = await chongqing.GetAsync($"/Vouchers/Admin/Programmes/{programme.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, settings.StatusCode);
        var decided = await PostAsync(chongqing, "/Vouchers/Admin/Applications", $"/Vouchers/Admin/Applications?handler=Decide&id={application}",
            new Dictionary<string, string> { ["approve"] = "true" });
        Assert.Equal(HttpStatusCode.NotFound, decided.StatusCode);
        var engineer = await SessionAsync(Demo.Engineer);
        Assert.NotEqual(HttpStatusCode.OK, (await engineer.GetAsync("/Vouchers/Admin/Applications")).Response.StatusCode);

        // Sichuan's: a rejection without a reason is refused and said; the approval confirms the membership claimed.
        var sichuan = await SessionAsync(Demo.SichuanAdmin);
        var url = $"/Vouchers/Admin/Applications?programmeId={programme.Id}";
        var list = await PageAsync(sichuan, url);
        Assert.NotNull(list.QuerySelector($"form[data-application='{application}'] input[name=networkMemberConfirmed]"));
        var noReason = await sichuan.SubmitAsync(url, new Dictionary<string, string> { ["approve"] = "false" }, $"form[data-application='{application}']");
        Assert.Contains("理由", (await sichuan.FollowAsync(noReason)).QuerySelector("[data-testid=failure]")!.TextContent, StringComparison.Ordinal);
        var approved = await sichuan.SubmitAsync(url, new Dictionary<string, string> { ["approve"] = "true", ["networkMemberConfirmed"] = "true" },
            $"form[data-application='{application}']");
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var stored = await factory.WithDbAsync(db => db.Set<VoucherApplication>().SingleAsync(a => a.Id == application));
        Assert.Equal((VoucherApplicationStatus.Approved, true), (stored.Status, stored.NetworkMemberConfirmed));
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<Voucher>().CountAsync(v => v.ApplicationId == application)));
    }

    [Fact]
    public async Task Providers_RegisterOnTheirPage_AndTheirRegionDecides_TheOtherRegionCannot()
    {
        var (_, email, org) = await SmeDeclarationApiTests.NewEnterpriseAsync(factory, district: "500112");
        var orgAdmin = await SessionAsync(email, "Sme-Admin-Passw0rd");
        var register = await orgAdmin.SubmitAsync("/Vouchers/Provider/Register", new Dictionary<string, string> { ["Services"] = "x" }, "form[data-testid=register-form]");
        var marked = await ParseAsync(register);
        Assert.Contains("is-invalid", marked.QuerySelector("#Services")!.ClassName, StringComparison.Ordinal);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", marked.QuerySelector("[data-testid=error-categories]")!.TextContent);
        var registered = await orgAdmin.SubmitAsync("/Vouchers/Provider/Register",
            new Dictionary<string, string> { ["Categories"] = "Testing", ["Services"] = "材料成分分析" }, "form[data-testid=register-form]");
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        var current = await orgAdmin.FollowAsync(registered);
        Assert.Contains("待审核", current.QuerySelector("[data-testid=provider-status]")!.TextContent, StringComparison.Ordinal);
        var id = await factory.WithDbAsync(db => db.Set<VoucherProvider>().Where(p => p.OrganizationId == org).Select(p => p.Id).SingleAsync());

        var sichuan = await SessionAsync(Demo.SichuanAdmin);
        Assert.Null((await PageAsync(sichuan, "/Vouchers/Admin/Providers")).QuerySelector($"form[data-provider='{id}']"));
        var refused = await PostAsync(sichuan, "/Vouchers/Admin/Providers", $"/Vouchers/Admin/Providers?handler=Decide&id={id}",
            new Dictionary<string, string> { ["decision"] = "Approved" });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);

        var chongqing = await SessionAsync(Demo.ChongqingAdmin);
        var approved = await chongqing.SubmitAsync("/Vouchers/Admin/Providers", new Dictionary<string, string> { ["decision"] = "Approved" },
            $"form[data-provider='{id}']");
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var suspendWithoutNote = await chongqing.SubmitAsync("/Vouchers/Admin/Providers?status=Approved", new Dictionary<string, string> { ["decision"] = "Suspended" },
            $"form[data-provider='{id}']");
        Assert.Contains("理由", (await chongqing.FollowAsync(suspendWithoutNote)).QuerySelector("[data-testid=failure]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(VoucherProviderStatus.Approved, await factory.WithDbAsync(db => db.Set<VoucherProvider>().Where(p => p.Id == id).Select(p => p.Status).SingleAsync()));
    }

    [Fact]
    public async Task ThePages_SpeakEnglish_WithTheLanguageSwitch()
    {
        var programme = await VoucherTestData.ProgrammeAsync(factory);
        var session = await SessionAsync(Demo.SichuanAdmin);
        await session.Client.GetAsync("/culture/en?returnUrl=/Vouchers");
        foreach (var (url, heading) in new[]
        {
            ("/Vouchers", "Innovation vouchers"),
            ($"/Vouchers/Programmes/{programme.Id}", programme.Name),
            ("/Vouchers/Providers", "Voucher service providers"),
            ($"/Vouchers/Apply/{programme.Id}", "Apply for vouchers"),
            ("/Vouchers/Applications", "My voucher applications"),
            ("/Vouchers/Provider/Register", "Provider registration"),
            ("/Vouchers/Admin/Programmes", "Voucher programmes (admin)"),
            ($"/Vouchers/Admin/Programmes/{programme.Id}", programme.Name),
            ("/Vouchers/Admin/Applications", "Voucher applications"),
            ("/Vouchers/Admin/Providers", "Voucher providers (admin)"),
        })
        {
            var doc = await PageAsync(session, url);
            Assert.Equal("en", doc.DocumentElement.GetAttribute("lang"));
            Assert.Equal(heading, doc.QuerySelector("h1")!.TextContent.Trim());
            Assert.Contains("Vouchers", doc.QuerySelector("[data-testid=nav-vouchers]")!.TextContent, StringComparison.Ordinal);
        }
    }
}
