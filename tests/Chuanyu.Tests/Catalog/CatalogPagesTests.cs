using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Catalog;

/// <summary>The catalogue's pages as people use them: the detail page, the manager's list and form, the organisation's list, the demo catalogue.</summary>
public sealed class CatalogPagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private Task<Guid> OrgAsync(string name) => factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).FirstAsync());

    private Task<Resource> ResourceAsync(Guid id) =>
        factory.WithDbAsync(db => db.Set<Resource>().AsNoTracking().Include(r => r.Fees).Include(r => r.Certifications).FirstAsync(r => r.Id == id));

    private Task<Guid> DemoResourceAsync(string orgName, string model) =>
        factory.WithDbAsync(db => (from r in db.Set<Resource>()
                                   join o in db.Organizations on r.OrganizationId equals o.Id
                                   where o.Name == orgName && r.Model == model
                                   select r.Id).FirstAsync());

    private async Task<PageSession> SignedInAsync(string email)
    {
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(email)).StatusCode);
        return session;
    }

    [Fact]
    public async Task Details_ShowsTheWholeRecord_TheFeeTable_AndTheLargeInstrumentBadge()
    {
        var id = await DemoResourceAsync("重庆大学", "GeminiSEM 300");
        var cqu = await OrgAsync("重庆大学");
        var (response, doc) = await new PageSession(factory).GetAsync($"/Resources/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("场发射扫描电子显微镜", doc.QuerySelector("[data-testid=resource-name]")!.TextContent.Trim());
        Assert.Equal("Field emission scanning electron microscope", doc.QuerySelector("[data-testid=english-name]")!.TextContent.Trim());
        Assert.Equal("科研仪器", doc.QuerySelector("[data-testid=kind]")!.TextContent.Trim());
        Assert.Equal("大型科研仪器", doc.QuerySelector("[data-testid=large-instrument]")!.TextContent.Trim());
        Assert.Equal("GeminiSEM 300", doc.QuerySelector("[data-testid=model]")!.TextContent.Trim());
        Assert.Contains("Carl Zeiss", doc.QuerySelector("[data-testid=manufacturer]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("德国", doc.QuerySelector("[data-testid=country]")!.TextContent.Trim());
        Assert.StartsWith("分析仪器 › 电子光学仪器", doc.QuerySelector("[data-testid=class-path]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains("365 万元", doc.QuerySelector("[data-testid=original-value]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("2019-06-18", doc.QuerySelector("[data-testid=purchase-date]")!.TextContent.Trim());
        Assert.Contains("0.7 nm", doc.QuerySelector("[data-testid=technical-indicators]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("形貌观察", doc.QuerySelector("[data-testid=main-functions]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("新能源材料", doc.QuerySelector("[data-testid=application-fields]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("重庆市 › 沙坪坝区 › 重庆大学虎溪校区 分析测试中心 电镜室", doc.QuerySelector("[data-testid=location]")!.TextContent.Trim());
        Assert.Equal($"/Organizations/Details/{cqu}", doc.QuerySelector("[data-testid=organization]")!.GetAttribute("href"));
        Assert.Equal("对外开放共享", doc.QuerySelector("[data-testid=sharing]")!.TextContent.Trim());

        var fees = doc.QuerySelectorAll("[data-testid=fees] tbody tr").Select(tr => tr.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray())
            .Select(f => (f[0], f[1])).ToList();
        Assert.Equal([("单位内部", "350.00 元/小时"), ("同区域", "450.00 元/小时"), ("跨区域", "450.00 元/小时"), ("企业", "600.00 元/小时")], fees);
        // The public does not see the record's workflow status or the managers' actions.
        Assert.Null(doc.QuerySelector("[data-testid=status]"));
        Assert.Null(doc.QuerySelector("[data-testid=manage]"));

        // Below 50 万元 an instrument is not a large instrument: no badge, value in 万元.
        var small = await DemoResourceAsync("西南大学", "AFS-8520");
        var (_, smallDoc) = await new PageSession(factory).GetAsync($"/Resources/{small}");
        Assert.Null(smallDoc.QuerySelector("[data-testid=large-instrument]"));
        Assert.DoesNotContain("大型科研仪器", smallDoc.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("9.8 万元", smallDoc.QuerySelector("[data-testid=original-value]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Details_MarksExpiredCertificates_AndShowsEnglishWhenChosen()
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var created = await manager.PostAsJsonAsync("/api/v1/resources", new
        {
            kind = "TestingService",
            name = $"资质测试 检测服务 {Guid.NewGuid():N}",
            organizationId = cqu,
            districtCode = "500106",
            certifications = new object[]
            {
                new { type = "Cma", number = "201922050001", expiresOn = "2020-01-31" },
                new { type = "Cnas", number = "CNAS L0001", expiresOn = DateTime.UtcNow.AddYears(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) },
            },
        });
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/resources/{id}/publish", null)).StatusCode);

        var session = new PageSession(factory);
        var (_, doc) = await session.GetAsync($"/Resources/{id}");
        var cma = doc.QuerySelector("[data-testid=certifications] tr[data-type=Cma]")!;
        var cnas = doc.QuerySelector("[data-testid=certifications] tr[data-type=Cnas]")!;
        Assert.Contains("201922050001", cma.TextContent, StringComparison.Ordinal);
        Assert.Equal("已过期", cma.QuerySelector("[data-testid=expired]")!.TextContent.Trim());
        Assert.Null(cnas.QuerySelector("[data-testid=expired]"));
        Assert.NotNull(doc.QuerySelector("[data-testid=no-fees]"));
        Assert.Null(doc.QuerySelector("[data-testid=large-instrument]"));

        await session.Client.GetAsync("/culture/en?returnUrl=/");
        var (_, english) = await session.GetAsync($"/Resources/{id}");
        Assert.Equal("Expired", english.QuerySelector("[data-testid=expired]")!.TextContent.Trim());
        Assert.Equal("Testing and inspection service", english.QuerySelector("[data-testid=kind]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Details_DraftOfAnotherOrganisation_IsNotFound_ButItsManagersSeeItWithItsStatus()
    {
        var draft = await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.Name == DemoCatalog.DraftName).Select(r => r.Id).FirstAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await new PageSession(factory).GetAsync($"/Resources/{draft}")).Response.StatusCode);
        var (outsider, outsiderDoc) = await (await SignedInAsync(Demo.ScuResearcher)).GetAsync($"/Resources/{draft}");
        Assert.Equal(HttpStatusCode.NotFound, outsider.StatusCode);
        Assert.DoesNotContain(DemoCatalog.DraftName, outsiderDoc.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await new PageSession(factory).GetAsync($"/Resources/{Guid.NewGuid()}")).Response.StatusCode);

        var (own, ownDoc) = await (await SignedInAsync(Demo.CquInstrumentManager)).GetAsync($"/Resources/{draft}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal("草稿", ownDoc.QuerySelector("[data-testid=status]")!.TextContent.Trim());
        Assert.NotNull(ownDoc.QuerySelector("[data-testid=publish]"));
        Assert.Equal($"/Me/Resources/{draft}/Edit", ownDoc.QuerySelector("[data-testid=edit-link]")!.GetAttribute("href"));
        // An instrument manager may not hand records to another organisation; only the organisation admin may.
        Assert.Null(ownDoc.QuerySelector("[data-testid=transfer]"));
        var (_, adminDoc) = await (await SignedInAsync(Demo.CquOrgAdmin)).GetAsync($"/Resources/{draft}");
        Assert.NotNull(adminDoc.QuerySelector("[data-testid=transfer]"));
    }

    [Fact]
    public async Task Manager_CreatesEditsPublishesAndRetires_ThroughThePages()
    {
        var session = await SignedInAsync(Demo.CquInstrumentManager);
        var name = $"页面测试 X射线衍射仪 {Guid.NewGuid():N}"[..30];
        var fields = new Dictionary<string, string>
        {
            ["Form.Kind"] = "Instrument",
            ["Form.Name"] = name,
            ["Form.DistrictCode"] = "500106",
            ["Form.CategoryCode"] = "010000",
            ["Form.Model"] = "SmartLab 9kW",
            ["Form.Manufacturer"] = "理学（Rigaku）",
            ["Form.OriginalValue"] = "三百万",
            ["Form.PurchaseDate"] = "2020-07-01",
            ["Form.Fees[0].Price"] = "120",
            ["Form.Fees[0].Unit"] = "样品",
            ["Form.Fees[3].Price"] = "300.5",
            ["Form.Fees[3].Unit"] = "样品",
            ["Form.CmaNumber"] = "202022050009",
            ["Form.CmaExpiresOn"] = "2028-06-30",
        };

        // A value that is not a number: the field says so in Chinese, and nothing is created.
        var bad = await session.SubmitAsync("/Me/Resources/New", fields, "form[data-testid=resource-form]");
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var badDoc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await bad.Content.ReadAsStringAsync());
        Assert.Contains("原值须为以元为单位的数字", badDoc.QuerySelector("[data-testid=error-originalValue]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("is-invalid", badDoc.QuerySelector("#Form_OriginalValue")!.ClassName, StringComparison.Ordinal);
        Assert.Equal(name, badDoc.QuerySelector("#Form_Name")!.GetAttribute("value"));
        Assert.False(await factory.WithDbAsync(db => db.Set<Resource>().AnyAsync(r => r.Name == name)));

        fields["Form.OriginalValue"] = "3,000,000";
        var created = await session.SubmitAsync("/Me/Resources/New", fields, "form[data-testid=resource-form]");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var detailUrl = created.Headers.Location!.OriginalString;
        var id = Guid.Parse(detailUrl["/Resources/".Length..]);
        var stored = await ResourceAsync(id);
        Assert.Equal(ResourceStatus.Draft, stored.Status);
        Assert.Equal(300_000_000L, stored.OriginalValueFen);
        Assert.Equal(await OrgAsync("重庆大学"), stored.OrganizationId);
        Assert.Equal([(FeeUserType.Internal, 12_000L, "样品"), (FeeUserType.Enterprise, 30_050L, "样品")],
            stored.Fees.OrderBy(f => f.UserType).Select(f => (f.UserType, f.PriceFen, f.Unit)).ToList());
        Assert.Equal("202022050009", Assert.Single(stored.Certifications).Number);
        var detail = await session.FollowAsync(created);
        Assert.Equal("草稿", detail.QuerySelector("[data-testid=status]")!.TextContent.Trim());

        // The service's own rule (no negative value) comes back on the field, in Chinese, and nothing changes.
        var editUrl = $"/Me/Resources/{id}/Edit";
        var negative = await session.SubmitAsync(editUrl, new Dictionary<string, string> { ["Form.OriginalValue"] = "-5" }, "form[data-testid=resource-form]");
        Assert.Equal(HttpStatusCode.OK, negative.StatusCode);
        var negativeDoc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await negative.Content.ReadAsStringAsync());
        Assert.Contains("原值须为 0 至 1000 亿元之间", negativeDoc.QuerySelector("[data-testid=error-originalValue]")!.TextContent, StringComparison.Ordinal);
        // A fee row's error lands on that row's input (the second row posted is the enterprise row).
        var feeBad = await session.SubmitAsync(editUrl, new Dictionary<string, string> { ["Form.Fees[3].Price"] = "-1" }, "form[data-testid=resource-form]");
        var feeDoc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await feeBad.Content.ReadAsStringAsync());
        Assert.Contains("价格须为 0 至 1000 万元之间", feeDoc.QuerySelector("[data-testid='error-fee.Enterprise-price']")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("is-invalid", feeDoc.QuerySelector("#fee-Enterprise-price")!.ClassName, StringComparison.Ordinal);
        Assert.Equal(0, (await ResourceAsync(id)).Version);

        // A good edit saves and moves the version on.
        var saved = await session.SubmitAsync(editUrl, new Dictionary<string, string> { ["Form.Name"] = name + " 已修订", ["Form.Fees[1].Price"] = "200", ["Form.Fees[1].Unit"] = "样品" },
            "form[data-testid=resource-form]");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        stored = await ResourceAsync(id);
        Assert.Equal(name + " 已修订", stored.Name);
        Assert.Equal(1, stored.Version);
        Assert.Equal(3, stored.Fees.Count);

        // An edit made on the copy read before that save is refused with the 409 message; the saved record stands.
        var stale = await session.SubmitAsync(editUrl, new Dictionary<string, string> { ["Form.Name"] = "过期的修改", ["Form.Version"] = "0" }, "form[data-testid=resource-form]");
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var staleDoc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await stale.Content.ReadAsStringAsync());
        Assert.Contains("该资源已被他人修改，请刷新后重新编辑", staleDoc.QuerySelector("[data-testid=conflict]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("过期的修改", staleDoc.QuerySelector("#Form_Name")!.GetAttribute("value"));
        Assert.Equal(name + " 已修订", (await ResourceAsync(id)).Name);

        // Publish: the public sees it.
        var published = await session.SubmitAsync(detailUrl, new Dictionary<string, string>(), "form[data-testid=publish]");
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        Assert.Equal(ResourceStatus.Published, (await ResourceAsync(id)).Status);
        Assert.Equal(HttpStatusCode.OK, (await new PageSession(factory).GetAsync(detailUrl)).Response.StatusCode);

        // Retire asks for the ticked confirmation first: without it nothing changes.
        var unconfirmed = await session.SubmitAsync(detailUrl, new Dictionary<string, string>(), "form[data-testid=retire]");
        Assert.Equal(HttpStatusCode.OK, unconfirmed.StatusCode);
        Assert.Contains("请先勾选确认框", await unconfirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(ResourceStatus.Published, (await ResourceAsync(id)).Status);
        var retired = await session.SubmitAsync(detailUrl, new Dictionary<string, string> { ["confirm"] = "true" }, "form[data-testid=retire]");
        Assert.Equal(HttpStatusCode.Redirect, retired.StatusCode);
        Assert.Equal(ResourceStatus.Retired, (await ResourceAsync(id)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await new PageSession(factory).GetAsync(detailUrl)).Response.StatusCode);

        var actions = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Target == $"resource:{id}").OrderBy(e => e.Seq).Select(e => e.Action).ToListAsync());
        Assert.Equal(["resource.create", "resource.update", "resource.publish", "resource.retire"], actions);
    }

    [Fact]
    public async Task OrgAdmin_TransfersThroughThePage_AfterConfirming()
    {
        var cqu = await OrgAsync("重庆大学");
        var swu = await OrgAsync("西南大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var created = await manager.PostAsJsonAsync("/api/v1/resources", new { kind = "Instrument", name = $"移交测试 {Guid.NewGuid():N}", organizationId = cqu, districtCode = "500106" });
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        var admin = await SignedInAsync(Demo.CquOrgAdmin);

        var unconfirmed = await admin.SubmitAsync($"/Resources/{id}", new Dictionary<string, string> { ["organizationId"] = swu.ToString() }, "form[data-testid=transfer]");
        Assert.Equal(HttpStatusCode.OK, unconfirmed.StatusCode);
        Assert.Equal(cqu, (await ResourceAsync(id)).OrganizationId);

        var moved = await admin.SubmitAsync($"/Resources/{id}", new Dictionary<string, string> { ["organizationId"] = swu.ToString(), ["confirm"] = "true" }, "form[data-testid=transfer]");
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        Assert.Equal(swu, (await ResourceAsync(id)).OrganizationId);
        // 重庆大学's managers no longer see the draft that now belongs to 西南大学.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/Resources/{id}")).Response.StatusCode);
    }

    [Fact]
    public async Task ManagerOfAnotherOrganisation_CannotOpenOrSaveTheEditPage_ByChangingTheId()
    {
        // 蓉芯检测's engineer is made its instrument manager, as its organisation admin would.
        var rongxin = await OrgAsync("成都蓉芯微纳检测技术有限公司");
        await factory.WithDbAsync(async db =>
        {
            var engineer = await db.Users.Where(u => u.Email == Demo.Engineer).Select(u => u.Id).FirstAsync();
            if (!await db.RoleGrants.AnyAsync(g => g.UserId == engineer && g.Role == PlatformRole.ResourceManager))
            {
                db.RoleGrants.Add(new RoleGrant { Id = Guid.CreateVersion7(), UserId = engineer, Role = PlatformRole.ResourceManager, OrganizationId = rongxin, GrantedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
            }
            return 0;
        });
        var published = await DemoResourceAsync("重庆大学", "GeminiSEM 300");
        var draft = await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.Name == DemoCatalog.DraftName).Select(r => r.Id).FirstAsync());
        var before = await ResourceAsync(published);
        var other = await SignedInAsync(Demo.Engineer);

        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/Me/Resources/{published}/Edit")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/Me/Resources/{draft}/Edit")).Response.StatusCode);

        // Posting the engineer's own edit form to the other organisation's record (a valid antiforgery token, a forged id).
        var own = await DemoResourceAsync("成都蓉芯微纳检测技术有限公司", "Helios G4 UX");
        var (_, ownForm) = await other.GetAsync($"/Me/Resources/{own}/Edit");
        var token = ownForm.QuerySelector("form[data-testid=resource-form] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        foreach (var (target, expected) in new[] { (published, HttpStatusCode.Forbidden), (draft, HttpStatusCode.NotFound) })
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["Form.Kind"] = "Instrument",
                ["Form.Name"] = "篡改的名称",
                ["Form.DistrictCode"] = "510116",
                ["Form.Version"] = "0",
            });
            Assert.Equal(expected, (await other.Client.PostAsync($"/Me/Resources/{target}/Edit", form)).StatusCode);
            using var retire = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["confirm"] = "true" });
            Assert.Equal(expected, (await other.Client.PostAsync($"/Resources/{target}?handler=Retire", retire)).StatusCode);
        }
        var after = await ResourceAsync(published);
        Assert.Equal((before.Name, before.Version, before.Status, before.DistrictCode), (after.Name, after.Version, after.Status, after.DistrictCode));
        Assert.Equal(ResourceStatus.Draft, (await ResourceAsync(draft)).Status);
        Assert.False(await factory.WithDbAsync(db => db.Set<Resource>().AnyAsync(r => r.Name == "篡改的名称")));

        // The engineer's "my resources" lists 蓉芯's records only.
        var (_, mine) = await other.GetAsync("/Me/Resources?sort=name");
        var orgs = mine.QuerySelectorAll("[data-testid=resources] tbody tr").Select(tr => tr.QuerySelectorAll("td")[3].TextContent.Trim()).ToList();
        Assert.Equal(13, orgs.Count);
        Assert.All(orgs, o => Assert.Equal("成都蓉芯微纳检测技术有限公司", o));
        Assert.NotNull(mine.QuerySelector("[data-testid=nav-my-resources]"));
    }

    [Fact]
    public async Task MyResources_ListsOnlyTheOrganisationsManaged_WithCountsFiltersAndPaging()
    {
        var cqu = await OrgAsync("重庆大学");
        // More than one page whatever else this class's tests have added.
        var api = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        for (var i = 0; i < 4; i++)
        {
            var made = await api.PostAsJsonAsync("/api/v1/resources", new { kind = "Material", name = $"分页测试 标准物质 {i} {Guid.NewGuid():N}", organizationId = cqu, districtCode = "500106" });
            Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        }
        var session = await SignedInAsync(Demo.CquInstrumentManager);
        var (response, doc) = await session.GetAsync("/Me/Resources");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(doc.QuerySelector("[data-testid=nav-my-resources]"));
        Assert.Equal("/Me/Resources/New", doc.QuerySelector("[data-testid=new-resource]")!.GetAttribute("href"));
        Assert.Equal("/Me/Resources/Import", doc.QuerySelector("[data-testid=import]")!.GetAttribute("href"));

        var byStatus = await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.OrganizationId == cqu).GroupBy(r => r.Status)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count));
        foreach (var s in Enum.GetValues<ResourceStatus>())
        {
            Assert.Equal(byStatus.GetValueOrDefault(s).ToString(System.Globalization.CultureInfo.InvariantCulture), doc.QuerySelector($"[data-testid=count-{s}]")!.TextContent.Trim());
        }
        var total = byStatus.Values.Sum();
        Assert.True(total > 20, "the demo gives 重庆大学 more than one page of records");
        Assert.Contains(total.ToString(System.Globalization.CultureInfo.InvariantCulture), doc.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        var firstPage = doc.QuerySelectorAll("[data-testid=resources] tbody tr").Select(tr => tr.GetAttribute("data-resource-id")).ToList();
        Assert.Equal(20, firstPage.Count);
        var (_, second) = await session.GetAsync("/Me/Resources?page=2");
        var secondPage = second.QuerySelectorAll("[data-testid=resources] tbody tr").Select(tr => tr.GetAttribute("data-resource-id")).ToList();
        Assert.Equal(total - 20, secondPage.Count);
        Assert.Empty(firstPage.Intersect(secondPage));

        var cquNames = await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.OrganizationId == cqu).Select(r => r.Name).ToListAsync());
        var shown = firstPage.Concat(secondPage).ToList();
        Assert.Equal(total, shown.Distinct().Count());
        var cquIds = await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.OrganizationId == cqu).Select(r => r.Id).ToListAsync());
        Assert.Equal(cquIds.Order().ToList(), shown.Select(id => Guid.Parse(id!)).Order().ToList());

        // Filters: status, kind and name.
        var (_, drafts) = await session.GetAsync("/Me/Resources?status=Draft&q=" + Uri.EscapeDataString("原子力显微镜"));
        var draftRows = drafts.QuerySelectorAll("[data-testid=resources] tbody tr");
        Assert.Contains(draftRows, tr => tr.TextContent.Contains(DemoCatalog.DraftName, StringComparison.Ordinal));
        Assert.All(draftRows, tr => Assert.Contains("草稿", tr.TextContent, StringComparison.Ordinal));
        var (_, platforms) = await session.GetAsync("/Me/Resources?kind=InnovationPlatform");
        var platformRows = platforms.QuerySelectorAll("[data-testid=resources] tbody tr");
        Assert.NotEmpty(platformRows);
        Assert.All(platformRows, tr => Assert.Equal("创新平台", tr.QuerySelectorAll("td")[1].TextContent.Trim()));
        var (_, byName) = await session.GetAsync("/Me/Resources?sort=name&q=" + Uri.EscapeDataString("电子显微镜"));
        var names = byName.QuerySelectorAll("[data-testid=resources] tbody tr td:first-child").Select(td => td.TextContent.Trim()).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.Contains("电子显微镜", n, StringComparison.Ordinal));
        Assert.Equal(cquNames.Where(n => n.Contains("电子显微镜", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList(), names.Order(StringComparer.Ordinal).ToList());

        // A member who manages nothing is told how to become a manager; a visitor is sent to sign in.
        var (_, member) = await (await SignedInAsync(Demo.ScuResearcher)).GetAsync("/Me/Resources");
        Assert.NotNull(member.QuerySelector("[data-testid=not-a-manager]"));
        Assert.Null(member.QuerySelector("[data-testid=resources]"));
        Assert.Null(member.QuerySelector("[data-testid=nav-my-resources]"));
        Assert.Equal(HttpStatusCode.Forbidden, (await (await SignedInAsync(Demo.ScuResearcher)).GetAsync("/Me/Resources/New")).Response.StatusCode);
        var anonymous = await new PageSession(factory).GetAsync("/Me/Resources");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.Response.StatusCode);
        Assert.StartsWith("/Accounts/Login", anonymous.Response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrganisationResources_ListsWhatTheCallerMaySee_AndManagersSeeTheStatus()
    {
        var cqu = await OrgAsync("重庆大学");
        var (_, details) = await new PageSession(factory).GetAsync($"/Organizations/Details/{cqu}");
        Assert.Equal($"/Organizations/{cqu}/Resources", details.QuerySelector("[data-testid=org-resources]")!.GetAttribute("href"));

        var (response, doc) = await new PageSession(factory).GetAsync($"/Organizations/{cqu}/Resources");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var publicCount = await factory.WithDbAsync(db => db.Set<Resource>().CountAsync(r =>
            r.OrganizationId == cqu && r.Status == ResourceStatus.Published && r.SharingStatus != SharingStatus.InternalOnly));
        Assert.Contains($"共 {publicCount} ", doc.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoCatalog.DraftName, doc.Body!.TextContent, StringComparison.Ordinal);
        Assert.Null(doc.QuerySelector("[data-testid=resources] [data-testid=status]"));
        var gemini = await DemoResourceAsync("重庆大学", "GeminiSEM 300");
        var (_, kindPage) = await new PageSession(factory).GetAsync($"/Organizations/{cqu}/Resources?kind=Instrument");
        Assert.NotNull(kindPage.QuerySelector($"a[href='/Resources/{gemini}']"));

        var (_, managerDoc) = await (await SignedInAsync(Demo.CquInstrumentManager)).GetAsync($"/Organizations/{cqu}/Resources?kind=Instrument&page=2");
        var (_, managerFirst) = await (await SignedInAsync(Demo.CquInstrumentManager)).GetAsync($"/Organizations/{cqu}/Resources?kind=Instrument");
        var rows = managerFirst.QuerySelectorAll("[data-testid=resources] tbody tr").Concat(managerDoc.QuerySelectorAll("[data-testid=resources] tbody tr")).ToList();
        Assert.Contains(rows, tr => tr.TextContent.Contains(DemoCatalog.DraftName, StringComparison.Ordinal) && tr.QuerySelector("[data-testid=status]")!.TextContent.Trim() == "草稿");

        // A pending organisation is private, so is its list.
        var pending = await OrgAsync("重庆渝新智能装备有限公司");
        Assert.Equal(HttpStatusCode.NotFound, (await new PageSession(factory).GetAsync($"/Organizations/{pending}/Resources")).Response.StatusCode);
    }

    [Fact]
    public async Task DemoSeed_HoldsThe240Records_AtTheirOrganisations_AndIsIdempotent()
    {
        // The file as it is in the repository, read with CsvHelper, not through the seed's own reader.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Chuanyu.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found");
        }
        var file = Path.Combine(root.FullName, "src", "Chuanyu.Web", "Data", "Reference", "demo-instruments.csv");
        using var csv = CsvHelper.CsvReader.Create(File.OpenRead(file), null, leaveOpen: false);
        var expected = new List<(string Org, string Kind, string Name, string? Model, string District)>();
        var keyToName = DemoData.Organizations.ToDictionary(o => o.Key, o => o.Name);
        while (csv.Read())
        {
            expected.Add((keyToName[csv.GetString("org_key")], csv.GetString("kind"), csv.GetString("name"),
                csv.GetString("model") is { Length: > 0 } m ? m : null, csv.GetString("district_code")));
        }
        Assert.Equal(240, expected.Count);

        var stored = await factory.WithDbAsync(db => (from r in db.Set<Resource>()
                                                      join o in db.Organizations on r.OrganizationId equals o.Id
                                                      where r.Name != DemoCatalog.DraftName
                                                      select new { Org = o.Name, r.Kind, r.Name, r.Model, r.DistrictCode, r.Status, r.CategoryCode, r.CreatedAt })
            .ToListAsync());
        // Other tests of this class add their own records; the demo ones are those the seed made at start-up.
        var seededAt = stored.Where(s => s.Name == "场发射扫描电子显微镜" && s.Model == "GeminiSEM 300").Select(s => s.CreatedAt).Single();
        var seeded = stored.Where(s => s.CreatedAt == seededAt).ToList();
        Assert.Equal(240, seeded.Count);
        Assert.Equal(expected.Order().ToList(), seeded.Select(s => (Org: s.Org, Kind: s.Kind.ToString(), Name: s.Name, Model: (string?)s.Model, District: s.DistrictCode)).Order().ToList());
        // Published, except the pending enterprise's records (an unverified organisation cannot publish).
        Assert.All(seeded, s => Assert.Equal(s.Org == "重庆渝新智能装备有限公司" ? ResourceStatus.Draft : ResourceStatus.Published, s.Status));
        Assert.Equal(236, seeded.Count(s => s.Status == ResourceStatus.Published));
        Assert.All(seeded.Where(s => s.Kind == ResourceKind.Instrument), s => Assert.NotNull(InstrumentClasses.Find(s.CategoryCode)));
        Assert.Equal("010000", seeded.First(s => s.Model == "AFS-8520").CategoryCode![..2] + "0000");

        // The five institutions the file needs are demo organisations, verified, with valid credit codes and the right districts.
        var added = await factory.WithDbAsync(db => db.Organizations.Where(o => new[] { "重庆医科大学", "西南交通大学", "西南石油大学", "中国科学院重庆绿色智能技术研究院", "四川省农业科学院" }.Contains(o.Name)).ToListAsync());
        Assert.Equal(5, added.Count);
        Assert.All(added, o => Assert.True(o.Status == OrganizationStatus.Verified && CreditCode.IsValid(o.CreditCode), o.Name));
        Assert.Equal("500103", added.Single(o => o.Name == "重庆医科大学").DistrictCode);
        Assert.Equal("510114", added.Single(o => o.Name == "西南石油大学").DistrictCode);
        Assert.Equal("510104", added.Single(o => o.Name == "四川省农业科学院").DistrictCode);

        // 重庆大学's instrument manager has a draft of their own.
        var manager = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == Demo.CquInstrumentManager).Select(u => u.Id).FirstAsync());
        var draft = await factory.WithDbAsync(db => db.Set<Resource>().FirstAsync(r => r.Name == DemoCatalog.DraftName));
        Assert.Equal((ResourceStatus.Draft, manager, await OrgAsync("重庆大学")), (draft.Status, draft.CreatedBy, draft.OrganizationId));

        // Seeding again adds nothing.
        var count = await factory.WithDbAsync(db => db.Set<Resource>().CountAsync());
        using (var scope = factory.Services.CreateScope())
        {
            await DemoData.SeedAsync(scope.ServiceProvider);
        }
        Assert.Equal(count, await factory.WithDbAsync(db => db.Set<Resource>().CountAsync()));
        var demoNames = DemoData.Organizations.Select(d => d.Name).ToList();
        Assert.Equal(DemoData.Organizations.Length, await factory.WithDbAsync(db => db.Organizations.CountAsync(o => demoNames.Contains(o.Name))));
    }
}
