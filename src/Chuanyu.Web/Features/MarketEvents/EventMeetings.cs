using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>A meeting as a participant or the organiser sees it; <c>Incoming</c>: addressed to one of the caller's organisations.</summary>
public sealed record MeetingDto(Guid Id, Guid RequesterOrganizationId, string RequesterName, Guid TargetOrganizationId, string TargetName,
    DateTimeOffset SlotStart, DateTimeOffset SlotEnd, int? TableNumber, MeetingStatus Status, string? Note, bool Incoming, bool Held,
    MeetingOutcome? RequesterOutcome, string? RequesterOutcomeNote, MeetingOutcome? TargetOutcome, string? TargetOutcomeNote, Guid? ExhibitId = null);

/// <summary>The organiser's summary: meetings held (accepted and over), those where a side recorded interest or started a deal.</summary>
public sealed record OutcomeSummary(int Registered, int Requested, int Accepted, int Held, int WithInterest, int DealsStarted, IReadOnlyList<MeetingDto> Meetings);

public sealed partial class MarketEventService
{
    private const int BookingAttempts = 3;

    /// <summary>
    /// Requests a meeting in a slot of the grid. Neither organisation may be in another live (pending or accepted) meeting
    /// in that slot and a free table is taken; the holds and the table are unique in the database, so of two requests
    /// racing for the same organisation or the last table one wins and the other gets 409 (re-checked, with the reason).
    /// </summary>
    public async Task<(MeetingDto? Created, ServiceResult Result)> RequestMeetingAsync(Guid eventId, MeetingRequestInput input, CancellationToken ct)
    {
        if (await VisibleAsync(eventId, ct) is not { } e)
        {
            return (null, new ServiceResult.NotFound());
        }
        var errors = new FieldErrors();
        var mine = organizations.MyOrganizationIds();
        var registered = await db.Set<EventRegistration>().AsNoTracking().Where(r => r.EventId == eventId && r.Status == RegistrationStatus.Registered)
            .Select(r => r.OrganizationId).ToListAsync(ct);
        var from = input.FromOrganizationId ?? mine.Where(registered.Contains).Cast<Guid?>().FirstOrDefault();
        if (from is not { } fromId || !mine.Contains(fromId) || !registered.Contains(fromId))
        {
            errors.Add("fromOrganizationId", new Message("MarketEvents.NotRegistered"));
        }
        if (input.WithOrganizationId is not { } withId || !registered.Contains(withId) || withId == from)
        {
            errors.Add("withOrganizationId", new Message("MarketEvents.PartnerNotRegistered"));
        }
        var now = clock.GetUtcNow();
        if (input.SlotStart is not { } slotInput)
        {
            errors.Add("slotStart", new Message("MarketEvents.SlotRequired"));
        }
        else if (MarketEventRules.CheckSlot(e, slotInput.ToUniversalTime()) is { } slotError)
        {
            errors.Add("slotStart", slotError);
        }
        else if (slotInput <= now)
        {
            errors.Add("slotStart", new Message("MarketEvents.SlotPast"));
        }
        if (input.Note is { Length: > MarketEventRules.MaxNoteLength })
        {
            errors.Add("note", new Message("MarketEvents.TooLong", MarketEventRules.MaxNoteLength));
        }
        if (input.ExhibitId is { } exhibitId && !await db.Set<EventExhibit>().AnyAsync(x => x.Id == exhibitId && x.EventId == eventId, ct))
        {
            errors.Add("exhibitId", new Message("MarketEvents.ExhibitUnknown"));
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        if (e.Status != MatchmakingEventStatus.Published)
        {
            return (null, new ServiceResult.Conflict(new Message("MarketEvents.NotPublished")));
        }
        var slot = input.SlotStart!.Value.ToUniversalTime();
        for (var attempt = 1; ; attempt++)
        {
            var busy = await db.Set<EventMeetingHold>().AsNoTracking().Where(h => h.EventId == eventId && h.SlotStart == slot
                && (h.OrganizationId == from || h.OrganizationId == input.WithOrganizationId)).Select(h => h.OrganizationId).ToListAsync(ct);
            if (busy.Contains(from!.Value))
            {
                return (null, new ServiceResult.Conflict(new Message("MarketEvents.YouAreBusy", Display.Minute(slot))));
            }
            if (busy.Count > 0)
            {
                return (null, new ServiceResult.Conflict(new Message("MarketEvents.PartnerBusy", Display.Minute(slot))));
            }
            var used = await db.Set<EventMeeting>().AsNoTracking().Where(m => m.EventId == eventId && m.SlotStart == slot && m.TableNumber != null)
                .Select(m => m.TableNumber!.Value).ToListAsync(ct);
            var table = Enumerable.Range(1, e.Tables).FirstOrDefault(t => !used.Contains(t));
            if (table == 0)
            {
                return (null, new ServiceResult.Conflict(new Message("MarketEvents.NoTableFree", Display.Minute(slot))));
            }
            var m = new EventMeeting
            {
                Id = Guid.CreateVersion7(),
                EventId = eventId,
                RequesterOrganizationId = from.Value,
                TargetOrganizationId = input.WithOrganizationId!.Value,
                SlotStart = slot,
                TableNumber = table,
                Status = MeetingStatus.Pending,
                Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim(),
                RequestedBy = me.Id!.Value,
                CreatedAt = now,
                ExhibitId = input.ExhibitId,
            };
            db.Add(m);
            db.Add(new EventMeetingHold { Id = Guid.CreateVersion7(), MeetingId = m.Id, EventId = eventId, OrganizationId = m.RequesterOrganizationId, SlotStart = slot });
            db.Add(new EventMeetingHold { Id = Guid.CreateVersion7(), MeetingId = m.Id, EventId = eventId, OrganizationId = m.TargetOrganizationId, SlotStart = slot });
            try
            {
                await db.SaveChangesAsync(ct);
                return ((await MeetingDtosAsync([m], ct))[0], new ServiceResult.Ok());
            }
            catch (DbUpdateException) when (attempt < BookingAttempts)
            {
                // Another request took the organisation or the table meanwhile: look again and say which.
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                return (null, new ServiceResult.Conflict(new Message("MarketEvents.SlotTaken", Display.Minute(slot))));
            }
        }
    }

    /// <summary>The meeting if one of the caller's organisations takes part in it (else null, as if it did not exist).</summary>
    private async Task<EventMeeting?> MineAsync(Guid eventId, Guid meetingId, CancellationToken ct)
    {
        var mine = organizations.MyOrganizationIds().ToList();
        return await db.Set<EventMeeting>().FirstOrDefaultAsync(m => m.Id == meetingId && m.EventId == eventId
            && (mine.Contains(m.RequesterOrganizationId) || mine.Contains(m.TargetOrganizationId)), ct);
    }

    /// <summary>The organisation addressed accepts or declines a pending meeting; the requester cannot (403), others do not see it (404).</summary>
    public async Task<ServiceResult> AnswerMeetingAsync(Guid eventId, Guid meetingId, bool? accept, CancellationToken ct)
    {
        if (await MineAsync(eventId, meetingId, ct) is not { } m)
        {
            return new ServiceResult.NotFound();
        }
        if (!organizations.MyOrganizationIds().Contains(m.TargetOrganizationId))
        {
            return new ServiceResult.Forbidden();
        }
        if (accept is null)
        {
            var errors = new FieldErrors();
            errors.Add("accept", new Message("MarketEvents.AnswerRequired"));
            return new ServiceResult.Invalid(errors);
        }
        if (m.Status != MeetingStatus.Pending || m.SlotStart <= clock.GetUtcNow())
        {
            return new ServiceResult.Conflict(new Message("MarketEvents.NotPending"));
        }
        return await CloseMeetingAsync(m, accept.Value ? MeetingStatus.Accepted : MeetingStatus.Declined, ct);
    }

    /// <summary>Either side withdraws a pending or accepted meeting before it starts.</summary>
    public async Task<ServiceResult> CancelMeetingAsync(Guid eventId, Guid meetingId, CancellationToken ct)
    {
        if (await MineAsync(eventId, meetingId, ct) is not { } m)
        {
            return new ServiceResult.NotFound();
        }
        if (m.Status is not (MeetingStatus.Pending or MeetingStatus.Accepted) || m.SlotStart <= clock.GetUtcNow())
        {
            return new ServiceResult.Conflict(new Message("MarketEvents.NotCancellableMeeting"));
        }
        return await CloseMeetingAsync(m, MeetingStatus.Cancelled, ct);
    }

    /// <summary>Sets the meeting's new state; a declined or cancelled one gives back its table and both participants' slot.</summary>
    private async Task<ServiceResult> CloseMeetingAsync(EventMeeting m, MeetingStatus status, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        m.Status = status;
        m.AnsweredAt = clock.GetUtcNow();
        if (status is MeetingStatus.Declined or MeetingStatus.Cancelled)
        {
            m.TableNumber = null;
            await db.Set<EventMeetingHold>().Where(h => h.MeetingId == m.Id).ExecuteDeleteAsync(ct);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>After an accepted meeting has ended, each side records its outcome (revisable).</summary>
    public async Task<ServiceResult> RecordOutcomeAsync(Guid eventId, Guid meetingId, MeetingOutcomeInput input, CancellationToken ct)
    {
        if (await MineAsync(eventId, meetingId, ct) is not { } m)
        {
            return new ServiceResult.NotFound();
        }
        var errors = new FieldErrors();
        if (input.Outcome is not { } outcome || !Enum.IsDefined(outcome))
        {
            errors.Add("outcome", new Message("MarketEvents.OutcomeRequired"));
        }
        if (input.Note is { Length: > MarketEventRules.MaxNoteLength })
        {
            errors.Add("note", new Message("MarketEvents.TooLong", MarketEventRules.MaxNoteLength));
        }
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        var e = await db.Set<MatchmakingEvent>().AsNoTracking().FirstAsync(x => x.Id == eventId, ct);
        if (m.Status != MeetingStatus.Accepted || m.SlotStart.AddMinutes(e.SlotMinutes) > clock.GetUtcNow())
        {
            return new ServiceResult.Conflict(new Message("MarketEvents.MeetingNotHeld"));
        }
        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        if (organizations.MyOrganizationIds().Contains(m.RequesterOrganizationId))
        {
            m.RequesterOutcome = input.Outcome;
            m.RequesterOutcomeNote = note;
        }
        else
        {
            m.TargetOutcome = input.Outcome;
            m.TargetOutcomeNote = note;
        }
        await db.SaveChangesAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>The meetings of the caller's organisations at the event, in slot order.</summary>
    public async Task<IReadOnlyList<MeetingDto>?> MyMeetingsAsync(Guid eventId, CancellationToken ct)
    {
        if (await VisibleAsync(eventId, ct) is null)
        {
            return null;
        }
        var mine = organizations.MyOrganizationIds().ToList();
        var rows = await db.Set<EventMeeting>().AsNoTracking()
            .Where(m => m.EventId == eventId && (mine.Contains(m.RequesterOrganizationId) || mine.Contains(m.TargetOrganizationId)))
            .OrderBy(m => m.SlotStart).ThenBy(m => m.TableNumber).ThenBy(m => m.Id).ToListAsync(ct);
        return await MeetingDtosAsync(rows, ct);
    }

    /// <summary>Every meeting with the counts, for the organisers; null for anyone else.</summary>
    public async Task<OutcomeSummary?> SummaryAsync(Guid eventId, CancellationToken ct)
    {
        if (await VisibleAsync(eventId, ct) is not { } e || !CanManage(e))
        {
            return null;
        }
        var rows = await db.Set<EventMeeting>().AsNoTracking().Where(m => m.EventId == eventId)
            .OrderBy(m => m.SlotStart).ThenBy(m => m.TableNumber).ThenBy(m => m.Id).ToListAsync(ct);
        var meetings = await MeetingDtosAsync(rows, ct);
        var held = meetings.Where(m => m.Held).ToList();
        var registered = await db.Set<EventRegistration>().CountAsync(r => r.EventId == eventId && r.Status == RegistrationStatus.Registered, ct);
        return new OutcomeSummary(registered, meetings.Count, meetings.Count(m => m.Status == MeetingStatus.Accepted), held.Count,
            held.Count(m => m.RequesterOutcome is MeetingOutcome.Interest or MeetingOutcome.DealStarted || m.TargetOutcome is MeetingOutcome.Interest or MeetingOutcome.DealStarted),
            held.Count(m => m.RequesterOutcome == MeetingOutcome.DealStarted || m.TargetOutcome == MeetingOutcome.DealStarted), meetings);
    }

    private async Task<List<MeetingDto>> MeetingDtosAsync(IReadOnlyList<EventMeeting> rows, CancellationToken ct)
    {
        var eventIds = rows.Select(m => m.EventId).Distinct().ToList();
        var slotMinutes = await db.Set<MatchmakingEvent>().AsNoTracking().Where(e => eventIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.SlotMinutes, ct);
        var names = await organizations.NamesAsync(rows.SelectMany(m => new[] { m.RequesterOrganizationId, m.TargetOrganizationId }), ct);
        var mine = organizations.MyOrganizationIds();
        var now = clock.GetUtcNow();
        return rows.Select(m =>
        {
            var end = m.SlotStart.AddMinutes(slotMinutes[m.EventId]);
            return new MeetingDto(m.Id, m.RequesterOrganizationId, names.GetValueOrDefault(m.RequesterOrganizationId, ""), m.TargetOrganizationId,
                names.GetValueOrDefault(m.TargetOrganizationId, ""), m.SlotStart, end, m.TableNumber, m.Status, m.Note, mine.Contains(m.TargetOrganizationId),
                m.Status == MeetingStatus.Accepted && end <= now, m.RequesterOutcome, m.RequesterOutcomeNote, m.TargetOutcome, m.TargetOutcomeNote, m.ExhibitId);
        }).ToList();
    }
}
