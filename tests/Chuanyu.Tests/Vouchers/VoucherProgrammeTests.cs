using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.Vouchers;

/// <summary>
/// Programmes, providers, applications and the lottery through the API, on a clock the test sets: who may do what,
/// what is refused with which field or rule, and that approval issues the vouchers through the ledger.
/// </summary>
public sealed class VoucherProgrammeTests : IDisposable
{
    // Tuesday 10 November 2026, 10:00 in Chengdu.
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 10, 0, 0, Cst);
    private static readonly DateTimeOffset T0Utc = T0.ToUniversalTime();
    private readonly ChuanyuFactory _factory = new WithoutDemoVouchers();
    private readonly ManualClock _clock = new(T0);
    private readonly WebApplicationFactory<Program> _host;

    /// <summary>The workflow from the start: no demo vouchers, providers or programmes (<c>Demo:Vouchers</c>), so 重庆大学 registers here.</summary>
    private sealed class WithoutDemoVouchers : ChuanyuFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Demo:Vouchers", "false");
        }
    }

    public VoucherProgrammeTests()
    {
        _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));
    }

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }

    private Task<HttpClient> ClientAsync(string email) => SignedInAsync(_host, email);

    private static object Programme(string code, VoucherAllocation allocation = VoucherAllocation.FirstCome, string applyUntil = "2026-11-30",
        long? annualCap = 10_000_000) => new
        {
            code,
            name = "成都市科技创新券（测试）",
            issuerDivisionCode = "510100",
            year = 2026,
            mode = "Redeem",
            faceValuesFen = new[] { 1_000_000L, 5_000_000L },
            ratioNum = 20,
            ratioDen = 100,
            perClaimCapFen = (long?)null,
            annualCapFen = annualCap,
            vouchersPerEnterprise = 3,
            categories = BothCategories,
            allowOtherRegion = true,
            allocation = allocation.ToString(),
            applyFrom = "2026-11-01",
            applyUntil,
            useUntil = "2026-12-31",
            redeemUntil = "2027-01-31",
        };

    private static readonly long[] FourVouchers = [1_000_000L, 1_000_000L, 5_000_000L, 5_000_000L];
    private static readonly long[] OffMenu = [123L];
    private static readonly long[] OneLarge = [5_000_000L];
    private static readonly long[] OneSmall = [1_000_000L];
    private static readonly string[] TestingOnly = ["Testing"];
    private static readonly string[] BothCategories = ["InstrumentUse", "Testing"];
    private static readonly string[] OrderableTypes = ["Instrument", "TestingService"];

    private static async Task<Guid> CreateAsync(HttpClient admin, object programme)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/voucher-programmes", programme);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    private static async Task<Guid> OpenFundedAsync(HttpClient admin, object programme, long budgetFen)
    {
        var id = await CreateAsync(admin, programme);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/budget", new { budgetFen })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/open", new { })).StatusCode);
        return id;
    }

    private async Task<Guid> OrgIdAsync(string name) =>
        await _factory.WithDbAsync(db => db.Set<Organization>().Where(o => o.Name == name).Select(o => o.Id).SingleAsync());

    private const string Rongxin = "成都蓉芯微纳检测技术有限公司";

    /// <summary>Makes the demo engineer of 蓉芯 its administrator (the enterprise's own person who applies).</summary>
    private async Task<Guid> RongxinWithAdminAsync(bool confirmedSme)
    {
        var org = await OrgIdAsync(Rongxin);
        await _factory.WithDbAsync(async db =>
        {
            var user = await db.Set<AppUser>().Where(u => u.Email == Demo.Engineer).Select(u => u.Id).SingleAsync();
            db.Add(new RoleGrant { Id = Guid.CreateVersion7(), UserId = user, Role = PlatformRole.OrgAdmin, OrganizationId = org, GrantedAt = T0Utc });
            await db.Set<OrganizationSmeDeclaration>().Where(d => d.OrganizationId == org).ExecuteDeleteAsync();
            if (confirmedSme)
            {
                db.Add(new OrganizationSmeDeclaration
                {
                    Id = Guid.CreateVersion7(),
                    OrganizationId = org,
                    Year = 2026,
                    RegistrationNumber = "2026510116A0000123",
                    Status = SmeDeclarationStatus.Confirmed,
                    DeclaredBy = user,
                    DeclaredAt = T0Utc,
                    DecidedAt = T0Utc,
                });
            }
            return await db.SaveChangesAsync();
        });
        return org;
    }

    [Fact]
    public async Task Drafts_AreTheIssuingRegions_OnlyItsAdministratorsSeeAndEditThem()
    {
        var sc = await ClientAsync(Demo.SichuanAdmin);
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        var id = await CreateAsync(sc, Programme("CD-TEST-1"));

        var draft = await (await sc.GetAsync($"/api/v1/voucher-programmes/{id}")).ReadJsonAsync();
        Assert.Equal("510000", draft.GetProperty("issuingRegionCode").GetString());
        Assert.Equal(1, draft.GetProperty("ratioNum").GetInt32()); // 20/100 stored reduced
        Assert.Equal(5, draft.GetProperty("ratioDen").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await _host.CreateClient().GetAsync($"/api/v1/voucher-programmes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cq.GetAsync($"/api/v1/voucher-programmes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cq.PutAsJsonAsync($"/api/v1/voucher-programmes/{id}", Programme("CD-TEST-1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await ClientAsync(Demo.CquOrgAdmin)).PostAsJsonAsync("/api/v1/voucher-programmes", Programme("X-1"))).StatusCode);

        // Opening needs a budget; then everyone sees it, the other region still cannot change it.
        var open = await sc.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/open", new { });
        Assert.Equal("VoucherProgrammes.ProgrammeNeedsBudget", (await open.AssertProblemAsync(422)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await sc.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/budget", new { budgetFen = 100_000_000L })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await sc.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/open", new { })).StatusCode);
        var visible = await (await _host.CreateClient().GetAsync($"/api/v1/voucher-programmes/{id}")).ReadJsonAsync();
        Assert.Equal(100_000_000L, visible.GetProperty("budgetLeftFen").GetInt64());
        Assert.False(visible.GetProperty("canManage").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, (await cq.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/budget", new { budgetFen = 1L })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await cq.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/close", new { })).StatusCode);
        var edit = await sc.PutAsJsonAsync($"/api/v1/voucher-programmes/{id}", Programme("CD-TEST-1"));
        Assert.Equal("VoucherProgrammes.ProgrammeNotDraft", (await edit.AssertProblemAsync(409)).GetProperty("code").GetString());

        // The budget is the ledger's: Fund posted it, and every change is audited.
        var (funding, budget) = await _factory.WithDbAsync(async db => (
            await db.Set<VoucherLedgerAccount>().Where(a => a.ProgrammeId == id && a.Kind == LedgerAccountKind.Funding).Select(a => a.BalanceFen).SingleAsync(),
            await db.Set<VoucherLedgerAccount>().Where(a => a.ProgrammeId == id && a.Kind == LedgerAccountKind.Budget).Select(a => a.BalanceFen).SingleAsync()));
        Assert.Equal(100_000_000L, funding);
        Assert.Equal(100_000_000L, budget);
        Assert.True(await _factory.WithDbAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == "voucher.fund" && e.Target == $"voucher-programme:{id}")));
    }

    [Theory]
    [InlineData("code", "code", "这不是编号!")]
    [InlineData("ratio", "ratioNum", 0)]
    [InlineData("ratio", "ratioNum", 101)]
    [InlineData("faceValuesFen", "faceValuesFen", -5)]
    [InlineData("issuerDivisionCode", "issuerDivisionCode", "500100")]
    [InlineData("useUntil", "useUntil", "2026-11-15")]
    [InlineData("redeemUntil", "redeemUntil", "2026-12-01")]
    [InlineData("year", "year", 2031)]
    public async Task BadTerms_AreA400_NamingTheField(string field, string property, object value)
    {
        var sc = await ClientAsync(Demo.SichuanAdmin);
        var body = JsonSerializer.SerializeToNode(Programme("CD-BAD-1"), JsonSerializerOptions.Web)!.AsObject();
        body[property] = property == "faceValuesFen" ? new System.Text.Json.Nodes.JsonArray(JsonSerializer.SerializeToNode(value)) : JsonSerializer.SerializeToNode(value);
        var response = await sc.PostAsJsonAsync("/api/v1/voucher-programmes", body);
        await response.AssertFieldErrorAsync(field);
        Assert.Equal(0, await _factory.WithDbAsync(db => db.Set<VoucherProgramme>().CountAsync(p => p.Code == "CD-BAD-1")));
    }

    [Fact]
    public async Task Application_NeedsTheEnterprisesAdministrator_AConfirmedSme_AndApprovalIssuesVouchersThroughTheLedger()
    {
        var sc = await ClientAsync(Demo.SichuanAdmin);
        var id = await OpenFundedAsync(sc, Programme("CD-APPLY-1"), 100_000_000);
        var apply = new { faceValuesFen = new[] { 1_000_000L, 5_000_000L }, networkMember = false };

        // A member who is not the enterprise's administrator, or a provider's staff, cannot apply for it.
        var engineer = await ClientAsync(Demo.Engineer);
        var org = await OrgIdAsync(Rongxin);
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/applications", new { organizationId = org, apply.faceValuesFen })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await ClientAsync(Demo.CquOrgAdmin)).PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/applications",
            new { organizationId = org, apply.faceValuesFen })).StatusCode);

        await RongxinWithAdminAsync(confirmedSme: false);
        engineer = await ClientAsync(Demo.Engineer);
        var notSme = await engineer.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/applications", apply);
        Assert.Equal("VoucherProgrammes.SmeNotConfirmed", (await notSme.AssertProblemAsync(422)).GetProperty("code").GetString());

        await RongxinWithAdminAsync(confirmedSme: true);
        var tooMany = await engineer.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/applications", new { faceValuesFen = FourVouchers });
        await tooMany.AssertFieldErrorAsync("faceValuesFen");
        var offMenu = await engineer.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/applications", new { faceValuesFen = OffMenu });
        await offMenu.AssertFieldErrorAsync("faceValuesFen");
        var created = await engineer.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/applications", apply);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var applicationId = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        var twice = await engineer.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/applications", apply);
        Assert.Equal("VoucherProgrammes.AlreadyApplied", (await twice.AssertProblemAsync(409)).GetProperty("code").GetString());

        // Only the issuing region decides; a rejection needs a reason.
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await cq.PostAsJsonAsync($"/api/v1/voucher-applications/{applicationId}/decision", new { approve = true })).StatusCode);
        await (await sc.PostAsJsonAsync($"/api/v1/voucher-applications/{applicationId}/decision", new { approve = false })).AssertFieldErrorAsync("reason");
        Assert.Equal(HttpStatusCode.NoContent, (await sc.PostAsJsonAsync($"/api/v1/voucher-applications/{applicationId}/decision", new { approve = true })).StatusCode);

        var decided = await (await engineer.GetAsync($"/api/v1/voucher-applications/{applicationId}")).ReadJsonAsync();
        Assert.Equal("Approved", decided.GetProperty("status").GetString());
        var codes = decided.GetProperty("voucherCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(2, codes.Count);
        Assert.All(codes, c => Assert.Matches("^SC26-[A-HJ-NP-Z2-9]{10}$", c));
        var left = (await (await sc.GetAsync($"/api/v1/voucher-programmes/{id}")).ReadJsonAsync()).GetProperty("budgetLeftFen").GetInt64();
        Assert.Equal(100_000_000L - 6_000_000L, left);
        var balances = await _factory.WithDbAsync(db => db.Set<VoucherLedgerAccount>()
            .Where(a => a.ProgrammeId == id && a.Kind == LedgerAccountKind.Voucher).Select(a => a.BalanceFen).OrderBy(b => b).ToListAsync());
        Assert.Equal([1_000_000L, 5_000_000L], balances);

        // A budget cut below what is issued is refused by the ledger, and nothing changes.
        var cut = await sc.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/budget", new { budgetFen = 5_000_000L });
        Assert.Equal("VoucherProgrammes.BudgetBelowIssued", (await cut.AssertProblemAsync(409)).GetProperty("code").GetString());
        Assert.Equal(100_000_000L, await _factory.WithDbAsync(db => db.Set<VoucherProgramme>().Where(p => p.Id == id).Select(p => p.BudgetFen).SingleAsync()));
    }

    [Fact]
    public async Task Lottery_RanksBySeededHashes_AnyoneCanRecomputeIt_AndOnlyDrawnApplicationsAreApproved()
    {
        var sc = await ClientAsync(Demo.SichuanAdmin);
        var id = await OpenFundedAsync(sc, Programme("CD-LOT-1", VoucherAllocation.Lottery, applyUntil: "2026-11-20"), 12_000_000);
        await RongxinWithAdminAsync(confirmedSme: true);
        var engineer = await ClientAsync(Demo.Engineer);
        var mine = await engineer.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/applications", new { faceValuesFen = OneLarge });
        Assert.Equal(HttpStatusCode.Created, mine.StatusCode);
        var mineId = (await mine.ReadJsonAsync()).GetProperty("id").GetGuid();
        // Four more enterprises' applications (written directly: the draw only ranks what was submitted).
        var others = await _factory.WithDbAsync(async db =>
        {
            var ids = new List<Guid>();
            var declarant = await db.Set<AppUser>().Where(u => u.Email == Demo.SichuanAdmin).Select(u => u.Id).SingleAsync();
            for (var i = 0; i < 4; i++)
            {
                var o = new Organization
                {
                    Id = Guid.CreateVersion7(),
                    Name = $"抽签测试企业{i}",
                    Kind = OrganizationKind.Enterprise,
                    CreditCode = $"91510107MA6LOT{i:D4}",
                    RegionCode = "510000",
                    DistrictCode = "510107",
                    Status = OrganizationStatus.Verified,
                    CreatedAt = T0Utc,
                };
                db.Add(o);
                db.Add(new OrganizationSmeDeclaration
                {
                    Id = Guid.CreateVersion7(),
                    OrganizationId = o.Id,
                    Year = 2026,
                    RegistrationNumber = $"2026510107A{i:D7}",
                    Status = SmeDeclarationStatus.Confirmed,
                    DeclaredBy = declarant,
                    DeclaredAt = T0Utc,
                    DecidedAt = T0Utc,
                });
                var a = new VoucherApplication
                {
                    Id = Guid.CreateVersion7(),
                    ProgrammeId = id,
                    OrganizationId = o.Id,
                    ApplicantId = Guid.NewGuid(),
                    FaceValues = "5000000",
                    Status = VoucherApplicationStatus.Submitted,
                    CreatedAt = T0Utc,
                };
                db.Add(a);
                ids.Add(a.Id);
            }
            await db.SaveChangesAsync();
            return ids;
        });

        var early = await sc.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/draw", new { seed = "2026112199887" });
        Assert.Equal("VoucherProgrammes.DrawBeforeApplyUntil", (await early.AssertProblemAsync(422)).GetProperty("code").GetString());
        var undrawn = await sc.PostAsJsonAsync($"/api/v1/voucher-applications/{mineId}/decision", new { approve = true });
        Assert.Equal("VoucherProgrammes.NotDrawnYet", (await undrawn.AssertProblemAsync(409)).GetProperty("code").GetString());

        _clock.Set(new DateTimeOffset(2026, 11, 21, 9, 0, 0, Cst));
        sc = await ClientAsync(Demo.SichuanAdmin); // the session of eleven days ago has lapsed
        await (await sc.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/draw", new { seed = "x" })).AssertFieldErrorAsync("seed");
        Assert.Equal(HttpStatusCode.NoContent, (await sc.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/draw", new { seed = "2026112199887" })).StatusCode);
        var again = await sc.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/draw", new { seed = "another-seed" });
        Assert.Equal("VoucherProgrammes.AlreadyDrawn", (await again.AssertProblemAsync(409)).GetProperty("code").GetString());

        // The public draw: recomputing SHA-256(seed:id) gives the same order; the budget (¥120,000) holds two of ¥50,000.
        var draw = await (await _host.CreateClient().GetAsync($"/api/v1/voucher-programmes/{id}/draw")).ReadJsonAsync();
        Assert.Equal("2026112199887", draw.GetProperty("seed").GetString());
        var entries = draw.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(5, entries.Count);
        var expected = others.Append(mineId).OrderBy(a => VoucherProgrammes.DrawHash("2026112199887", a), StringComparer.Ordinal).ToList();
        Assert.Equal(expected, entries.Select(e => e.GetProperty("applicationId").GetGuid()).ToList());
        Assert.Equal(Enumerable.Range(1, 5), entries.Select(e => e.GetProperty("rank").GetInt32()));
        Assert.Equal(["Drawn", "Drawn", "NotDrawn", "NotDrawn", "NotDrawn"], entries.Select(e => e.GetProperty("status").GetString()!).ToArray());
        foreach (var e in entries)
        {
            Assert.Equal(VoucherProgrammes.DrawHash("2026112199887", e.GetProperty("applicationId").GetGuid()), e.GetProperty("hash").GetString());
        }

        // Approval follows the draw: a drawn one is approved; one not drawn is refused.
        var loser = entries.First(e => e.GetProperty("status").GetString() == "NotDrawn").GetProperty("applicationId").GetGuid();
        Assert.Equal(HttpStatusCode.Conflict, (await sc.PostAsJsonAsync($"/api/v1/voucher-applications/{loser}/decision", new { approve = true })).StatusCode);
        var winner = entries[0].GetProperty("applicationId").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await sc.PostAsJsonAsync($"/api/v1/voucher-applications/{winner}/decision", new { approve = true })).StatusCode);
        var holder = await _factory.WithDbAsync(db => db.Set<VoucherApplication>().Where(a => a.Id == winner).Select(a => a.OrganizationId).SingleAsync());
        Assert.Equal([5_000_000L], await _factory.WithDbAsync(db => db.Set<Voucher>().Where(v => v.ProgrammeId == id && v.HolderOrganizationId == holder)
            .Select(v => v.FaceValueFen).ToListAsync()));
        Assert.Equal(0, await _factory.WithDbAsync(db => db.Set<Voucher>().CountAsync(v => v.ApplicationId == loser)));
    }

    [Fact]
    public async Task Providers_RegisterInTheirOwnRegion_AndOnlyThatRegionDecides()
    {
        var cquAdmin = await ClientAsync(Demo.CquOrgAdmin);
        var cqu = await OrgIdAsync("重庆大学");
        await (await cquAdmin.PostAsJsonAsync("/api/v1/voucher-providers", new { organizationId = cqu, categories = Array.Empty<string>(), services = "分析测试" }))
            .AssertFieldErrorAsync("categories");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await ClientAsync(Demo.CquInstrumentManager)).PostAsJsonAsync("/api/v1/voucher-providers",
            new { organizationId = cqu, categories = TestingOnly, services = "分析测试" })).StatusCode);
        var registered = await cquAdmin.PostAsJsonAsync("/api/v1/voucher-providers",
            new { organizationId = cqu, categories = BothCategories, services = "大型仪器机时与分析测试服务" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var provider = await registered.ReadJsonAsync();
        Assert.Equal("500000", provider.GetProperty("regionCode").GetString());
        var id = provider.GetProperty("id").GetGuid();

        // Pending registrations are not public; Sichuan's administrator cannot decide Chongqing's.
        var anonymous = _host.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/voucher-providers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await ClientAsync(Demo.SichuanAdmin)).PostAsJsonAsync($"/api/v1/voucher-providers/{id}/decision", new { status = "Approved" })).StatusCode);
        var cq = await ClientAsync(Demo.ChongqingAdmin);
        await (await cq.PostAsJsonAsync($"/api/v1/voucher-providers/{id}/decision", new { status = "Rejected" })).AssertFieldErrorAsync("note");
        Assert.Equal(HttpStatusCode.NoContent, (await cq.PostAsJsonAsync($"/api/v1/voucher-providers/{id}/decision", new { status = "Approved" })).StatusCode);
        var list = await (await anonymous.GetAsync("/api/v1/voucher-providers?region=500000")).ReadJsonAsync();
        Assert.Contains(list.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetGuid() == id && p.GetProperty("status").GetString() == "Approved");
        var sichuanNow = await (await ClientAsync(Demo.SichuanAdmin)).PostAsJsonAsync($"/api/v1/voucher-providers/{id}/decision", new { status = "Suspended", note = "测试" });
        Assert.Equal(HttpStatusCode.Forbidden, sichuanNow.StatusCode);
        var again = await cquAdmin.PostAsJsonAsync("/api/v1/voucher-providers", new { organizationId = cqu, categories = TestingOnly, services = "再次登记" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task SearchFilter_AcceptsMyVouchers_KeepsTheApprovedProvidersInstrumentsAndServices_ForHoldersOnly()
    {
        var sc = await ClientAsync(Demo.SichuanAdmin);
        var id = await OpenFundedAsync(sc, Programme("CD-SEARCH-1"), 100_000_000);
        await RongxinWithAdminAsync(confirmedSme: true);
        var engineer = await ClientAsync(Demo.Engineer);
        var search = "/api/v1/search?q=" + Uri.EscapeDataString("显微镜") + "&pageSize=50&only=my-vouchers";

        // No voucher yet: nothing accepts one.
        var none = await (await engineer.GetAsync(search)).ReadJsonAsync();
        Assert.Equal(0, none.GetProperty("total").GetInt32());

        var applied = await engineer.PostAsJsonAsync($"/api/v1/voucher-programmes/{id}/applications", new { faceValuesFen = OneSmall });
        var applicationId = (await applied.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await sc.PostAsJsonAsync($"/api/v1/voucher-applications/{applicationId}/decision", new { approve = true })).StatusCode);
        var stillNone = await (await engineer.GetAsync(search)).ReadJsonAsync();
        Assert.Equal(0, stillNone.GetProperty("total").GetInt32()); // a voucher, but no approved provider yet

        // 重庆大学 becomes a provider in Chongqing; the Chengdu programme allows the other region.
        var cqu = await OrgIdAsync("重庆大学");
        var registered = await (await ClientAsync(Demo.CquOrgAdmin)).PostAsJsonAsync("/api/v1/voucher-providers",
            new { organizationId = cqu, categories = BothCategories, services = "大型仪器机时与分析测试服务" });
        var providerId = (await registered.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await (await ClientAsync(Demo.ChongqingAdmin)).PostAsJsonAsync($"/api/v1/voucher-providers/{providerId}/decision",
            new { status = "Approved" })).StatusCode);

        var all = await (await engineer.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString("显微镜") + "&pageSize=50")).ReadJsonAsync();
        var accepted = await (await engineer.GetAsync(search)).ReadJsonAsync();
        var hits = accepted.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(hits);
        Assert.All(hits, h =>
        {
            Assert.Equal(cqu, h.GetProperty("organizationId").GetGuid());
            Assert.Contains(h.GetProperty("type").GetString(), OrderableTypes);
        });
        Assert.True(all.GetProperty("total").GetInt32() > accepted.GetProperty("total").GetInt32());
        var cquOnly = await (await engineer.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString("显微镜") + $"&organizationId={cqu}&type=Instrument,TestingService")).ReadJsonAsync();
        Assert.Equal(cquOnly.GetProperty("total").GetInt32(), accepted.GetProperty("total").GetInt32());

        // Anonymous callers hold nothing: the restriction needs a signed-in person; an unknown name is refused.
        await (await _host.CreateClient().GetAsync(search)).AssertFieldErrorAsync("only");
        await (await engineer.GetAsync(search.Replace("my-vouchers", "everything", StringComparison.Ordinal))).AssertFieldErrorAsync("only");
    }
}
