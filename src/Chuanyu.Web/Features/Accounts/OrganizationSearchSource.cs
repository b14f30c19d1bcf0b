using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>
/// Organisations as search records (<see cref="ISearchSource"/>): a verified organisation is found by its name, and by its
/// district and address (the public fields of its page). What is not public is never indexed: the credit code is an
/// identifier rather than text to find, and the review note (<see cref="Organization.StatusNote"/>) is the
/// administrators'. Organisations under review or rejected have no document.
/// </summary>
public sealed class OrganizationSearchSource : ISearchSource
{
    /// <summary>The organisations' type code in the index (resource kinds take 0–9).</summary>
    public const int Code = 20;

    /// <summary>A middling static quality: an organisation is ordered among the resources by its words, not before them.</summary>
    public const int Quality = 500;

    private static readonly SearchType Type = new("Organization", Code, "Search.Type.Organization", "/Organizations/Details");

    /// <summary>Columns that change what the document holds.</summary>
    private static readonly HashSet<string> IndexedMembers =
        [nameof(Organization.Name), nameof(Organization.Status), nameof(Organization.RegionCode), nameof(Organization.DistrictCode), nameof(Organization.Address)];

    public IReadOnlyList<SearchType> Types { get; } = [Type];

    public void Collect(EntityEntry entry, SearchChanges changes)
    {
        if (entry.Entity is not Organization o)
        {
            return;
        }
        switch (entry.State)
        {
            case EntityState.Added:
                changes.Affected.Add(o.Id);
                changes.Added.Add(o.Id);
                break;
            case EntityState.Modified when entry.Properties.Any(p => p.IsModified && IndexedMembers.Contains(p.Metadata.Name)):
                changes.Affected.Add(o.Id);
                break;
            case EntityState.Deleted:
                changes.Deleted.Add(o.Id);
                break;
        }
    }

    public async Task<IReadOnlyList<SearchDocument>> DocumentsAsync(AppDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var tracked = db.ChangeTracker.Entries<Organization>().Where(e => ids.Contains(e.Entity.Id)).ToDictionary(e => e.Entity.Id, e => e.Entity);
        var organizations = tracked.Values.ToList();
        foreach (var chunk in ids.Where(id => !tracked.ContainsKey(id)).Chunk(500))
        {
            organizations.AddRange(await db.Organizations.AsNoTracking().Where(o => chunk.Contains(o.Id)).ToListAsync(ct));
        }
        return organizations.Where(o => o.Status == OrganizationStatus.Verified).Select(Document).ToList();
    }

    public async Task<IReadOnlyList<Guid>> MissingAsync(AppDbContext db, IQueryable<Guid> indexed, int limit, CancellationToken ct) =>
        await db.Organizations.AsNoTracking()
            .Where(o => o.Status == OrganizationStatus.Verified && !indexed.Any(i => i == o.Id))
            .OrderBy(o => o.Id).Select(o => o.Id).Take(limit).ToListAsync(ct);

    public bool WouldStale(Type entity, bool deleting, IReadOnlySet<string> members) =>
        entity == typeof(Organization) && (deleting || members.Count == 0 || members.Overlaps(IndexedMembers));

    public async Task<IReadOnlyList<SearchRecordView>> ViewsAsync(AppDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var rows = await db.Organizations.AsNoTracking().Where(o => ids.Contains(o.Id) && o.Status == OrganizationStatus.Verified)
            .Select(o => new { o.Id, o.Name, o.RegionCode, o.DistrictCode, o.Address }).ToListAsync(ct);
        return rows.Select(o => new SearchRecordView(o.Id, Code, o.Name, null, Summary(o.DistrictCode, o.Address), o.RegionCode, o.DistrictCode, o.Id, o.Name))
            .ToList();
    }

    /// <summary>The document of a verified organisation (pure).</summary>
    public static SearchDocument Document(Organization o) => new()
    {
        Id = o.Id,
        OrganizationId = o.Id,
        Kind = Code,
        RegionCode = o.RegionCode,
        DistrictCode = o.DistrictCode,
        Quality = Quality,
        Title = o.Name,
        Body = Summary(o.DistrictCode, o.Address) ?? "",
    };

    // District names are reference data (GB/T 2260), in Chinese, as the index's text is.
    private static string? Summary(string districtCode, string? address) =>
        string.Join(' ', new[] { ReferenceData.NameOf(districtCode), SearchIndexer.Cut(address) }.Where(s => !string.IsNullOrEmpty(s))) is { Length: > 0 } s ? s : null;
}
