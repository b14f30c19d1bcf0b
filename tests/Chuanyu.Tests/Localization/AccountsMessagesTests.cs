using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Chuanyu.Tests.Accounts;
using Chuanyu.Tests.Infrastructure;

namespace Chuanyu.Tests.Localization;

/// <summary>
/// Accounts, Admin, ApiClients and Signatures speak one language path: their API errors carry the message key as their
/// code (or under <c>errorCodes</c>), Chinese by default and English when the client asks; their pages follow the switch.
/// </summary>
public sealed partial class AccountsMessagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static HttpRequestMessage Request(HttpMethod method, string url, string? language = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (language is not null)
        {
            request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));
        }
        return request;
    }

    private static void AssertEnglish(JsonElement problem, params string[] properties)
    {
        Assert.DoesNotMatch(Cjk(), problem.GetProperty("title").GetString()!);
        foreach (var p in properties)
        {
            Assert.DoesNotMatch(Cjk(), problem.GetProperty(p).GetString()!);
        }
    }

    [Fact]
    public async Task Accounts_RefusedSignIn_HasItsCode_AndItsTitleInTheClientsLanguage()
    {
        var client = factory.CreateClient();
        var body = new { email = $"nobody-{Guid.NewGuid():N}@example.cn", password = "Wrong-password-1" };
        var chinese = await (await client.SendAsync(Request(HttpMethod.Post, "/api/v1/auth/login", content: JsonContent.Create(body)))).AssertProblemAsync(401);
        Assert.Equal("Accounts.InvalidCredentials", chinese.GetProperty("code").GetString());
        Assert.Equal("邮箱或密码不正确", chinese.GetProperty("title").GetString());

        var english = await (await client.SendAsync(Request(HttpMethod.Post, "/api/v1/auth/login", "en-GB", JsonContent.Create(body)))).AssertProblemAsync(401);
        Assert.Equal("Accounts.InvalidCredentials", english.GetProperty("code").GetString());
        Assert.Equal("Incorrect e-mail address or password", english.GetProperty("title").GetString());
        AssertEnglish(english, "detail");
    }

    [Fact]
    public async Task Accounts_RegistrationErrors_IdentitysToo_ComeBackByKey_InEnglish()
    {
        var body = new { email = $"short-{Guid.NewGuid():N}@example.cn", password = "Sh0rt!", displayName = "Short", acceptTerms = false };
        var terms = await (await factory.CreateClient().SendAsync(Request(HttpMethod.Post, "/api/v1/auth/register", "en", JsonContent.Create(body)))).AssertProblemAsync(400);
        Assert.Equal("Accounts.TermsNotAccepted", terms.GetProperty("errorCodes").GetProperty("acceptTerms")[0].GetString());
        Assert.Equal("Please read and accept the terms of use and the privacy policy.", terms.GetProperty("errors").GetProperty("acceptTerms")[0].GetString());

        var weak = await (await factory.CreateClient().SendAsync(Request(HttpMethod.Post, "/api/v1/auth/register", "en", JsonContent.Create(body with { acceptTerms = true }))))
            .AssertProblemAsync(400);
        var codes = weak.GetProperty("errorCodes").GetProperty("password").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("Accounts.PasswordTooShort", codes);
        Assert.All(weak.GetProperty("errors").GetProperty("password").EnumerateArray(), r => Assert.DoesNotMatch(Cjk(), r.GetString()!));
        Assert.Contains(weak.GetProperty("errors").GetProperty("password").EnumerateArray(), r => r.GetString()!.StartsWith("The password must be at least", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Admin_AuditFilterError_NamesItsKey_InEnglish()
    {
        var admin = await factory.ApiClientAsync(Demo.AuditAdmin);
        var chinese = await (await admin.SendAsync(Request(HttpMethod.Get, "/api/v1/admin/audit/entries?from=yesterday"))).AssertProblemAsync(400);
        Assert.Equal("Admin.DateFormat", chinese.GetProperty("errorCodes").GetProperty("from")[0].GetString());
        Assert.StartsWith("开始时间格式不正确", chinese.GetProperty("errors").GetProperty("from")[0].GetString(), StringComparison.Ordinal);

        var english = await (await admin.SendAsync(Request(HttpMethod.Get, "/api/v1/admin/audit/entries?from=yesterday", "en"))).AssertProblemAsync(400);
        Assert.Equal("Admin.DateFormat", english.GetProperty("errorCodes").GetProperty("from")[0].GetString());
        Assert.StartsWith("The start time is not in a form", english.GetProperty("errors").GetProperty("from")[0].GetString(), StringComparison.Ordinal);
        AssertEnglish(english);
    }

    [Fact]
    public async Task ApiClients_MalformedSignature_HasItsCode_AndListsTheMissingPartsInTheClientsLanguage()
    {
        async Task<JsonElement> CallAsync(string? language)
        {
            var request = Request(HttpMethod.Get, "/api/v1/clients/me", language);
            request.Headers.TryAddWithoutValidation("Authorization", "CHUANYU-HMAC-SM3 KeyId=probe");
            return await (await factory.CreateClient().SendAsync(request)).AssertProblemAsync(401);
        }
        var chinese = await CallAsync(null);
        Assert.Equal("ApiClients.MissingParameters", chinese.GetProperty("code").GetString());
        Assert.Equal("签名头缺少参数：Timestamp、Nonce、ContentHash、Signature。", chinese.GetProperty("detail").GetString());

        var english = await CallAsync("en-US");
        Assert.Equal("ApiClients.MissingParameters", english.GetProperty("code").GetString());
        Assert.Equal("The signature header lacks: Timestamp, Nonce, ContentHash, Signature.", english.GetProperty("detail").GetString());
        AssertEnglish(english);
    }

    [Fact]
    public async Task Signatures_VerifyWithoutFileOrSignature_NamesTheFieldsByKey_InEnglish()
    {
        using var form = new MultipartFormDataContent { { new StringContent("x"), "note" } };
        var english = await (await factory.CreateClient().SendAsync(Request(HttpMethod.Post, "/api/v1/signatures/verify", "en", form)))
            .AssertProblemAsync(400);
        Assert.Equal("validation", english.GetProperty("code").GetString());
        Assert.Equal("Signatures.FileRequired", english.GetProperty("errorCodes").GetProperty("file")[0].GetString());
        Assert.Equal("Signatures.SignatureRequired", english.GetProperty("errorCodes").GetProperty("signature")[0].GetString());
        Assert.DoesNotMatch(Cjk(), english.GetProperty("errors").GetProperty("file")[0].GetString()!);
        AssertEnglish(english);
    }

    [Fact]
    public async Task UserCentre_DeletionPage_SaysTheReasonInEnglish_AfterTheSwitch()
    {
        var email = await AuthApiTests.RegisterAsync(factory, "English-Delete-Pw1");
        var session = new PageSession(factory);
        await session.SignInAsync(email, "English-Delete-Pw1");
        await session.Client.GetAsync("/culture/en?returnUrl=/");

        var wrong = await session.SubmitAsync("/Me/Privacy", new Dictionary<string, string> { ["ConfirmEmail"] = "wrong@example.cn" }, "form[action*=Delete]");
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await wrong.Content.ReadAsStringAsync());
        Assert.Equal("en", doc.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Enter this account's e-mail address to confirm the deletion.", doc.QuerySelector("[data-testid=delete-error]")!.TextContent.Trim());
    }

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Cjk();
}
