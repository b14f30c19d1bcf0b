using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Admin;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using CsvHelper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NPOI.SS.UserModel;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Tests.Security;

/// <summary>Shared steps: audit rows made by real actions, downloads, and checking signatures as an outsider would.</summary>
internal static class AuditProbe
{
    public static string UniqueEmail(string tag) => $"{tag}-{Guid.NewGuid():N}@probe.test";

    /// <summary>A failed sign-in with an unknown e-mail: one <c>auth.login</c> failure row naming that e-mail.</summary>
    public static async Task FailedLoginAsync(ChuanyuFactory factory, string email, string? fromIp = null)
    {
        var client = factory.CreateClient();
        if (fromIp is not null)
        {
            // Believed only from a configured proxy (BehindLocalProxyFactory: nginx on 127.0.0.1).
            client.DefaultRequestHeaders.Add("X-Forwarded-For", fromIp);
        }
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Wrong-Passw0rd" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public static async Task<(byte[] Bytes, HttpResponseMessage Response)> DownloadAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadAsByteArrayAsync(), response);
    }

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    /// <summary>POST /api/v1/signatures/verify as an anonymous system would.</summary>
    public static async Task<JsonElement> VerifyViaApiAsync(ChuanyuFactory factory, byte[] file, string signature)
    {
        using var content = new MultipartFormDataContent
        {
            { new ByteArrayContent(file), "file", "export.bin" },
            { new StringContent(signature), "signature" },
        };
        var response = await factory.CreateClient().PostAsync("/api/v1/signatures/verify", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>The /Signatures/Verify page as a person uses it (no account): returns the result box's text.</summary>
    public static async Task<string> VerifyOnPageAsync(ChuanyuFactory factory, byte[] file, string fileName, byte[]? signatureFile = null, string? signature = null)
    {
        var session = new PageSession(factory);
        var (_, page) = await session.GetAsync("/Signatures/Verify");
        var token = page.QuerySelector("form[data-testid=verify-form] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(file), "Document", fileName },
        };
        if (signatureFile is not null)
        {
            content.Add(new ByteArrayContent(signatureFile), "SignatureFile", fileName + ".sig");
        }
        if (signature is not null)
        {
            content.Add(new StringContent(signature), "Signature");
        }
        var response = await session.Client.PostAsync("/Signatures/Verify", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        return html.QuerySelector("[data-testid=verify-result]")?.TextContent ?? "";
    }

    public static byte[] Tampered(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x01;
        return copy;
    }

    public static byte[] Entry(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    public static List<string[]> ReadCsv(byte[] bytes, out string[] headers)
    {
        using var reader = CsvReader.Create(bytes, new CsvReaderOptions { CommentPrefix = '#' });
        headers = [.. reader.Headers];
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        }
        return rows;
    }
}

/// <summary>
/// 等保 audit for the audit administrator: search with filters (itself audited), export to Excel and CSV with a
/// watermark and an SM2 signature anyone can check, and nothing of it for anyone else.
/// </summary>
public sealed class AuditSearchExportTests(BehindLocalProxyFactory factory) : IClassFixture<BehindLocalProxyFactory>
{
    private Task<HttpClient> AuditAdminAsync() => factory.ApiClientAsync(Demo.AuditAdmin);

    private static async Task<JsonElement> SearchAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/v1/admin/audit/entries?" + query);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    private static List<long> Seqs(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("seq").GetInt64())];

    private Task<List<AuditEntry>> RowsOfAsync(string actorName) =>
        factory.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.ActorName == actorName).OrderByDescending(e => e.Seq).ToListAsync());

    [Fact]
    public async Task Search_EachFilter_ReturnsExactlyTheMatchingRows()
    {
        var probe = AuditProbe.UniqueEmail("search");
        var other = AuditProbe.UniqueEmail("search-other");
        for (var i = 0; i < 3; i++)
        {
            await AuditProbe.FailedLoginAsync(factory, probe);
        }
        await AuditProbe.FailedLoginAsync(factory, other);
        await AuditProbe.FailedLoginAsync(factory, probe, fromIp: "10.77.31.5");
        var expected = await RowsOfAsync(probe);
        Assert.Equal(4, expected.Count);
        var admin = await AuditAdminAsync();
        var actor = Uri.EscapeDataString(probe);

        var byActor = await SearchAsync(admin, $"actor={actor}");
        Assert.Equal(4, byActor.GetProperty("total").GetInt32());
        Assert.Equal(expected.Select(e => e.Seq), Seqs(byActor)); // newest first
        Assert.All(byActor.GetProperty("items").EnumerateArray(), i =>
        {
            Assert.Equal(probe, i.GetProperty("actorName").GetString());
            Assert.Equal("auth.login", i.GetProperty("action").GetString());
            Assert.Equal("Failure", i.GetProperty("outcome").GetString());
            Assert.Equal(64, i.GetProperty("hash").GetString()!.Length);
        });
        // Part of the address and another case find the same rows; an actor id finds that account's rows.
        Assert.Equal(4, (await SearchAsync(admin, $"actor={Uri.EscapeDataString(probe[..20].ToUpperInvariant())}")).GetProperty("total").GetInt32());
        var auditAdminId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == Demo.AuditAdmin).Select(u => u.Id).SingleAsync());
        Assert.All((await SearchAsync(admin, $"actor={auditAdminId}&pageSize=200")).GetProperty("items").EnumerateArray(),
            i => Assert.Equal(auditAdminId, i.GetProperty("actorId").GetGuid()));

        Assert.Equal(0, (await SearchAsync(admin, $"actor={actor}&outcome=Success")).GetProperty("total").GetInt32());
        Assert.Equal(4, (await SearchAsync(admin, $"actor={actor}&outcome=failure")).GetProperty("total").GetInt32());
        Assert.Equal(4, (await SearchAsync(admin, $"target={Uri.EscapeDataString("email:" + probe)}")).GetProperty("total").GetInt32());
        Assert.Equal(4, (await SearchAsync(admin, $"actor={actor}&action=auth.login")).GetProperty("total").GetInt32());
        Assert.Equal(4, (await SearchAsync(admin, $"actor={actor}&action=auth")).GetProperty("total").GetInt32()); // prefix
        Assert.Equal(0, (await SearchAsync(admin, $"actor={actor}&action=account")).GetProperty("total").GetInt32());

        var fromIp = await SearchAsync(admin, "ip=10.77.31.");
        Assert.Equal([expected[0].Seq], Seqs(fromIp));
        Assert.Equal("10.77.31.5", fromIp.GetProperty("items")[0].GetProperty("ipAddress").GetString());
        Assert.Equal(0, (await SearchAsync(admin, $"actor={Uri.EscapeDataString(other)}&ip=10.77.31.")).GetProperty("total").GetInt32());

        // Time, in Beijing time: the rows' own day holds them all; the minute of the newest row ends inclusively.
        var newest = expected[0].At.ToOffset(Display.ChinaStandardTime);
        var oldest = expected[^1].At.ToOffset(Display.ChinaStandardTime);
        var day = oldest.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(4, (await SearchAsync(admin, $"actor={actor}&from={day}&to={newest:yyyy-MM-dd}")).GetProperty("total").GetInt32());
        Assert.Equal(4, (await SearchAsync(admin, $"actor={actor}&to={Uri.EscapeDataString(newest.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))}")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await SearchAsync(admin, $"actor={actor}&from={newest.AddMinutes(1):yyyy-MM-ddTHH:mm}")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await SearchAsync(admin, $"actor={actor}&to={oldest.AddDays(-1):yyyy-MM-dd}")).GetProperty("total").GetInt32());
        var utc = Uri.EscapeDataString(expected[^1].At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Assert.Equal(4, (await SearchAsync(admin, $"actor={actor}&from={utc}")).GetProperty("total").GetInt32());

        // Paging by sequence number: two pages, no row twice, none lost.
        var first = await SearchAsync(admin, $"actor={actor}&pageSize=3&page=1");
        var second = await SearchAsync(admin, $"actor={actor}&pageSize=3&page=2");
        Assert.Equal(3, first.GetProperty("pageSize").GetInt32());
        Assert.Equal(2, second.GetProperty("page").GetInt32());
        Assert.Equal(expected.Select(e => e.Seq), Seqs(first).Concat(Seqs(second)));

        // The audit of the audit: each of those searches is an audit.search row with its filters.
        var searches = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == "audit.search" && e.ActorName == Demo.AuditAdmin && e.Detail!.Contains(probe)).ToListAsync());
        Assert.True(searches.Count >= 10, $"{searches.Count} audit.search rows");
        Assert.Contains(searches, s => s.Detail!.Contains("outcome=Success", StringComparison.Ordinal) && s.Detail.Contains("total=0", StringComparison.Ordinal));
        Assert.Equal(auditAdminId, searches[0].ActorId);
    }

    [Theory]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-02-30", "to")]
    [InlineData("from=2026-03-02&to=2026-03-01", "to")]
    [InlineData("from=1900-01-01", "from")]
    [InlineData("outcome=maybe", "outcome")]
    [InlineData("page=0", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("pageSize=201", "pageSize")]
    [InlineData("actor=@LONG257", "actor")]
    [InlineData("target=@LONG201", "target")]
    [InlineData("action=@LONG101", "action")]
    [InlineData("ip=@LONG65", "ip")]
    public async Task Search_BadFilters_Are400NamingTheField_AndRecordNothing(string query, string field)
    {
        if (query.Contains("@LONG", StringComparison.Ordinal))
        {
            var length = int.Parse(query[(query.IndexOf("@LONG", StringComparison.Ordinal) + 5)..], CultureInfo.InvariantCulture);
            query = query[..query.IndexOf('@', StringComparison.Ordinal)] + new string('x', length);
        }
        var admin = await AuditAdminAsync();
        var before = await factory.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "audit.search" || e.Action == "audit.export"));

        var reasons = await (await admin.GetAsync("/api/v1/admin/audit/entries?" + query)).AssertFieldErrorAsync(field);
        Assert.Contains(reasons, r => r.Any(c => c >= 0x4e00 && c <= 0x9fff));
        if (field is not ("page" or "pageSize"))
        {
            await (await admin.GetAsync("/api/v1/admin/audit/export?format=csv&" + query)).AssertFieldErrorAsync(field);
        }

        Assert.Equal(before, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "audit.search" || e.Action == "audit.export")));
    }

    [Fact]
    public async Task Export_BadFormatOrBundle_Is400()
    {
        var admin = await AuditAdminAsync();
        await (await admin.GetAsync("/api/v1/admin/audit/export?format=pdf")).AssertFieldErrorAsync("format");
        await (await admin.GetAsync("/api/v1/admin/audit/export?format=csv&bundle=rar")).AssertFieldErrorAsync("bundle");
    }

    [Theory]
    [InlineData(Demo.SystemAdmin)]
    [InlineData(Demo.SecurityAdmin)]
    [InlineData(Demo.ScuResearcher)]
    public async Task OtherAdministratorsAndUsers_GetForbidden_OnSearchExportAndPage(string email)
    {
        var client = await factory.ApiClientAsync(email);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/admin/audit/entries")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/admin/audit/export?format=xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/admin/audit/export?format=csv&bundle=zip")).StatusCode);

        var page = new PageSession(factory);
        await page.SignInAsync(email);
        foreach (var url in new[] { "/Admin/Audit", "/Admin/Audit?actor=x", "/api/v1/admin/audit/export?format=csv" })
        {
            var response = await page.Client.GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden ||
                response.Headers.Location?.AbsolutePath.StartsWith("/Accounts/AccessDenied", StringComparison.Ordinal) == true, $"{url}: {response.StatusCode}");
        }
        Assert.False(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => (e.Action == "audit.search" || e.Action == "audit.export") && e.ActorName == email)));

        var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/admin/audit/entries")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/admin/audit/export")).StatusCode);
    }

    [Fact]
    public async Task XlsxExport_ReadsBackWithNpoi_WatermarkedAndSigned()
    {
        var probe = AuditProbe.UniqueEmail("xlsx");
        for (var i = 0; i < 3; i++)
        {
            await AuditProbe.FailedLoginAsync(factory, probe);
        }
        var expected = await RowsOfAsync(probe);
        var admin = await AuditAdminAsync();

        var (bytes, response) = await AuditProbe.DownloadAsync(admin, $"/api/v1/admin/audit/export?format=xlsx&actor={Uri.EscapeDataString(probe)}");
        Assert.Equal(AuditExporter.XlsxContentType, response.Content.Headers.ContentType!.MediaType);
        var fileName = response.Content.Headers.ContentDisposition!.FileName!.Trim('"');
        Assert.Matches(@"^chuanyu-audit-\d{8}-\d{6}\.xlsx$", fileName);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var signature = AuditProbe.Header(response, "X-Chuanyu-Signature");
        Assert.StartsWith("sm2-sm3:dev-only-sm2:", signature, StringComparison.Ordinal);
        Assert.Equal("signed", AuditProbe.Header(response, "X-Chuanyu-Signature-Status"));

        var workbook = new XSSFWorkbook(new MemoryStream(bytes));
        var sheet = workbook.GetSheet("审计日志");
        var watermark = Enumerable.Range(0, 4).Select(r => sheet.GetRow(r).GetCell(0).StringCellValue).ToList();
        Assert.Contains(watermark, l => l.Contains(Demo.AuditAdmin, StringComparison.Ordinal) && l.Contains("北京时间", StringComparison.Ordinal));
        Assert.Contains(watermark, l => l.Contains("actor=" + probe, StringComparison.Ordinal) && l.Contains("记录数：3", StringComparison.Ordinal));
        Assert.Contains(watermark, l => l.Contains("dev-only-sm2", StringComparison.Ordinal));
        var heading = sheet.GetRow(4);
        Assert.Equal(AuditExporter.Headers, Enumerable.Range(0, AuditExporter.Headers.Length).Select(c => heading.GetCell(c).StringCellValue));
        Assert.Equal(["序号", "时间（北京时间）", "操作人", "操作", "对象", "结果", "详情", "IP地址", "哈希算法", "哈希"], AuditExporter.Headers);
        Assert.Equal(4 + 1 + 3 - 1, sheet.LastRowNum);
        var rows = Enumerable.Range(5, 3).Select(sheet.GetRow).ToList();
        Assert.Equal(expected.Select(e => (double)e.Seq).Reverse(), rows.Select(r => r.GetCell(0).NumericCellValue)); // oldest first
        Assert.All(rows, r =>
        {
            Assert.Equal(probe, r.GetCell(2).StringCellValue);
            Assert.Equal("auth.login", r.GetCell(3).StringCellValue);
            Assert.Equal("失败", r.GetCell(5).StringCellValue);
        });
        Assert.Equal(expected[^1].Hash, rows[0].GetCell(9).StringCellValue);
        Assert.Equal(Display.DateTime(expected[^1].At), rows[0].GetCell(1).StringCellValue);
        // Watermark in the document properties and in the printed header and footer too.
        var core = workbook.GetProperties().CoreProperties;
        Assert.Equal(Demo.AuditAdmin, core.Creator);
        Assert.Contains(Demo.AuditAdmin, core.Description, StringComparison.Ordinal);
        Assert.Contains(Demo.AuditAdmin, sheet.Header.Right, StringComparison.Ordinal);
        Assert.Contains(Demo.AuditAdmin, sheet.Footer.Left, StringComparison.Ordinal);

        // The signature covers exactly the delivered bytes: through the platform's signer, through the anonymous API.
        var signer = factory.Services.GetRequiredService<DocumentSigner>();
        Assert.True(signer.Verify(bytes, signature));
        Assert.False(signer.Verify(AuditProbe.Tampered(bytes, bytes.Length / 2), signature));
        var good = await AuditProbe.VerifyViaApiAsync(factory, bytes, signature!);
        Assert.True(good.GetProperty("valid").GetBoolean());
        Assert.Equal("dev-only-sm2", good.GetProperty("keyId").GetString());
        Assert.Equal("sm2-sm3", good.GetProperty("algorithm").GetString());
        Assert.False((await AuditProbe.VerifyViaApiAsync(factory, AuditProbe.Tampered(bytes, 100), signature!)).GetProperty("valid").GetBoolean());

        var exportRow = await factory.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.Action == "audit.export" && e.Detail!.Contains("actor=" + probe)));
        Assert.Equal(Demo.AuditAdmin, exportRow.ActorName);
        Assert.Equal(fileName, exportRow.Target);
        Assert.Contains("format=xlsx", exportRow.Detail, StringComparison.Ordinal);
        Assert.Contains("rows=3", exportRow.Detail, StringComparison.Ordinal);
        Assert.Contains("signature=sm2-sm3:dev-only-sm2", exportRow.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CsvExport_ReadsBackWithCsvHelper_WithBomWatermarkAndEscapedFormulas()
    {
        var probe = AuditProbe.UniqueEmail("csv");
        var marker = "evil" + Guid.NewGuid().ToString("N");
        var formula = $"=HYPERLINK(\"http://evil.test\",\"{marker}\")";
        await AuditProbe.FailedLoginAsync(factory, probe);
        await AuditProbe.FailedLoginAsync(factory, probe);
        await AuditProbe.FailedLoginAsync(factory, formula);
        var admin = await AuditAdminAsync();

        var (bytes, response) = await AuditProbe.DownloadAsync(admin, $"/api/v1/admin/audit/export?format=csv&actor={Uri.EscapeDataString(probe)}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal([0xEF, 0xBB, 0xBF, (byte)'#'], bytes[..4]);
        var text = Encoding.UTF8.GetString(bytes);
        var comments = text.Split("\r\n").TakeWhile(l => l.TrimStart('\uFEFF').StartsWith('#')).ToList();
        Assert.Equal(4, comments.Count);
        Assert.Contains(comments, l => l.Contains(Demo.AuditAdmin, StringComparison.Ordinal) && l.Contains("北京时间", StringComparison.Ordinal));
        Assert.All(comments, l => Assert.DoesNotContain(",", l, StringComparison.Ordinal));

        var rows = AuditProbe.ReadCsv(bytes, out var headers);
        Assert.Equal(AuditExporter.Headers, headers);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(probe, r[2]));
        Assert.All(rows, r => Assert.Equal("失败", r[5]));
        var signature = AuditProbe.Header(response, "X-Chuanyu-Signature")!;
        Assert.True(factory.Services.GetRequiredService<DocumentSigner>().Verify(bytes, signature));
        Assert.False((await AuditProbe.VerifyViaApiAsync(factory, AuditProbe.Tampered(bytes, bytes.Length - 3), signature)).GetProperty("valid").GetBoolean());

        // An attacker's "e-mail" that looks like a formula is text in both formats, never a formula.
        var (hostileCsv, _) = await AuditProbe.DownloadAsync(admin, $"/api/v1/admin/audit/export?format=csv&actor={marker}");
        var hostileRow = Assert.Single(AuditProbe.ReadCsv(hostileCsv, out _));
        Assert.Equal("'" + formula, hostileRow[2]);
        var (hostileXlsx, _) = await AuditProbe.DownloadAsync(admin, $"/api/v1/admin/audit/export?format=xlsx&actor={marker}");
        var cell = new XSSFWorkbook(new MemoryStream(hostileXlsx)).GetSheetAt(0).GetRow(5).GetCell(2);
        Assert.Equal(CellType.String, cell.CellType);
        Assert.Equal(formula, cell.StringCellValue);

        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "audit.export" && e.Detail!.Contains("format=csv") && e.Detail.Contains("rows=2") && e.Detail.Contains(probe))));
    }

    [Fact]
    public async Task AuditPage_FiltersPagesAndOffersASignedZip_ThatTheVerifyPageAccepts()
    {
        var probe = AuditProbe.UniqueEmail("page");
        for (var i = 0; i < 53; i++)
        {
            await AuditProbe.FailedLoginAsync(factory, probe);
        }
        var session = new PageSession(factory);
        await session.SignInAsync(Demo.AuditAdmin);

        var (response, page) = await session.GetAsync($"/Admin/Audit?actor={Uri.EscapeDataString(probe)}&outcome=Failure");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("哈希链完整", page.QuerySelector("[data-testid=audit-verification]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(50, page.QuerySelectorAll("[data-testid=audit-entries] tbody tr").Length);
        Assert.Contains("53", page.QuerySelector("[data-testid=audit-export]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("datalist#audit-actions option[value='auth.login']"));
        Assert.Equal(probe, page.QuerySelector("input#actor")!.GetAttribute("value"));
        var next = page.QuerySelector("nav .pagination li:last-child a")!.GetAttribute("href")!;
        Assert.Contains("page=2", next, StringComparison.Ordinal);
        var (_, second) = await session.GetAsync(next);
        Assert.Equal(3, second.QuerySelectorAll("[data-testid=audit-entries] tbody tr").Length);
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "audit.search" && e.Detail!.Contains("actor=" + probe) && e.Detail.Contains("page=2"))));

        // The page's export button: a zip with the workbook, its .sig and a note.
        var href = page.QuerySelector("a[data-testid=export-xlsx]")!.GetAttribute("href")!;
        Assert.Contains("bundle=zip", href, StringComparison.Ordinal);
        var (zipBytes, zipResponse) = await AuditProbe.DownloadAsync(session.Client, href);
        Assert.Equal("application/zip", zipResponse.Content.Headers.ContentType!.MediaType);
        using var zip = new ZipArchive(new MemoryStream(zipBytes));
        var xlsxName = Assert.Single(zip.Entries, e => e.Name.EndsWith(".xlsx", StringComparison.Ordinal)).Name;
        Assert.Equal(xlsxName, AuditProbe.Header(zipResponse, "X-Chuanyu-Signed-File"));
        var xlsx = AuditProbe.Entry(zip, xlsxName);
        var sig = AuditProbe.Entry(zip, xlsxName + ".sig");
        Assert.Equal(AuditProbe.Header(zipResponse, "X-Chuanyu-Signature") + "\n", Encoding.UTF8.GetString(sig));
        Assert.Contains("/Signatures/Verify", Encoding.UTF8.GetString(AuditProbe.Entry(zip, "README.txt")), StringComparison.Ordinal);
        Assert.Equal(4 + 1 + 53 - 1, new XSSFWorkbook(new MemoryStream(xlsx)).GetSheetAt(0).LastRowNum);

        var passed = await AuditProbe.VerifyOnPageAsync(factory, xlsx, xlsxName, signatureFile: sig);
        Assert.Contains("验签通过", passed, StringComparison.Ordinal);
        Assert.Contains("dev-only-sm2", passed, StringComparison.Ordinal);
        var pasted = await AuditProbe.VerifyOnPageAsync(factory, xlsx, xlsxName, signature: Encoding.UTF8.GetString(sig));
        Assert.Contains("验签通过", pasted, StringComparison.Ordinal);
        var failed = await AuditProbe.VerifyOnPageAsync(factory, AuditProbe.Tampered(xlsx, xlsx.Length / 3), xlsxName, signatureFile: sig);
        Assert.Contains("验签失败", failed, StringComparison.Ordinal);
        Assert.DoesNotContain("验签通过", failed, StringComparison.Ordinal);
        Assert.Contains("验签失败", await AuditProbe.VerifyOnPageAsync(factory, xlsx, xlsxName, signature: "sm2-sm3:dev-only-sm2:AAAA"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyPage_TakesFilesAboveThePlatformsOneMegabyteLimit()
    {
        // 3 MB: without the page's own limit the platform's 1 MB body limit would refuse it with 413.
        var file = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(file);
        var signature = factory.Services.GetRequiredService<DocumentSigner>().Sign(file);
        Assert.Contains("验签通过", await AuditProbe.VerifyOnPageAsync(factory, file, "large.csv", signature: signature), StringComparison.Ordinal);
        Assert.True((await AuditProbe.VerifyViaApiAsync(factory, file, signature)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task AuditPage_BadFilter_ShowsTheFieldAndSearchesNothing()
    {
        var session = new PageSession(factory);
        await session.SignInAsync(Demo.AuditAdmin);
        var before = await factory.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "audit.search"));

        var (response, page) = await session.GetAsync("/Admin/Audit?from=2026-02-31");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("开始时间", page.QuerySelector("input#from + .invalid-feedback")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("is-invalid", page.QuerySelector("input#from")!.ClassName, StringComparison.Ordinal);
        Assert.Empty(page.QuerySelectorAll("[data-testid=audit-entries] tbody tr"));
        Assert.Null(page.QuerySelector("a[data-testid=export-xlsx]"));
        Assert.Equal(before, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "audit.search")));
    }

    [Fact]
    public async Task SigningKeys_AreListedForAnyone()
    {
        var keys = await (await factory.CreateClient().GetAsync("/api/v1/signing-keys")).ReadJsonAsync();
        var sm2 = keys.EnumerateArray().Single(k => k.GetProperty("keyId").GetString() == "dev-only-sm2");
        Assert.Equal("sm2-sm3", sm2.GetProperty("algorithm").GetString());
        Assert.True(sm2.GetProperty("current").GetBoolean());
        Assert.Matches("^04[0-9a-f]{128}$", sm2.GetProperty("publicKey").GetString());
        var ecdsa = keys.EnumerateArray().Single(k => k.GetProperty("keyId").GetString() == "dev-only-ecdsa");
        Assert.Equal("ecdsa-p256-sha256", ecdsa.GetProperty("algorithm").GetString());
        Assert.False(ecdsa.GetProperty("current").GetBoolean());
        using var publicKey = System.Security.Cryptography.ECDsa.Create();
        publicKey.ImportSubjectPublicKeyInfo(Convert.FromBase64String(ecdsa.GetProperty("publicKey").GetString()!), out _);
        Assert.Equal(256, publicKey.KeySize);
        Assert.DoesNotContain("privateKey", keys.GetRawText(), StringComparison.OrdinalIgnoreCase);

        var (_, page) = await new PageSession(factory).GetAsync("/Signatures/Verify");
        Assert.Contains(sm2.GetProperty("publicKey").GetString()!, page.QuerySelector("[data-testid=signing-keys]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyApi_MissingPartsAre400_AndOversizedFilesAre413()
    {
        var client = factory.CreateClient();
        using (var noSignature = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "a.csv" } })
        {
            await (await client.PostAsync("/api/v1/signatures/verify", noSignature)).AssertFieldErrorAsync("signature");
        }
        using (var noFile = new MultipartFormDataContent { { new StringContent("sm2-sm3:dev-only-sm2:AAAA"), "signature" } })
        {
            await (await client.PostAsync("/api/v1/signatures/verify", noFile)).AssertFieldErrorAsync("file");
        }
        await (await client.PostAsJsonAsync("/api/v1/signatures/verify", new { signature = "x" })).AssertProblemAsync(415);
        var garbage = await AuditProbe.VerifyViaApiAsync(factory, [1, 2, 3], "not a signature");
        Assert.False(garbage.GetProperty("valid").GetBoolean());

        using var tooLarge = new MultipartFormDataContent
        {
            { new StreamContent(new ZeroStream(Web.Features.Signatures.SignaturesApi.MaxRequestBytes + 1)), "file", "big.csv" },
            { new StringContent("sm2-sm3:dev-only-sm2:AAAA"), "signature" },
        };
        var problem = await (await client.PostAsync("/api/v1/signatures/verify", tooLarge)).AssertProblemAsync(413);
        Assert.Contains("50 MB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A long run of zero bytes that costs no memory.</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - Position);
            Array.Clear(buffer, offset, n);
            Position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>A deployment with a low export cap, no signing key and a low verification limit.</summary>
public sealed class RestrictedAuditFactory : ChuanyuFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Audit:MaxExportRows", "5");
        builder.UseSetting("Crypto:CurrentSigningKeyId", "");
        builder.UseSetting("Security:SignatureVerificationsPerMinutePerIp", "3");
    }
}

public sealed class AuditExportSettingsTests(RestrictedAuditFactory factory) : IClassFixture<RestrictedAuditFactory>
{
    [Fact]
    public async Task Export_OverTheCap_Is400AskingToNarrowTheFilter_AndThePageSaysSo()
    {
        for (var i = 0; i < 6; i++)
        {
            await AuditProbe.FailedLoginAsync(factory, AuditProbe.UniqueEmail("many"));
        }
        var admin = await factory.ApiClientAsync(Demo.AuditAdmin);
        var exportsBefore = await factory.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "audit.export"));

        var problem = await (await admin.GetAsync("/api/v1/admin/audit/export?format=xlsx")).AssertProblemAsync(400);
        Assert.Contains("缩小", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, problem.GetProperty("maxRows").GetInt32());
        Assert.True(problem.GetProperty("total").GetInt32() > 5);
        Assert.Equal(exportsBefore, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "audit.export")));

        var session = new PageSession(factory);
        await session.SignInAsync(Demo.AuditAdmin);
        var (_, page) = await session.GetAsync("/Admin/Audit");
        Assert.Contains("缩小", page.QuerySelector("[data-testid=audit-export]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("a[data-testid=export-xlsx]"));

        // Narrowed to a few rows, the same export goes through.
        var probe = AuditProbe.UniqueEmail("cap");
        await AuditProbe.FailedLoginAsync(factory, probe);
        var (bytes, _) = await AuditProbe.DownloadAsync(admin, $"/api/v1/admin/audit/export?format=csv&actor={Uri.EscapeDataString(probe)}");
        Assert.Single(AuditProbe.ReadCsv(bytes, out _));
    }

    [Fact]
    public async Task Export_WithoutASigningKey_WorksButSaysUnsignedEverywhere()
    {
        var probe = AuditProbe.UniqueEmail("unsigned");
        await AuditProbe.FailedLoginAsync(factory, probe);
        var admin = await factory.ApiClientAsync(Demo.AuditAdmin);

        var (bytes, response) = await AuditProbe.DownloadAsync(admin, $"/api/v1/admin/audit/export?format=csv&actor={Uri.EscapeDataString(probe)}");
        Assert.Null(AuditProbe.Header(response, "X-Chuanyu-Signature"));
        Assert.Equal("unsigned", AuditProbe.Header(response, "X-Chuanyu-Signature-Status"));
        Assert.Contains("# 未签名", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Single(AuditProbe.ReadCsv(bytes, out _));

        var (zipBytes, _) = await AuditProbe.DownloadAsync(admin, $"/api/v1/admin/audit/export?format=xlsx&bundle=zip&actor={Uri.EscapeDataString(probe)}");
        using var zip = new ZipArchive(new MemoryStream(zipBytes));
        Assert.DoesNotContain(zip.Entries, e => e.Name.EndsWith(".sig", StringComparison.Ordinal));
        Assert.Contains("未签名", Encoding.UTF8.GetString(AuditProbe.Entry(zip, "README.txt")), StringComparison.Ordinal);
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "audit.export" && e.Detail!.Contains(probe) && e.Detail.Contains("signature=unsigned"))));

        var session = new PageSession(factory);
        await session.SignInAsync(Demo.AuditAdmin);
        var (_, page) = await session.GetAsync("/Admin/Audit");
        Assert.Contains("未配置签名密钥", page.QuerySelector("[data-testid=unsigned-warning]")!.TextContent, StringComparison.Ordinal);

        // Keys stay listed for checking what they signed before; none is current.
        var keys = await (await factory.CreateClient().GetAsync("/api/v1/signing-keys")).ReadJsonAsync();
        Assert.All(keys.EnumerateArray(), k => Assert.False(k.GetProperty("current").GetBoolean()));
    }

    [Fact]
    public async Task Verification_IsLimitedPerAddress()
    {
        var client = factory.CreateClient();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            using var content = new MultipartFormDataContent { { new ByteArrayContent([1]), "file", "a" }, { new StringContent("x:y:z"), "signature" } };
            last = await client.PostAsync("/api/v1/signatures/verify", content);
        }
        var problem = await last!.AssertProblemAsync(429);
        Assert.Contains("验签", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The page shares the limit with the API.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/Signatures/Verify")).StatusCode);
    }
}
