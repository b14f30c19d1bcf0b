using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>A registration as the organiser sees it: the contact's phone masked.</summary>
public sealed record RegistrationDto(Guid Id, Guid OrganizationId, string OrganizationName, string ContactName, string MaskedPhone, string? Note,
    RegistrationStatus Status, DateTimeOffset CreatedAt);

/// <summary>A registered organisation as the other registrants see it when choosing whom to meet: name and note, no contact.</summary>
public sealed record ParticipantDto(Guid OrganizationId, string OrganizationName, string? Note);

public sealed partial class MarketEventService
{
    /// <summary>The caller's organisations (any organisation-scoped role) that are verified: those they may register.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> MyOrganizationChoicesAsync(CancellationToken ct)
    {
        var mine = organizations.MyOrganizationIds().ToList();
        var verified = await organizations.Organizations().Where(o => mine.Contains(o.Id) && o.Status == OrganizationStatus.Verified).Select(o => o.Id).ToListAsync(ct);
        return await organizations.ChoicesAsync(verified, ct);
    }

    public async Task<(RegistrationDto? Created, ServiceResult Result)> RegisterAsync(Guid eventId, RegistrationInput input, CancellationToken ct)
    {
        if (await VisibleAsync(eventId, ct) is not { } e)
        {
            return (null, new ServiceResult.NotFound());
        }
        var errors = new FieldErrors();
        var mine = await MyOrganizationChoicesAsync(ct);
        var orgId = input.OrganizationId ?? (mine.Count == 1 ? mine[0].Id : null);
        if (orgId is null || mine.All(o => o.Id != orgId))
        {
            errors.Add("organizationId", new Message("MarketEvents.NotYourOrganization"));
        }
        var name = input.ContactName?.Trim() ?? "";
        if (name.Length is 0 or > MarketEventRules.MaxNameLength)
        {
            errors.Add("contactName", new Message("MarketEvents.ContactNameRequired", MarketEventRules.MaxNameLength));
        }
        var phone = input.ContactPhone?.Trim() ?? "";
        if (!MarketEventRules.IsPhone(phone))
        {
            errors.Add("contactPhone", new Message("MarketEvents.PhoneInvalid"));
        }
        else if (!protector.CanProtect)
        {
            errors.Add("contactPhone", new Message("MarketEvents.NoDataKey"));
        }
        if (input.Note is { Length: > MarketEventRules.MaxNoteLength })
        {
            errors.Add("note", new Message("MarketEvents.TooLong", MarketEventRules.MaxNoteLength));
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        if (!RegistrationOpen(e))
        {
            return (null, new ServiceResult.RuleBroken("registrationDeadline", new Message("MarketEvents.RegistrationClosed")));
        }
        var now = clock.GetUtcNow();
        var r = await db.Set<EventRegistration>().FirstOrDefaultAsync(x => x.EventId == eventId && x.OrganizationId == orgId, ct);
        if (r is { Status: RegistrationStatus.Registered })
        {
            return (null, new ServiceResult.Conflict(new Message("MarketEvents.AlreadyRegistered")));
        }
        var taken = await db.Set<EventRegistration>().CountAsync(x => x.EventId == eventId && x.Status == RegistrationStatus.Registered, ct);
        if (taken >= e.Capacity)
        {
            return (null, new ServiceResult.RuleBroken("capacity", new Message("MarketEvents.CapacityFull", e.Capacity)));
        }
        if (r is null)
        {
            r = new EventRegistration { Id = Guid.CreateVersion7(), EventId = eventId, OrganizationId = orgId!.Value };
            db.Add(r);
        }
        r.ContactName = name;
        r.ContactPhoneProtected = protector.Protect(phone);
        r.Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        r.Status = RegistrationStatus.Registered;
        r.RegisteredBy = me.Id!.Value;
        r.CreatedAt = now;
        r.CancelledAt = null;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two members of one organisation registering at once: the unique (event, organisation) index keeps one.
            return (null, new ServiceResult.Conflict(new Message("MarketEvents.AlreadyRegistered")));
        }
        // Two organisations taking the last place at once both passed the count: the later one (by time, then id) steps back.
        var ahead = await db.Set<EventRegistration>().CountAsync(x => x.EventId == eventId && x.Status == RegistrationStatus.Registered
            && (x.CreatedAt < r.CreatedAt || (x.CreatedAt == r.CreatedAt && x.Id.CompareTo(r.Id) < 0)), ct);
        if (ahead >= e.Capacity)
        {
            r.Status = RegistrationStatus.Cancelled;
            r.CancelledAt = now;
            await db.SaveChangesAsync(ct);
            return (null, new ServiceResult.RuleBroken("capacity", new Message("MarketEvents.CapacityFull", e.Capacity)));
        }
        var names = await organizations.NamesAsync([r.OrganizationId], ct);
        return (ToDto(r, names, phone), new ServiceResult.Ok());
    }

    private static RegistrationDto ToDto(EventRegistration r, Dictionary<Guid, string> names, string? phone) =>
        new(r.Id, r.OrganizationId, names.GetValueOrDefault(r.OrganizationId, ""), r.ContactName, Masking.Phone(phone), r.Note, r.Status, r.CreatedAt);

    /// <summary>Cancels the registration of one of the caller's organisations, and its live meetings with it.</summary>
    public async Task<ServiceResult> CancelRegistrationAsync(Guid eventId, Guid organizationId, CancellationToken ct)
    {
        if (await VisibleAsync(eventId, ct) is null)
        {
            return new ServiceResult.NotFound();
        }
        if (!organizations.MyOrganizationIds().Contains(organizationId))
        {
            return new ServiceResult.NotFound();
        }
        var r = await db.Set<EventRegistration>().FirstOrDefaultAsync(x => x.EventId == eventId && x.OrganizationId == organizationId && x.Status == RegistrationStatus.Registered, ct);
        if (r is null)
        {
            return new ServiceResult.NotFound();
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        r.Status = RegistrationStatus.Cancelled;
        r.CancelledAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        var live = db.Set<EventMeeting>().Where(m => m.EventId == eventId && (m.RequesterOrganizationId == organizationId || m.TargetOrganizationId == organizationId)
            && (m.Status == MeetingStatus.Pending || m.Status == MeetingStatus.Accepted));
        var ids = await live.Select(m => m.Id).ToListAsync(ct);
        await db.Set<EventMeetingHold>().Where(h => ids.Contains(h.MeetingId)).ExecuteDeleteAsync(ct);
        await live.ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MeetingStatus.Cancelled).SetProperty(m => m.TableNumber, (int?)null), ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>Every registration of an event, for its organisers (phones masked); null when the caller is not one.</summary>
    public async Task<IReadOnlyList<RegistrationDto>?> RegistrationsAsync(Guid eventId, CancellationToken ct)
    {
        if (await VisibleAsync(eventId, ct) is not { } e || !CanManage(e))
        {
            return null;
        }
        var rows = await db.Set<EventRegistration>().AsNoTracking().Where(r => r.EventId == eventId).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(ct);
        var names = await organizations.NamesAsync(rows.Select(r => r.OrganizationId), ct);
        return rows.Select(r => ToDto(r, names, protector.TryUnprotect(r.ContactPhoneProtected))).ToList();
    }

    /// <summary>The caller's organisations' registrations for the event (phones masked).</summary>
    public async Task<IReadOnlyList<RegistrationDto>> MyRegistrationsAsync(Guid eventId, CancellationToken ct)
    {
        var mine = organizations.MyOrganizationIds().ToList();
        var rows = await db.Set<EventRegistration>().AsNoTracking()
            .Where(r => r.EventId == eventId && mine.Contains(r.OrganizationId) && r.Status == RegistrationStatus.Registered).ToListAsync(ct);
        var names = await organizations.NamesAsync(rows.Select(r => r.OrganizationId), ct);
        return rows.Select(r => ToDto(r, names, protector.TryUnprotect(r.ContactPhoneProtected))).ToList();
    }

    /// <summary>The registered organisations, for a registrant choosing whom to meet (or an organiser); null for anyone else.</summary>
    public async Task<IReadOnlyList<ParticipantDto>?> ParticipantsAsync(Guid eventId, CancellationToken ct)
    {
        if (await VisibleAsync(eventId, ct) is not { } e)
        {
            return null;
        }
        var mine = organizations.MyOrganizationIds().ToList();
        var rows = await db.Set<EventRegistration>().AsNoTracking().Where(r => r.EventId == eventId && r.Status == RegistrationStatus.Registered).ToListAsync(ct);
        if (!CanManage(e) && !rows.Any(r => mine.Contains(r.OrganizationId)))
        {
            return null;
        }
        var names = await organizations.NamesAsync(rows.Select(r => r.OrganizationId), ct);
        return rows.Select(r => new ParticipantDto(r.OrganizationId, names.GetValueOrDefault(r.OrganizationId, ""), r.Note))
            .OrderBy(p => p.OrganizationName, StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("zh-CN"), false)).ToList();
    }
}
