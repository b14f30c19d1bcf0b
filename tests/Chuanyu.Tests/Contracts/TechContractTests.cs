using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Contracts;
using ClosedXML.Excel;
using Microsoft.EntityFrameworkCore;
using static Chuanyu.Tests.Booking.BookingTestData;
using static Chuanyu.Tests.Contracts.ContractTestData;

namespace Chuanyu.Tests.Contracts;

/// <summary>
/// Technology contract registration (issue 17 point 6) on the real host: the seller's region registers; the rules and the
/// bad inputs the issue names; who reads and who changes; the aggregates equal the registered rows after registrations,
/// corrections and revocations; the public statistics name no party and read back from Excel.
/// </summary>
public sealed class TechContractTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private const string Api = "/api/v1/tech-contracts";

    private Task<HttpClient> ClientAsync(string email) => SignedInAsync(factory, email);

    private static async Task<JsonElement> ErrorsOf(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.ReadJsonAsync()).GetProperty("errors");
    }

    [Fact]
    public async Task TheSellersRegionRegisters_TheBuyersRegionAndNobodyElseReads_AndOnlyTheSellersRegionChanges()
    {
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        var toSichuan = await RegisteredAsync(cq, Contract("500000", "510000"));
        var toGuangdong = await RegisteredAsync(cq, Contract("500000", "440000"));

        var one = await cq.GetFromJsonAsync<JsonElement>($"{Api}/{toSichuan}");
        Assert.Equal("测试卖方大学", one.GetProperty("sellerName").GetString());
        Assert.True(one.GetProperty("canManage").GetBoolean());

        // Sichuan's administrator reads the contract bought into Sichuan (not to change it), and nothing of the Guangdong one.
        var sc = await ClientAsync(Demo.SichuanAdmin);
        var read = await sc.GetFromJsonAsync<JsonElement>($"{Api}/{toSichuan}");
        Assert.False(read.GetProperty("canManage").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await sc.GetAsync($"{Api}/{toGuangdong}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sc.GetAsync($"{Api}/{toGuangdong}/file")).StatusCode);
        var scList = await sc.GetFromJsonAsync<JsonElement>($"{Api}?pageSize=200&q=测试买方");
        Assert.DoesNotContain(scList.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == toGuangdong);

        var correction = Contract("500000", "440000", number: one.GetProperty("registrationNumber").GetString());
        correction["version"] = 0;
        Assert.Equal(HttpStatusCode.Forbidden, (await sc.PutAsJsonAsync($"{Api}/{toSichuan}", correction)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sc.PutAsJsonAsync($"{Api}/{toGuangdong}", correction)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sc.PostAsJsonAsync($"{Api}/{toSichuan}/revoke", new { reason = "越权撤销", version = 0 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sc.PostAsJsonAsync($"{Api}/{toGuangdong}/revoke", new { reason = "越权撤销", version = 0 })).StatusCode);
        var refused = await WithDbAsync(factory, db => db.AuditEntries.CountAsync(a => a.Target == $"tech-contract:{toSichuan}" && a.Outcome == Chuanyu.Web.Infrastructure.AuditOutcome.Failure));
        Assert.Equal(2, refused);

        // A member of an organisation that is not a party, and the anonymous public: nothing.
        var engineer = await ClientAsync(Demo.Engineer);
        Assert.Equal(HttpStatusCode.NotFound, (await engineer.GetAsync($"{Api}/{toSichuan}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync($"{Api}/{toSichuan}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync(Api)).StatusCode);
    }

    [Fact]
    public async Task APartyOrganisation_ReadsItsContractAndFile_LinkedByItsCreditCode()
    {
        var sc = await ClientAsync(Demo.SichuanAdmin);
        var rongxin = await WithDbAsync(factory, db => db.Organizations.SingleAsync(o => o.Name == "成都蓉芯微纳检测技术有限公司"));
        var contract = Contract("510000", "500000");
        contract["sellerName"] = rongxin.Name;
        contract["sellerCreditCode"] = rongxin.CreditCode;
        contract["sellerType"] = "Enterprise";
        var id = await RegisteredAsync(sc, contract);
        var upload = await sc.PostAsync($"{Api}/{id}/file", new MultipartFormDataContent { { new ByteArrayContent(Pdf), "file", "合同.pdf" } });
        Assert.True(upload.StatusCode == HttpStatusCode.NoContent, await upload.Content.ReadAsStringAsync());

        var engineer = await ClientAsync(Demo.Engineer);
        var read = await engineer.GetFromJsonAsync<JsonElement>($"{Api}/{id}");
        Assert.Equal(rongxin.Id, read.GetProperty("sellerOrganizationId").GetGuid());
        var file = await engineer.GetAsync($"{Api}/{id}/file");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(Pdf, await file.Content.ReadAsByteArrayAsync());
        // The buyer's region (Chongqing) reads the file too; the researcher of an unrelated organisation does not.
        Assert.Equal(HttpStatusCode.OK, (await (await ClientAsync(Demo.ChongqingAdmin)).GetAsync($"{Api}/{id}/file")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await ClientAsync(Demo.ScuResearcher)).GetAsync($"{Api}/{id}/file")).StatusCode);
    }

    [Fact]
    public async Task ANonPdf_OrAnEmptyFile_IsRefused_AndNothingIsAttached()
    {
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        var id = await RegisteredAsync(cq, Contract());
        var exe = await cq.PostAsync($"{Api}/{id}/file", new MultipartFormDataContent { { new ByteArrayContent("MZ\u0090\0binary"u8.ToArray()), "file", "contract.pdf" } });
        Assert.True((await ErrorsOf(exe)).TryGetProperty("file", out _));
        var word = await cq.PostAsync($"{Api}/{id}/file", new MultipartFormDataContent { { new ByteArrayContent(Pdf), "file", "contract.docx" } });
        Assert.True((await ErrorsOf(word)).TryGetProperty("file", out _));
        Assert.Equal(JsonValueKind.Null, (await cq.GetFromJsonAsync<JsonElement>($"{Api}/{id}")).GetProperty("fileName").ValueKind);
    }

    [Fact]
    public async Task RegisteringForAnotherRegionsSeller_IsRefused_NamingTheSellersRegion_AndAudited()
    {
        var sc = await ClientAsync(Demo.SichuanAdmin);
        var response = await sc.PostAsJsonAsync(Api, Contract("500000", "510000"));
        var errors = await ErrorsOf(response);
        Assert.Contains("重庆市", errors.GetProperty("sellerRegion")[0].GetString(), StringComparison.Ordinal);
        // Claiming Sichuan for a seller whose credit code Chongqing issued is refused too.
        var disguised = Contract("510000", "510000");
        disguised["sellerCreditCode"] = CreditCodeIn("500106");
        Assert.True((await ErrorsOf(await sc.PostAsJsonAsync(Api, disguised))).TryGetProperty("sellerCreditCode", out _));
        // Without a region to administer: 403.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await ClientAsync(Demo.Engineer)).PostAsJsonAsync(Api, Contract())).StatusCode);
        Assert.True(await WithDbAsync(factory, db => db.AuditEntries.AnyAsync(a => a.Action == "contract.register" && a.Outcome == Chuanyu.Web.Infrastructure.AuditOutcome.Failure)));
    }

    [Fact]
    public async Task BadInputs_AreRefusedFieldByField_AndNothingIsRegistered()
    {
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        var before = await WithDbAsync(factory, db => db.Set<TechContract>().CountAsync());

        var above = Contract(contractFen: 1_000_000, transactionFen: 1_000_001);
        Assert.Equal("Contracts.TransactionAboveContract", (await (await cq.PostAsJsonAsync(Api, above)).ReadJsonAsync()).GetProperty("errorCodes").GetProperty("transactionAmountFen")[0].GetString());

        var backwards = Contract();
        backwards["startsOn"] = Iso(Today.AddDays(10));
        backwards["endsOn"] = Iso(Today.AddDays(9));
        Assert.True((await ErrorsOf(await cq.PostAsJsonAsync(Api, backwards))).TryGetProperty("endsOn", out _));

        var wrongYear = Contract();
        wrongYear["registrationNumber"] = $"{(Today.Year - 1) % 100:00}500109000001";
        Assert.True((await ErrorsOf(await cq.PostAsJsonAsync(Api, wrongYear))).TryGetProperty("registrationNumber", out _));
        var wrongProvince = Contract();
        wrongProvince["registrationNumber"] = $"{Today.Year % 100:00}510109000001";
        Assert.True((await ErrorsOf(await cq.PostAsJsonAsync(Api, wrongProvince))).TryGetProperty("registrationNumber", out _));
        var letters = Contract();
        letters["registrationNumber"] = "ABC";
        Assert.True((await ErrorsOf(await cq.PostAsJsonAsync(Api, letters))).TryGetProperty("registrationNumber", out _));

        var badCode = Contract();
        badCode["buyerCreditCode"] = "91510100MA61234567";
        Assert.True((await ErrorsOf(await cq.PostAsJsonAsync(Api, badCode))).TryGetProperty("buyerCreditCode", out _));
        var unknownField = Contract(field: "99999");
        Assert.True((await ErrorsOf(await cq.PostAsJsonAsync(Api, unknownField))).TryGetProperty("field", out _));
        var unknownResult = Contract();
        unknownResult["achievementId"] = Guid.NewGuid();
        Assert.Equal("Contracts.AchievementUnknown", (await (await cq.PostAsJsonAsync(Api, unknownResult)).ReadJsonAsync()).GetProperty("errorCodes").GetProperty("achievementId")[0].GetString());
        var unknownDeal = Contract();
        unknownDeal["dealId"] = Guid.NewGuid();
        Assert.Equal("Contracts.DealUnknown", (await (await cq.PostAsJsonAsync(Api, unknownDeal)).ReadJsonAsync()).GetProperty("errorCodes").GetProperty("dealId")[0].GetString());
        var hostile = Contract(title: "合同\u202Eexe.pdf");
        Assert.Equal(HttpStatusCode.BadRequest, (await cq.PostAsJsonAsync(Api, hostile)).StatusCode);
        Assert.Equal(before, await WithDbAsync(factory, db => db.Set<TechContract>().CountAsync()));

        // The same registration number twice: the second is refused on the field.
        var first = Contract();
        await RegisteredAsync(cq, first);
        var again = Contract(number: (string)first["registrationNumber"]!);
        Assert.Equal("Contracts.NumberTaken", (await (await cq.PostAsJsonAsync(Api, again)).ReadJsonAsync()).GetProperty("errorCodes").GetProperty("registrationNumber")[0].GetString());

        // A buyer abroad needs no credit code.
        await RegisteredAsync(cq, Contract(buyerRegion: "990000"));
    }

    [Fact]
    public async Task TheAggregates_EqualTheRegisteredRows_AfterRegistrationsCorrectionsAndRevocations_AndARebuild()
    {
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        var sc = await ClientAsync(Demo.SichuanAdmin);
        var ids = new List<Guid>
        {
            await RegisteredAsync(cq, Contract("500000", "510000", "Transfer", 30_000_000, 30_000_000)),
            await RegisteredAsync(cq, Contract("500000", "500000", "Service", 8_000_000, 5_000_000, field: "52010")),
            await RegisteredAsync(sc, Contract("510000", "500000", "Licence", 12_345_678, 10_000_000, sellerType: "Enterprise")),
            await RegisteredAsync(sc, Contract("510000", "990000", "Consulting", 2_000_000, 1_500_000, registeredOn: Today.AddMonths(-13))),
        };
        // A correction that moves a contract to another month, type, buyer and amounts; a revocation.
        var current = await cq.GetFromJsonAsync<JsonElement>($"{Api}/{ids[1]}");
        var corrected = Contract("500000", "440000", "Development", 9_000_000, 9_000_000, registeredOn: Today.AddMonths(-2), field: "35010");
        corrected["version"] = current.GetProperty("version").GetInt32();
        var put = await cq.PutAsJsonAsync($"{Api}/{ids[1]}", corrected);
        Assert.True(put.StatusCode == HttpStatusCode.NoContent, await put.Content.ReadAsStringAsync());
        var revoke = await sc.PostAsJsonAsync($"{Api}/{ids[2]}/revoke", new { reason = "合同当事人申请撤销", version = 0 });
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await sc.PostAsJsonAsync($"{Api}/{ids[2]}/revoke", new { reason = "再次撤销", version = 1 })).StatusCode);

        await AssertAggregatesMatchAsync();
        var maintained = await SnapshotAsync();
        await WithDbAsync(factory, db => ContractStatsWriter.RebuildAsync(db, CancellationToken.None));
        Assert.Equal(maintained, await SnapshotAsync());

        // The public statistics of this year agree with a direct sum of the rows too.
        var stats = await factory.CreateClient().GetFromJsonAsync<JsonElement>($"{Api}/statistics?fromYear={Today.Year - 1}&toYear={Today.Year}");
        var (n, c, t) = await WithDbAsync(factory, async db =>
        {
            var rows = db.Set<TechContract>().Where(x => x.Status == TechContractStatus.Registered && x.RegisteredMonth >= (Today.Year - 1) * 100);
            return (await rows.CountAsync(), await rows.SumAsync(x => x.ContractAmountFen), await rows.SumAsync(x => x.TransactionAmountFen));
        });
        Assert.Equal(n, stats.GetProperty("totals").GetProperty("contracts").GetInt64());
        Assert.Equal(c, stats.GetProperty("totals").GetProperty("contractFen").GetInt64());
        Assert.Equal(t, stats.GetProperty("totals").GetProperty("transactionFen").GetInt64());
        Assert.Equal(t, stats.GetProperty("byType").EnumerateArray().Sum(x => x.GetProperty("figures").GetProperty("transactionFen").GetInt64()));
        Assert.Equal(t, stats.GetProperty("byField").EnumerateArray().Sum(x => x.GetProperty("figures").GetProperty("transactionFen").GetInt64()));
        Assert.Equal(n, stats.GetProperty("byMonth").EnumerateArray().Sum(x => x.GetProperty("figures").GetProperty("contracts").GetInt64()));
    }

    private async Task AssertAggregatesMatchAsync()
    {
        var (flows, profiles, direct) = await WithDbAsync(factory, async db => (
            await db.Set<TechContractFlowStat>().SumAsync(s => s.TransactionFen),
            await db.Set<TechContractProfileStat>().SumAsync(s => s.ContractFen),
            await db.Set<TechContract>().Where(x => x.Status == TechContractStatus.Registered)
                .GroupBy(x => 1).Select(g => new { N = g.LongCount(), C = g.Sum(x => x.ContractAmountFen), T = g.Sum(x => x.TransactionAmountFen) }).SingleAsync()));
        Assert.Equal(direct.T, flows);
        Assert.Equal(direct.C, profiles);
        var perKey = await WithDbAsync(factory, async db =>
        {
            var fromRows = await db.Set<TechContract>().Where(x => x.Status == TechContractStatus.Registered)
                .GroupBy(x => new { x.RegisteredMonth, x.SellerRegion, x.BuyerRegion, x.Type })
                .Select(g => new { g.Key.RegisteredMonth, g.Key.SellerRegion, g.Key.BuyerRegion, g.Key.Type, N = g.LongCount(), T = g.Sum(x => x.TransactionAmountFen) })
                .ToListAsync();
            var kept = await db.Set<TechContractFlowStat>().Where(s => s.Contracts != 0).ToListAsync();
            return (fromRows.Select(r => $"{r.RegisteredMonth}|{r.SellerRegion}|{r.BuyerRegion}|{r.Type}|{r.N}|{r.T}").Order(StringComparer.Ordinal).ToList(),
                kept.Select(r => $"{r.Month}|{r.SellerRegion}|{r.BuyerRegion}|{r.Type}|{r.Contracts}|{r.TransactionFen}").Order(StringComparer.Ordinal).ToList());
        });
        Assert.Equal(perKey.Item1, perKey.Item2);
    }

    private Task<string> SnapshotAsync() => WithDbAsync(factory, async db =>
        string.Join('\n', (await db.Set<TechContractFlowStat>().Where(s => s.Contracts != 0).ToListAsync())
            .Select(s => $"{s.Month}|{s.SellerRegion}|{s.BuyerRegion}|{s.Type}|{s.Contracts}|{s.ContractFen}|{s.TransactionFen}")
            .Concat((await db.Set<TechContractProfileStat>().Where(s => s.Contracts != 0).ToListAsync())
                .Select(s => $"{s.Month}|{s.SellerRegion}|{s.Type}|{s.SellerType}|{s.FieldGroup}|{s.Contracts}|{s.ContractFen}|{s.TransactionFen}"))
            .Order(StringComparer.Ordinal)));

    [Fact]
    public async Task ThePublicStatistics_NameNoParty_ShowFlowsBothWays_AndReadBackFromExcel()
    {
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        var sc = await ClientAsync(Demo.SichuanAdmin);
        var secret = "保密买方" + Guid.NewGuid().ToString("N")[..6];
        var contract = Contract("500000", "510000", "Transfer", 7_000_000, 6_000_000);
        contract["buyerName"] = secret;
        await RegisteredAsync(cq, contract);
        await RegisteredAsync(sc, Contract("510000", "500000", "Service", 3_000_000, 2_000_000));
        var anonymous = factory.CreateClient();

        var response = await anonymous.GetAsync($"{Api}/statistics?region=500000");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain("测试卖方大学", body, StringComparison.Ordinal);
        var stats = JsonDocument.Parse(body).RootElement;
        long Flow(string direction, string counterpart) => stats.GetProperty("flows").EnumerateArray()
            .Single(f => f.GetProperty("direction").GetString() == direction && f.GetProperty("counterpart").GetString() == counterpart)
            .GetProperty("figures").GetProperty("transactionFen").GetInt64();
        var (outflow, inflow) = await WithDbAsync(factory, async db =>
        {
            var since = (Today.Year - 1) * 100;
            var live = db.Set<TechContract>().Where(x => x.Status == TechContractStatus.Registered && x.RegisteredMonth >= since);
            return (await live.Where(x => x.SellerRegion == "500000" && x.BuyerRegion == "510000").SumAsync(x => x.TransactionAmountFen),
                await live.Where(x => x.SellerRegion == "510000" && x.BuyerRegion == "500000").SumAsync(x => x.TransactionAmountFen));
        });
        Assert.True(outflow >= 6_000_000 && inflow >= 2_000_000);
        Assert.Equal(outflow, Flow("Outflow", "PartnerRegion"));
        Assert.Equal(inflow, Flow("Inflow", "PartnerRegion"));

        var bad = await anonymous.GetAsync($"{Api}/statistics?fromYear=2026&toYear=2020");
        Assert.True((await ErrorsOf(bad)).TryGetProperty("toYear", out _));

        var xlsx = await anonymous.GetAsync($"{Api}/statistics.xlsx?region=500000");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        using var workbook = new XLWorkbook(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()));
        var byType = workbook.Worksheet(1);
        var transferRow = byType.RowsUsed().Single(r => r.Cell(1).GetString() == "技术转让");
        var transfer = stats.GetProperty("byType").EnumerateArray().Single(x => x.GetProperty("type").GetString() == "Transfer").GetProperty("figures");
        Assert.Equal(transfer.GetProperty("contracts").GetInt64(), (long)transferRow.Cell(2).GetDouble());
        Assert.Equal(transfer.GetProperty("transactionFen").GetInt64() / 100m, (decimal)transferRow.Cell(4).GetDouble());
        Assert.Equal(6, workbook.Worksheets.Count);
        Assert.DoesNotContain(workbook.Worksheets.SelectMany(w => w.CellsUsed()), cell => cell.GetString() == secret);
    }

    [Fact]
    public async Task TheStatisticsPage_IsPublic_WithItsChartsAndTheSameNumbersAsTables()
    {
        var session = new PageSession(factory);
        var (response, page) = await session.GetAsync("/Contracts/Statistics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(page.QuerySelector("[data-testid=month-chart]"));
        Assert.NotNull(page.QuerySelector("[data-testid=type-chart]"));
        var api = await factory.CreateClient().GetFromJsonAsync<JsonElement>($"{Api}/statistics");
        Assert.Equal(api.GetProperty("totals").GetProperty("contracts").GetInt64().ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
            page.QuerySelector("[data-testid=total-contracts]")!.TextContent.Trim());
        // The chart's bars and the table's rows: the same types in the same order, with the same amounts.
        Assert.Equal(page.QuerySelectorAll("[data-testid=by-type] tbody tr").Select(r => r.GetAttribute("data-transaction-fen")),
            page.QuerySelectorAll("[data-testid=type-chart] g").Select(g => g.GetAttribute("data-transaction-fen")));
        Assert.Equal(5, page.QuerySelectorAll("[data-testid=type-chart] g").Length);
        // The administrators' list is not public.
        var (list, _) = await session.GetAsync("/Contracts");
        Assert.Equal(HttpStatusCode.Redirect, list.StatusCode);
    }
}
