using System.Text.Json;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Features.MarketEvents;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// Matchmaking events of both regions (issue 17 point 7): a finished one of 重庆大学 with registrations, held meetings and
/// their outcomes, an upcoming one of 电子科技大学 open for registration, and an online one of Sichuan's administrator,
/// each showing 2–4 demo results and demands of its field (exhibits). All invented and marked 示例 (synthetic); the
/// texts, contacts and phones are made up and live in the embedded <c>Data/Reference/demo-market-texts.json</c>.
/// Seeded after the market's demo, whose records the exhibits show.
/// </summary>
public static class DemoMarketEvents
{
    public sealed record ExhibitCounts(int Achievements, int Demands);

    public sealed record EventRow(string Key, string Title, string Disciplines, string Organizer, string Region, string Creator, int StartDay, bool Online,
        string Place, MatchmakingEventStatus Status, bool Registrants, ExhibitCounts Exhibits);

    public sealed record RegistrantRow(string Organization, string Contact, string Phone, string Note, string By);

    public sealed record MeetingRow(string From, string To, int Slot, MeetingOutcome FromOutcome, MeetingOutcome ToOutcome);

    public sealed record DemoTexts(string SyntheticSuffix, string EventDescription, IReadOnlyList<EventRow> Events, IReadOnlyList<RegistrantRow> Registrants,
        IReadOnlyList<MeetingRow> Meetings);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static readonly Lazy<DemoTexts> Data = new(() =>
    {
        using var stream = typeof(DemoMarketEvents).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.demo-market-texts.json")
            ?? throw new InvalidOperationException("demo-market-texts.json is not embedded.");
        return JsonSerializer.Deserialize<DemoTexts>(stream, Json) ?? throw new InvalidOperationException("demo-market-texts.json is empty.");
    });

    /// <summary>The demo's texts (also the suffix <see cref="DemoMarket"/> gives synthetic market records).</summary>
    public static DemoTexts Texts => Data.Value;

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var protector = services.GetRequiredService<FieldProtector>();
        if (!protector.CanProtect || await db.Set<MatchmakingEvent>().AnyAsync(ct))
        {
            return;
        }
        var data = Texts;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var orgs = await db.Set<Organization>().ToDictionaryAsync(o => o.Name, o => o.Id, ct);
        var users = await db.Users.Where(u => u.Email != null && u.Email.EndsWith("@chuanyu.demo")).ToDictionaryAsync(u => u.Email!, u => u.Id, ct);
        // Midnight in China, kept as a UTC instant: PostgreSQL's timestamptz takes no other offset.
        var today = new DateTimeOffset(now.ToOffset(Infrastructure.Display.ChinaStandardTime).Date, Infrastructure.Display.ChinaStandardTime).ToUniversalTime();
        var market = services.GetRequiredService<MarketDirectory>();
        var results = await market.LiveAchievements(now).OrderBy(a => a.Id).Select(a => new { a.Id, a.DisciplineCodes }).ToListAsync(ct);
        var demands = await market.LiveDemands(now).OrderBy(d => d.Id).Select(d => new { d.Id, d.DisciplineCodes }).ToListAsync(ct);

        var events = new Dictionary<string, MatchmakingEvent>(StringComparer.Ordinal);
        foreach (var row in data.Events)
        {
            var start = today.AddDays(row.StartDay).AddHours(9);
            var e = new MatchmakingEvent
            {
                Id = Guid.CreateVersion7(),
                Title = row.Title,
                Disciplines = row.Disciplines,
                Description = data.EventDescription,
                OrganizerOrganizationId = orgs[row.Organizer],
                RegionCode = row.Region,
                CreatedBy = users[row.Creator],
                StartsAt = start,
                EndsAt = start.AddHours(8),
                Online = row.Online,
                Address = row.Online ? null : row.Place,
                OnlineUrl = row.Online ? row.Place : null,
                Capacity = 40,
                RegistrationDeadline = start.AddDays(-2),
                SlotMinutes = 30,
                Tables = 6,
                MeetingsStartAt = start.AddHours(5),
                MeetingsEndAt = start.AddHours(8),
                Status = row.Status,
                Synthetic = true,
                CreatedAt = start.AddDays(-30),
                UpdatedAt = start.AddDays(-30),
            };
            events[row.Key] = e;
            db.Add(e);
            // What is on show: live demo results and demands of the event's field (a code or one under it), as the organiser adds them.
            var prefixes = row.Disciplines.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => " " + c).ToList();
            bool OfField(string codes) => prefixes.Exists(p => codes.Contains(p, StringComparison.Ordinal));
            var shown = results.Where(a => OfField(a.DisciplineCodes)).Take(row.Exhibits.Achievements).Select(a => (ExhibitKind.Achievement, a.Id))
                .Concat(demands.Where(d => OfField(d.DisciplineCodes)).Take(row.Exhibits.Demands).Select(d => (ExhibitKind.Demand, d.Id)));
            foreach (var (kind, itemId) in shown)
            {
                db.Add(new EventExhibit { Id = Guid.CreateVersion7(), EventId = e.Id, Kind = kind, ItemId = itemId, AddedBy = e.CreatedBy, AddedAt = e.CreatedAt.AddDays(1) });
            }
            if (!row.Registrants)
            {
                continue;
            }
            foreach (var r in data.Registrants)
            {
                db.Add(new EventRegistration
                {
                    Id = Guid.CreateVersion7(),
                    EventId = e.Id,
                    OrganizationId = orgs[r.Organization],
                    ContactName = r.Contact,
                    ContactPhoneProtected = protector.Protect(r.Phone),
                    Note = r.Note,
                    Status = RegistrationStatus.Registered,
                    RegisteredBy = users[r.By],
                    CreatedAt = e.CreatedAt.AddDays(1),
                });
            }
        }
        var past = events["past"];
        foreach (var m in data.Meetings)
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
                RequesterOutcome = m.FromOutcome,
                TargetOutcome = m.ToOutcome,
            };
            db.Add(meeting);
            db.Add(new EventMeetingHold { Id = Guid.CreateVersion7(), MeetingId = meeting.Id, EventId = past.Id, OrganizationId = meeting.RequesterOrganizationId, SlotStart = slot });
            db.Add(new EventMeetingHold { Id = Guid.CreateVersion7(), MeetingId = meeting.Id, EventId = past.Id, OrganizationId = meeting.TargetOrganizationId, SlotStart = slot });
        }
        await db.SaveChangesAsync(ct);
    }
}
