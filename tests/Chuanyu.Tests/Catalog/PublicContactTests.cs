using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Catalog;

/// <summary>
/// A record's public contact (a shared lab phone and mailbox): checked where it is written (API, form, import share
/// CatalogService's rules), shown on the record's page, with a fallback when there is none.
/// </summary>
public sealed class PublicContactTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Theory]
    [InlineData("023-65100000")]
    [InlineData("02365100000")]
    [InlineData("(023)65100000")]
    [InlineData("010 6251 2345")]
    [InlineData("0816-2345678")]
    [InlineData("028-85405000 转 8001")]
    [InlineData("028-85405000-8001")]
    [InlineData("13812345678")]
    [InlineData("138 1234 5678")]
    [InlineData("+86 138-1234-5678")]
    [InlineData("400-023-1234")]
    public void Phone_TheWaysChinaWritesANumber_AreAccepted(string phone) => Assert.True(PublicContact.IsPhone(phone), phone);

    [Theory]
    [InlineData("12345")]
    [InlineData("6510000")]                       // no area code
    [InlineData("23-65100000")]                   // area code without its 0
    [InlineData("1381234567")]                    // a mobile number one digit short
    [InlineData("12812345678")]                   // no mobile number starts with 12
    [InlineData("023-65100000, 023-65100001")]    // one number only
    [InlineData("请拨打 023-65100000")]
    [InlineData("javascript:alert(1)")]
    [InlineData("023-6510000０a")]
    public void Phone_AnythingElse_IsRefused(string phone) => Assert.False(PublicContact.IsPhone(phone), phone);

    [Theory]
    [InlineData("share@cqu.edu.cn", true)]
    [InlineData("lab.sem+booking@example.edu.cn", true)]
    [InlineData("share@localhost", false)]
    [InlineData("share.cqu.edu.cn", false)]
    [InlineData("two@@cqu.edu.cn", false)]
    [InlineData(".dot@cqu.edu.cn", false)]
    [InlineData("a..b@cqu.edu.cn", false)]
    [InlineData("王老师@cqu.edu.cn", false)]
    [InlineData("share@cqu.edu.cn <script>", false)]
    [InlineData("Share Desk <share@cqu.edu.cn>", false)]
    public void Email_IsOneOrdinaryAddress(string email, bool valid) => Assert.Equal(valid, PublicContact.IsEmail(email));

    [Fact]
    public void TelUri_DialsTheNumber_WithItsExtension()
    {
        Assert.Equal("tel:02365100000", PublicContact.TelUri("023-6510 0000"));
        Assert.Equal("tel:02885405000;ext=8001", PublicContact.TelUri("028-85405000 转 8001"));
        Assert.Equal("tel:+8613812345678", PublicContact.TelUri("+86 138-1234-5678"));
        Assert.Null(PublicContact.TelUri("not a number"));
    }

    private Task<Guid> OrgAsync(string name) => factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).FirstAsync());

    private static object Record(Guid organizationId, string name, string? phone, string? email) => new
    {
        kind = "Instrument",
        name,
        organizationId,
        districtCode = "500106",
        contactName = phone is null && email is null ? null : "分析测试中心 共享服务窗口",
        contactPhone = phone,
        contactEmail = email,
    };

    [Theory]
    [InlineData("contactPhone", "12345", "Catalog.ContactPhoneInvalid")]
    [InlineData("contactPhone", "023-65100000 或 13812345678", "Catalog.ContactPhoneInvalid")]
    [InlineData("contactEmail", "share.cqu.edu.cn", "Catalog.ContactEmailInvalid")]
    [InlineData("contactEmail", "share@cqu", "Catalog.ContactEmailInvalid")]
    public async Task Api_ABadPhoneOrMailbox_Is400NamingTheField_InTheClientsLanguage(string field, string value, string code)
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var name = $"联系方式校验 {Guid.NewGuid():N}"[..24];
        var body = field == "contactPhone" ? Record(cqu, name, value, null) : Record(cqu, name, null, value);

        var chinese = await manager.PostAsJsonAsync("/api/v1/resources", body);
        var problem = await chinese.AssertProblemAsync(400);
        Assert.Equal("validation", problem.GetProperty("code").GetString());
        Assert.Equal(code, problem.GetProperty("errorCodes").GetProperty(field)[0].GetString());
        Assert.Contains(field == "contactPhone" ? "联系电话格式不正确" : "联系邮箱格式不正确", problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/resources") { Content = JsonContent.Create(body) };
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en"));
        var english = await (await manager.SendAsync(request)).AssertFieldErrorAsync(field);
        Assert.Contains(field == "contactPhone" ? "not a valid number" : "not a valid address", english[0], StringComparison.Ordinal);

        Assert.False(await factory.WithDbAsync(db => db.Set<Resource>().AnyAsync(r => r.Name == name)));
    }

    [Theory]
    [InlineData("contactPhone", "023-6510\u00000000")]          // a control character
    [InlineData("contactPhone", "023-65100000\u202E0008")]      // a hidden direction change
    [InlineData("contactPhone", "023-65100000-1234567890123456789")] // longer than the column
    [InlineData("contactEmail", "share@cqu.edu.cn\r\nBcc: all@example.com")] // a header injection
    public async Task Api_HostileContact_IsRefusedOnTheField_OnCreateAndUpdate(string field, string value)
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var name = $"联系方式攻击 {Guid.NewGuid():N}"[..24];
        var hostile = field == "contactPhone" ? Record(cqu, name, value, null) : Record(cqu, name, null, value);
        await (await manager.PostAsJsonAsync("/api/v1/resources", hostile)).AssertFieldErrorAsync(field);
        Assert.False(await factory.WithDbAsync(db => db.Set<Resource>().AnyAsync(r => r.Name == name)));

        // An existing record keeps its contact when an update carries a hostile one.
        var created = await manager.PostAsJsonAsync("/api/v1/resources", Record(cqu, name, "023-65106000", "share@cqu.chuanyu.demo"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        var update = field == "contactPhone" ? Record(cqu, name, value, null) : Record(cqu, name, null, value);
        await (await manager.PutAsJsonAsync($"/api/v1/resources/{id}", update)).AssertFieldErrorAsync(field);
        var stored = await factory.WithDbAsync(db => db.Set<Resource>().AsNoTracking().FirstAsync(r => r.Id == id));
        Assert.Equal(("023-65106000", "share@cqu.chuanyu.demo"), (stored.ContactPhone, stored.ContactEmail));
    }

    [Fact]
    public async Task DetailsPage_ShowsThePublicContact_FullWidthFolded_OrTheFallback()
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var name = $"联系方式展示 {Guid.NewGuid():N}"[..24];
        // Typed with a Chinese input method: full-width digits and hyphen.
        var created = await manager.PostAsJsonAsync("/api/v1/resources", Record(cqu, name, "０２３－６５１０６０００", "share@cqu.chuanyu.demo"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var json = await created.ReadJsonAsync();
        Assert.Equal("023-65106000", json.GetProperty("contactPhone").GetString());
        var id = json.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/resources/{id}/publish", null)).StatusCode);

        var (_, doc) = await new PageSession(factory).GetAsync($"/Resources/{id}");
        var contact = doc.QuerySelector("[data-testid=contact]")!;
        Assert.Contains("分析测试中心 共享服务窗口", contact.TextContent, StringComparison.Ordinal);
        Assert.Equal("tel:02365106000", contact.QuerySelector("[data-testid=contact-phone]")!.GetAttribute("href"));
        Assert.Equal("023-65106000", contact.QuerySelector("[data-testid=contact-phone]")!.TextContent.Trim());
        Assert.Equal("mailto:share@cqu.chuanyu.demo", contact.QuerySelector("[data-testid=contact-email]")!.GetAttribute("href"));
        Assert.DoesNotContain("请通过所属单位联系", contact.TextContent, StringComparison.Ordinal);

        // Without a contact, the page says none was published and where to turn.
        var bare = (await (await manager.PostAsJsonAsync("/api/v1/resources", Record(cqu, name + " 无联系方式", null, null))).ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/resources/{bare}/publish", null)).StatusCode);
        var (_, bareDoc) = await new PageSession(factory).GetAsync($"/Resources/{bare}");
        Assert.Equal("该资源尚未公布联系方式，请通过所属单位联系。", bareDoc.QuerySelector("[data-testid=contact]")!.TextContent.Trim());
    }

    [Fact]
    public async Task DemoInstruments_OfAServiceDesk_PublishItsContact()
    {
        var sem = await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.Model == "GeminiSEM 300").Select(r => r.Id).FirstAsync());
        var (_, doc) = await new PageSession(factory).GetAsync($"/Resources/{sem}");
        var contact = doc.QuerySelector("[data-testid=contact]")!;
        Assert.Contains("023-65106000", contact.TextContent, StringComparison.Ordinal);
        Assert.Equal("mailto:share@cqu.chuanyu.demo", contact.QuerySelector("[data-testid=contact-email]")!.GetAttribute("href"));
    }

    [Fact]
    public async Task EditPage_ABadPhone_IsAFieldErrorInChinese_AndNothingChanges()
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var name = $"联系方式表单 {Guid.NewGuid():N}"[..24];
        var id = (await (await manager.PostAsJsonAsync("/api/v1/resources", Record(cqu, name, "023-65106000", null))).ReadJsonAsync()).GetProperty("id").GetGuid();
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(Demo.CquInstrumentManager)).StatusCode);

        var (_, form) = await session.GetAsync($"/Me/Resources/{id}/Edit");
        Assert.Equal("tel", form.QuerySelector("#Form_ContactPhone")!.GetAttribute("type"));
        var bad = await session.SubmitAsync($"/Me/Resources/{id}/Edit", new Dictionary<string, string> { ["Form.ContactPhone"] = "6510000" }, "form[data-testid=resource-form]");

        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await bad.Content.ReadAsStringAsync());
        Assert.Contains("联系电话格式不正确", doc.QuerySelector("[data-testid=error-contactPhone]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("is-invalid", doc.QuerySelector("#Form_ContactPhone")!.ClassName, StringComparison.Ordinal);
        Assert.Equal("023-65106000", await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.Id == id).Select(r => r.ContactPhone).FirstAsync()));
    }
}
