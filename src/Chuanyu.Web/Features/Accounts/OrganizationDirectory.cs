using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>
/// An organisation as other features see it: what they show and decide on (name, kind, where, whether verified), not
/// the entity. Built with an object initialiser so that a query over <see cref="OrganizationDirectory.Organizations"/>
/// can still filter, join and project on these members in SQL.
/// </summary>
public sealed record OrganizationRef
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public OrganizationKind Kind { get; init; }
    public string RegionCode { get; init; } = "";
    public string DistrictCode { get; init; } = "";
    public OrganizationStatus Status { get; init; }

    /// <summary>The unified social credit code (public on the business licence): records kept outside the platform name organisations by it.</summary>
    public string CreditCode { get; init; } = "";
}

/// <summary>
/// The organisations, for the features that name, pick or check one (Booking, ServiceOrders, Usage, Evaluation, Catalog,
/// ApiClients): the Accounts feature's read contract over its <c>organizations</c> table. Read-only and untracked;
/// <see cref="Organizations"/> composes into the caller's query, so a join on it is still one SQL statement.
/// </summary>
public sealed class OrganizationDirectory(AppDbContext db, CurrentUser me, OrganizationService organizations)
{
    public IQueryable<OrganizationRef> Organizations() => Project(db.Set<Organization>().AsNoTracking());

    /// <summary>The organisations the caller may see: verified ones, and pending or rejected ones within their scope (<see cref="OrganizationQueries.Visible"/>).</summary>
    public IQueryable<OrganizationRef> Visible() => Project(OrganizationQueries.Visible(db, me));

    /// <summary>An organisation the caller may see (<see cref="OrganizationService.CanSee"/>), or null.</summary>
    public async Task<OrganizationRef?> FindVisibleAsync(Guid id, CancellationToken ct)
    {
        var o = await db.Set<Organization>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        return o is null || !organizations.CanSee(o) ? null
            : new OrganizationRef { Id = o.Id, Name = o.Name, Kind = o.Kind, RegionCode = o.RegionCode, DistrictCode = o.DistrictCode, Status = o.Status, CreditCode = o.CreditCode };
    }

    /// <summary>A page of the verified organisations by name, as the organisations API describes them (the exchange API lists them).</summary>
    public async Task<PagedList<OrganizationDto>> VerifiedPageAsync(int page, int pageSize, CancellationToken ct)
    {
        var query = db.Set<Organization>().AsNoTracking().Where(o => o.Status == OrganizationStatus.Verified);
        var total = await query.CountAsync(ct);
        var items = await query.InNameOrder().Skip((page - 1) * pageSize).Take(pageSize)
            .Select(o => new OrganizationDto(o.Id, o.Name, o.Kind, o.CreditCode, o.RegionCode, o.DistrictCode, o.Address, o.Status, o.CreatedAt))
            .ToListAsync(ct);
        return new PagedList<OrganizationDto>(total, page, pageSize, items);
    }

    // ---- 科技型中小企业 and related parties (the innovation vouchers' eligibility and anti-fraud rules) ----

    /// <summary>The SME declarations of every organisation and year, whatever their status.</summary>
    public IQueryable<SmeRef> Smes() => db.Set<OrganizationSmeDeclaration>().AsNoTracking().Select(d => new SmeRef
    {
        OrganizationId = d.OrganizationId,
        Year = d.Year,
        RegistrationNumber = d.RegistrationNumber,
        Status = d.Status,
        DecidedAt = d.DecidedAt,
    });

    /// <summary>
    /// Whether the organisation is a confirmed 科技型中小企业 for <paramref name="year"/> now: its region confirmed the
    /// declaration of that year and the organisation is still verified. Asked again at every use, so a revoked
    /// confirmation or a withdrawn verification takes effect at once.
    /// </summary>
    public Task<bool> IsConfirmedSmeAsync(Guid organizationId, int year, CancellationToken ct) =>
        db.Set<OrganizationSmeDeclaration>().AsNoTracking().AnyAsync(d =>
            d.OrganizationId == organizationId && d.Year == year && d.Status == SmeDeclarationStatus.Confirmed &&
            db.Set<Organization>().Any(o => o.Id == organizationId && o.Status == OrganizationStatus.Verified), ct);

    /// <summary>
    /// Whether two organisations are one party or related ones: the same organisation, the same 统一社会信用代码, or the
    /// same legal representative (equal blind indexes of the ID number; names alone would join strangers who share one).
    /// </summary>
    public async Task<bool> AreRelatedAsync(Guid a, Guid b, CancellationToken ct)
    {
        if (a == b)
        {
            return true;
        }
        var both = await db.Set<Organization>().AsNoTracking().Where(o => o.Id == a || o.Id == b)
            .Select(o => new { o.CreditCode, o.LegalRepresentativeKey }).ToListAsync(ct);
        return both.Count == 2 && (both[0].CreditCode == both[1].CreditCode ||
            (both[0].LegalRepresentativeKey is { } key && key == both[1].LegalRepresentativeKey));
    }

    // ---- for the features that index an organisation's name with their records (the search documents of the catalogue) ----

    /// <summary>The organisation a pending change (an entry of the change tracker) renames, if it does.</summary>
    public static Guid? RenamedBy(EntityEntry entry) =>
        entry.Entity is Organization o && entry.State == EntityState.Modified && entry.Property(nameof(Organization.Name)).IsModified ? o.Id : null;

    /// <summary>
    /// Whether a set-based write of <paramref name="entity"/> setting <paramref name="members"/> (none known: all of them)
    /// may change organisation names. Deleting an organisation changes no name a record holds: the database refuses to
    /// delete one that owns records.
    /// </summary>
    public static bool WritesNames(Type entity, bool deleting, IReadOnlySet<string> members) =>
        entity == typeof(Organization) && !deleting && (members.Count == 0 || members.Contains(nameof(Organization.Name)));

    /// <summary>Names by id as the pending save of <paramref name="db"/> will leave them (a rename in this very save included).</summary>
    public static async Task<Dictionary<Guid, string>> NamesAsSavedAsync(AppDbContext db, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var names = new Dictionary<Guid, string>();
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            foreach (var o in await db.Set<Organization>().AsNoTracking().Where(o => chunk.Contains(o.Id)).Select(o => new { o.Id, o.Name }).ToListAsync(ct))
            {
                names[o.Id] = o.Name;
            }
        }
        foreach (var tracked in db.ChangeTracker.Entries<Organization>())
        {
            names[tracked.Entity.Id] = tracked.Entity.Name;
        }
        return names;
    }

    /// <summary>Districts by id (GB/T 2260 codes), for a feature whose search documents take their district from the organisation.</summary>
    public static async Task<Dictionary<Guid, string>> DistrictsAsync(AppDbContext db, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var districts = new Dictionary<Guid, string>();
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            foreach (var o in await db.Set<Organization>().AsNoTracking().Where(o => chunk.Contains(o.Id)).Select(o => new { o.Id, o.DistrictCode }).ToListAsync(ct))
            {
                districts[o.Id] = o.DistrictCode;
            }
        }
        return districts;
    }

    private static IQueryable<OrganizationRef> Project(IQueryable<Organization> query) => query.Select(o => new OrganizationRef
    {
        Id = o.Id,
        Name = o.Name,
        Kind = o.Kind,
        RegionCode = o.RegionCode,
        DistrictCode = o.DistrictCode,
        Status = o.Status,
        CreditCode = o.CreditCode,
    });

    public Task<OrganizationRef?> FindAsync(Guid id, CancellationToken ct) => Organizations().FirstOrDefaultAsync(o => o.Id == id, ct);

    /// <summary>Names by id for a page of rows (ids not found are left out).</summary>
    public async Task<Dictionary<Guid, string>> NamesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return list.Count == 0 ? [] : await db.Set<Organization>().AsNoTracking().Where(o => list.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
    }

    /// <summary>The organisations the caller belongs to: those where they hold any organisation-scoped role.</summary>
    public IReadOnlyList<Guid> MyOrganizationIds() =>
        me.Grants.Where(g => g.OrganizationId is not null).Select(g => g.OrganizationId!.Value).Distinct().ToList();

    /// <summary>The organisations where the caller holds one of <paramref name="roles"/> (as granted, second factor or not).</summary>
    public IReadOnlyList<Guid> OrganizationIdsWhereIHold(params PlatformRole[] roles) =>
        me.Grants.Where(g => g.OrganizationId is not null && roles.Contains(g.Role)).Select(g => g.OrganizationId!.Value).Distinct().ToList();

    /// <summary>Ids and names of some organisations, by name: the choices of a form.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Name)>> ChoicesAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        return (await db.Set<Organization>().AsNoTracking().Where(o => ids.Contains(o.Id)).InNameOrder().Select(o => new { o.Id, o.Name }).ToListAsync(ct))
            .Select(o => (o.Id, o.Name)).ToList();
    }
}
