using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Tests.Security;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Vouchers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using NPOI.XSSF.UserModel;
using static Chuanyu.Tests.Booking.BookingTestData;
using static Chuanyu.Tests.Vouchers.VoucherApi;
using static Chuanyu.Tests.Vouchers.VoucherTestData;

namespace Chuanyu.Tests.Vouchers;

/// <summary>
/// The settlement between the regions on a clock the tests set: each test works in quarters of its own (the ledger
/// dates entries when posted), so the totals are exact whatever else the class's database holds.
/// </summary>
public sealed class SettlementTests : IClassFixture<SettlementTests.Host>
{
    public sealed class Host : IDisposable
    {
        public ChuanyuFactory Factory { get; } = new();
        public ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);
        public WebApplicationFactory<Program> Web { get; }

        public Host() => Web = Factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock)));

        public void Dispose()
        {
            Web.Dispose();
            Factory.Dispose();
        }
    }

    private readonly Host _host;
    private readonly ChuanyuFactory _factory;

    public SettlementTests(Host host)
    {
        _host = host;
        _factory = host.Factory;
    }

    private const string ScToCq = $"{Sichuan}-{Chongqing}";
    private const string ScToSc = $"{Sichuan}-{Sichuan}";

    private void At(int year, int month, int day) => _host.Clock.Set(new DateTimeOffset(year, month, day, 10, 0, 0, Cst));

    private Task<HttpClient> ClientAsync(string email) => SignedInAsync(_host.Web, email);

    private async Task<Guid> RedeemAsync(string code, Guid booking)
    {
        var response = await VoucherApi.RedeemAsync(await ClientAsync(Demo.Engineer), code, booking);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    private async Task ApproveAsync(Guid id, long? approvedFen = null)
    {
        Assert.Equal(HttpStatusCode.NoContent, (await SubmitAsync(await ClientAsync(Demo.CquInstrumentManager), id, "FP" + Guid.NewGuid().ToString("N")[..12])).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await DecideAsync(await ClientAsync(Demo.SichuanAdmin), id, approve: true, approvedFen)).StatusCode);
    }

    private static async Task<JsonElement> TotalsAsync(HttpClient admin, string quarter, string pair) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/voucher-settlements/{quarter}/{pair}")).GetProperty("totals");

    private static void AssertTotals(JsonElement totals, long redeemed, long approved, long paid, long reversed, long outstanding, int count)
    {
        Assert.Equal(redeemed, totals.GetProperty("redeemedFen").GetInt64());
        Assert.Equal(approved, totals.GetProperty("approvedFen").GetInt64());
        Assert.Equal(paid, totals.GetProperty("paidFen").GetInt64());
        Assert.Equal(reversed, totals.GetProperty("reversedFen").GetInt64());
        Assert.Equal(outstanding, totals.GetProperty("outstandingFen").GetInt64());
        Assert.Equal(count, totals.GetProperty("redemptions").GetInt32());
    }

    [Fact]
    public async Task AQuarter_SumsEachPairExactly_TheDrillDownListsEach_AndTheSignedFileHoldsTheSameTotals()
    {
        var (_, voucher) = await SceneAsync(_factory, faceValueFen: 1_000_000);
        var scu = await OrgAsync(_factory, "四川大学");
        await ApprovedProviderAsync(_factory, scu, Sichuan);
        // Approved redemptions already waiting (the demo's) go into a batch of their own, left unpaid: this quarter's
        // batch then pays only the test's.
        await (await ClientAsync(Demo.SichuanAdmin)).PostAsJsonAsync("/api/v1/voucher-payouts", new { });
        At(2025, 2, 10);
        // Sichuan → Chongqing: ¥300 approved and paid (10000), ¥90 withdrawn (3000), ¥600 approved at 15000 of 20000.
        var paid = await RedeemAsync(voucher.Code, await BookingAsync(_factory, 30_000));
        var withdrawn = await RedeemAsync(voucher.Code, await BookingAsync(_factory, 9_000));
        var partly = await RedeemAsync(voucher.Code, await BookingAsync(_factory, 60_000));
        // Sichuan → Sichuan: ¥120 reserved (4000).
        var local = await RedeemAsync(voucher.Code, await BookingAsync(_factory, 12_000, owner: scu));
        await ApproveAsync(paid);
        var admin = await ClientAsync(Demo.SichuanAdmin);
        var batch = await admin.PostAsJsonAsync("/api/v1/voucher-payouts", new { payeeOrganizationId = await CquAsync(_factory) });
        var batchId = (await batch.ReadJsonAsync()).GetProperty("id").GetGuid();
        // A bundle the platform does not make: 400 on the field, and the batch is not exported by the refused request.
        await (await admin.GetAsync($"/api/v1/voucher-payouts/{batchId}/export?bundle=rar")).AssertFieldErrorAsync("bundle");
        Assert.Equal("Open", (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/voucher-payouts/{batchId}")).GetProperty("batch").GetProperty("status").GetString());
        await (await admin.GetAsync($"/api/v1/voucher-payouts/{batchId}/export")).Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/v1/voucher-payouts/{batchId}/paid", new { bankReference = "BANK-Q1" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await (await ClientAsync(Demo.Engineer)).PostAsync($"/api/v1/voucher-redemptions/{withdrawn}/withdraw", null)).StatusCode);
        await ApproveAsync(partly, approvedFen: 15_000);

        AssertTotals(await TotalsAsync(admin, "2025Q1", ScToCq), redeemed: 33_000, approved: 25_000, paid: 10_000, reversed: 3_000, outstanding: 15_000, count: 3);
        AssertTotals(await TotalsAsync(admin, "2025Q1", ScToSc), redeemed: 4_000, approved: 0, paid: 0, reversed: 0, outstanding: 0, count: 1);
        // The provider region's administrator reads the same statement; the list has both pairs.
        var chongqing = await ClientAsync(Demo.ChongqingAdmin);
        AssertTotals(await TotalsAsync(chongqing, "2025Q1", ScToCq), 33_000, 25_000, 10_000, 3_000, 15_000, 3);
        Assert.Equal(HttpStatusCode.NotFound, (await chongqing.GetAsync($"/api/v1/voucher-settlements/2025Q1/{ScToSc}")).StatusCode);
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/voucher-settlements?quarter=2025Q1");
        Assert.Equal(2, list.GetArrayLength());

        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/voucher-settlements/2025Q1/{ScToCq}/redemptions");
        var ids = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("redemptionId").GetGuid()).ToList();
        Assert.Equal(new HashSet<Guid> { paid, withdrawn, partly }, [.. ids]);
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
        var line = page.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("redemptionId").GetGuid() == partly);
        Assert.Equal(20_000, line.GetProperty("redeemedFen").GetInt64());
        Assert.Equal(15_000, line.GetProperty("approvedInQuarterFen").GetInt64());
        // The keyset: after the first, the other two.
        var rest = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/voucher-settlements/2025Q1/{ScToCq}/redemptions?after={ids[0]}");
        Assert.Equal(ids.Skip(1), rest.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("redemptionId").GetGuid()));
        var localPage = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/voucher-settlements/2025Q1/{ScToSc}/redemptions");
        Assert.Equal(local, localPage.GetProperty("items")[0].GetProperty("redemptionId").GetGuid());

        var (bytes, export) = await AuditProbe.DownloadAsync(admin, $"/api/v1/voucher-settlements/2025Q1/{ScToCq}/export");
        var signature = AuditProbe.Header(export, VoucherExports.SignatureHeader)!;
        Assert.True((await AuditProbe.VerifyViaApiAsync(_factory, bytes, signature)).GetProperty("valid").GetBoolean());
        var workbook = new XSSFWorkbook(new MemoryStream(bytes));
        var summary = workbook.GetSheet("汇总");
        var amounts = Enumerable.Range(0, summary.LastRowNum + 1).Select(summary.GetRow)
            .Where(r => r?.GetCell(1) is { CellType: NPOI.SS.UserModel.CellType.Numeric })
            .Select(r => (long)r.GetCell(1).NumericCellValue).ToList();
        Assert.Equal([33_000L, 25_000L, 10_000L, 3_000L, 15_000L, 3L], amounts);
        var detail = workbook.GetSheet("明细");
        var numbers = Enumerable.Range(0, detail.LastRowNum + 1).Select(detail.GetRow).Select(r => r?.GetCell(0)?.StringCellValue)
            .Where(n => n is not null && n.StartsWith("RD", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, numbers.Count);
    }

    [Fact]
    public async Task Confirmation_WaitsForTheQuarterEnd_BothRegionsMustNameTheSameFile_ThenSettled()
    {
        var (_, voucher) = await SceneAsync(_factory, faceValueFen: 1_000_000);
        At(2025, 8, 20);
        await RedeemAsync(voucher.Code, await BookingAsync(_factory, 30_000));
        var sichuan = await ClientAsync(Demo.SichuanAdmin);
        var chongqing = await ClientAsync(Demo.ChongqingAdmin);
        var confirm = $"/api/v1/voucher-settlements/2025Q3/{ScToCq}/confirm";
        var early = await sichuan.PostAsJsonAsync(confirm, new { fileSha256 = new string('a', 64) });
        Assert.Equal("VoucherSettlement.QuarterOpen", (await early.AssertProblemAsync(409)).GetProperty("code").GetString());

        // Access tokens live minutes: sign in again on the clock's new day.
        At(2025, 10, 8);
        sichuan = await ClientAsync(Demo.SichuanAdmin);
        chongqing = await ClientAsync(Demo.ChongqingAdmin);
        var (first, response) = await AuditProbe.DownloadAsync(sichuan, $"/api/v1/voucher-settlements/2025Q3/{ScToCq}/export");
        var hash = AuditProbe.Header(response, VoucherExports.Sha256Header)!;
        // An ended quarter's statement is the same file at every export, so both regions can name it.
        var (second, _) = await AuditProbe.DownloadAsync(chongqing, $"/api/v1/voucher-settlements/2025Q3/{ScToCq}/export");
        Assert.Equal(first, second);
        Assert.Equal(HttpStatusCode.Conflict, (await sichuan.PostAsJsonAsync(confirm, new { fileSha256 = new string('b', 64) })).StatusCode);

        // Outstanding carries what earlier quarters left payable: compare with the statement as it stood, not with zero.
        var expected = await TotalsAsync(sichuan, "2025Q3", ScToCq);
        Assert.Equal(10_000, expected.GetProperty("redeemedFen").GetInt64());
        var confirmed = await sichuan.PostAsJsonAsync(confirm, new { fileSha256 = hash });
        Assert.True(confirmed.StatusCode == HttpStatusCode.NoContent, await confirmed.Content.ReadAsStringAsync());
        var open = await sichuan.GetFromJsonAsync<JsonElement>($"/api/v1/voucher-settlements/2025Q3/{ScToCq}");
        Assert.Equal("Open", open.GetProperty("status").GetString());
        Assert.Equal(hash, open.GetProperty("fileSha256").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await sichuan.PostAsJsonAsync(confirm, new { fileSha256 = hash })).StatusCode);
        var mismatch = await chongqing.PostAsJsonAsync(confirm, new { fileSha256 = new string('c', 64) });
        Assert.Equal("VoucherSettlement.HashMismatch", (await mismatch.AssertProblemAsync(409)).GetProperty("code").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await chongqing.PostAsJsonAsync(confirm, new { fileSha256 = hash })).StatusCode);
        var settled = await chongqing.GetFromJsonAsync<JsonElement>($"/api/v1/voucher-settlements/2025Q3/{ScToCq}");
        Assert.Equal("Settled", settled.GetProperty("status").GetString());
        Assert.Equal(expected.GetRawText(), settled.GetProperty("totals").GetRawText());
        // The frozen file is what later exports return, with the signature confirmed.
        var (frozen, frozenResponse) = await AuditProbe.DownloadAsync(chongqing, $"/api/v1/voucher-settlements/2025Q3/{ScToCq}/export");
        Assert.Equal(first, frozen);
        Assert.Equal(settled.GetProperty("signature").GetString(), AuditProbe.Header(frozenResponse, VoucherExports.SignatureHeader));

        // What the settlement page downloads (bundle=zip): the same file, its .sig and a README naming the SHA-256 to
        // confirm with; the two files pass the public verify page as a person would use it.
        var (zipped, zipResponse) = await AuditProbe.DownloadAsync(chongqing, $"/api/v1/voucher-settlements/2025Q3/{ScToCq}/export?bundle=zip");
        Assert.Equal("application/zip", zipResponse.Content.Headers.ContentType!.MediaType);
        using var zip = new ZipArchive(new MemoryStream(zipped));
        var name = $"chuanyu-settlement-2025Q3-{ScToCq}.xlsx";
        Assert.Equal(new[] { name, name + ".sig", "README.txt" }.Order(), zip.Entries.Select(e => e.FullName).Order());
        Assert.Equal(first, AuditProbe.Entry(zip, name));
        var sig = AuditProbe.Entry(zip, name + ".sig");
        Assert.Equal(settled.GetProperty("signature").GetString(), Encoding.UTF8.GetString(sig).Trim());
        var readme = Encoding.UTF8.GetString(AuditProbe.Entry(zip, "README.txt"));
        Assert.Contains(hash, readme, StringComparison.Ordinal);
        Assert.Contains("/Signatures/Verify", readme, StringComparison.Ordinal);
        Assert.Contains("验签通过", await AuditProbe.VerifyOnPageAsync(_factory, AuditProbe.Entry(zip, name), name, signatureFile: sig), StringComparison.Ordinal);
        await _factory.WithDbAsync(async db =>
        {
            Assert.Equal(2, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(
                db.AuditEntries, e => e.Action == "voucher.settlement.confirm" && e.Target == $"voucher-settlement:2025Q3:{ScToCq}"));
            return 0;
        });
    }

    [Fact]
    public async Task ALateReversal_LandsInTheCurrentQuarter_TheClosedStatementDoesNotChange()
    {
        var (_, voucher) = await SceneAsync(_factory, faceValueFen: 1_000_000);
        At(2024, 8, 1);
        var booking = await BookingAsync(_factory, 60_000);
        var id = await RedeemAsync(voucher.Code, booking);
        await ApproveAsync(id);
        var admin = await ClientAsync(Demo.SichuanAdmin);
        var before = await TotalsAsync(admin, "2024Q3", ScToCq);
        AssertTotals(before, 20_000, 20_000, 0, 0, 20_000, 1);

        At(2024, 11, 5);
        using (var scope = _host.Web.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            var result = await scope.ServiceProvider.GetRequiredService<VoucherReversals>().ReverseForRefundAsync(new UseKey(VoucherUseKind.Booking, booking), "退款", default);
            Assert.IsType<Chuanyu.Web.Infrastructure.ServiceResult.Ok>(result);
            await tx.CommitAsync();
        }

        admin = await ClientAsync(Demo.SichuanAdmin);
        Assert.Equal(before.GetRawText(), (await TotalsAsync(admin, "2024Q3", ScToCq)).GetRawText());
        AssertTotals(await TotalsAsync(admin, "2024Q4", ScToCq), redeemed: 0, approved: 0, paid: 0, reversed: 20_000, outstanding: 0, count: 0);
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/voucher-settlements/2024Q4/{ScToCq}/redemptions");
        Assert.Equal(20_000, page.GetProperty("items")[0].GetProperty("reversedFen").GetInt64());
    }
}
