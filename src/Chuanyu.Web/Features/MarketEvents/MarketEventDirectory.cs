using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>A meeting as other features read it: its event, status, outcomes and the result or demand on show it was about.</summary>
public sealed record MeetingRef(Guid Id, Guid EventId, MeetingStatus Status, MeetingOutcome? RequesterOutcome, MeetingOutcome? TargetOutcome,
    ExhibitKind? ExhibitKind, Guid? ExhibitItemId);

/// <summary>
/// The events' read-only surface for other features (docs/architecture.md, "Dependency rules"): the deals check the
/// meeting a deal says it comes from without naming the events' tables.
/// </summary>
public sealed class MarketEventDirectory(AppDbContext db)
{
    public Task<MeetingRef?> MeetingAsync(Guid id, CancellationToken ct) =>
        (from m in db.Set<EventMeeting>().AsNoTracking()
         where m.Id == id
         from x in db.Set<EventExhibit>().Where(x => x.Id == m.ExhibitId).DefaultIfEmpty()
         select new MeetingRef(m.Id, m.EventId, m.Status, m.RequesterOutcome, m.TargetOutcome,
             x == null ? null : (ExhibitKind?)x.Kind, x == null ? null : (Guid?)x.ItemId)).FirstOrDefaultAsync(ct);
}
