using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.MarketEvents;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// Matchmaking events of both regions (issue 17 point 7): a finished one of 重庆大学 with registrations, held meetings and
/// their outcomes, an upcoming one of 电子科技大学 open for registration, and an online one of Sichuan's administrator.
/// All invented and marked 示例 (synthetic); the contact names and phones are made up.
/// </summary>
public static class DemoMarketEvents
{
    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var protector = services.GetRequiredService<FieldProtector>();
        if (!protector.CanProtect || await db.Set<MatchmakingEvent>().AnyAsync(ct))
        {
            return;
        }
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var orgs = await db.Set<Organization>().ToDictionaryAsync(o => o.Name, o => o.Id, ct);
        var users = await db.Users.Where(u => u.Email != null && u.Email.EndsWith("@chuanyu.demo")).ToDictionaryAsync(u => u.Email!, u => u.Id, ct);
        // Midnight in China, kept as a UTC instant: PostgreSQL's timestamptz takes no other offset.
        var today = new DateTimeOffset(now.ToOffset(Infrastructure.Display.ChinaStandardTime).Date, Infrastructure.Display.ChinaStandardTime).ToUniversalTime();

        MatchmakingEvent Event(string title, string disciplines, string organizer, string region, string creator, DateTimeOffset start, bool online, string place,
            MatchmakingEventStatus status) => new()
            {
                Id = Guid.CreateVersion7(),
                Title = title,
                Disciplines = disciplines,
                Description = "示例活动：成果持有方与企业一对一洽谈，现场展示科技成果与技术需求（演示数据）。",
                OrganizerOrganizationId = orgs[organizer],
                RegionCode = region,
                CreatedBy = users[creator],
                StartsAt = start,
                EndsAt = start.AddHours(8),
                Online = online,
                Address = online ? null : place,
                OnlineUrl = online ? place : null,
                Capacity = 40,
                RegistrationDeadline = start.AddDays(-2),
                SlotMinutes = 30,
                Tables = 6,
                MeetingsStartAt = start.AddHours(5),
                MeetingsEndAt = start.AddHours(8),
                Status = status,
                Synthetic = true,
                CreatedAt = start.AddDays(-30),
                UpdatedAt = start.AddDays(-30),
            };
        var past = Event("川渝新材料成果对接会（示例）", "430,480", "重庆大学", "500000", "cqu.admin@chuanyu.demo", today.AddDays(-20).AddHours(9), false,
            "重庆大学 A 区 国际会议中心（示例）", MatchmakingEventStatus.Finished);
        var open = Event("电子信息技术成果对接会（示例）", "510,520", "电子科技大学", "510000", "sc.admin@chuanyu.demo", today.AddDays(21).AddHours(9), false,
            "电子科技大学 清水河校区（示例）", MatchmakingEventStatus.Published);
        var online = Event("川渝生物医药线上对接会（示例）", "310,350", "四川省科学技术厅", "510000", "sc.admin@chuanyu.demo", today.AddDays(35).AddHours(9), true,
            "https://meeting.example.org/chuanyu-demo", MatchmakingEventStatus.Published);
        db.AddRange(past, open, online);

        (string Org, string Contact, string Phone, string Note, string By)[] registrants =
        [
            ("成都蓉芯微纳检测技术有限公司", "赵工（示例）", "13800000101", "寻求半导体材料表征合作", "engineer@chuanyu.demo"),
            ("四川大学", "李老师（示例）", "13800000102", "提供高分子材料成果", "scu.researcher@chuanyu.demo"),
            ("重庆大学", "张老师（示例）", "13800000103", "提供镁合金轻量化技术", "cqu.instrument@chuanyu.demo"),
        ];
        foreach (var e in new[] { past, open })
        {
            foreach (var r in registrants)
            {
                db.Add(new EventRegistration
                {
                    Id = Guid.CreateVersion7(),
                    EventId = e.Id,
                    OrganizationId = orgs[r.Org],
                    ContactName = r.Contact,
                    ContactPhoneProtected = protector.Protect(r.Phone),
                    Note = r.Note,
                    Status = RegistrationStatus.Registered,
                    RegisteredBy = users[r.By],
                    CreatedAt = e.CreatedAt.AddDays(1),
                });
            }
        }
        (string From, string To, int Slot, MeetingOutcome From1, MeetingOutcome To1)[] meetings =
        [
            ("成都蓉芯微纳检测技术有限公司", "四川大学", 0, MeetingOutcome.DealStarted, MeetingOutcome.Interest),
            ("成都蓉芯微纳检测技术有限公司", "重庆大学", 1, MeetingOutcome.Interest, MeetingOutcome.Interest),
            ("四川大学", "重庆大学", 2, MeetingOutcome.NoInterest, MeetingOutcome.NoInterest),
        ];
        foreach (var m in meetings)
        {
            var slot = past.MeetingsStartAt.AddMinutes(30 * m.Slot);
            var meeting = new EventMeeting
            {
                Id = Guid.CreateVersion7(),
                EventId = past.Id,
                RequesterOrganizationId = orgs[m.From],
                TargetOrganizationId = orgs[m.To],
                SlotStart = slot,
                TableNumber = 1,
                Status = MeetingStatus.Accepted,
                RequestedBy = users["engineer@chuanyu.demo"],
                CreatedAt = past.CreatedAt.AddDays(5),
                AnsweredAt = past.CreatedAt.AddDays(6),
                RequesterOutcome = m.From1,
                TargetOutcome = m.To1,
            };
            db.Add(meeting);
            db.Add(new EventMeetingHold { Id = Guid.CreateVersion7(), MeetingId = meeting.Id, EventId = past.Id, OrganizationId = meeting.RequesterOrganizationId, SlotStart = slot });
            db.Add(new EventMeetingHold { Id = Guid.CreateVersion7(), MeetingId = meeting.Id, EventId = past.Id, OrganizationId = meeting.TargetOrganizationId, SlotStart = slot });
        }
        await db.SaveChangesAsync(ct);
    }
}
