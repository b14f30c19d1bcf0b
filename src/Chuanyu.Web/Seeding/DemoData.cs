using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// Demo organisations and accounts for a first run. Only seeded when <c>Demo:Seed</c> is true and the environment is
/// Development or Demo, so a production deployment can never carry a known password. The institutions are real
/// ones of both regions; their credit codes are generated (structurally valid, with correct check characters),
/// not their registered codes.
/// </summary>
public static class DemoData
{
    public const string Password = "Chuanyu@2026";

    public sealed record DemoOrganization(string Key, string Name, OrganizationKind Kind, string DistrictCode, string Address, string CreditPrefix, bool Verified = true);

    public sealed record DemoAccount(string Email, string DisplayName, PlatformRole Role, string? Region = null, string? Org = null);

    public static readonly DemoOrganization[] Organizations =
    [
        new("cqst", "重庆市科学技术局", OrganizationKind.GovernmentAgency, "500112", "重庆市渝北区青枫北路", "11"),
        new("scst", "四川省科学技术厅", OrganizationKind.GovernmentAgency, "510105", "四川省成都市青羊区", "11"),
        new("cqu", "重庆大学", OrganizationKind.University, "500106", "重庆市沙坪坝区沙正街174号", "12"),
        new("swu", "西南大学", OrganizationKind.University, "500109", "重庆市北碚区天生路2号", "12"),
        new("scu", "四川大学", OrganizationKind.University, "510107", "四川省成都市武侯区一环路南一段24号", "12"),
        new("uestc", "电子科技大学", OrganizationKind.University, "510117", "四川省成都市高新区（西区）西源大道2006号", "12"),
        new("cib", "中国科学院成都生物研究所", OrganizationKind.ResearchInstitute, "510107", "四川省成都市武侯区人民南路四段9号", "12"),
        new("cqmetro", "重庆市计量质量检测研究院", OrganizationKind.ServiceProvider, "500112", "重庆市渝北区", "12"),
        new("rongxin", "成都蓉芯微纳检测技术有限公司", OrganizationKind.Enterprise, "510116", "四川省成都市双流区（示例企业）", "91"),
        new("yuxin", "重庆渝新智能装备有限公司", OrganizationKind.Enterprise, "500112", "重庆市渝北区（示例企业，待审核）", "91", Verified: false),
        new("cqmu", "重庆医科大学", OrganizationKind.University, "500103", "重庆市渝中区医学院路1号", "12"),
        new("swjtu", "西南交通大学", OrganizationKind.University, "510117", "四川省成都市郫都区犀安路999号", "12"),
        new("swpu", "西南石油大学", OrganizationKind.University, "510114", "四川省成都市新都区新都大道8号", "12"),
        new("cigit", "中国科学院重庆绿色智能技术研究院", OrganizationKind.ResearchInstitute, "500109", "重庆市北碚区方正大道266号", "12"),
        new("saas", "四川省农业科学院", OrganizationKind.ResearchInstitute, "510104", "四川省成都市锦江区静居寺路20号", "12"),
    ];

    public static readonly DemoAccount[] Accounts =
    [
        new("sysadmin@chuanyu.demo", "系统管理员 何平", PlatformRole.SystemAdmin),
        new("secadmin@chuanyu.demo", "安全管理员 邓琳", PlatformRole.SecurityAdmin),
        new("auditadmin@chuanyu.demo", "审计管理员 郑洁", PlatformRole.AuditAdmin),
        new("cq.admin@chuanyu.demo", "重庆市科技局 刘敏", PlatformRole.RegionAdmin, Region: "500000", Org: "cqst"),
        new("sc.admin@chuanyu.demo", "四川省科技厅 王强", PlatformRole.RegionAdmin, Region: "510000", Org: "scst"),
        new("cqu.admin@chuanyu.demo", "重庆大学 陈静（单位管理员）", PlatformRole.OrgAdmin, Org: "cqu"),
        new("cqu.instrument@chuanyu.demo", "重庆大学 张伟（仪器管理员）", PlatformRole.ResourceManager, Org: "cqu"),
        new("scu.researcher@chuanyu.demo", "四川大学 李娜（研究员）", PlatformRole.Member, Org: "scu"),
        new("engineer@chuanyu.demo", "蓉芯检测 赵磊（工程师）", PlatformRole.Member, Org: "rongxin"),
        new("expert1@chuanyu.demo", "电子科技大学 周建国（专家）", PlatformRole.Expert, Org: "uestc"),
        new("expert2@chuanyu.demo", "西南大学 吴晓梅（专家）", PlatformRole.Expert, Org: "swu"),
        new("techmanager@chuanyu.demo", "技术经理人 孙浩", PlatformRole.TechManager),
    ];

    public static bool ShouldSeed(IConfiguration configuration, IHostEnvironment env) =>
        configuration.GetValue<bool>("Demo:Seed") && (env.IsDevelopment() || env.IsEnvironment("Demo"));

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<AppDbContext>();
        // Seeded once: a database that already holds the demo organisations is left as it is.
        if (await db.Organizations.AnyAsync(o => o.Name == Organizations[0].Name, ct))
        {
            await DemoCatalog.SeedAsync(services, ct);
            await DemoBookings.SeedAsync(services, ct);
            await DemoVouchers.SeedAsync(services, ct);
            // market (issue 17): added to a demo database seeded before it existed.
            await DemoMarket.SeedAsync(services, ct);
            await DemoDeals.SeedAsync(services, ct);
            return;
        }
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var clock = services.GetRequiredService<TimeProvider>();
        var audit = services.GetRequiredService<AuditLog>();
        var now = clock.GetUtcNow();

        var orgIds = new Dictionary<string, Guid>();
        var orgs = new Dictionary<string, Organization>();
        var serial = 0;
        foreach (var o in Organizations)
        {
            var org = NewOrganization(o, ++serial, now);
            orgIds[o.Key] = org.Id;
            orgs[o.Key] = org;
            db.Organizations.Add(org);
        }

        var userIds = new Dictionary<string, Guid>();
        foreach (var a in Accounts)
        {
            var (user, errors) = await Registration.CreateUserAsync(users, a.Email, Password, a.DisplayName, clock);
            if (user is null)
            {
                throw new InvalidOperationException($"Demo account {a.Email}: {string.Join("; ", errors.SelectMany(e => e.Value))}");
            }
            user.EmailConfirmed = true;
            await users.UpdateAsync(user);
            userIds[a.Email] = user.Id;
            if (a.Org is not null)
            {
                db.Memberships.Add(new Membership { Id = Guid.CreateVersion7(), OrganizationId = orgIds[a.Org], UserId = user.Id, Status = MembershipStatus.Approved, RequestedAt = now, DecidedAt = now });
                db.RoleGrants.Add(new RoleGrant { Id = Guid.CreateVersion7(), UserId = user.Id, Role = PlatformRole.Member, OrganizationId = orgIds[a.Org], GrantedAt = now });
            }
            if (a.Role != PlatformRole.Member)
            {
                var orgScoped = a.Role is PlatformRole.OrgAdmin or PlatformRole.ResourceManager;
                db.RoleGrants.Add(new RoleGrant
                {
                    Id = Guid.CreateVersion7(),
                    UserId = user.Id,
                    Role = a.Role,
                    RegionCode = a.Region,
                    OrganizationId = orgScoped ? orgIds[a.Org!] : null,
                    GrantedAt = now,
                });
            }
        }
        // Work waiting for the demo administrators: a pending organisation (above) and a pending membership request.
        db.Memberships.Add(new Membership { Id = Guid.CreateVersion7(), OrganizationId = orgIds["cqu"], UserId = userIds["techmanager@chuanyu.demo"], Status = MembershipStatus.Pending, RequestedAt = now });
        // sme (issue 15): 蓉芯 is a confirmed 科技型中小企业, declared by its engineer and confirmed by Sichuan's administrator.
        DemoSmes.Add(db, orgs, userIds["engineer@chuanyu.demo"], userIds["sc.admin@chuanyu.demo"], services.GetRequiredService<Infrastructure.Crypto.FieldProtector>(), now);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("demo.seed", null, detail: $"{Organizations.Length} organisations, {Accounts.Length} accounts", ct: ct);
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoData));
        log.LogDebug("Demo step {Step}: {Seconds:0.000} s", "organisations and accounts", watch.Elapsed.TotalSeconds);
        async Task StepAsync(string step, Func<IServiceProvider, CancellationToken, Task> seed)
        {
            var started = watch.Elapsed;
            await seed(services, ct);
            log.LogDebug("Demo step {Step}: {Seconds:0.000} s", step, (watch.Elapsed - started).TotalSeconds);
        }
        await StepAsync(nameof(DemoCatalog), DemoCatalog.SeedAsync);
        await StepAsync(nameof(DemoBookings), DemoBookings.SeedAsync);
        await StepAsync(nameof(DemoVouchers), DemoVouchers.SeedAsync);
        // experts (issue 16): the synthetic pool, and the demo expert accounts linked to profiles.
        await StepAsync(nameof(DemoExperts), DemoExperts.SeedAsync);
        // integrity (issue 16 point 6): four synthetic records, one of them active on a demo expert (kept off the demo draws).
        await StepAsync(nameof(DemoIntegrity), DemoIntegrity.SeedAsync);
        await StepAsync(nameof(DemoReviews), DemoReviews.SeedAsync);
        // contracts (issue 17 point 6): 600 illustrative registered contracts over two years, for the statistics.
        await StepAsync(nameof(DemoContracts), DemoContracts.SeedAsync);
        // market (issue 17): illustrative research results and demands at the demo institutions.
        await StepAsync(nameof(DemoMarket), DemoMarket.SeedAsync);
        // events (issue 17 point 5): matchmaking events of both regions, one finished with meetings and outcomes, each
        // showing demo results and demands of its field (示例): after the market, whose records they show.
        await StepAsync(nameof(DemoMarketEvents), DemoMarketEvents.SeedAsync);
        // deals (issue 17 point 4): the demo technology manager approved, and illustrative deals at every stage.
        await StepAsync(nameof(DemoDeals), DemoDeals.SeedAsync);
    }

    /// <summary>A demo organisation; <paramref name="serial"/> is its place in <see cref="Organizations"/> (from 1), which fixes its credit code.</summary>
    internal static Organization NewOrganization(DemoOrganization o, int serial, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        Name = o.Name,
        Kind = o.Kind,
        CreditCode = MakeCreditCode(o.CreditPrefix, o.DistrictCode, serial),
        RegionCode = o.DistrictCode.StartsWith("50", StringComparison.Ordinal) ? "500000" : "510000",
        DistrictCode = o.DistrictCode,
        Address = o.Address,
        Status = o.Verified ? OrganizationStatus.Verified : OrganizationStatus.Pending,
        CreatedAt = now,
        VerifiedAt = o.Verified ? now : null,
    };

    /// <summary>A structurally valid credit code: authority+type, division, a GB 11714 organisation code with its check digit, then the GB 32100 check.</summary>
    internal static string MakeCreditCode(string prefix, string divisionCode, int serial)
    {
        var body = (73_000_000 + (serial * 104_729 % 9_000_000)).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        int[] w = [3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (body[i] - '0') * w[i];
        }
        var c = 11 - (sum % 11);
        var check = c == 10 ? "X" : c == 11 ? "0" : c.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return CreditCode.Complete(prefix + divisionCode + body + check);
    }
}
