using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Features.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Chuanyu.Web.Features.Market;

/// <summary>
/// Research results and demands as search records (issue 17: "results and demands are search types of their own"). Only
/// published records not past their expiry have a document; a hit is shown only while the record is live (an expired
/// one drops out of the hits at once, and the expiry job's save removes its document). A demand's document holds its
/// public text only (title, summary, codes, keywords), never its details.
/// </summary>
public sealed class MarketSearchSource(TimeProvider clock) : ISearchSource
{
    public const int AchievementCode = 22;
    public const int DemandCode = 23;
    private const int Quality = 450;

    private static readonly SearchType AchievementType = new("Achievement", AchievementCode, "Search.Type.Achievement", "/Market/Achievements/Details");
    private static readonly SearchType DemandType = new("Demand", DemandCode, "Search.Type.Demand", "/Market/Demands/Details");

    private static readonly HashSet<string> IndexedMembers =
    [
        nameof(MarketRecord.Title), nameof(MarketRecord.Summary), nameof(MarketRecord.DisciplineCodes), nameof(MarketRecord.IndustryCodes),
        nameof(MarketRecord.Keywords), nameof(MarketRecord.Status), nameof(MarketRecord.ExpiresAt), nameof(MarketRecord.OrganizationId),
        nameof(MarketRecord.RegionCode), nameof(MarketRecord.Trl), nameof(Achievement.Type), nameof(Achievement.Inventors),
    ];

    public IReadOnlyList<SearchType> Types { get; } = [AchievementType, DemandType];

    public void Collect(EntityEntry entry, SearchChanges changes)
    {
        if (entry.Entity is MarketRecord r)
        {
            if (entry.State == EntityState.Added)
            {
                changes.Affected.Add(r.Id);
                changes.Added.Add(r.Id);
            }
            else if (entry.State == EntityState.Deleted)
            {
                changes.Deleted.Add(r.Id);
            }
            else if (entry.State == EntityState.Modified && entry.Properties.Any(p => p.IsModified && IndexedMembers.Contains(p.Metadata.Name)))
            {
                changes.Affected.Add(r.Id);
            }
        }
        else if (OrganizationDirectory.RenamedBy(entry) is { } renamed)
        {
            changes.Owners.Add(renamed);
        }
    }

    private static async Task<List<T>> AsSavedAsync<T>(AppDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct) where T : MarketRecord
    {
        var tracked = db.ChangeTracker.Entries<T>().Where(e => ids.Contains(e.Entity.Id)).ToDictionary(e => e.Entity.Id, e => e.Entity);
        var list = tracked.Values.ToList();
        foreach (var chunk in ids.Where(id => !tracked.ContainsKey(id)).Chunk(500))
        {
            list.AddRange(await db.Set<T>().AsNoTracking().Where(x => chunk.Contains(x.Id)).ToListAsync(ct));
        }
        return list;
    }

    public async Task<IReadOnlyList<SearchDocument>> DocumentsAsync(AppDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var records = (await AsSavedAsync<Achievement>(db, ids, ct)).Cast<MarketRecord>().Concat(await AsSavedAsync<Demand>(db, ids, ct))
            .Where(r => MarketService.Effective(r.Status, r.ExpiresAt, now) == MarketStatus.Published).ToList();
        if (records.Count == 0)
        {
            return [];
        }
        var names = await OrganizationDirectory.NamesAsSavedAsync(db, records.Select(r => r.OrganizationId), ct);
        var districts = await OrganizationDirectory.DistrictsAsync(db, records.Select(r => r.OrganizationId), ct);
        return records.Select(r => Document(r, names.GetValueOrDefault(r.OrganizationId, ""), districts.GetValueOrDefault(r.OrganizationId))).ToList();
    }

    /// <summary>The document of a live record (pure): the title; the summary, organisation, code names, keywords (and a result's inventors) as the body.</summary>
    public static SearchDocument Document(MarketRecord r, string organizationName, string? organizationDistrict)
    {
        var disciplines = MarketRules.CodesOf(r.DisciplineCodes).Select(DisciplineCodes.Find).OfType<Discipline>().Select(d => $"{d.Code} {d.Name}");
        var industries = MarketRules.CodesOf(r.IndustryCodes).Select(IndustryCodes.Find).OfType<Industry>().Select(i => $"{i.Code} {i.Name}");
        return new SearchDocument
        {
            Id = r.Id,
            OrganizationId = r.OrganizationId,
            Kind = r is Achievement ? AchievementCode : DemandCode,
            RegionCode = r.RegionCode,
            DistrictCode = organizationDistrict is { Length: 6 } d && d[..2] == r.RegionCode[..2] ? d : r.RegionCode,
            Quality = Quality + (r.Trl * 10),
            Title = r.Title,
            Body = string.Join(' ', new[]
            {
                r.Summary, organizationName, string.Join(' ', disciplines), string.Join(' ', industries), SearchIndexer.Cut(r.Keywords),
                r is Achievement a ? SearchIndexer.Cut(a.Inventors) : null,
            }.Where(s => !string.IsNullOrEmpty(s))),
            Marks = MatchMarks.Of(r is Achievement, r.Trl, r.Modes, r.DisciplineCodes, r.IndustryCodes),
        };
    }

    public async Task<IReadOnlyList<Guid>> MissingAsync(AppDbContext db, IQueryable<Guid> indexed, int limit, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var a = await db.Set<Achievement>().AsNoTracking().Where(MarketService.Live<Achievement>(now)).Where(r => !indexed.Any(i => i == r.Id))
            .OrderBy(r => r.Id).Select(r => r.Id).Take(limit).ToListAsync(ct);
        var d = await db.Set<Demand>().AsNoTracking().Where(MarketService.Live<Demand>(now)).Where(r => !indexed.Any(i => i == r.Id))
            .OrderBy(r => r.Id).Select(r => r.Id).Take(limit - a.Count).ToListAsync(ct);
        return [.. a, .. d];
    }

    public bool WouldStale(Type entity, bool deleting, IReadOnlySet<string> members) =>
        entity == typeof(Achievement) || entity == typeof(Demand) ? deleting || members.Count == 0 || members.Overlaps(IndexedMembers)
        : OrganizationDirectory.WritesNames(entity, deleting, members);

    public async Task<IReadOnlyList<SearchRecordView>> ViewsAsync(AppDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        // Live records only, public fields only: an expired record is never shown, even before the job removed its document.
        var now = clock.GetUtcNow();
        var a = await db.Set<Achievement>().AsNoTracking().Where(r => ids.Contains(r.Id)).Where(MarketService.Live<Achievement>(now))
            .Select(r => new { r.Id, r.Title, r.Summary, r.RegionCode, r.OrganizationId, Code = AchievementCode }).ToListAsync(ct);
        var d = await db.Set<Demand>().AsNoTracking().Where(r => ids.Contains(r.Id)).Where(MarketService.Live<Demand>(now))
            .Select(r => new { r.Id, r.Title, r.Summary, r.RegionCode, r.OrganizationId, Code = DemandCode }).ToListAsync(ct);
        var rows = a.Concat(d).ToList();
        var names = await OrganizationDirectory.NamesAsSavedAsync(db, rows.Select(r => r.OrganizationId), ct);
        var districts = await OrganizationDirectory.DistrictsAsync(db, rows.Select(r => r.OrganizationId), ct);
        return rows.Select(r => new SearchRecordView(r.Id, r.Code, r.Title, null, r.Summary, r.RegionCode,
            districts.GetValueOrDefault(r.OrganizationId) is { Length: 6 } dc && dc[..2] == r.RegionCode[..2] ? dc : r.RegionCode,
            r.OrganizationId, names.GetValueOrDefault(r.OrganizationId, ""))).ToList();
    }
}
