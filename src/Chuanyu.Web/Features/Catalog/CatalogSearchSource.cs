using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>
/// How the catalogue's records are found by the search (<see cref="ISearchSource"/>, registered by <c>AddCatalog</c>):
/// a published resource is a document of its names and model (the title), its manufacturer, owner's name, classes,
/// keywords and the start of its longer texts (the body), its facets and its static quality. A change to a resource, a
/// fee or a certification, or to the owner's name (Accounts says which changes rename an organisation), touches its
/// document; drafts and retired records have none.
/// </summary>
public sealed class CatalogSearchSource : ISearchSource
{
    /// <summary>Resource columns that no document is computed from (the concurrency version and the last editor).</summary>
    private static readonly HashSet<string> UnindexedResourceMembers =
        [nameof(Resource.Version), nameof(Resource.UpdatedAt), nameof(Resource.UpdatedBy)];

    /// <summary>Each resource kind is a type of record; its code is the kind's number (0–9).</summary>
    public IReadOnlyList<SearchType> Types { get; } =
        [.. Enum.GetValues<ResourceKind>().Select(k => new SearchType(k.ToString(), (int)k, $"Search.Kind.{k}", "/Catalog/Details"))];

    public void Collect(EntityEntry entry, SearchChanges changes)
    {
        switch (entry.Entity)
        {
            case Resource r when entry.State is EntityState.Added or EntityState.Modified:
                changes.Affected.Add(r.Id);
                if (entry.State == EntityState.Added)
                {
                    changes.Added.Add(r.Id);
                }
                break;
            case Resource r when entry.State == EntityState.Deleted:
                changes.Deleted.Add(r.Id);
                break;
            case ResourceFee f when entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted:
                changes.Affected.Add(f.ResourceId);
                break;
            case ResourceCertification c when entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted:
                changes.Affected.Add(c.ResourceId);
                break;
            default:
                // The owner's name is indexed with every record.
                if (OrganizationDirectory.RenamedBy(entry) is { } renamed)
                {
                    changes.Owners.Add(renamed);
                }
                break;
        }
    }

    public async Task<IReadOnlyList<SearchDocument>> DocumentsAsync(AppDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        // The records of this save as they are about to be written; the others (changed only through a fee, a
        // certification or the owner's name) are loaded with their children.
        var tracked = db.ChangeTracker.Entries<Resource>().Where(e => ids.Contains(e.Entity.Id)).ToDictionary(e => e.Entity.Id, e => e.Entity);
        var resources = tracked.Values.ToList();
        foreach (var chunk in ids.Where(id => !tracked.ContainsKey(id)).Chunk(500))
        {
            resources.AddRange(await db.Set<Resource>().Include(r => r.Fees).Include(r => r.Certifications).AsSplitQuery()
                .Where(r => chunk.Contains(r.Id)).ToListAsync(ct));
        }
        var searchable = resources.Where(r => r.Status == ResourceStatus.Published).ToList();
        if (searchable.Count == 0)
        {
            return [];
        }
        var names = await OrganizationDirectory.NamesAsSavedAsync(db, searchable.Select(r => r.OrganizationId), ct);
        return searchable.Select(r => Document(r, names.GetValueOrDefault(r.OrganizationId, ""))).ToList();
    }

    public async Task<IReadOnlyList<Guid>> MissingAsync(AppDbContext db, IQueryable<Guid> indexed, int limit, CancellationToken ct) =>
        await db.Set<Resource>().AsNoTracking().Where(r => r.Status == ResourceStatus.Published && !indexed.Any(i => i == r.Id))
            .OrderBy(r => r.Id).Select(r => r.Id).Take(limit).ToListAsync(ct);

    public async Task<IReadOnlyList<SearchRecordView>> ViewsAsync(AppDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var rows = await db.Set<Resource>().AsNoTracking().Where(r => ids.Contains(r.Id) && r.Status == ResourceStatus.Published)
            .Select(r => new
            {
                r.Id,
                r.Kind,
                r.Name,
                r.Model,
                r.Manufacturer,
                r.MainFunctions,
                r.ApplicationFields,
                r.RegionCode,
                r.DistrictCode,
                r.OrganizationId,
                Large = r.Kind == ResourceKind.Instrument && r.OriginalValueFen >= Resource.LargeInstrumentThresholdFen,
            })
            .ToListAsync(ct);
        var names = await OrganizationDirectory.NamesAsSavedAsync(db, rows.Select(r => r.OrganizationId), ct);
        return rows.Select(r => new SearchRecordView(r.Id, (int)r.Kind, r.Name, r.Model, Summary(r.Manufacturer, r.MainFunctions ?? r.ApplicationFields),
            r.RegionCode, r.DistrictCode, r.OrganizationId, names.GetValueOrDefault(r.OrganizationId, ""), r.Large)).ToList();
    }

    private static string? Summary(string? manufacturer, string? text)
    {
        var body = text is { Length: > 120 } ? text[..120] + "…" : text;
        return manufacturer is null ? body : body is null ? manufacturer : manufacturer + "｜" + body;
    }

    public bool WouldStale(Type entity, bool deleting, IReadOnlySet<string> members) =>
        entity == typeof(Resource) ? deleting || members.Count == 0 || !members.IsSubsetOf(UnindexedResourceMembers)
        : entity == typeof(ResourceFee) || entity == typeof(ResourceCertification) || OrganizationDirectory.WritesNames(entity, deleting, members);

    /// <summary>The document of a published resource (pure: the same record always gives the same document); also the seed command's.</summary>
    public static SearchDocument Document(Resource r, string organizationName)
    {
        var category = InstrumentClasses.Find(r.CategoryCode);
        var top = category is null ? null : InstrumentClasses.Find(category.TopCode);
        return new SearchDocument
        {
            Id = r.Id,
            OrganizationId = r.OrganizationId,
            Kind = (int)r.Kind,
            RegionCode = r.RegionCode,
            DistrictCode = r.DistrictCode,
            Category = top is null ? 0 : int.Parse(top.Code, System.Globalization.CultureInfo.InvariantCulture),
            Flags = FlagsOf(r),
            MinPriceFen = r.Fees.Count == 0 ? null : r.Fees.Min(f => f.PriceFen),
            Quality = QualityOf(r),
            Title = string.Join(' ', new[] { r.Name, r.EnglishName, r.Model }.Where(s => !string.IsNullOrEmpty(s))),
            Body = string.Join(' ', new[]
            {
                r.Manufacturer, organizationName, top?.Name, category is not null && category != top ? category.Name : null,
                r.Keywords, SearchIndexer.Cut(r.MainFunctions), SearchIndexer.Cut(r.ApplicationFields), SearchIndexer.Cut(r.TechnicalIndicators),
            }.Where(s => !string.IsNullOrEmpty(s))),
        };
    }

    public static SearchMarks FlagsOf(Resource r)
    {
        var flags = SearchMarks.None;
        if (r.Certifications.Any(c => c.Type == CertificationType.Cma))
        {
            flags |= SearchMarks.Cma;
        }
        if (r.Certifications.Any(c => c.Type == CertificationType.Cnas))
        {
            flags |= SearchMarks.Cnas;
        }
        if (r.Kind == ResourceKind.Instrument && r.OriginalValueFen >= Resource.LargeInstrumentThresholdFen)
        {
            flags |= SearchMarks.LargeInstrument;
        }
        if (r.SharingStatus == SharingStatus.InternalOnly)
        {
            flags |= SearchMarks.InternalOnly;
        }
        return flags;
    }

    /// <summary>
    /// Static quality 0–1000, the order in which matches leave the index (re-ranking then puts title hits first):
    /// how completely the record is described (up to 500), certifications (100 each), a large instrument (100), how
    /// openly it is shared (open 100, within the region 50, under maintenance −300). Ratings join with bookings.
    /// </summary>
    public static int QualityOf(Resource r)
    {
        var q = 0;
        q += Filled(r.Model, 60) + Filled(r.Manufacturer, 50) + Filled(r.TechnicalIndicators, 80) + Filled(r.MainFunctions, 80)
            + Filled(r.ApplicationFields, 50) + Filled(r.Address, 30) + Filled(r.ContactPhone ?? r.ContactEmail, 50)
            + Filled(r.CategoryCode, 50) + (r.Fees.Count > 0 ? 50 : 0);
        q += r.Certifications.Select(c => c.Type).Distinct().Count() * 100;
        q += r.Kind == ResourceKind.Instrument && r.OriginalValueFen >= Resource.LargeInstrumentThresholdFen ? 100 : 0;
        q += r.SharingStatus switch
        {
            SharingStatus.OpenToAll => 100,
            SharingStatus.WithinRegion => 50,
            SharingStatus.UnderMaintenance => -300,
            _ => 0,
        };
        return Math.Clamp(q, 0, SearchIndexer.MaxQuality);
    }

    private static int Filled(string? s, int points) => string.IsNullOrWhiteSpace(s) ? 0 : points;
}
