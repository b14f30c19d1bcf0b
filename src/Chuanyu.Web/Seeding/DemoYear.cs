using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Evaluation;
using Chuanyu.Web.Features.ServiceOrders;
using Chuanyu.Web.Features.Usage;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// A year of use for every published demo instrument of both regions: the last complete year (China Standard Time),
/// up to the first day of <see cref="DemoBookings"/>' recent history, so the annual evaluation grades a whole year.
/// Working days only (weekends, New Year, the Spring Festival week, May Day and the National Day week off); completed
/// bookings with their usage records as check-out writes them, a few cancellations and no-shows, ratings; service
/// orders for the instruments that charge per sample; training records for the people who began using an
/// instrument; and the results and function developments its managers registered. The instruments are spread over
/// the grades as a real institution's are: about one in eight excellent, most good or passing, one in five poor.
/// The people are the demo accounts and, for the institutions without one, two members each who cannot sign in.
/// Deterministic (a fixed seed: the same figures and grades on every machine; the row ids are fresh, as everywhere in
/// the demo); the rows are written in bulk, in one transaction.
/// </summary>
public static class DemoYear
{
    /// <summary>The seed of the generator: the same history on every machine and run.</summary>
    public const ulong Seed = 20251231;

    /// <summary>Members of the institutions that have no demo account (they own instruments, so someone uses them inside).</summary>
    public static readonly (string Org, string Email, string DisplayName)[] People =
    [
        ("cqmu", "cqmu.yangfan@chuanyu.demo", "重庆医科大学 杨帆（博士研究生）"),
        ("cqmu", "cqmu.huangli@chuanyu.demo", "重庆医科大学 黄丽（副教授）"),
        ("swjtu", "swjtu.luojie@chuanyu.demo", "西南交通大学 罗杰（讲师）"),
        ("swjtu", "swjtu.songyutong@chuanyu.demo", "西南交通大学 宋雨桐（硕士研究生）"),
        ("swpu", "swpu.tangzhiyuan@chuanyu.demo", "西南石油大学 唐志远（副研究员）"),
        ("swpu", "swpu.fengxue@chuanyu.demo", "西南石油大学 冯雪（博士研究生）"),
        ("cigit", "cigit.xiechen@chuanyu.demo", "中国科学院重庆绿色智能技术研究院 谢晨（助理研究员）"),
        ("cigit", "cigit.hanlei@chuanyu.demo", "中国科学院重庆绿色智能技术研究院 韩磊（工程师）"),
        ("saas", "saas.zouxiaoyan@chuanyu.demo", "四川省农业科学院 邹晓燕（研究员）"),
        ("saas", "saas.zengkai@chuanyu.demo", "四川省农业科学院 曾凯（助理研究员）"),
        ("cib", "cib.pengjing@chuanyu.demo", "中国科学院成都生物研究所 彭静（副研究员）"),
        ("cib", "cib.jiangtao@chuanyu.demo", "中国科学院成都生物研究所 蒋涛（博士后）"),
        ("cqmetro", "cqmetro.yuanbo@chuanyu.demo", "重庆市计量质量检测研究院 袁博（检测工程师）"),
        ("cqmetro", "cqmetro.dengjia@chuanyu.demo", "重庆市计量质量检测研究院 邓佳（检测工程师）"),
    ];

    private static readonly string[] PurposeTemplates =
    [
        "{0}样品表征",
        "课题组{0}研究样品测试",
        "国家自然科学基金项目：{0}相关实验",
        "研究生学位论文实验（{0}）",
        "省级重点研发项目：{0}测试",
        "横向合作项目：{0}检测分析",
        "{0}方向预实验与条件优化",
    ];

    private static readonly string[] EnterprisePurposes = ["企业委托：{0}检测", "产品研发：{0}性能验证", "来料检验与质量控制（{0}）"];

    private static readonly string[] PaperAspects = ["微观结构与性能研究", "表征方法研究", "关键机理研究", "演化规律研究"];

    private static readonly (InstrumentOutputKind Kind, string Template, double Weight)[] OutputKinds =
    [
        (InstrumentOutputKind.Paper, "{0}的{1}", 0.55),
        (InstrumentOutputKind.Project, "国家自然科学基金面上项目：{0}{1}", 0.15),
        (InstrumentOutputKind.Patent, "一种{0}样品的快速制备与测试方法", 0.15),
        (InstrumentOutputKind.Award, "{0}关键技术及应用（省科学技术进步奖）", 0.1),
        (InstrumentOutputKind.Standard, "团体标准：{0}检测方法", 0.05),
    ];

    private static readonly string[] FunctionTemplates = ["开发{0}样品专用测试方法", "研制{0}原位测试附件", "建立{0}数据自动处理流程"];

    private static readonly string[] OrderItems = ["常规测试", "定量分析", "图谱解析", "重复性测试"];

    private static readonly (int Score, string Comment)[] Comments =
    [
        (5, "预约审核很快，工程师讲解细致，数据质量好。"),
        (5, "设备状态良好，测试结果与预期一致。"),
        (5, "老师非常专业，帮助优化了测试方案。"),
        (5, "上机前的培训很实用，下次还会预约。"),
        (4, "整体满意，数据可靠。"),
        (4, "仪器运行稳定，收费合理。"),
        (4, "排队稍久，但测试质量不错。"),
        (3, "仪器排队时间较长，希望增加开放时段。"),
        (3, "样品前处理说明可以更详细一些。"),
        (2, "预约后临时调整了时间，影响了实验安排。"),
        (2, "设备中途出现故障，重新测试耗费时间。"),
    ];

    private sealed record Person(Guid UserId, Guid OrganizationId, OrganizationKind Kind, string RegionCode);

    /// <summary>What the history aims at for one instrument: a grade, a score within it, and the hours of a year.</summary>
    private sealed record Aim(EvaluationGrade Grade, double Score, double Hours);

    /// <summary>
    /// Writes the year before <paramref name="until"/> (the first day of the recent history) when that is in the last
    /// complete year; returns how many usage records it wrote. Called once, from <see cref="DemoBookings.SeedAsync"/>.
    /// </summary>
    public static async Task<int> SeedAsync(IServiceProvider services, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var clock = services.GetRequiredService<TimeProvider>();
        var year = EvaluationRunner.LastCompleteYear(clock);
        var (from, yearEnd) = EvaluationRunner.YearOf(year);
        var to = until < yearEnd ? until : yearEnd;
        var days = WorkingDays(from, to);
        if (days.Count == 0)
        {
            return 0;
        }

        var people = await PeopleAsync(services, db, now, ct);
        var orgs = await db.Organizations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => (o.Name, o.Kind), ct);
        var managers = await (from g in db.RoleGrants.AsNoTracking()
                              where g.Role == PlatformRole.ResourceManager && g.OrganizationId != null
                              select new { OrganizationId = g.OrganizationId!.Value, g.UserId }).ToListAsync(ct);
        var managerOf = managers.GroupBy(m => m.OrganizationId).ToDictionary(g => g.Key, g => g.Min(m => m.UserId));
        var instruments = (await db.Set<Resource>().AsNoTracking().Include(r => r.Fees)
                .Where(r => r.Kind == ResourceKind.Instrument && r.Status == ResourceStatus.Published).ToListAsync(ct))
            .OrderBy(r => orgs.TryGetValue(r.OrganizationId, out var o) ? o.Name : "", StringComparer.Ordinal)
            .ThenBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Model ?? "", StringComparer.Ordinal).ToList();
        if (instruments.Count == 0 || people.Count == 0)
        {
            return 0;
        }

        var rng = new SplitMix(Seed);
        var aims = AimAt(instruments, rng);
        var scheme = EvaluationScheme.Default;
        var history = new History();
        foreach (var instrument in instruments)
        {
            var owner = orgs.GetValueOrDefault(instrument.OrganizationId);
            Generate(history, instrument, owner.Kind, aims[instrument.Id], scheme, people, days, managerOf.GetValueOrDefault(instrument.OrganizationId), rng, now);
        }

        // In bulk and in one transaction: tens of thousands of rows, which EF's inserts took seconds to write.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await BulkInsert.WriteAsync(db, history.Bookings, ct);
        await BulkInsert.WriteAsync(db, history.Usage, ct);
        await BulkInsert.WriteAsync(db, history.Ratings, ct);
        await BulkInsert.WriteAsync(db, history.Qualifications, ct);
        await BulkInsert.WriteAsync(db, history.Orders, ct);
        await BulkInsert.WriteAsync(db, history.Reports, ct);
        await BulkInsert.WriteAsync(db, history.Outputs, ct);
        await tx.CommitAsync(ct);
        return history.Usage.Count;
    }

    /// <summary>The working days in [from, to), China Standard Time, without weekends and the long public holidays.</summary>
    internal static List<DateOnly> WorkingDays(DateTimeOffset from, DateTimeOffset to)
    {
        var first = DateOnly.FromDateTime(from.ToOffset(Display.ChinaStandardTime).DateTime);
        var last = DateOnly.FromDateTime(to.ToOffset(Display.ChinaStandardTime).DateTime);
        var lunar = new ChineseLunisolarCalendar();
        var holidays = new HashSet<DateOnly>();
        for (var y = first.Year; y <= last.Year; y++)
        {
            var springFestival = DateOnly.FromDateTime(lunar.ToDateTime(y, 1, 1, 0, 0, 0, 0));
            for (var d = -1; d < 7; d++)
            {
                holidays.Add(springFestival.AddDays(d));
            }
            holidays.Add(new DateOnly(y, 1, 1));
            for (var d = 1; d <= 5; d++)
            {
                holidays.Add(new DateOnly(y, 5, d));
            }
            for (var d = 1; d <= 7; d++)
            {
                holidays.Add(new DateOnly(y, 10, d));
            }
        }
        var days = new List<DateOnly>();
        for (var d = first; d < last; d = d.AddDays(1))
        {
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !holidays.Contains(d))
            {
                days.Add(d);
            }
        }
        return days;
    }

    /// <summary>The demo accounts who belong to an institution that uses instruments, and the members added for the others.</summary>
    private static async Task<List<Person>> PeopleAsync(IServiceProvider services, AppDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var orgs = await db.Organizations.AsNoTracking().Where(o => o.Status == OrganizationStatus.Verified)
            .Select(o => new { o.Id, o.Name, o.Kind, o.RegionCode }).ToListAsync(ct);
        var byKey = DemoData.Organizations.Select(o => (o.Key, Org: orgs.FirstOrDefault(x => x.Name == o.Name))).Where(x => x.Org is not null)
            .ToDictionary(x => x.Key, x => x.Org!);
        // Added as Identity would (normalised names, stamps) in one save: no password, so a member in the data, not an
        // account anyone signs in with.
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var emails = People.Select(p => users.NormalizeEmail(p.Email)).ToList();
        var existing = await db.Users.AsNoTracking().Where(u => emails.Contains(u.NormalizedEmail!)).Select(u => u.NormalizedEmail!).ToListAsync(ct);
        foreach (var (org, email, name) in People)
        {
            if (!byKey.TryGetValue(org, out var o) || existing.Contains(users.NormalizeEmail(email)))
            {
                continue;
            }
            var user = new AppUser
            {
                Id = Guid.CreateVersion7(),
                UserName = email,
                NormalizedUserName = users.NormalizeName(email),
                Email = email,
                NormalizedEmail = users.NormalizeEmail(email),
                EmailConfirmed = true,
                LockoutEnabled = true,
                SecurityStamp = Guid.NewGuid().ToString("N"),
                ConcurrencyStamp = Guid.NewGuid().ToString(),
                DisplayName = name,
                CreatedAt = now,
            };
            db.Users.Add(user);
            db.Memberships.Add(new Membership { Id = Guid.CreateVersion7(), OrganizationId = o.Id, UserId = user.Id, Status = MembershipStatus.Approved, RequestedAt = now, DecidedAt = now });
            db.RoleGrants.Add(new RoleGrant { Id = Guid.CreateVersion7(), UserId = user.Id, Role = PlatformRole.Member, OrganizationId = o.Id, GrantedAt = now });
        }
        await db.SaveChangesAsync(ct);
        var members = await db.RoleGrants.AsNoTracking().Where(g => g.Role == PlatformRole.Member && g.OrganizationId != null)
            .Select(g => new { g.UserId, OrganizationId = g.OrganizationId!.Value }).ToListAsync(ct);
        var demoEmails = DemoData.Accounts.Select(a => a.Email).Concat(People.Select(p => p.Email)).ToList();
        var demoUsers = await db.Users.AsNoTracking().Where(u => demoEmails.Contains(u.Email!)).Select(u => new { u.Id, u.Email }).ToListAsync(ct);
        var order = demoEmails.Select((e, i) => (e, i)).ToDictionary(x => x.e, x => x.i, StringComparer.OrdinalIgnoreCase);
        var byId = orgs.ToDictionary(o => o.Id);
        return (from u in demoUsers
                join m in members on u.Id equals m.UserId
                where byId.ContainsKey(m.OrganizationId) && byId[m.OrganizationId].Kind != OrganizationKind.GovernmentAgency
                orderby order[u.Email!], m.OrganizationId
                select new Person(u.Id, m.OrganizationId, byId[m.OrganizationId].Kind, byId[m.OrganizationId].RegionCode)).ToList();
    }

    /// <summary>
    /// The grade each instrument's year aims at: within each region, in an order the seed shuffles, about one in eight
    /// excellent, three in eight good, two in seven passing and the rest poor; then a score within the grade and the hours.
    /// </summary>
    private static Dictionary<Guid, Aim> AimAt(List<Resource> instruments, SplitMix rng)
    {
        var aims = new Dictionary<Guid, Aim>();
        foreach (var region in instruments.GroupBy(r => r.RegionCode).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var list = region.ToList();
            for (var i = list.Count - 1; i > 0; i--)
            {
                var j = rng.Next(i + 1);
                (list[i], list[j]) = (list[j], list[i]);
            }
            var excellent = Math.Max(1, (int)Math.Round(list.Count * 0.13));
            var good = (int)Math.Round(list.Count * 0.37);
            var pass = (int)Math.Round(list.Count * 0.28);
            for (var i = 0; i < list.Count; i++)
            {
                var grade = i < excellent ? EvaluationGrade.Excellent : i < excellent + good ? EvaluationGrade.Good
                    : i < excellent + good + pass ? EvaluationGrade.Pass : EvaluationGrade.Poor;
                aims[list[i].Id] = grade switch
                {
                    EvaluationGrade.Excellent => new Aim(grade, rng.Between(87, 97), rng.Between(1150, 1600)),
                    EvaluationGrade.Good => new Aim(grade, rng.Between(72, 83.5), rng.Between(780, 1150)),
                    EvaluationGrade.Pass => new Aim(grade, rng.Between(61.5, 68.5), rng.Between(480, 800)),
                    _ => new Aim(grade, rng.Between(25, 56), rng.Between(40, 420)),
                };
            }
        }
        return aims;
    }

    private sealed class History
    {
        public List<InstrumentBooking> Bookings { get; } = [];
        public List<UsageRecord> Usage { get; } = [];
        public List<BookingRating> Ratings { get; } = [];
        public List<InstrumentQualification> Qualifications { get; } = [];
        public List<ServiceOrder> Orders { get; } = [];
        public List<ServiceOrderReport> Reports { get; } = [];
        public List<InstrumentOutput> Outputs { get; } = [];
    }

    /// <summary>One instrument's year: its users, the days' sessions, then the training records and outputs that bring its score to the aim.</summary>
    private static void Generate(History history, Resource instrument, OrganizationKind ownerKind, Aim aim, EvaluationScheme scheme, List<Person> people,
        List<DateOnly> days, Guid manager, SplitMix rng, DateTimeOffset now)
    {
        var owner = instrument.OrganizationId;
        // Who decides the bookings and signs the reports: the instrument manager where the demo has one, else whoever entered the record.
        var staff = manager == Guid.Empty ? instrument.CreatedBy : manager;
        var fees = instrument.Fees.Select(FeeRef.From).ToList();
        var hourly = fees.Any(f => BookingRulesCheck.IsHourly(f.Unit));
        var perSample = !hourly && fees.Count > 0;
        var fields = (instrument.ApplicationFields ?? "").TrimEnd('。').Split('、', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length == 0)
        {
            fields = [instrument.Name];
        }

        // Who uses it: the owner's people, and outside people as its sharing allows (more of them the better it does).
        var inside = people.Where(p => p.OrganizationId == owner).DistinctBy(p => p.UserId).ToList();
        var outside = instrument.SharingStatus switch
        {
            SharingStatus.InternalOnly => [],
            SharingStatus.WithinRegion => people.Where(p => p.OrganizationId != owner && p.RegionCode == instrument.RegionCode).DistinctBy(p => p.UserId).ToList(),
            _ => people.Where(p => p.OrganizationId != owner).DistinctBy(p => p.UserId).ToList(),
        };
        var level = aim.Grade switch { EvaluationGrade.Excellent => 1.0, EvaluationGrade.Good => 0.75, EvaluationGrade.Pass => 0.5, _ => 0.25 };
        var externalCount = Math.Min(outside.Count, 2 + (int)Math.Round(level * 8) + rng.Next(3));
        var external = outside.OrderBy(p => (p.RegionCode == instrument.RegionCode ? 0 : 0.4) + rng.NextDouble()).Take(externalCount).ToList();
        // Service providers and enterprises mostly serve others; universities and institutes mostly themselves.
        var externalShare = external.Count == 0 ? 0 : inside.Count == 0 ? 1
            : ownerKind is OrganizationKind.ServiceProvider or OrganizationKind.Enterprise ? rng.Between(0.55, 0.85) : rng.Between(0.15, 0.55);

        // The sessions: two to eight hours between 08:30 and 18:00 (shorter runs where it charges per sample), held when
        // the year so far is behind the aimed hours by the next session's length, so the year adds up to them.
        var lengths = hourly ? new[] { (2.0, 0.1), (3.0, 0.15), (4.0, 0.3), (6.0, 0.2), (8.0, 0.25) } : [(2.0, 0.2), (3.0, 0.3), (4.0, 0.3), (6.0, 0.2)];
        var next = Pick(lengths, rng);
        double done = 0;
        var firstUse = new Dictionary<Guid, DateTimeOffset>();
        long minutes = 0, internalFen = 0, externalFen = 0;
        for (var i = 0; i < days.Count; i++)
        {
            var want = aim.Hours * (i + 1) / days.Count - done;
            if (want < 0.8 * next || rng.NextDouble() < 0.1)
            {
                continue;
            }
            var day = new DateTimeOffset(days[i].ToDateTime(TimeOnly.MinValue), Display.ChinaStandardTime);
            var at = 8 * 60 + 30 + 30 * rng.Next(2);
            while (want >= 0.8 * next)
            {
                var hours = Math.Min(next, Math.Floor((18 * 60 - at) / 30.0) / 2);
                if (hours < 2)
                {
                    break;
                }
                next = Pick(lengths, rng);
                var start = day.AddMinutes(at);
                var end = start.AddHours(hours);
                var user = external.Count > 0 && (inside.Count == 0 || rng.NextDouble() < externalShare) ? external[rng.Next(external.Count)] : inside[rng.Next(inside.Count)];
                var type = BookingRulesCheck.Classify(user.OrganizationId == owner, user.Kind == OrganizationKind.Enterprise, user.RegionCode == instrument.RegionCode);
                var field = fields[rng.Next(fields.Length)];
                var purpose = string.Format(CultureInfo.InvariantCulture,
                    user.Kind == OrganizationKind.Enterprise ? EnterprisePurposes[rng.Next(EnterprisePurposes.Length)] : PurposeTemplates[rng.Next(PurposeTemplates.Length)],
                    field);
                UsageRecord? use = null;
                if (perSample && rng.NextDouble() < 0.3 && Order(history, instrument, fees, user, type, field, purpose, start, end, staff, rng) is { } order)
                {
                    use = order;
                }
                else
                {
                    var roll = rng.NextDouble();
                    var status = roll < 0.03 ? BookingStatus.Cancelled : roll < 0.04 ? BookingStatus.NoShow : BookingStatus.Approved;
                    var created = start.AddDays(-1 - rng.Next(10)).AddHours(-rng.Next(6));
                    var b = new InstrumentBooking
                    {
                        Id = Guid.CreateVersion7(),
                        ResourceId = instrument.Id,
                        OwnerOrganizationId = owner,
                        UserId = user.UserId,
                        UserOrganizationId = user.OrganizationId,
                        BookedBy = user.UserId,
                        UserType = type,
                        StartAt = start.ToUniversalTime(),
                        EndAt = end.ToUniversalTime(),
                        BlockedUntil = end.ToUniversalTime(),
                        Status = status,
                        Purpose = purpose,
                        CreatedAt = created.ToUniversalTime(),
                        DecidedBy = manager == Guid.Empty ? null : manager, // no manager in the demo: approved automatically
                        DecidedAt = created.AddHours(2 + rng.Next(20)).ToUniversalTime(),
                        CancelledAt = status == BookingStatus.Cancelled ? start.AddDays(-1 - rng.Next(2)).ToUniversalTime() : null,
                    };
                    if (status == BookingStatus.Approved)
                    {
                        // Used: checked in around the start, out up to half an hour early; the usage record as check-out writes it.
                        b.CheckedInAt = start.AddMinutes(-rng.Next(11)).ToUniversalTime();
                        var checkedOut = end.AddMinutes(-5 * rng.Next(7));
                        use = UsageLog.ToRecord(BookingService.CheckOut(b, owner, fees, checkedOut.ToUniversalTime()));
                        if (rng.NextDouble() < 0.25)
                        {
                            history.Ratings.Add(Rating(b, aim.Grade, checkedOut, rng));
                        }
                        // Trained before the first time at the instrument (sample testing needs no training).
                        firstUse.TryAdd(user.UserId, start);
                    }
                    history.Bookings.Add(b);
                }
                if (use is not null)
                {
                    history.Usage.Add(use);
                    minutes += use.Minutes;
                    if (use.External)
                    {
                        externalFen += use.FeeFen;
                    }
                    else
                    {
                        internalFen += use.FeeFen;
                    }
                }
                want -= hours;
                done += hours;
                at += (int)(hours * 60) + 30 * rng.Next(3);
            }
        }

        // Training, results and function developments: the combination nearest the aimed score within the aimed grade,
        // leaning towards what an instrument of that grade would have (more of each for the better ones).
        var trained = firstUse.OrderBy(x => x.Value).ThenBy(x => x.Key).ToList();
        var figures = new EvaluationResult { EffectiveMinutes = minutes, IncomeInternalFen = internalFen, IncomeExternalFen = externalFen };
        var hint = (Trainees: level * 10 * rng.Between(0.7, 1.1), Results: level * 5 * rng.Between(0.6, 1.2), Functions: level >= 0.75 && rng.NextDouble() < 0.7 ? 1 : 0);
        (int T, int R, int F) best = (0, 0, 0);
        var bestCost = double.MaxValue;
        for (var t = 0; t <= Math.Min(12, trained.Count); t++)
        {
            for (var r = 0; r <= 8; r++)
            {
                for (var f = 0; f <= 1; f++)
                {
                    figures.Trainees = t;
                    figures.Results = r;
                    figures.Functions = f;
                    var score = Math.Round(scheme.Scores(figures).Sum(), 1);
                    var cost = Math.Abs(score - aim.Score) + 0.6 * Math.Abs(t - hint.Trainees) + 1.2 * Math.Abs(r - hint.Results) + (f == hint.Functions ? 0 : 3)
                               + (scheme.Grade(score) == aim.Grade ? 0 : 1000);
                    if (cost < bestCost)
                    {
                        (best, bestCost) = ((t, r, f), cost);
                    }
                }
            }
        }
        var year = days[0].Year;
        foreach (var (userId, first) in trained.Take(best.T))
        {
            var granted = first.AddDays(-1 - rng.Next(5));
            history.Qualifications.Add(new InstrumentQualification
            {
                Id = Guid.CreateVersion7(),
                ResourceId = instrument.Id,
                UserId = userId,
                GrantedBy = staff,
                // Within the year, where the evaluation counts it.
                GrantedAt = (granted.Year < year ? first.AddHours(-2) : granted).ToUniversalTime(),
                ExpiresOn = DateOnly.FromDateTime(first.AddYears(2).DateTime),
            });
        }
        var lastDay = days[^1];
        for (var k = 0; k < best.R + best.F; k++)
        {
            var field = fields[rng.Next(fields.Length)];
            var (kind, title) = k < best.R ? Output(field, rng) : (InstrumentOutputKind.FunctionDevelopment,
                string.Format(CultureInfo.InvariantCulture, FunctionTemplates[rng.Next(FunctionTemplates.Length)], field));
            var on = new DateOnly(year, 1, 1).AddDays(rng.Next(lastDay.DayNumber - new DateOnly(year, 1, 1).DayNumber + 1));
            var createdAt = new DateTimeOffset(on.ToDateTime(new TimeOnly(10, 0)), Display.ChinaStandardTime).AddDays(3 + rng.Next(20));
            history.Outputs.Add(new InstrumentOutput
            {
                Id = Guid.CreateVersion7(),
                ResourceId = instrument.Id,
                Kind = kind,
                Title = title,
                AchievedOn = on,
                CreatedBy = staff,
                CreatedAt = (createdAt < now ? createdAt : now).ToUniversalTime(),
            });
        }
    }

    /// <summary>A sample-testing order for the session, completed with its report as the service writes it; null when the schedule has no price for the customer.</summary>
    private static UsageRecord? Order(History history, Resource instrument, List<FeeRef> fees, Person user, FeeUserType type, string field, string purpose,
        DateTimeOffset start, DateTimeOffset end, Guid staff, SplitMix rng)
    {
        var samples = 2 + rng.Next(14);
        var items = 1 + rng.Next(3);
        if (ServiceOrderService.Price(fees, type, samples, items, null) is not { } price)
        {
            return null;
        }
        var created = start.AddDays(-3 - rng.Next(5)).AddHours(-rng.Next(6));
        var o = new ServiceOrder
        {
            Id = Guid.CreateVersion7(),
            ResourceId = instrument.Id,
            OwnerOrganizationId = instrument.OrganizationId,
            RequesterId = user.UserId,
            RequesterOrganizationId = user.OrganizationId,
            UserType = type,
            Status = ServiceOrderStatus.Reported,
            Items = string.Join('\n', OrderItems.Take(items)),
            ItemCount = items,
            Samples = $"{field}样品\t{samples}",
            SampleCount = samples,
            Purpose = purpose + "，样品已编号。",
            PriceUnit = price.Unit,
            UnitPriceFen = price.UnitPriceFen,
            Quantity = price.Quantity,
            QuoteFen = price.FeeFen,
            QuoteNote = "按收费标准报价，含制样与报告费用",
            CreatedAt = created.ToUniversalTime(),
            QuotedAt = created.AddDays(1).ToUniversalTime(),
            AcceptedAt = created.AddDays(1).AddHours(3).ToUniversalTime(),
            StartedAt = start.ToUniversalTime(),
            ReportedAt = end.AddDays(1).ToUniversalTime(),
            MachineMinutes = (int)(end - start).TotalMinutes,
        };
        o.Number = ServiceOrderService.NumberOf(o.Id, created);
        o.ReportFileName = $"{o.Number} 检测报告.pdf";
        history.Orders.Add(o);
        history.Reports.Add(new ServiceOrderReport { OrderId = o.Id, FileName = o.ReportFileName, Content = DemoBookings.DemoReport, UploadedBy = staff, UploadedAt = o.ReportedAt.Value });
        return UsageLog.ToRecord(ServiceOrderService.Complete(o, end.AddDays(2).ToUniversalTime()));
    }

    private static BookingRating Rating(InstrumentBooking b, EvaluationGrade grade, DateTimeOffset checkedOut, SplitMix rng)
    {
        // Better instruments are rated better, on the whole.
        var roll = rng.NextDouble() + grade switch { EvaluationGrade.Excellent => 0.3, EvaluationGrade.Good => 0.15, EvaluationGrade.Pass => 0, _ => -0.15 };
        var score = roll > 0.75 ? 5 : roll > 0.35 ? 4 : roll > 0.08 ? 3 : 2;
        var comments = Comments.Where(c => c.Score == score).ToList();
        return new BookingRating
        {
            Id = Guid.CreateVersion7(),
            BookingId = b.Id,
            ResourceId = b.ResourceId,
            UserId = b.UserId,
            Score = score,
            Comment = rng.NextDouble() < 0.7 ? comments[rng.Next(comments.Count)].Comment : null,
            CreatedAt = checkedOut.AddHours(1 + rng.Next(48)).ToUniversalTime(),
        };
    }

    private static (InstrumentOutputKind Kind, string Title) Output(string field, SplitMix rng)
    {
        var roll = rng.NextDouble();
        foreach (var (kind, template, weight) in OutputKinds)
        {
            roll -= weight;
            if (roll < 0 || kind == OutputKinds[^1].Kind)
            {
                return (kind, string.Format(CultureInfo.InvariantCulture, template, field, PaperAspects[rng.Next(PaperAspects.Length)]));
            }
        }
        return (InstrumentOutputKind.Paper, field);
    }

    private static double Pick((double Value, double Weight)[] choices, SplitMix rng)
    {
        var roll = rng.NextDouble();
        foreach (var (value, weight) in choices)
        {
            roll -= weight;
            if (roll < 0)
            {
                return value;
            }
        }
        return choices[^1].Value;
    }

    /// <summary>SplitMix64: the same sequence on every platform and runtime version (System.Random promises neither).</summary>
    private sealed class SplitMix(ulong state)
    {
        private ulong _state = state;

        public double NextDouble()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return ((z ^ (z >> 31)) >> 11) * (1.0 / (1UL << 53));
        }

        public int Next(int maxExclusive) => (int)(NextDouble() * maxExclusive);

        public double Between(double min, double max) => min + (max - min) * NextDouble();
    }
}
