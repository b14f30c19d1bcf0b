using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Catalog;

/// <summary>
/// One language path for the catalogue: its API errors carry the message key as their code and speak the client's
/// language (Chinese by default), and its pages speak English after the language switch; the import file's own words
/// (column headers) stay the file's.
/// </summary>
public sealed partial class CatalogLanguageTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private Task<Guid> CquAsync() => factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync());

    private static void English(HttpClient client) => client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("en-GB"));

    private static string First(JsonElement body, string property, string field) => body.GetProperty(property).GetProperty(field)[0].GetString()!;

    private static object Body(Guid org, string name, string? englishName = null, object[]? certifications = null, int? version = null) => new
    {
        kind = "Instrument",
        name,
        englishName,
        organizationId = org,
        districtCode = "500106",
        certifications = certifications ?? [],
        version,
    };

    [Fact]
    public async Task ApiFieldErrors_CarryTheirKeys_AndSpeakEnglish_ChineseByDefault()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var bad = Body(cqu, "", englishName: new string('x', 201), certifications: [new { type = "Cma", number = "X-1", expiresOn = "2099-01-01" }]);

        var chinese = await (await manager.PostAsJsonAsync("/api/v1/resources", bad)).AssertProblemAsync(400);
        Assert.Equal("validation", chinese.GetProperty("code").GetString());
        Assert.Equal("请填写资源名称。", First(chinese, "errors", "name"));
        Assert.Equal("英文名称不能超过 200 个字。", First(chinese, "errors", "englishName"));
        Assert.StartsWith("证书有效期须在 2000-01-01 至 ", First(chinese, "errors", "certifications[0].expiresOn"), StringComparison.Ordinal);

        English(manager);
        var english = await (await manager.PostAsJsonAsync("/api/v1/resources", bad)).AssertProblemAsync(400);
        Assert.Equal("validation", english.GetProperty("code").GetString());
        Assert.Equal("Catalog.Required", First(english, "errorCodes", "name"));
        Assert.Equal("Catalog.TooLong", First(english, "errorCodes", "englishName"));
        Assert.Equal("Catalog.CertificateExpiryOutOfRange", First(english, "errorCodes", "certifications[0].expiresOn"));
        Assert.Equal("Resource name is required.", First(english, "errors", "name"));
        Assert.Equal("English name may not be longer than 200 characters.", First(english, "errors", "englishName"));
        Assert.StartsWith("The certificate's expiry date must be between 2000-01-01 and ", First(english, "errors", "certifications[0].expiresOn"), StringComparison.Ordinal);
        Assert.DoesNotMatch(Cjk(), english.GetProperty("title").GetString()!);

        // A format the endpoint does not offer: the field's reason by key, in English.
        var format = await (await manager.GetAsync("/api/v1/resources/import-template?format=pdf")).AssertProblemAsync(400);
        Assert.Equal("Catalog.FormatOneOf", First(format, "errorCodes", "format"));
        Assert.Equal("format must be xlsx or csv.", First(format, "errors", "format"));
    }

    [Fact]
    public async Task ApiConflict_HasTheMessageKeyAsCode_AndSpeaksEnglish()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var name = $"语言测试 {Guid.NewGuid():N}"[..20];
        var created = await manager.PostAsJsonAsync("/api/v1/resources", Body(cqu, name));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();

        var chinese = await (await manager.PutAsJsonAsync($"/api/v1/resources/{id}", Body(cqu, name, version: 99))).AssertProblemAsync(409);
        Assert.Equal("Catalog.ChangedMeanwhile", chinese.GetProperty("code").GetString());
        Assert.Equal("该资源已被他人修改，请刷新后重新编辑。", chinese.GetProperty("detail").GetString());

        English(manager);
        var english = await (await manager.PutAsJsonAsync($"/api/v1/resources/{id}", Body(cqu, name, version: 99))).AssertProblemAsync(409);
        Assert.Equal("Catalog.ChangedMeanwhile", english.GetProperty("code").GetString());
        Assert.Equal("Someone else has changed this resource meanwhile; reload it and make your changes again.", english.GetProperty("detail").GetString());
        Assert.Equal("Conflict", english.GetProperty("title").GetString());
    }

    [Fact]
    public async Task ImportReport_SpeaksEnglish_RowByRow_WithCodes_AndKeepsTheFilesHeaders()
    {
        var cqu = await CquAsync();
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var template = await (await manager.GetAsync("/api/v1/resources/import-template?format=csv")).Content.ReadAsByteArrayAsync();

        English(manager);
        var body = await (await ImportFiles.ImportAsync(manager, cqu, template, "template.csv", dryRun: true)).AssertProblemAsync(422);
        Assert.Equal("Catalog.ImportRowsFailed", body.GetProperty("code").GetString());
        Assert.Equal("The import file has errors; nothing was imported", body.GetProperty("title").GetString());
        Assert.Equal("The file has 1 error(s), so nothing was imported; correct them and upload the file again.", body.GetProperty("detail").GetString());
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal(2, error.GetProperty("row").GetInt32());
        Assert.Equal("资源名称", error.GetProperty("column").GetString());   // the file's own header
        Assert.Equal("Catalog.ImportExampleRow", error.GetProperty("code").GetString());
        Assert.Equal("This is the import template's example row; delete it before importing.", error.GetProperty("reason").GetString());

        // Not a spreadsheet: 400 on the file field with the kernel upload check's own code.
        var exe = await (await ImportFiles.ImportAsync(manager, cqu, [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00], "list.xlsx")).AssertProblemAsync(400);
        Assert.Equal("Common.Upload.ContentMismatch", First(exe, "errorCodes", "file"));
    }

    [Fact]
    public async Task Pages_SayTheCataloguesReasonsInEnglish_AfterTheSwitch()
    {
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(Demo.CquInstrumentManager)).StatusCode);
        await session.Client.GetAsync("/culture/en?returnUrl=/");
        var parser = new HtmlParser();

        // The form's own parsing and the service's rule, on their fields.
        var fields = new Dictionary<string, string>
        {
            ["Form.Kind"] = "Instrument",
            ["Form.Name"] = $"Language test {Guid.NewGuid():N}"[..24],
            ["Form.DistrictCode"] = "500106",
            ["Form.OriginalValue"] = "three million",
            ["Form.PurchaseDate"] = "2999-01-01",
        };
        var bad = parser.ParseDocument(await (await session.SubmitAsync("/Me/Resources/New", fields, "form[data-testid=resource-form]")).Content.ReadAsStringAsync());
        Assert.Equal("The original purchase value must be a number in yuan, e.g. 3650000 or 3650000.50.",
            bad.QuerySelector("[data-testid=error-originalValue]")!.TextContent.Trim());
        fields["Form.OriginalValue"] = "-5";
        var rule = parser.ParseDocument(await (await session.SubmitAsync("/Me/Resources/New", fields, "form[data-testid=resource-form]")).Content.ReadAsStringAsync());
        Assert.Equal("The original purchase value must be an amount in yuan from 0 to 100 billion, with at most two decimal places.",
            rule.QuerySelector("[data-testid=error-originalValue]")!.TextContent.Trim());
        Assert.Equal("The purchase date must be after 1950 and no later than today.", rule.QuerySelector("[data-testid=error-purchaseDate]")!.TextContent.Trim());

        // The import page's own field errors.
        var import = parser.ParseDocument(await (await session.SubmitAsync("/Me/Resources/Import", new Dictionary<string, string>(), "form[data-testid=import-form]"))
            .Content.ReadAsStringAsync());
        Assert.Equal("Choose the file to import.", import.QuerySelector("[data-testid=error-upload]")!.TextContent.Trim());
    }

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Cjk();
}
