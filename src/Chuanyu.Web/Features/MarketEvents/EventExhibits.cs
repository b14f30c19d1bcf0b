using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>What an event shows: a research result or a technology demand of the market.</summary>
public enum ExhibitKind
{
    Achievement,
    Demand,
}

/// <summary>
/// A result or demand the organiser puts on show at an event (活动展示的成果与需求). The item is the market's: it is read
/// through <see cref="MarketDirectory"/> (no foreign key, the market owns its tables) and shown only while it is live.
/// </summary>
public sealed class EventExhibit
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public ExhibitKind Kind { get; set; }
    public Guid ItemId { get; set; }
    public Guid AddedBy { get; set; }
    public DateTimeOffset AddedAt { get; set; }
}

internal sealed class EventExhibitConfiguration : IEntityTypeConfiguration<EventExhibit>
{
    public void Configure(EntityTypeBuilder<EventExhibit> b)
    {
        b.ToTable("event_exhibits");
        b.Property(x => x.Kind).HasMaxLength(20);
        b.HasOne<MatchmakingEvent>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.AddedBy).OnDelete(DeleteBehavior.Restrict);
        // An item is on show once per event.
        b.HasIndex(x => new { x.EventId, x.Kind, x.ItemId }).IsUnique();
        b.HasIndex(x => x.AddedBy);
    }
}

public sealed record ExhibitInput(ExhibitKind? Kind, Guid? ItemId);

/// <summary>An exhibit as shown: the item's title and owner organisation; <c>Live</c> false once it expired or closed (the organiser alone sees those).</summary>
public sealed record ExhibitDto(Guid Id, ExhibitKind Kind, Guid ItemId, string Title, Guid OrganizationId, string OrganizationName, bool Live);

/// <summary>A live result or demand the organiser may put on show, found by its title.</summary>
public sealed record ExhibitCandidate(Guid Id, string Title, string OrganizationName);

/// <summary>
/// The exhibits of an event: the organiser (as for the event itself) adds live results and demands and removes them;
/// everyone who may see the event sees the live ones. A meeting request may name one of them.
/// </summary>
public sealed class EventExhibitService(AppDbContext db, MarketEventService events, MarketDirectory market, OrganizationDirectory organizations,
    CurrentUser me, AuditLog audit, TimeProvider clock)
{
    /// <summary>Most exhibits one event holds.</summary>
    public const int MaxExhibits = 100;

    /// <summary>The event's exhibits, null when the caller may not see the event; the organiser also sees those no longer live.</summary>
    public async Task<IReadOnlyList<ExhibitDto>?> ListAsync(Guid eventId, CancellationToken ct)
    {
        if (await events.VisibleAsync(eventId, ct) is not { } e)
        {
            return null;
        }
        var rows = await db.Set<EventExhibit>().AsNoTracking().Where(x => x.EventId == eventId).OrderBy(x => x.AddedAt).ThenBy(x => x.Id).ToListAsync(ct);
        var all = await DtosAsync(rows, ct);
        return events.CanManage(e) ? all : all.Where(x => x.Live).ToList();
    }

    /// <summary>Up to <see cref="MaxCandidates"/> live results or demands whose title holds <paramref name="q"/>, newest first.</summary>
    public async Task<IReadOnlyList<ExhibitCandidate>> CandidatesAsync(ExhibitKind kind, string? q, CancellationToken ct)
    {
        var text = q?.Trim() ?? "";
        var now = clock.GetUtcNow();
        var rows = kind == ExhibitKind.Achievement
            ? await market.LiveAchievements(now).Where(a => text.Length == 0 || a.Title.Contains(text)).OrderByDescending(a => a.PublishedAt)
                .Take(MaxCandidates).Select(a => new { a.Id, a.Title, a.OrganizationId }).ToListAsync(ct)
            : await market.LiveDemands(now).Where(d => text.Length == 0 || d.Title.Contains(text)).OrderByDescending(d => d.PublishedAt)
                .Take(MaxCandidates).Select(d => new { d.Id, d.Title, d.OrganizationId }).ToListAsync(ct);
        var names = await organizations.NamesAsync(rows.Select(r => r.OrganizationId), ct);
        return rows.Select(r => new ExhibitCandidate(r.Id, r.Title, names.GetValueOrDefault(r.OrganizationId, ""))).ToList();
    }

    /// <summary>Most candidates one search shows.</summary>
    public const int MaxCandidates = 10;

    private async Task<List<ExhibitDto>> DtosAsync(IReadOnlyList<EventExhibit> rows, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var achievementIds = rows.Where(x => x.Kind == ExhibitKind.Achievement).Select(x => x.ItemId).ToList();
        var demandIds = rows.Where(x => x.Kind == ExhibitKind.Demand).Select(x => x.ItemId).ToList();
        var items = new Dictionary<(ExhibitKind, Guid), (string Title, Guid Org, bool Live)>();
        foreach (var a in await market.Achievements().Where(a => achievementIds.Contains(a.Id))
                     .Select(a => new { a.Id, a.Title, a.OrganizationId, a.Status, a.ExpiresAt }).ToListAsync(ct))
        {
            items[(ExhibitKind.Achievement, a.Id)] = (a.Title, a.OrganizationId, a.Status == MarketStatus.Published && a.ExpiresAt > now);
        }
        foreach (var d in await market.Demands().Where(d => demandIds.Contains(d.Id))
                     .Select(d => new { d.Id, d.Title, d.OrganizationId, d.Status, d.ExpiresAt }).ToListAsync(ct))
        {
            items[(ExhibitKind.Demand, d.Id)] = (d.Title, d.OrganizationId, d.Status == MarketStatus.Published && d.ExpiresAt > now);
        }
        var names = await organizations.NamesAsync(items.Values.Select(v => v.Org), ct);
        return rows.Where(x => items.ContainsKey((x.Kind, x.ItemId))).Select(x =>
        {
            var item = items[(x.Kind, x.ItemId)];
            return new ExhibitDto(x.Id, x.Kind, x.ItemId, item.Title, item.Org, names.GetValueOrDefault(item.Org, ""), item.Live);
        }).ToList();
    }

    /// <summary>Puts a live result or demand on show at a draft or published event (the organiser only).</summary>
    public async Task<(ExhibitDto? Added, ServiceResult Result)> AddAsync(Guid eventId, ExhibitInput input, CancellationToken ct)
    {
        var (e, refused) = await events.ManagedAsync(eventId, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        if (e!.Status is not (MatchmakingEventStatus.Draft or MatchmakingEventStatus.Published))
        {
            return (null, new ServiceResult.Conflict(new Message("MarketEvents.NotEditable")));
        }
        var errors = new FieldErrors();
        if (input.Kind is not { } kind)
        {
            errors.Add("kind", new Message("MarketEvents.ExhibitKindRequired"));
        }
        else if (input.ItemId is not { } itemId)
        {
            errors.Add("itemId", new Message("MarketEvents.ExhibitNotLive"));
        }
        else
        {
            var now = clock.GetUtcNow();
            var live = kind == ExhibitKind.Achievement
                ? await market.LiveAchievements(now).AnyAsync(a => a.Id == itemId, ct)
                : await market.LiveDemands(now).AnyAsync(d => d.Id == itemId, ct);
            if (!live)
            {
                errors.Add("itemId", new Message("MarketEvents.ExhibitNotLive"));
            }
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var exhibits = db.Set<EventExhibit>().Where(x => x.EventId == eventId);
        if (await exhibits.AnyAsync(x => x.Kind == input.Kind && x.ItemId == input.ItemId, ct))
        {
            return (null, new ServiceResult.Conflict(new Message("MarketEvents.ExhibitTwice")));
        }
        if (await exhibits.CountAsync(ct) >= MaxExhibits)
        {
            return (null, new ServiceResult.Conflict(new Message("MarketEvents.TooManyExhibits", MaxExhibits)));
        }
        var row = new EventExhibit
        {
            Id = Guid.CreateVersion7(),
            EventId = eventId,
            Kind = input.Kind!.Value,
            ItemId = input.ItemId!.Value,
            AddedBy = me.Id!.Value,
            AddedAt = clock.GetUtcNow(),
        };
        db.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same item added by a concurrent request: the unique index refused this one.
            db.ChangeTracker.Clear();
            return (null, new ServiceResult.Conflict(new Message("MarketEvents.ExhibitTwice")));
        }
        await audit.RecordAsync("market-event.exhibit.add", $"market-event:{eventId}", detail: $"{row.Kind}:{row.ItemId}", ct: ct);
        return ((await DtosAsync([row], ct))[0], new ServiceResult.Ok());
    }

    /// <summary>Takes an exhibit off the event (the organiser only); meetings that named it keep their slot and lose the reference.</summary>
    public async Task<ServiceResult> RemoveAsync(Guid eventId, Guid exhibitId, CancellationToken ct)
    {
        var (_, refused) = await events.ManagedAsync(eventId, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (await db.Set<EventExhibit>().FirstOrDefaultAsync(x => x.Id == exhibitId && x.EventId == eventId, ct) is not { } row)
        {
            return new ServiceResult.NotFound();
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<EventMeeting>().Where(m => m.EventId == eventId && m.ExhibitId == exhibitId)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ExhibitId, (Guid?)null), ct);
        db.Remove(row);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await audit.RecordAsync("market-event.exhibit.remove", $"market-event:{eventId}", detail: $"{row.Kind}:{row.ItemId}", ct: ct);
        return new ServiceResult.Ok();
    }
}
