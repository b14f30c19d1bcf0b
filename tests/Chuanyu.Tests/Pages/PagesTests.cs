using System.Net;
using System.Text.RegularExpressions;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Pages;

public sealed partial class PagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [GeneratedRegex(@"\b(Home|Nav|Login|Field|Validation|Orgs|Me|Layout|Common|Role|Search|ResourceKind)\.[A-Z][A-Za-z]+")]
    private static partial Regex RawResourceKey();

    [Theory]
    [InlineData("/")]
    [InlineData("/Accounts/Login")]
    [InlineData("/Accounts/Register")]
    [InlineData("/Accounts/ForgotPassword")]
    [InlineData("/Organizations")]
    [InlineData("/Search")]
    public async Task PublicPages_RenderInChineseWithoutRawKeys(string url)
    {
        var (response, doc) = await new PageSession(factory).GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("zh-CN", doc.DocumentElement.GetAttribute("lang"));
        Assert.Contains("川渝科技资源共享服务平台", doc.Body!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotMatch(RawResourceKey(), doc.Body.TextContent);
    }

    [Fact]
    public async Task Favicon_IsServedToAnyone_AndEveryPageLinksIt()
    {
        var session = new PageSession(factory);
        // Browsers ask for /favicon.ico by themselves on a site's first page, whatever the page links.
        var icon = await session.Client.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.StartsWith("image/", icon.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Equal([0, 0, 1, 0], (await icon.Content.ReadAsByteArrayAsync())[..4]); // an icon file's header

        var (_, home) = await session.GetAsync("/");
        var links = home.QuerySelectorAll("head link[rel=icon]").Select(l => l.GetAttribute("href")!.Split('?')[0]).ToList();
        Assert.Contains("/favicon.ico", links);
        foreach (var href in links)
        {
            var linked = await session.Client.GetAsync(href);
            Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
            Assert.StartsWith("image/", linked.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LanguageSwitch_ShowsEnglishAndBack()
    {
        var session = new PageSession(factory);
        var toEnglish = await session.Client.GetAsync("/culture/en?returnUrl=/Organizations");
        Assert.Equal(HttpStatusCode.Redirect, toEnglish.StatusCode);
        Assert.Equal("/Organizations", toEnglish.Headers.Location!.OriginalString);
        var (_, english) = await session.GetAsync("/Organizations");
        Assert.Equal("en", english.DocumentElement.GetAttribute("lang"));
        Assert.Contains("Organisations", english.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotMatch(RawResourceKey(), english.Body!.TextContent);

        await session.Client.GetAsync("/culture/zh-CN?returnUrl=/");
        var (_, chinese) = await session.GetAsync("/Organizations");
        Assert.Contains("单位名录", chinese.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LanguageSwitch_RefusesOpenRedirects()
    {
        var response = await new PageSession(factory).Client.GetAsync("/culture/en?returnUrl=//evil.example.com/");
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignIn_ThroughThePage_LeadsToTheUserCentreWithRoles()
    {
        var session = new PageSession(factory);
        var response = await session.SignInAsync(Demo.CquInstrumentManager);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var me = await session.FollowAsync(response);
        Assert.Contains("张伟", me.QuerySelector("[data-testid=me-name]")!.TextContent, StringComparison.Ordinal);
        var roles = me.QuerySelector("[data-testid=my-roles]")!.TextContent;
        Assert.Contains("仪器管理员", roles, StringComparison.Ordinal);
        Assert.Contains("重庆大学", roles, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_LandsOnTheUserCentre_WithASearchBoxThatTheSearchPageReads()
    {
        var session = new PageSession(factory);
        var me = await session.FollowAsync(await session.SignInAsync(Demo.ScuResearcher));
        Assert.NotNull(me.QuerySelector("[data-testid=me-name]"));

        var form = me.QuerySelector("main form[role=search]") ?? throw new Xunit.Sdk.XunitException("the user centre has no search form");
        Assert.Equal("get", form.GetAttribute("method"), ignoreCase: true);
        Assert.Equal("/Search", form.GetAttribute("action"));
        var box = form.QuerySelector("input[type=text], input:not([type])") ?? throw new Xunit.Sdk.XunitException("the search form has no text box");
        Assert.Equal("检索仪器、设施与检测服务", me.QuerySelector($"label[for='{box.Id}']")?.TextContent.Trim());

        // What the box sends is what the search page reads: it answers with the words in its own box.
        var (response, results) = await session.GetAsync($"{form.GetAttribute("action")}?{box.GetAttribute("name")}={Uri.EscapeDataString("扫描电镜")}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("扫描电镜", results.QuerySelector("[data-testid=search-form] input#q")?.GetAttribute("value"));
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsChineseErrorAndNoCookie()
    {
        var session = new PageSession(factory);
        var response = await session.SignInAsync(Demo.Engineer, "Wrong-passw0rd");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("邮箱或密码不正确", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var c) ? c : [], v => v.StartsWith("chuanyu.auth", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_PostWithoutAntiforgeryToken_IsRefused()
    {
        var client = new PageSession(factory).Client;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Input.Email"] = Demo.Engineer, ["Input.Password"] = Chuanyu.Web.Seeding.DemoData.Password });
        var response = await client.PostAsync("/Accounts/Login", form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Register_InvalidInput_MarksFieldsInChinese()
    {
        var session = new PageSession(factory);
        var response = await session.SubmitAsync("/Accounts/Register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "",
            ["Input.Email"] = "not-an-email",
            ["Input.Password"] = "Abcdefgh12",
            ["Input.ConfirmPassword"] = "Different12X",
        });
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("请填写姓名", html, StringComparison.Ordinal);
        Assert.Contains("邮箱格式不正确", html, StringComparison.Ordinal);
        Assert.Contains("两次输入的密码不一致", html, StringComparison.Ordinal);
        Assert.Contains("请阅读并同意", html, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> RegisterThroughThePageAsync(PageSession session, string email) =>
        session.SubmitAsync("/Accounts/Register", new Dictionary<string, string>
        {
            ["Input.DisplayName"] = "页面注册用户",
            ["Input.Email"] = email,
            ["Input.Password"] = "Page-Passw0rd",
            ["Input.ConfirmPassword"] = "Page-Passw0rd",
            ["Input.AcceptTerms"] = "true",
        });

    [Fact]
    public async Task Register_ThroughThePage_SignsInAndRecordsConsent()
    {
        var session = new PageSession(factory);
        var email = $"page-{Guid.NewGuid():N}@example.cn";
        var response = await RegisterThroughThePageAsync(session, email);
        // Registration answers alike for new and taken addresses, so it does not sign in: it sends the person to sign in.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var login = await session.FollowAsync(response);
        Assert.Contains("注册申请已受理", login.Body!.TextContent, StringComparison.Ordinal);
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "account.register" && e.ActorName == email && e.Detail!.Contains("privacy"))));
        var me = await session.FollowAsync(await session.SignInAsync(email, "Page-Passw0rd"));
        Assert.Contains("页面注册用户", me.QuerySelector("[data-testid=me-name]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_ThroughThePage_WithATakenAddress_AnswersAsForANewOne()
    {
        async Task<string> RegisterAsync(string email)
        {
            var session = new PageSession(factory);
            var response = await RegisterThroughThePageAsync(session, email);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            return (await session.FollowAsync(response)).QuerySelector("main")!.TextContent;
        }
        var fresh = await RegisterAsync($"page-{Guid.NewGuid():N}@example.cn");
        var taken = await RegisterAsync(Demo.Engineer);
        Assert.Equal(fresh, taken);
        Assert.DoesNotContain("已被注册", taken, StringComparison.Ordinal);
        Assert.True(await factory.WithDbAsync(db => db.Outbox.AnyAsync(m => m.Recipient == Demo.Engineer && m.Subject.EndsWith("有人尝试用您的邮箱注册"))));
    }

    [Fact]
    public async Task OrganizationRegister_InvalidCreditCode_MarksTheFieldInChinese()
    {
        var session = new PageSession(factory);
        await session.SignInAsync(Demo.Engineer);
        var response = await session.SubmitAsync("/Organizations/Register", new Dictionary<string, string>
        {
            ["Input.Name"] = "页面测试公司",
            ["Input.Kind"] = "Enterprise",
            ["Input.CreditCode"] = "91510107MA0000000X",
            ["Input.DistrictCode"] = "510107",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Contains("is-invalid", doc.QuerySelector("#Input_CreditCode")!.ClassName, StringComparison.Ordinal);
        Assert.Contains("统一社会信用代码", doc.QuerySelector("[data-testid=error-creditCode]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("页面测试公司", ((AngleSharp.Html.Dom.IHtmlInputElement)doc.QuerySelector("#Input_Name")!).Value);
        Assert.False(await factory.WithDbAsync(db => db.Organizations.AnyAsync(o => o.Name == "页面测试公司")));
    }

    [Fact]
    public async Task MembersPage_OfAnotherOrganization_IsDenied()
    {
        var session = new PageSession(factory);
        await session.SignInAsync(Demo.CquOrgAdmin);
        var scu = await factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == "四川大学").Select(o => o.Id).FirstAsync());
        var cqu = await factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync());

        var other = await session.Client.GetAsync($"/Organizations/Members/{scu}");
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.StartsWith("/Accounts/AccessDenied", other.Headers.Location!.AbsolutePath, StringComparison.Ordinal);

        var (own, doc) = await session.GetAsync($"/Organizations/Members/{cqu}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("张伟", doc.QuerySelector("[data-testid=members]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("cqu.instrument@chuanyu.demo", doc.QuerySelector("[data-testid=members]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PendingOrganizationPage_IsNotFoundForOthers()
    {
        var pending = await factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == "重庆渝新智能装备有限公司").Select(o => o.Id).FirstAsync());
        var anonymous = await new PageSession(factory).Client.GetAsync($"/Organizations/Details/{pending}");
        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);

        var cqAdmin = new PageSession(factory);
        await cqAdmin.SignInAsync(Demo.ChongqingAdmin);
        var (queue, doc) = await cqAdmin.GetAsync("/Admin/Organizations");
        Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        Assert.Contains("重庆渝新智能装备有限公司", doc.QuerySelector("[data-testid=admin-organizations]")!.TextContent, StringComparison.Ordinal);

        var scAdmin = new PageSession(factory);
        await scAdmin.SignInAsync(Demo.SichuanAdmin);
        var (_, scDoc) = await scAdmin.GetAsync("/Admin/Organizations");
        Assert.DoesNotContain("重庆渝新智能装备有限公司", scDoc.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminPages_RefuseNonAdminsAndAnonymous()
    {
        var anonymous = await new PageSession(factory).Client.GetAsync("/Admin/Organizations");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/Accounts/Login", anonymous.Headers.Location!.AbsolutePath, StringComparison.Ordinal);

        var researcher = new PageSession(factory);
        await researcher.SignInAsync(Demo.ScuResearcher);
        foreach (var url in new[] { "/Admin/Organizations", "/Admin/Audit", "/Admin/Outbox", "/Admin/Users" })
        {
            var response = await researcher.Client.GetAsync(url);
            Assert.StartsWith("/Accounts/AccessDenied", response.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UsersPage_SecurityAdminGrantsAndRevokesARegionRole()
    {
        var email = await Accounts.AuthApiTests.RegisterAsync(factory, "Granted-Role1", "待授权用户");
        var userId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstAsync());
        var admin = new PageSession(factory);
        await admin.SignInAsync(Demo.SecurityAdmin);
        var url = $"/Admin/Users?q={Uri.EscapeDataString(email)}";

        var (_, list) = await admin.GetAsync(url);
        Assert.Contains("待授权用户", list.QuerySelector("[data-testid=users]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(email, list.QuerySelector("[data-testid=users]")!.TextContent, StringComparison.Ordinal);

        var missingRegion = await admin.SubmitAsync(url, new Dictionary<string, string> { ["role"] = "RegionAdmin", ["regionCode"] = "" }, "form[action*=Grant]");
        Assert.True(missingRegion.StatusCode == HttpStatusCode.Redirect, $"{missingRegion.StatusCode}: {await missingRegion.Content.ReadAsStringAsync()}");
        Assert.Contains("地区", (await admin.FollowAsync(missingRegion)).QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);

        var granted = await admin.SubmitAsync(url, new Dictionary<string, string> { ["role"] = "RegionAdmin", ["regionCode"] = "510000" }, "form[action*=Grant]");
        Assert.Equal(HttpStatusCode.Redirect, granted.StatusCode);
        var grant = await factory.WithDbAsync(db => db.RoleGrants.SingleAsync(g => g.UserId == userId));
        Assert.Equal(Chuanyu.Web.Infrastructure.PlatformRole.RegionAdmin, grant.Role);
        Assert.Equal("510000", grant.RegionCode);

        var revoked = await admin.SubmitAsync(url, new Dictionary<string, string> { ["grantId"] = grant.Id.ToString() }, "form[action*=Revoke]");
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.RoleGrants.AnyAsync(g => g.UserId == userId)));
        var actions = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Target == $"user:{userId}").Select(e => e.Action).ToListAsync());
        Assert.Contains("role.grant", actions);
        Assert.Contains("role.revoke", actions);
    }

    [Fact]
    public async Task UsersPage_SecondPage_ShowsTheRest()
    {
        var tag = "分页" + Guid.NewGuid().ToString("N")[..6];
        for (var i = 0; i < 32; i++)
        {
            await Accounts.AuthApiTests.RegisterAsync(factory, "Paging-Passw0rd", $"{tag}-{i:D2}");
        }
        var admin = new PageSession(factory);
        await admin.SignInAsync(Demo.SecurityAdmin);
        var (_, first) = await admin.GetAsync($"/Admin/Users?q={Uri.EscapeDataString(tag)}");
        var (_, second) = await admin.GetAsync($"/Admin/Users?q={Uri.EscapeDataString(tag)}&page=2");
        Assert.Equal(30, first.QuerySelectorAll("[data-testid=users] tbody tr").Length);
        var rest = second.QuerySelectorAll("[data-testid=users] tbody tr");
        Assert.Equal(2, rest.Length);
        Assert.Contains($"{tag}-31", rest[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditPage_ForAuditAdmin_ShowsTheVerifiedChain()
    {
        var session = new PageSession(factory);
        await session.SignInAsync(Demo.AuditAdmin);
        var (response, doc) = await session.GetAsync("/Admin/Audit");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("哈希链完整", doc.QuerySelector("[data-testid=audit-verification]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("auth.login", doc.QuerySelector("[data-testid=audit-entries]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordReset_ThroughTheOutbox_ChangesThePasswordAndEndsOldSessions()
    {
        var email = await Accounts.AuthApiTests.RegisterAsync(factory, "Forgotten-Pw1");
        var oldToken = await factory.ApiClientAsync(email, "Forgotten-Pw1");

        var session = new PageSession(factory);
        var sent = await session.SubmitAsync("/Accounts/ForgotPassword", new Dictionary<string, string> { ["Email"] = email });
        Assert.Contains("重置链接已发送", await sent.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The system administrator reads the outbox in development, through the API.
        var admin = await factory.ApiClientAsync(Demo.SystemAdmin);
        var outbox = await (await admin.GetAsync("/api/v1/admin/outbox")).ReadJsonAsync();
        var message = outbox.EnumerateArray().First(m => m.GetProperty("recipient").GetString() == email);
        var link = Regex.Match(message.GetProperty("body").GetString()!, @"https?://\S+").Value;
        var path = new Uri(link).PathAndQuery;

        var reset = await session.SubmitAsync(path, new Dictionary<string, string> { ["Password"] = "Remembered-Pw2" });
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await oldToken.GetAsync("/api/v1/me")).StatusCode);
        await factory.ApiClientAsync(email, "Remembered-Pw2");
        var oldPassword = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(factory.CreateClient(), "/api/v1/auth/login", new { email, password = "Forgotten-Pw1" });
        Assert.Equal(HttpStatusCode.Unauthorized, oldPassword.StatusCode);

        // The same link cannot be used twice.
        var replay = await session.SubmitAsync(path, new Dictionary<string, string> { ["Password"] = "Another-Pw333" });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains("无效", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgotPassword_UnknownEmail_AnswersTheSameAndSendsNothing()
    {
        var email = $"ghost-{Guid.NewGuid():N}@example.cn";
        var response = await new PageSession(factory).SubmitAsync("/Accounts/ForgotPassword", new Dictionary<string, string> { ["Email"] = email });
        Assert.Contains("重置链接已发送", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await factory.WithDbAsync(db => db.Outbox.AnyAsync(m => m.Recipient == email)));
    }

    [Fact]
    public async Task TwoFactor_EnrolOnThePage_ThenSignInNeedsTheCode()
    {
        var email = await Accounts.AuthApiTests.RegisterAsync(factory, "Second-Factor1");
        var session = new PageSession(factory);
        await session.SignInAsync(email, "Second-Factor1");
        var (_, enrol) = await session.GetAsync("/Me/TwoFactor");
        var key = enrol.QuerySelector("[data-testid=totp-key]")!.TextContent;

        var wrong = await session.SubmitAsync("/Me/TwoFactor", new Dictionary<string, string> { ["Code"] = "000000" });
        Assert.Contains("验证码不正确", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var enabled = await session.SubmitAsync("/Me/TwoFactor", new Dictionary<string, string> { ["Code"] = Totp.Code(key) });
        Assert.Equal(HttpStatusCode.Redirect, enabled.StatusCode);

        var fresh = new PageSession(factory);
        var first = await fresh.SignInAsync(email, "Second-Factor1");
        Assert.StartsWith("/Accounts/LoginWith2fa", first.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var second = await fresh.SubmitAsync(first.Headers.Location.OriginalString, new Dictionary<string, string> { ["Code"] = Totp.Code(key) });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        var me = await fresh.FollowAsync(second);
        Assert.Contains("已启用", me.Body!.TextContent, StringComparison.Ordinal);
    }
}
