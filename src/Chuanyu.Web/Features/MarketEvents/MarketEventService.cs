using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.MarketEvents;

public sealed record MatchmakingEventDto(Guid Id, string Title, IReadOnlyList<string> Disciplines, string? Description, Guid OrganizerOrganizationId,
    string OrganizerName, string RegionCode, DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool Online, string? Address, string? OnlineUrl, int Capacity,
    int Registered, DateTimeOffset RegistrationDeadline, int SlotMinutes, int Tables, DateTimeOffset MeetingsStartAt, DateTimeOffset MeetingsEndAt,
    MatchmakingEventStatus Status, string? CancelReason, bool Synthetic, bool CanManage, bool RegistrationOpen, int Version);

/// <summary>The public calendar's filters: a month in China Standard Time (yyyy-MM), a region, a first-level discipline, online or on site.</summary>
public sealed record EventCalendarQuery(DateOnly? Month, string? Region, string? Discipline, bool? Online);

/// <summary>
/// Matchmaking events (对接活动): created and managed by the organiser — an organisation administrator of the organising
/// institution or an administrator of its region — and shown to everyone once published. A draft exists only for its
/// organisers (404 for anyone else); a published event refuses changes from anyone else (403).
/// </summary>
public sealed partial class MarketEventService(AppDbContext db, CurrentUser me, OrganizationDirectory organizations, UserDirectory users, FieldProtector protector,
    AuditLog audit, TimeProvider clock)
{
    /// <summary>Most events one calendar month shows.</summary>
    public const int MaxPerMonth = 500;

    public bool CanManage(MatchmakingEvent e) => CanOrganizeFor(e.OrganizerOrganizationId, e.RegionCode);

    private bool CanOrganizeFor(Guid organizationId, string regionCode) =>
        me.HasInOrganization(PlatformRole.OrgAdmin, organizationId) || me.HasInRegion(PlatformRole.RegionAdmin, regionCode);

    private static bool IsPublic(MatchmakingEvent e) => e.Status != MatchmakingEventStatus.Draft;

    /// <summary>The event as the caller may see it (a draft only for its organisers), else null.</summary>
    internal async Task<MatchmakingEvent?> VisibleAsync(Guid id, CancellationToken ct, bool track = false)
    {
        var query = track ? db.Set<MatchmakingEvent>() : db.Set<MatchmakingEvent>().AsNoTracking();
        return await query.FirstOrDefaultAsync(e => e.Id == id, ct) is { } e && (IsPublic(e) || CanManage(e)) ? e : null;
    }

    /// <summary>The event for a change by its organiser: NotFound when the caller may not see it, Forbidden when they may see but not manage it.</summary>
    internal async Task<(MatchmakingEvent? Event, ServiceResult? Refused)> ManagedAsync(Guid id, CancellationToken ct)
    {
        if (await VisibleAsync(id, ct, track: true) is not { } e)
        {
            return (null, new ServiceResult.NotFound());
        }
        return CanManage(e) ? (e, null) : (null, new ServiceResult.Forbidden());
    }

    internal bool RegistrationOpen(MatchmakingEvent e) => e.Status == MatchmakingEventStatus.Published && clock.GetUtcNow() < e.RegistrationDeadline;

    /// <summary>Published (and cancelled, so people see it was called off) events of one month in China Standard Time, by start.</summary>
    public async Task<IReadOnlyList<MatchmakingEventDto>> CalendarAsync(EventCalendarQuery q, CancellationToken ct)
    {
        var month = q.Month ?? DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(Display.ChinaStandardTime).DateTime);
        // PostgreSQL's timestamptz takes UTC instants only.
        var from = new DateTimeOffset(month.Year, month.Month, 1, 0, 0, 0, Display.ChinaStandardTime).ToUniversalTime();
        var to = new DateTimeOffset(month.Year, month.Month, 1, 0, 0, 0, Display.ChinaStandardTime).AddMonths(1).ToUniversalTime();
        var query = db.Set<MatchmakingEvent>().AsNoTracking()
            .Where(e => e.Status != MatchmakingEventStatus.Draft && e.StartsAt < to && e.EndsAt > from);
        if (!string.IsNullOrWhiteSpace(q.Region))
        {
            query = query.Where(e => e.RegionCode == q.Region);
        }
        if (q.Online is { } online)
        {
            query = query.Where(e => e.Online == online);
        }
        if (!string.IsNullOrWhiteSpace(q.Discipline))
        {
            var code = q.Discipline.Trim();
            query = query.Where(e => ("," + e.Disciplines + ",").Contains("," + code));
        }
        var rows = await query.OrderBy(e => e.StartsAt).ThenBy(e => e.Id).Take(MaxPerMonth).ToListAsync(ct);
        return await DtosAsync(rows, ct);
    }

    /// <summary>Published events from 30 days back to a year ahead, for the iCalendar feed.</summary>
    public async Task<IReadOnlyList<MatchmakingEventDto>> FeedAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var from = now.AddDays(-30);
        var to = now.AddDays(366);
        var rows = await db.Set<MatchmakingEvent>().AsNoTracking()
            .Where(e => e.Status != MatchmakingEventStatus.Draft && e.StartsAt >= from && e.StartsAt < to)
            .OrderBy(e => e.StartsAt).ThenBy(e => e.Id).Take(2000).ToListAsync(ct);
        return await DtosAsync(rows, ct);
    }

    /// <summary>The events the caller organises (drafts included), newest first.</summary>
    public async Task<IReadOnlyList<MatchmakingEventDto>> OrganizedAsync(CancellationToken ct)
    {
        var orgs = organizations.OrganizationIdsWhereIHold(PlatformRole.OrgAdmin).Where(o => me.HasInOrganization(PlatformRole.OrgAdmin, o)).ToList();
        var regions = me.AdminRegions.ToList();
        var rows = await db.Set<MatchmakingEvent>().AsNoTracking()
            .Where(e => orgs.Contains(e.OrganizerOrganizationId) || regions.Contains(e.RegionCode))
            .OrderByDescending(e => e.StartsAt).ThenBy(e => e.Id).Take(200).ToListAsync(ct);
        return await DtosAsync(rows, ct);
    }

    public async Task<MatchmakingEventDto?> GetAsync(Guid id, CancellationToken ct) =>
        await VisibleAsync(id, ct) is { } e ? (await DtosAsync([e], ct))[0] : null;

    private async Task<List<MatchmakingEventDto>> DtosAsync(IReadOnlyList<MatchmakingEvent> rows, CancellationToken ct)
    {
        var ids = rows.Select(e => e.Id).ToList();
        var counts = await db.Set<EventRegistration>().Where(r => ids.Contains(r.EventId) && r.Status == RegistrationStatus.Registered)
            .GroupBy(r => r.EventId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var names = await organizations.NamesAsync(rows.Select(e => e.OrganizerOrganizationId), ct);
        return rows.Select(e => new MatchmakingEventDto(e.Id, e.Title, SplitCodes(e.Disciplines), e.Description, e.OrganizerOrganizationId,
            names.GetValueOrDefault(e.OrganizerOrganizationId, ""), e.RegionCode, e.StartsAt, e.EndsAt, e.Online, e.Address, e.OnlineUrl, e.Capacity,
            counts.GetValueOrDefault(e.Id), e.RegistrationDeadline, e.SlotMinutes, e.Tables, e.MeetingsStartAt, e.MeetingsEndAt, e.Status, e.CancelReason,
            e.Synthetic, CanManage(e), RegistrationOpen(e), e.Version)).ToList();
    }

    internal static IReadOnlyList<string> SplitCodes(string codes) => codes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The organisations the caller may organise for: where they are organisation administrator, and every verified one of the regions they administer.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> OrganizerChoicesAsync(CancellationToken ct)
    {
        var own = organizations.OrganizationIdsWhereIHold(PlatformRole.OrgAdmin).Where(o => me.HasInOrganization(PlatformRole.OrgAdmin, o)).ToList();
        var regions = me.AdminRegions.ToList();
        var ids = await organizations.Organizations()
            .Where(o => o.Status == OrganizationStatus.Verified && (own.Contains(o.Id) || regions.Contains(o.RegionCode))).Select(o => o.Id).ToListAsync(ct);
        return await organizations.ChoicesAsync(ids, ct);
    }

    public async Task<(MatchmakingEventDto? Created, ServiceResult Result)> CreateAsync(MatchmakingEventInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var now = clock.GetUtcNow();
        var codes = MarketEventRules.Check(errors, input, now, creating: true);
        OrganizationRef? organizer = null;
        if (input.OrganizerOrganizationId is not { } orgId || (organizer = await organizations.FindAsync(orgId, ct)) is null
            || organizer.Status != OrganizationStatus.Verified || !CanOrganizeFor(organizer.Id, organizer.RegionCode))
        {
            errors.Add("organizerOrganizationId", new Message("MarketEvents.OrganizerInvalid"));
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var e = new MatchmakingEvent
        {
            Id = Guid.CreateVersion7(),
            OrganizerOrganizationId = organizer!.Id,
            RegionCode = organizer.RegionCode,
            CreatedBy = me.Id!.Value,
            Status = MatchmakingEventStatus.Draft,
            CreatedAt = now,
        };
        Apply(e, input, codes, now);
        db.Add(e);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("market-event.create", $"market-event:{e.Id}", detail: e.Title, ct: ct);
        return ((await DtosAsync([e], ct))[0], new ServiceResult.Ok());
    }

    private static void Apply(MatchmakingEvent e, MatchmakingEventInput input, IReadOnlyList<string> codes, DateTimeOffset now)
    {
        e.Title = input.Title!.Trim();
        e.Disciplines = string.Join(',', codes);
        e.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        e.Online = input.Online == true;
        e.Address = e.Online || string.IsNullOrWhiteSpace(input.Address) ? null : input.Address.Trim();
        e.OnlineUrl = e.Online ? input.OnlineUrl!.Trim() : null;
        e.Capacity = input.Capacity!.Value;
        e.SlotMinutes = input.SlotMinutes!.Value;
        e.Tables = input.Tables!.Value;
        // Stored in UTC (PostgreSQL's timestamptz takes no other offset); shown in China Standard Time.
        e.StartsAt = input.StartsAt!.Value.ToUniversalTime();
        e.EndsAt = input.EndsAt!.Value.ToUniversalTime();
        e.RegistrationDeadline = input.RegistrationDeadline!.Value.ToUniversalTime();
        e.MeetingsStartAt = input.MeetingsStartAt!.Value.ToUniversalTime();
        e.MeetingsEndAt = input.MeetingsEndAt!.Value.ToUniversalTime();
        e.UpdatedAt = now;
    }

    /// <summary>
    /// Edits a draft or published event. Once a meeting has been requested the grid (slot length, tables, window) stays as
    /// it is: every booked slot was checked against it, and the no-overlap rule relies on one grid.
    /// </summary>
    public async Task<ServiceResult> UpdateAsync(Guid id, MatchmakingEventInput input, CancellationToken ct)
    {
        var (e, refused) = await ManagedAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (e!.Status is not (MatchmakingEventStatus.Draft or MatchmakingEventStatus.Published))
        {
            return new ServiceResult.Conflict(new Message("MarketEvents.NotEditable"));
        }
        if (input.Version is { } v && v != e.Version)
        {
            return new ServiceResult.Conflict(new Message("MarketEvents.ChangedMeanwhile"));
        }
        var errors = new FieldErrors();
        var now = clock.GetUtcNow();
        var codes = MarketEventRules.Check(errors, input, now, creating: e.Status == MatchmakingEventStatus.Draft);
        var registered = await db.Set<EventRegistration>().CountAsync(r => r.EventId == id && r.Status == RegistrationStatus.Registered, ct);
        if (input.Capacity is { } capacity && capacity < registered)
        {
            errors.Add("capacity", new Message("MarketEvents.CapacityBelowRegistered", registered));
        }
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        var gridChanged = e.SlotMinutes != input.SlotMinutes || e.Tables != input.Tables
            || e.MeetingsStartAt != input.MeetingsStartAt!.Value || e.MeetingsEndAt != input.MeetingsEndAt!.Value;
        if (gridChanged && await db.Set<EventMeeting>().AnyAsync(m => m.EventId == id, ct))
        {
            return new ServiceResult.Conflict(new Message("MarketEvents.GridLocked"));
        }
        Apply(e, input, codes, now);
        e.Version++;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("market-event.update", $"market-event:{e.Id}", ct: ct);
        return new ServiceResult.Ok();
    }

    public async Task<ServiceResult> PublishAsync(Guid id, CancellationToken ct)
    {
        var (e, refused) = await ManagedAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (e!.Status != MatchmakingEventStatus.Draft)
        {
            return new ServiceResult.Conflict(new Message("MarketEvents.NotDraft"));
        }
        if (e.RegistrationDeadline <= clock.GetUtcNow())
        {
            return new ServiceResult.RuleBroken("registrationDeadline", new Message("MarketEvents.DeadlineInPast"));
        }
        e.Status = MatchmakingEventStatus.Published;
        e.Version++;
        e.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("market-event.publish", $"market-event:{e.Id}", ct: ct);
        return new ServiceResult.Ok();
    }

    /// <summary>Marks a published event finished once it has ended (outcomes can still be recorded).</summary>
    public async Task<ServiceResult> FinishAsync(Guid id, CancellationToken ct)
    {
        var (e, refused) = await ManagedAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (e!.Status != MatchmakingEventStatus.Published || e.EndsAt > clock.GetUtcNow())
        {
            return new ServiceResult.Conflict(new Message("MarketEvents.NotOver"));
        }
        e.Status = MatchmakingEventStatus.Finished;
        e.Version++;
        e.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("market-event.finish", $"market-event:{e.Id}", ct: ct);
        return new ServiceResult.Ok();
    }

    /// <summary>
    /// Cancels a draft or published event with a reason; the registrants are told through the outbox in the same
    /// transaction (an SMS to the contact person, an e-mail to whoever registered), and every live meeting is cancelled.
    /// </summary>
    public async Task<ServiceResult> CancelAsync(Guid id, string? reason, CancellationToken ct)
    {
        var (e, refused) = await ManagedAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        var text = reason?.Trim() ?? "";
        if (text.Length is 0 or > MarketEventRules.MaxNoteLength)
        {
            var errors = new FieldErrors();
            errors.Add("reason", new Message("MarketEvents.ReasonRequired", MarketEventRules.MaxNoteLength));
            return new ServiceResult.Invalid(errors);
        }
        if (e!.Status is not (MatchmakingEventStatus.Draft or MatchmakingEventStatus.Published) || e.StartsAt <= clock.GetUtcNow())
        {
            return new ServiceResult.Conflict(new Message("MarketEvents.NotCancellable"));
        }
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        e.Status = MatchmakingEventStatus.Cancelled;
        e.CancelReason = text;
        e.Version++;
        e.UpdatedAt = now;
        await db.Set<EventMeetingHold>().Where(h => h.EventId == id).ExecuteDeleteAsync(ct);
        await db.Set<EventMeeting>().Where(m => m.EventId == id && (m.Status == MeetingStatus.Pending || m.Status == MeetingStatus.Accepted))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MeetingStatus.Cancelled).SetProperty(m => m.TableNumber, (int?)null), ct);
        var registrations = await db.Set<EventRegistration>().AsNoTracking()
            .Where(r => r.EventId == id && r.Status == RegistrationStatus.Registered).ToListAsync(ct);
        var registrants = registrations.Select(r => r.RegisteredBy).Distinct().ToList();
        var emails = await users.Users().Where(u => registrants.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, ct);
        var culture = PlatformSetup.Cultures[0];
        var subject = Messages.Translate(new Message("MarketEvents.Mail.CancelSubject", e.Title), culture);
        foreach (var r in registrations)
        {
            var body = Messages.Translate(new Message("MarketEvents.Mail.CancelBody", r.ContactName, e.Title, Display.Minute(e.StartsAt), text), culture);
            if (emails.GetValueOrDefault(r.RegisteredBy) is { Length: > 0 } email)
            {
                db.Add(OutboxMessage.Email(email, subject, body, now));
            }
            if (protector.TryUnprotect(r.ContactPhoneProtected) is { } phone)
            {
                db.Add(new OutboxMessage { Id = Guid.CreateVersion7(), Channel = SmsChannel, Recipient = phone, Subject = subject, Body = body, CreatedAt = now });
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await audit.RecordAsync("market-event.cancel", $"market-event:{e.Id}", detail: $"{registrations.Count} registrants told", ct: ct);
        return new ServiceResult.Ok();
    }

    /// <summary>The outbox channel of text messages, as the expert invitations use it.</summary>
    public const string SmsChannel = "sms";
}
