using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// Experts as search records (<see cref="ISearchSource"/>, issue 16: "experts appear in the unified search as their own
/// type, public view without personal data"). An active expert is found by name (the title), and by title level,
/// position, institution, disciplines with their GB/T 13745 names, industry fields and keywords (the body). Phone,
/// e-mail, ID number and birth year are never in a document; a suspended or removed expert has none.
/// </summary>
public sealed class ExpertSearchSource : ISearchSource
{
    /// <summary>The experts' type code in the index (resource kinds take 0–9, organisations 20).</summary>
    public const int Code = 21;

    /// <summary>A middling static quality, raised for senior titles: an expert is ordered among the other records by its words.</summary>
    public const int Quality = 500;

    private static readonly CultureInfo IndexCulture = CultureInfo.GetCultureInfo("zh-CN");

    private static readonly SearchType Type = new("Expert", Code, "Search.Type.Expert", "/Experts/Details");

    /// <summary>Columns a document is computed from (the rest — contact data, version, no-shows, the account — change nothing in it).</summary>
    private static readonly HashSet<string> IndexedMembers =
    [
        nameof(Expert.Name), nameof(Expert.TitleLevel), nameof(Expert.Position), nameof(Expert.OrganizationId), nameof(Expert.RegionCode),
        nameof(Expert.Status), nameof(Expert.PrimaryDiscipline), nameof(Expert.IndustryFields), nameof(Expert.Keywords),
    ];

    public IReadOnlyList<SearchType> Types { get; } = [Type];

    public void Collect(EntityEntry entry, SearchChanges changes)
    {
        switch (entry.Entity)
        {
            case Expert e when entry.State == EntityState.Added:
                changes.Affected.Add(e.Id);
                changes.Added.Add(e.Id);
                break;
            case Expert e when entry.State == EntityState.Modified && entry.Properties.Any(p => p.IsModified && IndexedMembers.Contains(p.Metadata.Name)):
                changes.Affected.Add(e.Id);
                break;
            case Expert e when entry.State == EntityState.Deleted:
                changes.Deleted.Add(e.Id);
                break;
            case ExpertDiscipline d when entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted:
                changes.Affected.Add(d.ExpertId);
                break;
            default:
                // The institution's name is indexed with every expert.
                if (OrganizationDirectory.RenamedBy(entry) is { } renamed)
                {
                    changes.Owners.Add(renamed);
                }
                break;
        }
    }

    public async Task<IReadOnlyList<SearchDocument>> DocumentsAsync(AppDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var tracked = db.ChangeTracker.Entries<Expert>().Where(e => ids.Contains(e.Entity.Id)).ToDictionary(e => e.Entity.Id, e => e.Entity);
        var experts = tracked.Values.ToList();
        foreach (var chunk in ids.Where(id => !tracked.ContainsKey(id)).Chunk(500))
        {
            experts.AddRange(await db.Set<Expert>().AsNoTracking().Where(e => chunk.Contains(e.Id)).ToListAsync(ct));
        }
        var active = experts.Where(e => e.Status == ExpertStatus.Active).ToList();
        if (active.Count == 0)
        {
            return [];
        }
        var disciplines = await DisciplinesAsSavedAsync(db, active.Select(e => e.Id).ToList(), ct);
        var names = await OrganizationDirectory.NamesAsSavedAsync(db, active.Select(e => e.OrganizationId), ct);
        var districts = await OrganizationDirectory.DistrictsAsync(db, active.Select(e => e.OrganizationId), ct);
        return active.Select(e => Document(e, disciplines.GetValueOrDefault(e.Id) ?? [], names.GetValueOrDefault(e.OrganizationId, ""),
            districts.GetValueOrDefault(e.OrganizationId))).ToList();
    }

    /// <summary>The discipline codes of these experts as the pending save will leave them (rows added or removed in it included).</summary>
    private static async Task<Dictionary<Guid, HashSet<string>>> DisciplinesAsSavedAsync(AppDbContext db, List<Guid> ids, CancellationToken ct)
    {
        var result = ids.ToDictionary(id => id, _ => new HashSet<string>(StringComparer.Ordinal));
        foreach (var chunk in ids.Chunk(500))
        {
            foreach (var d in await db.Set<ExpertDiscipline>().AsNoTracking().Where(d => chunk.Contains(d.ExpertId)).Select(d => new { d.ExpertId, d.Code }).ToListAsync(ct))
            {
                result[d.ExpertId].Add(d.Code);
            }
        }
        foreach (var entry in db.ChangeTracker.Entries<ExpertDiscipline>())
        {
            if (!result.TryGetValue(entry.Entity.ExpertId, out var codes))
            {
                continue;
            }
            if (entry.State == EntityState.Deleted)
            {
                codes.Remove(entry.Entity.Code);
            }
            else if (entry.State == EntityState.Added)
            {
                codes.Add(entry.Entity.Code);
            }
        }
        return result;
    }

    public async Task<IReadOnlyList<Guid>> MissingAsync(AppDbContext db, IQueryable<Guid> indexed, int limit, CancellationToken ct) =>
        await db.Set<Expert>().AsNoTracking().Where(e => e.Status == ExpertStatus.Active && !indexed.Any(i => i == e.Id))
            .OrderBy(e => e.Id).Select(e => e.Id).Take(limit).ToListAsync(ct);

    public bool WouldStale(Type entity, bool deleting, IReadOnlySet<string> members) =>
        entity == typeof(Expert) ? deleting || members.Count == 0 || members.Overlaps(IndexedMembers)
        : entity == typeof(ExpertDiscipline) || OrganizationDirectory.WritesNames(entity, deleting, members);

    public async Task<IReadOnlyList<SearchRecordView>> ViewsAsync(AppDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        // Only the public fields are read: the hit cannot show what was never loaded.
        var rows = await db.Set<Expert>().AsNoTracking().Where(e => ids.Contains(e.Id) && e.Status == ExpertStatus.Active)
            .Select(e => new { e.Id, e.Name, e.TitleLevel, e.Position, e.PrimaryDiscipline, e.Keywords, e.RegionCode, e.OrganizationId })
            .ToListAsync(ct);
        var names = await OrganizationDirectory.NamesAsSavedAsync(db, rows.Select(r => r.OrganizationId), ct);
        var districts = await OrganizationDirectory.DistrictsAsync(db, rows.Select(r => r.OrganizationId), ct);
        return rows.Select(r => new SearchRecordView(r.Id, Code, r.Name, null,
            Summary(Messages.Label(r.TitleLevel).ToString(), r.Position, r.PrimaryDiscipline, r.Keywords), r.RegionCode, District(r.RegionCode, districts.GetValueOrDefault(r.OrganizationId)),
            r.OrganizationId, names.GetValueOrDefault(r.OrganizationId, ""))).ToList();
    }

    // Title level, position, the primary discipline (GB/T 13745 names are reference data, in Chinese) and the keywords.
    private static string? Summary(string title, string? position, string primary, string keywords) =>
        string.Join("｜", new[] { title, position, DisciplineCodes.Find(primary) is { } d ? $"{d.Code} {DisciplineCodes.Label(d.Code)}" : null, keywords }
            .Where(s => !string.IsNullOrEmpty(s))) is { Length: > 0 } s ? s : null;

    /// <summary>The institution's district when it lies in the expert's region (the facets nest districts in regions); else the region.</summary>
    private static string District(string regionCode, string? organizationDistrict) =>
        organizationDistrict is { Length: 6 } d && regionCode.Length == 6 && d[..2] == regionCode[..2] ? d : regionCode;

    /// <summary>
    /// The document of an active expert (pure): the name as the title; title level, position, institution, each discipline
    /// with its code, its name and its 一级学科's name, industry fields and keywords as the body. Nothing personal.
    /// </summary>
    public static SearchDocument Document(Expert e, IReadOnlyCollection<string> disciplineCodes, string organizationName, string? organizationDistrict)
    {
        var codes = disciplineCodes.Append(e.PrimaryDiscipline).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var disciplines = codes.Select(DisciplineCodes.Find).OfType<Discipline>()
            .SelectMany(d => d.ParentCode is { } p && DisciplineCodes.Find(p) is { } top ? new[] { d.Code, d.Name, top.Name } : [d.Code, d.Name])
            .Distinct(StringComparer.Ordinal);
        return new SearchDocument
        {
            Id = e.Id,
            OrganizationId = e.OrganizationId,
            Kind = Code,
            RegionCode = e.RegionCode,
            DistrictCode = District(e.RegionCode, organizationDistrict),
            Quality = Quality + (e.TitleLevel switch { TitleLevel.FullSenior => 100, TitleLevel.AssociateSenior => 50, _ => 0 }),
            Title = e.Name,
            Body = string.Join(' ', new[]
            {
                Messages.Translate(Messages.Label(e.TitleLevel), IndexCulture), e.Position, organizationName, string.Join(' ', disciplines),
                SearchIndexer.Cut(e.IndustryFields), SearchIndexer.Cut(e.Keywords),
            }.Where(s => !string.IsNullOrEmpty(s))),
        };
    }
}
