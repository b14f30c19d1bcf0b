using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Accounts;

public sealed class PersonalDataTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Fact]
    public async Task Export_ContainsOnlyTheCallersData_WithAWatermark_AndIsAudited()
    {
        var client = await factory.ApiClientAsync(Demo.ScuResearcher);
        var export = await (await client.GetAsync("/api/v1/me/personal-data")).ReadJsonAsync();

        Assert.Equal(Demo.ScuResearcher, export.GetProperty("account").GetProperty("email").GetString());
        Assert.Equal(Demo.ScuResearcher, export.GetProperty("watermark").GetProperty("exportedBy").GetString());
        Assert.Contains(Demo.ScuResearcher, export.GetProperty("watermark").GetProperty("notice").GetString());
        Assert.Contains(export.GetProperty("organizations").EnumerateArray(), o => o.GetProperty("name").GetString() == "四川大学");
        Assert.Contains(export.GetProperty("signInsAndActions").EnumerateArray(), e => e.GetProperty("action").GetString() == "auth.login");
        Assert.DoesNotContain(Demo.Engineer, export.GetRawText(), StringComparison.Ordinal);
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "privacy.export" && e.ActorName == Demo.ScuResearcher)));
    }

    [Fact]
    public async Task ExportPage_DownloadsWatermarkedJson()
    {
        var session = new PageSession(factory);
        await session.SignInAsync(Demo.Engineer);
        var response = await session.SubmitAsync("/Me/Privacy", new Dictionary<string, string>(), "form[action*=Export]");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("chuanyu-personal-data-", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var body = await response.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(Demo.Engineer, json.GetProperty("watermark").GetProperty("exportedBy").GetString());
        Assert.Contains("仅供本人使用", body, StringComparison.Ordinal); // Chinese written as characters, readable in any editor
    }

    [Fact]
    public async Task Delete_WrongConfirmation_ChangesNothing()
    {
        var email = await AuthApiTests.RegisterAsync(factory, "Keep-Me-Pw1");
        var client = await factory.ApiClientAsync(email, "Keep-Me-Pw1");
        var response = await client.PostAsJsonAsync("/api/v1/me/deletion", new { confirmEmail = "someone-else@example.cn" });
        await response.AssertFieldErrorAsync("confirmEmail");
        Assert.True(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email)));
    }

    [Fact]
    public async Task DeletePage_WrongConfirmation_MarksTheFieldInChinese_ThenDeletesWithTheRightOne()
    {
        var email = await AuthApiTests.RegisterAsync(factory, "Page-Delete-Pw1");
        var session = new PageSession(factory);
        await session.SignInAsync(email, "Page-Delete-Pw1");

        var wrong = await session.SubmitAsync("/Me/Privacy", new Dictionary<string, string> { ["ConfirmEmail"] = "wrong@example.cn" }, "form[action*=Delete]");
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await wrong.Content.ReadAsStringAsync());
        Assert.Contains("请输入本账号的邮箱", doc.QuerySelector("[data-testid=delete-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("is-invalid", doc.QuerySelector("#ConfirmEmail")!.ClassName, StringComparison.Ordinal);
        Assert.True(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email)));

        var right = await session.SubmitAsync("/Me/Privacy", new Dictionary<string, string> { ["ConfirmEmail"] = email }, "form[action*=Delete]");
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email)));
    }

    [Fact]
    public async Task Delete_RemovesTheAccountAndEndsItsTokens()
    {
        var email = await AuthApiTests.RegisterAsync(factory, "Delete-Me-Pw1");
        var client = await factory.ApiClientAsync(email, "Delete-Me-Pw1");
        var response = await client.PostAsJsonAsync("/api/v1/me/deletion", new { confirmEmail = email.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        Assert.False(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "privacy.delete-account" && e.ActorName == email)));
        var chain = await factory.WithDbAsync(db => Chuanyu.Web.Infrastructure.AuditLog.VerifyAsync(db));
        Assert.True(chain.Intact, chain.Problem);
    }

    [Fact]
    public async Task Delete_SoleOrganizationAdmin_IsRefusedUntilAnotherAdminExists()
    {
        var email = await AuthApiTests.RegisterAsync(factory, "Sole-Admin-Pw1");
        var client = await factory.ApiClientAsync(email, "Sole-Admin-Pw1");
        var created = await client.PostAsJsonAsync("/api/v1/organizations", new
        {
            name = "唯一管理员测试公司",
            kind = "Enterprise",
            creditCode = Chuanyu.Web.Seeding.DemoData.MakeCreditCode("91", "510104", Random.Shared.Next(2_000_000, 9_000_000)),
            districtCode = "510104",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var response = await client.PostAsJsonAsync("/api/v1/me/deletion", new { confirmEmail = email });
        var problem = await response.AssertProblemAsync(409);
        Assert.Contains("唯一的单位管理员", problem.GetProperty("detail").GetString());
        Assert.True(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email)));
    }
}
