using System.Globalization;
using System.Text.Json;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Usage;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// The demo's innovation vouchers (docs/vouchers-design.md §8), modelled on the two real programmes of this year:
/// Chongqing's test-fee subsidy (通用, 10 %; 20 % for sharing-network members; 30 % for municipal-or-higher plan projects;
/// at most 5万元 a claim; first come) and Chengdu's innovation voucher (通兑, 20 %, at most 10万元 per enterprise a year,
/// void at year end; a lottery drawn with a recorded seed). Also: approved providers that own demo instruments, an
/// administrator for 蓉芯, a verified Chongqing enterprise (两江微测) with its confirmed SME declaration and administrator,
/// a few completed uses of its own, and redemptions in several states. Everything that moves money goes through the
/// voucher services, acting as the demo person who would do it (so the ledger, the audit chain and the figures on the
/// pages are real); only what the services cannot write after the fact (an application inside a window that has
/// closed, uses in the past) is written as rows. The Chinese text is in the embedded <c>Data/Reference/demo-vouchers.json</c>.
/// Seeded once: nothing is added when this year's demo programmes exist.
/// </summary>
public static class DemoVouchers
{
    public const string RongxinAdmin = "rongxin.admin@chuanyu.demo";
    public const string LiangjiangAdmin = "ljwc.admin@chuanyu.demo";
    private const string ChongqingAdmin = "cq.admin@chuanyu.demo";
    private const string SichuanAdmin = "sc.admin@chuanyu.demo";
    private const string CquManager = "cqu.instrument@chuanyu.demo";

    public sealed record OrganizationRow(string Key, string Name, string DistrictCode, string Address, string CreditPrefix);

    public sealed record AccountRow(string Email, string DisplayName, string Org);

    public sealed record ProviderRow(string Org, string Admin, string Services);

    public sealed record ProgrammeRow(string Code, string Name, string? LotterySeed);

    public sealed record ProgrammeRows(ProgrammeRow Chongqing, ProgrammeRow Chengdu);

    public sealed record TextRows(string RejectReason, string ReturnReason, string Purpose, string ScienceProjectNo);

    public sealed record DemoVoucherData(IReadOnlyList<OrganizationRow> Organizations, IReadOnlyList<AccountRow> Accounts, IReadOnlyList<ProviderRow> Providers,
        ProgrammeRows Programmes, TextRows Texts);

    public static DemoVoucherData Read()
    {
        using var stream = typeof(DemoVouchers).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.demo-vouchers.json")
            ?? throw new InvalidOperationException("demo-vouchers.json is not embedded.");
        return JsonSerializer.Deserialize<DemoVoucherData>(stream, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException("demo-vouchers.json is empty.");
    }

    /// <summary>The programme codes of <paramref name="year"/>: Chongqing's, then Chengdu's.</summary>
    public static (string Chongqing, string Chengdu) Codes(int year)
    {
        var data = Read();
        return (Year(data.Programmes.Chongqing.Code, year), Year(data.Programmes.Chengdu.Code, year));
    }

    private static string Year(string template, int year) => template.Replace("{year}", year.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Seeds the demo's vouchers unless <c>Demo:Vouchers</c> is false (tests of the voucher workflow start from none).</summary>
    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct = default)
    {
        if (!services.GetRequiredService<IConfiguration>().GetValue("Demo:Vouchers", true))
        {
            return;
        }
        var db = services.GetRequiredService<AppDbContext>();
        var clock = services.GetRequiredService<TimeProvider>();
        var data = Read();
        var today = ChinaTime.Today(clock);
        var year = today.Year;
        var (cqCode, cdCode) = (Year(data.Programmes.Chongqing.Code, year), Year(data.Programmes.Chengdu.Code, year));
        if (await db.Set<VoucherProgramme>().AnyAsync(p => p.Code == cqCode || p.Code == cdCode, ct))
        {
            return;
        }
        var names = DemoData.Organizations.ToDictionary(o => o.Name, o => o.Key);
        var demoNames = names.Keys.ToList();
        var orgs = await db.Organizations.AsNoTracking().Where(o => demoNames.Contains(o.Name)).ToDictionaryAsync(o => names[o.Name], o => o.Id, ct);
        if (!orgs.TryGetValue("cqu", out _) || !orgs.TryGetValue("rongxin", out var rongxin))
        {
            return;
        }
        await AddPeopleAsync(services, db, data, orgs, clock.GetUtcNow(), ct);
        var holders = new[] { rongxin, orgs["ljwc"] };
        if (await db.Set<OrganizationSmeDeclaration>().CountAsync(d => holders.Contains(d.OrganizationId) && d.Year == year && d.Status == SmeDeclarationStatus.Confirmed, ct) < holders.Length)
        {
            // The demo's SME declarations are of one year (demo-sme-declarations.csv): another year has no holders.
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoVouchers)).LogWarning("Demo vouchers not seeded: the demo enterprises are no confirmed SMEs for {Year}", year);
            return;
        }
        await AddProvidersAsync(services, db, data, orgs, ct);

        // Chongqing: 通用, first come, one voucher of 20万 for 两江微测, a member of the sharing network (20 %).
        var yearStart = new DateOnly(year, 1, 1);
        var yearEnd = new DateOnly(year, 12, 31);
        var chongqing = await ProgrammeAsync(services, ChongqingAdmin, "500000", 500_000_000, new VoucherProgrammeInput(
            cqCode, Year(data.Programmes.Chongqing.Name, year), "500000", year, VoucherMode.Reimburse, [20_000_000], 1, 10, 5_000_000, null, 1,
            [VoucherServiceCategory.InstrumentUse, VoucherServiceCategory.Testing], true, VoucherAllocation.FirstCome,
            yearStart, yearEnd, yearEnd, new DateOnly(year + 1, 3, 31), NetworkMemberRatioNum: 1, NetworkMemberRatioDen: 5, ScienceProjectRatioNum: 3, ScienceProjectRatioDen: 10), ct);
        var cqApplication = await AsAsync(services, LiangjiangAdmin, async sp =>
        {
            var (created, result) = await sp.GetRequiredService<VoucherApplications>().ApplyAsync(chongqing, new VoucherApplicationInput(orgs["ljwc"], [20_000_000], true), ct);
            Require(result, "apply (Chongqing)");
            return created!.Id;
        });
        await AsAsync(services, ChongqingAdmin, async sp => Require(await sp.GetRequiredService<VoucherApplications>()
            .DecideAsync(cqApplication, new VoucherApplicationDecision(true, null, NetworkMemberConfirmed: true), ct), "approve (Chongqing)"));

        // Chengdu: 通兑, by lot; the applications closed yesterday, 蓉芯 applied for 5万 and 1万, the draw's seed is recorded.
        var applyFrom = today.AddDays(-1) < yearStart ? today.AddDays(-1) : yearStart;
        var chengdu = await ProgrammeAsync(services, SichuanAdmin, "510000", 1_000_000_000, new VoucherProgrammeInput(
            cdCode, Year(data.Programmes.Chengdu.Name, year), "510100", year, VoucherMode.Redeem, [1_000_000, 5_000_000], 1, 5, null, 10_000_000, 3,
            [VoucherServiceCategory.InstrumentUse, VoucherServiceCategory.Testing], true, VoucherAllocation.Lottery,
            applyFrom, today.AddDays(-1), yearEnd, new DateOnly(year + 1, 1, 31)), ct);
        var rongxinAdmin = await db.Users.AsNoTracking().Where(u => u.Email == RongxinAdmin).Select(u => u.Id).FirstAsync(ct);
        var cdApplication = new VoucherApplication
        {
            Id = Guid.CreateVersion7(),
            ProgrammeId = chengdu,
            OrganizationId = orgs["rongxin"],
            ApplicantId = rongxinAdmin,
            FaceValues = VoucherProgrammes.StoreFaceValues([5_000_000, 1_000_000]),
            Status = VoucherApplicationStatus.Submitted,
            CreatedAt = new DateTimeOffset(applyFrom.AddDays(Math.Min(9, today.DayNumber - applyFrom.DayNumber - 1)).ToDateTime(new TimeOnly(10, 0)), Display.ChinaStandardTime).ToUniversalTime(),
        };
        db.Add(cdApplication);
        await db.SaveChangesAsync(ct);
        await AsAsync(services, SichuanAdmin, async sp =>
        {
            var programmes = sp.GetRequiredService<VoucherProgrammes>();
            Require(await programmes.DrawAsync(chengdu, Year(data.Programmes.Chengdu.LotterySeed!, year), null, ct), "draw (Chengdu)");
            Require(await sp.GetRequiredService<VoucherApplications>().DecideAsync(cdApplication.Id, new VoucherApplicationDecision(true, null), ct), "approve (Chengdu)");
        });

        await RedeemChengduAsync(services, db, data, orgs, chengdu, year, ct);
        await RedeemChongqingAsync(services, db, data, orgs, chongqing, year, ct);
    }

    /// <summary>
    /// 蓉芯's Chengdu voucher on its engineer's recent uses at 重庆大学 (a Sichuan voucher in Chongqing): one reserved, one
    /// submitted by the instrument manager, one approved and paid in a payout batch, one approved and waiting for the next
    /// batch, one rejected, one withdrawn.
    /// </summary>
    private static async Task RedeemChengduAsync(IServiceProvider services, AppDbContext db, DemoVoucherData data, Dictionary<string, Guid> orgs, Guid programme,
        int year, CancellationToken ct)
    {
        var code = await db.Set<Voucher>().AsNoTracking().Where(v => v.ProgrammeId == programme && v.HolderOrganizationId == orgs["rongxin"])
            .OrderByDescending(v => v.FaceValueFen).Select(v => v.Code).FirstAsync(ct);
        var uses = await RecentUsesAsync(db, orgs["rongxin"], orgs["cqu"], 6, ct);
        var ids = new List<Guid>();
        foreach (var use in uses)
        {
            ids.Add(await RedeemAsync(services, RongxinAdmin, code, new RedemptionInput(use, null), ct));
        }
        for (var i = 1; i < ids.Count - 1; i++)
        {
            var invoice = string.Create(CultureInfo.InvariantCulture, $"CD{year}{i:D6}");
            await AsAsync(services, CquManager, async sp =>
            {
                using var proof = new MemoryStream(DemoBookings.DemoReport);
                Require(await sp.GetRequiredService<VoucherRedemptions>().SubmitAsync(ids[i], invoice, "proof.pdf", proof, proof.Length, ct), "submit (Chengdu)");
            });
        }
        await AsAsync(services, SichuanAdmin, async sp =>
        {
            var redemptions = sp.GetRequiredService<VoucherRedemptions>();
            if (ids.Count > 2)
            {
                Require(await redemptions.DecideAsync(ids[2], new RedemptionDecisionInput(true), ct), "approve redemption (Chengdu)");
                // The first approved one is paid to 重庆大学, so the payouts and the settlement show paid money; the next waits.
                await PayAsync(sp, orgs["cqu"], string.Create(CultureInfo.InvariantCulture, $"CD-BANK-{year}-0001"), ct);
            }
            if (ids.Count > 3)
            {
                Require(await redemptions.DecideAsync(ids[3], new RedemptionDecisionInput(true), ct), "approve redemption (Chengdu)");
            }
            if (ids.Count > 4)
            {
                Require(await redemptions.DecideAsync(ids[4], new RedemptionDecisionInput(false, Reason: data.Texts.RejectReason), ct), "reject redemption (Chengdu)");
            }
        });
        if (ids.Count > 5)
        {
            await AsAsync(services, RongxinAdmin, async sp => Require(await sp.GetRequiredService<VoucherRedemptions>().WithdrawAsync(ids[5], ct), "withdraw (Chengdu)"));
        }
    }

    /// <summary>
    /// 两江微测's Chongqing voucher on its own uses at 重庆大学 (通用: claimed with the invoice at once): one waiting, one
    /// approved, one on a municipal plan project (30 %) approved with the project confirmed, one returned for correction.
    /// </summary>
    private static async Task RedeemChongqingAsync(IServiceProvider services, AppDbContext db, DemoVoucherData data, Dictionary<string, Guid> orgs, Guid programme,
        int year, CancellationToken ct)
    {
        var code = await db.Set<Voucher>().AsNoTracking().Where(v => v.ProgrammeId == programme && v.HolderOrganizationId == orgs["ljwc"]).Select(v => v.Code).FirstAsync(ct);
        var uses = await AddUsesAsync(services, db, orgs["ljwc"], orgs["cqu"], 4, data.Texts.Purpose, ct);
        var ids = new List<Guid>();
        foreach (var (use, i) in uses.Select((u, i) => (u, i)))
        {
            var project = i == 2 ? Year(data.Texts.ScienceProjectNo, year) : null;
            var invoice = string.Create(CultureInfo.InvariantCulture, $"CQ{year}{i + 1:D6}");
            ids.Add(await RedeemAsync(services, LiangjiangAdmin, code, new RedemptionInput(use, null, ScienceProjectNo: project, InvoiceNumber: invoice), ct));
        }
        await AsAsync(services, ChongqingAdmin, async sp =>
        {
            var redemptions = sp.GetRequiredService<VoucherRedemptions>();
            Require(await redemptions.DecideAsync(ids[1], new RedemptionDecisionInput(true), ct), "approve redemption (Chongqing)");
            Require(await redemptions.DecideAsync(ids[2], new RedemptionDecisionInput(true, ProjectConfirmed: true), ct), "approve project redemption (Chongqing)");
            Require(await redemptions.ReturnAsync(ids[3], data.Texts.ReturnReason, ct), "return redemption (Chongqing)");
        });
    }

    /// <summary>
    /// Pays the approved redemptions waiting for <paramref name="payee"/> as the payouts page does, as the signed-in region
    /// administrator: a batch, its signed export (the bank's file), then marked paid with the bank's reference.
    /// </summary>
    private static async Task PayAsync(IServiceProvider sp, Guid payee, string bankReference, CancellationToken ct)
    {
        var payouts = sp.GetRequiredService<VoucherPayouts>();
        var (batch, created) = await payouts.CreateAsync(new PayoutBatchInput(null, payee), ct);
        Require(created, "payout batch");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (file, exported) = await payouts.ExportAsync(batch!.Id, ct);
        Require(exported, "export payout batch");
        file!.Dispose();
        sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoVouchers)).LogDebug("Demo step {Step}: {Seconds:0.000} s", "payout export", watch.Elapsed.TotalSeconds);
        Require(await payouts.MarkPaidAsync(batch.Id, new PayoutPaidInput(bankReference), ct), "pay payout batch");
    }

    private static Task<Guid> RedeemAsync(IServiceProvider services, string email, string code, RedemptionInput input, CancellationToken ct) =>
        AsAsync(services, email, async sp =>
        {
            var (created, result) = await sp.GetRequiredService<VoucherRedemptions>().RedeemAsync(code, input, ct);
            Require(result, "redeem");
            return created!.Id;
        });

    /// <summary>The holder's latest completed, charged uses at the provider, newest first.</summary>
    private static Task<List<Guid>> RecentUsesAsync(AppDbContext db, Guid holder, Guid provider, int count, CancellationToken ct) =>
        db.Set<InstrumentBooking>().AsNoTracking()
            .Where(b => b.UserOrganizationId == holder && b.OwnerOrganizationId == provider && b.Status == BookingStatus.Completed && b.FeeFen > 0 && b.CheckedOutAt != null)
            .OrderByDescending(b => b.CheckedOutAt).Take(count).Select(b => b.Id).ToListAsync(ct);

    /// <summary>
    /// Completed evening uses (19:00, two hours) of the provider's busiest instruments by the holder's administrator on
    /// the last working days, with their usage records as check-out writes them: 两江微测 is new to the demo, so its
    /// history is not in <see cref="DemoBookings"/>. Instruments charged by the hour only; the evenings are clear of the demo's other bookings.
    /// </summary>
    private static async Task<List<Guid>> AddUsesAsync(IServiceProvider services, AppDbContext db, Guid holder, Guid provider, int count, string purpose,
        CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Email == LiangjiangAdmin).Select(u => u.Id).FirstAsync(ct);
        var instruments = await db.Set<Resource>().AsNoTracking().Include(r => r.Fees)
            .Where(r => r.OrganizationId == provider && r.Kind == ResourceKind.Instrument && r.Status == ResourceStatus.Published && r.SharingStatus == SharingStatus.OpenToAll)
            .OrderByDescending(r => r.OriginalValueFen).ThenBy(r => r.Name).ToListAsync(ct);
        // Those charged by the hour (a per-sample price leaves a booking without a fee).
        instruments = [.. instruments.Where(r => BookingRulesCheck.PriceFen(r.Fees.Select(FeeRef.From), FeeUserType.Enterprise, 120) > 0).Take(count)];
        var manager = await db.Users.AsNoTracking().Where(u => u.Email == CquManager).Select(u => u.Id).FirstAsync(ct);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var day = new DateTimeOffset(now.ToOffset(Display.ChinaStandardTime).Date, Display.ChinaStandardTime);
        var ids = new List<Guid>();
        for (var i = 0; ids.Count < count && instruments.Count > 0; i++)
        {
            day = day.AddDays(-1);
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }
            var instrument = instruments[ids.Count % instruments.Count];
            var start = day.AddHours(19);
            var b = new InstrumentBooking
            {
                Id = Guid.CreateVersion7(),
                ResourceId = instrument.Id,
                OwnerOrganizationId = provider,
                UserId = user,
                UserOrganizationId = holder,
                BookedBy = user,
                UserType = BookingRulesCheck.Classify(false, true, instrument.RegionCode == "500000"),
                StartAt = start.ToUniversalTime(),
                EndAt = start.AddHours(2).ToUniversalTime(),
                BlockedUntil = start.AddHours(2).ToUniversalTime(),
                Status = BookingStatus.Approved,
                Purpose = purpose,
                CreatedAt = start.AddDays(-4).ToUniversalTime(),
                CheckedInAt = start.ToUniversalTime(),
            };
            b.DecidedBy = manager;
            b.DecidedAt = start.AddDays(-3).ToUniversalTime();
            db.Add(UsageLog.ToRecord(BookingService.CheckOut(b, provider, instrument.Fees.Select(FeeRef.From), start.AddHours(2).ToUniversalTime())));
            db.Add(b);
            ids.Add(b.Id);
        }
        await db.SaveChangesAsync(ct);
        return ids;
    }

    /// <summary>Creates the programme as its region's administrator, funds it and opens it; its id.</summary>
    private static Task<Guid> ProgrammeAsync(IServiceProvider services, string admin, string region, long budgetFen, VoucherProgrammeInput input, CancellationToken ct) =>
        AsAsync(services, admin, async sp =>
        {
            var programmes = sp.GetRequiredService<VoucherProgrammes>();
            var (created, result) = await programmes.CreateAsync(region, input, ct);
            Require(result, $"create {input.Code}");
            Require(await programmes.SetBudgetAsync(created!.Id, budgetFen, null, ct), $"fund {input.Code}");
            Require(await programmes.SetStatusAsync(created.Id, VoucherProgrammeStatus.Open, null, ct), $"open {input.Code}");
            return created.Id;
        });

    /// <summary>The providers as registered and approved by their region's administrator (the decision through the service, audited).</summary>
    private static async Task AddProvidersAsync(IServiceProvider services, AppDbContext db, DemoVoucherData data, Dictionary<string, Guid> orgs, CancellationToken ct)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var row in data.Providers.Where(p => orgs.ContainsKey(p.Org)))
        {
            var org = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == orgs[row.Org], ct);
            if (await db.Set<VoucherProvider>().AnyAsync(p => p.OrganizationId == org.Id, ct))
            {
                continue;
            }
            var admin = await db.Users.AsNoTracking().Where(u => u.Email == row.Admin).Select(u => u.Id).FirstAsync(ct);
            var provider = new VoucherProvider
            {
                Id = Guid.CreateVersion7(),
                OrganizationId = org.Id,
                RegionCode = org.RegionCode,
                Categories = VoucherServiceCategory.InstrumentUse | VoucherServiceCategory.Testing,
                Services = row.Services,
                Status = VoucherProviderStatus.Pending,
                CreatedBy = admin,
                CreatedAt = now,
            };
            db.Add(provider);
            await db.SaveChangesAsync(ct);
            await AsAsync(services, row.Admin, async sp => Require(await sp.GetRequiredService<VoucherProviders>()
                .DecideAsync(provider.Id, new VoucherProviderDecision(VoucherProviderStatus.Approved, null), ct), $"approve provider {row.Org}"));
        }
    }

    /// <summary>The Chongqing enterprise (verified, with its confirmed SME declaration) and the two enterprises' administrators, where missing.</summary>
    private static async Task AddPeopleAsync(IServiceProvider services, AppDbContext db, DemoVoucherData data, Dictionary<string, Guid> orgs, DateTimeOffset now, CancellationToken ct)
    {
        var added = new Dictionary<string, Organization>();
        foreach (var (o, i) in data.Organizations.Select((o, i) => (o, i)))
        {
            var existing = await db.Organizations.AsNoTracking().Where(x => x.Name == o.Name).Select(x => (Guid?)x.Id).FirstOrDefaultAsync(ct);
            if (existing is { } id)
            {
                orgs[o.Key] = id;
                continue;
            }
            // Its credit code continues the demo's serials after DemoData's organisations.
            var org = DemoData.NewOrganization(new DemoData.DemoOrganization(o.Key, o.Name, OrganizationKind.Enterprise, o.DistrictCode, o.Address, o.CreditPrefix),
                DemoData.Organizations.Length + 1 + i, now);
            db.Organizations.Add(org);
            orgs[o.Key] = org.Id;
            added[o.Key] = org;
        }
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var clock = services.GetRequiredService<TimeProvider>();
        var ids = new Dictionary<string, Guid>();
        foreach (var a in data.Accounts)
        {
            if (await users.FindByEmailAsync(a.Email) is { } found)
            {
                ids[a.Email] = found.Id;
                continue;
            }
            var (user, errors) = await Registration.CreateUserAsync(users, a.Email, DemoData.Password, a.DisplayName, clock);
            if (user is null)
            {
                throw new InvalidOperationException($"Demo account {a.Email}: {string.Join("; ", errors.SelectMany(e => e.Value))}");
            }
            user.EmailConfirmed = true;
            await users.UpdateAsync(user);
            ids[a.Email] = user.Id;
            var org = orgs[a.Org];
            db.Memberships.Add(new Membership { Id = Guid.CreateVersion7(), OrganizationId = org, UserId = user.Id, Status = MembershipStatus.Approved, RequestedAt = now, DecidedAt = now });
            db.RoleGrants.Add(new RoleGrant { Id = Guid.CreateVersion7(), UserId = user.Id, Role = PlatformRole.Member, OrganizationId = org, GrantedAt = now });
            db.RoleGrants.Add(new RoleGrant { Id = Guid.CreateVersion7(), UserId = user.Id, Role = PlatformRole.OrgAdmin, OrganizationId = org, GrantedAt = now });
        }
        if (added.Count > 0)
        {
            var confirmer = await db.Users.AsNoTracking().Where(u => u.Email == ChongqingAdmin).Select(u => u.Id).FirstAsync(ct);
            DemoSmes.Add(db, added, ids[LiangjiangAdmin], confirmer, services.GetRequiredService<Infrastructure.Crypto.FieldProtector>(), now);
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Runs <paramref name="work"/> in a fresh scope signed in as the demo account (its grants, second factor satisfied), as a request would.</summary>
    private static async Task<T> AsAsync<T>(IServiceProvider services, string email, Func<IServiceProvider, Task<T>> work)
    {
        using var scope = services.CreateScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<AppDbContext>();
        var user = await db.Users.AsNoTracking().Where(u => u.Email == email).Select(u => new { u.Id, u.DisplayName }).FirstAsync();
        var grants = await db.RoleGrants.AsNoTracking().Where(g => g.UserId == user.Id).Select(g => new ScopedRole(g.Role, g.RegionCode, g.OrganizationId)).ToListAsync();
        sp.GetRequiredService<CurrentUser>().SignedIn(user.Id, Guid.Empty, email, user.DisplayName, false, false, false, true, true, grants);
        return await work(sp);
    }

    private static Task<bool> AsAsync(IServiceProvider services, string email, Func<IServiceProvider, Task> work) =>
        AsAsync(services, email, async sp =>
        {
            await work(sp);
            return true;
        });

    private static void Require(ServiceResult result, string step)
    {
        if (result is not ServiceResult.Ok)
        {
            throw new InvalidOperationException($"Demo vouchers, {step}: {result} {result.FailureMessage}");
        }
    }
}
