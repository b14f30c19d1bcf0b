using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Data;

/// <summary>
/// Demo booking history for six instruments of 重庆大学 (whose instrument manager is a demo account): eight weeks of
/// completed uses with their usage records, fees and some ratings, a no-show and a cancellation, and bookings three to
/// five weeks ahead, pending and approved, so the approval queue and the week view have something to show. Written
/// straight into the tables (past bookings could not pass the booking rules). Seeded once: nothing is added when any
/// booking exists.
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
                    usage.Add(BookingService.CheckOut(b, instrument, checkedOut.ToUniversalTime()));
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
        await db.SaveChangesAsync(ct);
    }
}
