using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Evaluation;
using Microsoft.Extensions.DependencyInjection;
using NPOI.XSSF.UserModel;
using static Chuanyu.Tests.Vouchers.VoucherApi;
using static Chuanyu.Tests.Vouchers.VoucherTestData;

namespace Chuanyu.Tests.Evaluation;

/// <summary>
/// The annual evaluation counts voucher-paid services (issue 15 §9): a use paid in part with an innovation voucher adds
/// one service and its subsidy to the instrument's and its organisation's figures of the year; a redemption reversed by
/// a refund adds nothing. Measured as the difference between two runs of the current year, before and after, so the
/// demo's own redemptions do not enter the expected numbers.
/// </summary>
public sealed class EvaluationVoucherTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static readonly string[] IndicatorCodes = ["voucherServices", "voucherSubsidy"];

    private async Task<Guid> EvaluateAsync(HttpClient admin, int year)
    {
        var started = await admin.PostAsJsonAsync("/api/v1/evaluation/runs", new { year });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.ReadJsonAsync()).GetProperty("id").GetGuid();
        using (var scope = factory.Services.CreateScope())
        {
            Assert.Equal(id, await scope.ServiceProvider.GetRequiredService<EvaluationRunner>().RunNextAsync(TimeSpan.FromMinutes(5), CancellationToken.None));
        }
        return id;
    }

    private static async Task<(int Services, decimal Subsidy)> InstrumentAsync(HttpClient admin, Guid run, Guid organization, Guid instrument)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/evaluation/runs/{run}/instruments?organizationId={organization}&pageSize=200");
        var row = page.GetProperty("items").EnumerateArray().Single(x => x.GetProperty("resourceId").GetGuid() == instrument);
        return (row.GetProperty("voucherServices").GetInt32(), row.GetProperty("voucherSubsidy").GetDecimal());
    }

    private static async Task<(int Services, decimal Subsidy)> OrganizationAsync(HttpClient admin, Guid run, Guid organization)
    {
        for (var page = 1; ; page++)
        {
            var list = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/evaluation/runs/{run}/organizations?page={page}&pageSize=200");
            var items = list.GetProperty("items").EnumerateArray().ToList();
            if (items.FirstOrDefault(x => x.GetProperty("organizationId").GetGuid() == organization) is { ValueKind: JsonValueKind.Object } row)
            {
                return (row.GetProperty("voucherServices").GetInt32(), row.GetProperty("voucherSubsidy").GetDecimal());
            }
            Assert.Equal(200, items.Count);
        }
    }

    [Fact]
    public async Task AVoucherPaidUse_CountsOnceWithItsSubsidy_ARefundedOneNot()
    {
        var (_, voucher) = await SceneAsync(factory);
        var admin = await factory.ApiClientAsync(Demo.SystemAdmin);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var instrument = await CquInstrumentAsync(factory);
        var cqu = await CquAsync(factory);
        var year = ChinaYear();

        var before = await EvaluateAsync(admin, year);
        var instrumentBefore = await InstrumentAsync(admin, before, cqu, instrument);
        var organizationBefore = await OrganizationAsync(admin, before, cqu);

        // One use redeemed (¥100.00 at 1/3: ¥33.33), one redeemed and then refunded.
        await RedeemedAsync(engineer, voucher.Code, await BookingAsync(factory, 10_000));
        var refunded = await BookingAsync(factory, 30_000);
        await RedeemedAsync(engineer, voucher.Code, refunded);
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsJsonAsync($"/api/v1/bookings/{refunded}/refund", new { note = "仪器故障，费用全额退回" })).StatusCode);

        var after = await EvaluateAsync(admin, year);
        var instrumentAfter = await InstrumentAsync(admin, after, cqu, instrument);
        var organizationAfter = await OrganizationAsync(admin, after, cqu);
        Assert.Equal(instrumentBefore.Services + 1, instrumentAfter.Services);
        Assert.Equal(instrumentBefore.Subsidy + 33.33m, instrumentAfter.Subsidy);
        Assert.Equal(organizationBefore.Services + 1, organizationAfter.Services);
        Assert.Equal(organizationBefore.Subsidy + 33.33m, organizationAfter.Subsidy);

        // The export carries the two columns, read back with NPOI as a spreadsheet program would.
        var file = await admin.GetAsync($"/api/v1/evaluation/runs/{after}/instruments.xlsx");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        var book = new XSSFWorkbook(await file.Content.ReadAsStreamAsync());
        var sheet = book.GetSheetAt(0);
        var headers = Enumerable.Range(0, sheet.GetRow(1).LastCellNum).Select(c => sheet.GetRow(1).GetCell(c).StringCellValue).ToList();
        var services = headers.IndexOf("创新券服务次数");
        var subsidy = headers.IndexOf("创新券补贴（元）");
        Assert.True(services > 0 && subsidy > 0, string.Join(" | ", headers));
        var rows = Enumerable.Range(2, sheet.LastRowNum - 1).Select(sheet.GetRow).ToList();
        Assert.Equal(await AllInstrumentsAsync(admin, after), (rows.Sum(r => (int)r.GetCell(services).NumericCellValue), rows.Sum(r => (decimal)r.GetCell(subsidy).NumericCellValue)));
    }

    /// <summary>The voucher-paid services and subsidy of every evaluated instrument, summed from the API.</summary>
    private static async Task<(int Services, decimal Subsidy)> AllInstrumentsAsync(HttpClient admin, Guid run)
    {
        var total = 0;
        var subsidy = 0m;
        for (var page = 1; ; page++)
        {
            var list = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/evaluation/runs/{run}/instruments?page={page}&pageSize=200");
            var items = list.GetProperty("items").EnumerateArray().ToList();
            total += items.Sum(x => x.GetProperty("voucherServices").GetInt32());
            subsidy += items.Sum(x => x.GetProperty("voucherSubsidy").GetDecimal());
            if (items.Count < 200)
            {
                return (total, subsidy);
            }
        }
    }

    [Fact]
    public void TheVoucherIndicators_ScoreTheirFigures_AndAreNotInTheDefaultWeights()
    {
        var figures = new EvaluationResult { VoucherServices = 6, VoucherSubsidyFen = 250_000_00 };
        Assert.Equal(6, EvaluationScheme.Value("voucherServices", figures));
        Assert.Equal(250_000, EvaluationScheme.Value("voucherSubsidy", figures));
        Assert.DoesNotContain(EvaluationScheme.Default.Indicators, i => IndicatorCodes.Contains(i.Code));
        var scheme = new EvaluationScheme("含创新券", [new("runningHours", 50, 1400), new("voucherServices", 30, 12), new("voucherSubsidy", 20, 100_000)], 85, 70, 60);
        Assert.Empty(scheme.Validate());
        Assert.Equal([0, 15, 20], scheme.Scores(figures));
    }

    private static int ChinaYear() => DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Year;
}
