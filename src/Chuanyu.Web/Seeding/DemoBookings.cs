using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Evaluation;
using Chuanyu.Web.Features.ServiceOrders;
using Chuanyu.Web.Features.Usage;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// Demo booking history for six instruments of 重庆大学 (whose instrument manager is a demo account): eight weeks of
/// completed uses with their usage records, fees and some ratings, a no-show and a cancellation, and bookings three to
/// five weeks ahead, pending and approved, so the approval queue and the week view have something to show; service
/// orders at each step, registered results; before that the last complete year of every demo instrument
/// (<see cref="DemoYear"/>), and that year's evaluation computed from it. Written straight into the tables (past
/// bookings could not pass the booking rules). Seeded once: nothing is added when any booking exists.
/// </summary>
public static class DemoBookings
{
    private sealed record DemoUser(string? Email, Guid UserId, Guid OrganizationId, OrganizationKind Kind, string RegionCode);

    private static readonly string[] Comments =
    [
        "预约审核很快，工程师讲解细致，数据质量好。",
        "设备状态良好，测试结果与预期一致。",
        "送样当天完成测试，报告清楚。",
        "上机前的培训很实用，下次还会预约。",
        "仪器排队时间较长，希望增加开放时段。",
    ];

    private static readonly string[] Purposes =
    [
        "锂电池正极材料表面形貌观察",
        "钛合金焊缝断口分析",
        "纳米催化剂颗粒尺寸统计",
        "复合材料界面元素分布测试",
        "课题组研究生毕业论文样品表征",
        "企业来样：涂层厚度与成分检测",
    ];

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<AppDbContext>();
        if (await db.Set<InstrumentBooking>().AnyAsync(ct))
        {
            return;
        }
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var cqu = await db.Organizations.AsNoTracking().Where(o => o.Name == "重庆大学").Select(o => new { o.Id, o.RegionCode }).FirstOrDefaultAsync(ct);
        if (cqu is null)
        {
            return;
        }
        var instruments = await db.Set<Resource>().AsNoTracking().Include(r => r.Fees)
            .Where(r => r.OrganizationId == cqu.Id && r.Kind == ResourceKind.Instrument && r.Status == ResourceStatus.Published && r.SharingStatus == SharingStatus.OpenToAll)
            .OrderByDescending(r => r.OriginalValueFen).ThenBy(r => r.Name).Take(6).ToListAsync(ct);
        string[] emails = ["scu.researcher@chuanyu.demo", "engineer@chuanyu.demo", "cqu.admin@chuanyu.demo"];
        var people = await (from u in db.Users.AsNoTracking()
                            where emails.Contains(u.Email!)
                            join g in db.RoleGrants.AsNoTracking() on u.Id equals g.UserId
                            where g.Role == PlatformRole.Member && g.OrganizationId != null
                            join o in db.Organizations.AsNoTracking() on g.OrganizationId equals o.Id
                            select new DemoUser(u.Email, u.Id, o.Id, o.Kind, o.RegionCode)).ToListAsync(ct);
        var users = emails.Select(e => people.FirstOrDefault(p => p.Email == e)).Where(p => p is not null).Select(p => p!).ToList();
        var managerId = await db.Users.AsNoTracking().Where(u => u.Email == "cqu.instrument@chuanyu.demo").Select(u => u.Id).FirstOrDefaultAsync(ct);
        if (instruments.Count == 0 || users.Count == 0 || managerId == Guid.Empty)
        {
            return;
        }

        var today = new DateTimeOffset(now.ToOffset(Display.ChinaStandardTime).Date, Display.ChinaStandardTime);
        var bookings = new List<InstrumentBooking>();
        var usage = new List<UsageRecord>();
        var ratings = new List<BookingRating>();
        var n = 0;
        // A booking of the demo: its user type from the organisations, decided by the manager a day after the request.
        InstrumentBooking NewBooking(Resource instrument, DemoUser user, DateTimeOffset start, DateTimeOffset end, BookingStatus status,
            DateTimeOffset createdAt, int bufferMinutes) => new()
            {
                Id = Guid.CreateVersion7(),
                ResourceId = instrument.Id,
                OwnerOrganizationId = cqu.Id,
                UserId = user.UserId,
                UserOrganizationId = user.OrganizationId,
                BookedBy = user.UserId,
                UserType = BookingRulesCheck.Classify(user.OrganizationId == cqu.Id, user.Kind == OrganizationKind.Enterprise, user.RegionCode == cqu.RegionCode),
                StartAt = start.ToUniversalTime(),
                EndAt = end.ToUniversalTime(),
                BlockedUntil = end.AddMinutes(bufferMinutes).ToUniversalTime(),
                Status = status,
                Purpose = Purposes[n % Purposes.Length],
                CreatedAt = createdAt.ToUniversalTime(),
                DecidedBy = status == BookingStatus.Pending ? null : managerId,
                DecidedAt = status == BookingStatus.Pending ? null : (createdAt.AddDays(1) < now ? createdAt.AddDays(1) : now).ToUniversalTime(),
            };
        foreach (var (instrument, index) in instruments.Select((r, i) => (r, i)))
        {
            if (index < 2)
            {
                db.Add(new BookingRules
                {
                    ResourceId = instrument.Id,
                    BufferMinutes = index == 0 ? 30 : 0,
                    QualificationRequired = false,
                    UserQuotaHoursPerMonth = index == 1 ? 40 : null,
                    LateCancelFeeFen = 100_00,
                    NoShowFeeFen = 200_00,
                    UpdatedBy = managerId,
                    UpdatedAt = now,
                    Version = 1,
                });
            }
            // Past weekdays: a use about every third day, mornings and afternoons in turn.
            for (var day = -56 + index; day < 0; day += 3)
            {
                var date = today.AddDays(day);
                if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
                {
                    continue;
                }
                var user = users[n % users.Count];
                var start = date.AddHours(n % 2 == 0 ? 9 : 14);
                var end = start.AddHours(1 + n % 3);
                var status = n % 17 == 5 ? BookingStatus.NoShow : n % 13 == 7 ? BookingStatus.Cancelled : BookingStatus.Approved;
                var b = NewBooking(instrument, user, start, end, status, start.AddDays(-5), 0);
                b.CancelledAt = status == BookingStatus.Cancelled ? start.AddDays(-2).ToUniversalTime() : null;
                b.FeeFen = status == BookingStatus.NoShow ? 200_00 : null;
                if (status == BookingStatus.Approved)
                {
                    // Used: checked in around the start, out up to half an hour early; the usage record as the service writes it.
                    b.CheckedInAt = start.AddMinutes(-5 + n % 10).ToUniversalTime();
                    var checkedOut = end.AddMinutes(-(n % 4) * 10);
                    usage.Add(UsageLog.ToRecord(BookingService.CheckOut(b, instrument.OrganizationId, instrument.Fees.Select(FeeRef.From), checkedOut.ToUniversalTime())));
                    if (n % 3 == 0)
                    {
                        ratings.Add(new BookingRating
                        {
                            Id = Guid.CreateVersion7(),
                            BookingId = b.Id,
                            ResourceId = instrument.Id,
                            UserId = user.UserId,
                            Score = n % 5 == 4 ? 3 : n % 2 == 0 ? 5 : 4,
                            Comment = Comments[n % Comments.Length],
                            CreatedAt = checkedOut.AddHours(2).ToUniversalTime(),
                        });
                    }
                }
                bookings.Add(b);
                n++;
            }
            // Three to five weeks ahead: two waiting for approval, one approved.
            var taken = new HashSet<DateTimeOffset>();
            foreach (var (ahead, status) in new[] { (22, BookingStatus.Pending), (29, BookingStatus.Approved), (31, BookingStatus.Pending) })
            {
                var date = today.AddDays(ahead + index);
                while (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || !taken.Add(date))
                {
                    date = date.AddDays(1);
                }
                var user = users[n % users.Count];
                var start = date.AddHours(10);
                var end = start.AddHours(2);
                bookings.Add(NewBooking(instrument, user, start, end, status, now, index == 0 ? 30 : 0));
                n++;
            }
        }
        db.AddRange(bookings);
        db.AddRange(usage);
        db.AddRange(ratings);
        AddServiceOrders(db, instruments, users, cqu.Id, managerId, now);
        AddInstrumentOutputs(db, instruments, managerId, today);
        await db.SaveChangesAsync(ct);
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoBookings));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // The year before the recent history begins (its first day is 56 days back).
        await DemoYear.SeedAsync(services, now, today.AddDays(-56), ct);
        log.LogDebug("Demo step {Step}: {Seconds:0.000} s", nameof(DemoYear), watch.Elapsed.TotalSeconds);
        watch.Restart();
        await EvaluateAsync(services, db, ct);
        log.LogDebug("Demo step {Step}: {Seconds:0.000} s", "evaluation", watch.Elapsed.TotalSeconds);
    }

    /// <summary>A tiny but well-formed PDF, the demo's test report.</summary>
    internal static readonly byte[] DemoReport = System.Text.Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" +
        "trailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>Service orders at each step: completed (with its usage record), waiting for acceptance, quoted, submitted.</summary>
    private static void AddServiceOrders(AppDbContext db, List<Resource> instruments, List<DemoUser> users, Guid owner, Guid managerId, DateTimeOffset now)
    {
        var steps = new[] { ServiceOrderStatus.Completed, ServiceOrderStatus.Reported, ServiceOrderStatus.Quoted, ServiceOrderStatus.Submitted };
        foreach (var (status, i) in steps.Select((s, i) => (s, i)))
        {
            var instrument = instruments[i % instruments.Count];
            var user = users[i % users.Count];
            var type = BookingRulesCheck.Classify(user.OrganizationId == owner, user.Kind == OrganizationKind.Enterprise, user.RegionCode == instrument.RegionCode);
            var created = now.AddDays(-20 + i * 5);
            var o = new ServiceOrder
            {
                Id = Guid.CreateVersion7(),
                ResourceId = instrument.Id,
                OwnerOrganizationId = owner,
                RequesterId = user.UserId,
                RequesterOrganizationId = user.OrganizationId,
                UserType = type,
                Status = ServiceOrderStatus.Submitted,
                Items = i % 2 == 0 ? "表面形貌观察\n能谱元素分析" : "断口形貌分析",
                ItemCount = i % 2 == 0 ? 2 : 1,
                Samples = $"涂层试样\t{3 + i}\n基体对照样\t1",
                SampleCount = 4 + i,
                Purpose = Purposes[(i + 3) % Purposes.Length] + "，样品已干燥、编号。",
                CreatedAt = created,
            };
            o.Number = ServiceOrderService.NumberOf(o.Id, created);
            if (status != ServiceOrderStatus.Submitted && ServiceOrderService.Price(instrument.Fees.Select(FeeRef.From), type, o.SampleCount, o.ItemCount, 2 + i) is { } price)
            {
                o.Status = ServiceOrderStatus.Quoted;
                o.PriceUnit = price.Unit;
                o.UnitPriceFen = price.UnitPriceFen;
                o.Quantity = price.Quantity;
                o.QuoteFen = price.FeeFen;
                o.QuoteNote = "含制样与报告费用";
                o.QuotedAt = created.AddDays(1);
            }
            if (o.Status == ServiceOrderStatus.Quoted && status is ServiceOrderStatus.Reported or ServiceOrderStatus.Completed)
            {
                o.AcceptedAt = created.AddDays(2);
                o.StartedAt = created.AddDays(3);
                o.ReportedAt = created.AddDays(6);
                o.MachineMinutes = (2 + i) * 60;
                o.ReportFileName = $"{o.Number} 检测报告.pdf";
                o.Status = ServiceOrderStatus.Reported;
                db.Add(new ServiceOrderReport { OrderId = o.Id, FileName = o.ReportFileName, Content = DemoReport, UploadedBy = managerId, UploadedAt = o.ReportedAt.Value });
                if (status == ServiceOrderStatus.Completed)
                {
                    db.Add(UsageLog.ToRecord(ServiceOrderService.Complete(o, created.AddDays(8))));
                }
            }
            db.Add(o);
        }
    }

    /// <summary>Outputs (results and function developments) of this year for the two busiest instruments, so the evaluation counts some.</summary>
    private static void AddInstrumentOutputs(AppDbContext db, List<Resource> instruments, Guid managerId, DateTimeOffset today)
    {
        var titles = new (InstrumentOutputKind Kind, string Title)[]
        {
            (InstrumentOutputKind.Paper, "高镍正极材料表面重构的原位电镜研究"),
            (InstrumentOutputKind.Patent, "一种扫描电镜样品台快速定位装置"),
            (InstrumentOutputKind.Paper, "钛合金激光焊缝组织与断裂行为"),
            (InstrumentOutputKind.FunctionDevelopment, "开发低电压下生物样品免镀膜观察方法"),
            (InstrumentOutputKind.Project, "国家重点研发计划课题：先进电池材料表征"),
        };
        var year = today.Year;
        foreach (var (item, i) in titles.Select((t, i) => (t, i)))
        {
            db.Add(new InstrumentOutput
            {
                Id = Guid.CreateVersion7(),
                ResourceId = instruments[i % Math.Min(2, instruments.Count)].Id,
                Kind = item.Kind,
                Title = item.Title,
                AchievedOn = new DateOnly(year, 1 + i * 2 % 12, 10) is var d && d <= DateOnly.FromDateTime(today.Date) ? d : DateOnly.FromDateTime(today.Date),
                CreatedBy = managerId,
                CreatedAt = today.ToUniversalTime(),
            });
        }
    }

    /// <summary>The last complete year's evaluation, with the default scheme, so the report page opens on a ranking.</summary>
    private static async Task EvaluateAsync(IServiceProvider services, AppDbContext db, CancellationToken ct)
    {
        var admin = await db.Users.AsNoTracking().Where(u => u.Email == "sysadmin@chuanyu.demo").Select(u => u.Id).FirstOrDefaultAsync(ct);
        var runner = services.GetRequiredService<EvaluationRunner>();
        var run = await runner.QueueAsync(EvaluationRunner.LastCompleteYear(services.GetRequiredService<TimeProvider>()), admin, ct);
        await db.SaveChangesAsync(ct);
        await runner.RunAsync(run.Id, ct);
    }
}
