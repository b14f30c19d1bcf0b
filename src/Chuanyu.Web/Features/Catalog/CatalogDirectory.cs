using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>
/// A catalogue record as the features that use instruments see it (Booking, ServiceOrders, Usage, Evaluation): what
/// they show, check and filter on, not the entity. Built with an object initialiser so that a query over
/// <see cref="CatalogDirectory.Instruments"/> can still filter, join and project on these members in SQL.
/// </summary>
public sealed record InstrumentRef
{
    public Guid Id { get; init; }
    public ResourceKind Kind { get; init; }
    public string Name { get; init; } = "";
    public string? Model { get; init; }
    public string? Address { get; init; }
    public Guid OrganizationId { get; init; }
    public string RegionCode { get; init; } = "";
    public ResourceStatus Status { get; init; }
    public SharingStatus SharingStatus { get; init; }
}

/// <summary>What a list or a search hit shows of a record.</summary>
public sealed record ResourceCard
{
    public Guid Id { get; init; }
    public ResourceKind Kind { get; init; }
    public string Name { get; init; } = "";
    public string? Model { get; init; }
    public string? Manufacturer { get; init; }
    public string? MainFunctions { get; init; }
    public string? ApplicationFields { get; init; }
    public string RegionCode { get; init; } = "";
    public string DistrictCode { get; init; } = "";
    public Guid OrganizationId { get; init; }

    /// <summary>A large instrument by the national sharing rules (<see cref="Resource.LargeInstrumentThresholdFen"/>).</summary>
    public bool IsLargeInstrument { get; init; }
}

/// <summary>One line of a record's fee schedule, money in fen.</summary>
public sealed record FeeRef
{
    public Guid ResourceId { get; init; }
    public FeeUserType UserType { get; init; }
    public long PriceFen { get; init; }
    public string Unit { get; init; } = "";
    public string? Note { get; init; }

    public static FeeRef From(ResourceFee f) => new() { ResourceId = f.ResourceId, UserType = f.UserType, PriceFen = f.PriceFen, Unit = f.Unit, Note = f.Note };
}

/// <summary>
/// The Catalog feature's read contract for other features: its records as <see cref="InstrumentRef"/> and fee lines as
/// <see cref="FeeRef"/>, as queries that compose into the caller's (a filter or a join on them is still one SQL
/// statement, nothing is loaded whole), and the decisions that are the catalogue's to make (who sees a record, who
/// manages it). Read-only and untracked: writes stay in <see cref="CatalogService"/>.
/// </summary>
public sealed class CatalogDirectory(AppDbContext db, CatalogService catalog)
{
    /// <summary>Every record, whoever asks: for joins and for what the caller checks itself (see <see cref="CanSee"/>).</summary>
    public IQueryable<InstrumentRef> Instruments() => db.Set<Resource>().AsNoTracking().Select(r => new InstrumentRef
    {
        Id = r.Id,
        Kind = r.Kind,
        Name = r.Name,
        Model = r.Model,
        Address = r.Address,
        OrganizationId = r.OrganizationId,
        RegionCode = r.RegionCode,
        Status = r.Status,
        SharingStatus = r.SharingStatus,
    });

    /// <summary>Every record as a list or a search hit shows it, whoever asks (the search shows only what its index found for the caller).</summary>
    public IQueryable<ResourceCard> Cards() => db.Set<Resource>().AsNoTracking().Select(r => new ResourceCard
    {
        Id = r.Id,
        Kind = r.Kind,
        Name = r.Name,
        Model = r.Model,
        Manufacturer = r.Manufacturer,
        MainFunctions = r.MainFunctions,
        ApplicationFields = r.ApplicationFields,
        RegionCode = r.RegionCode,
        DistrictCode = r.DistrictCode,
        OrganizationId = r.OrganizationId,
        IsLargeInstrument = r.Kind == ResourceKind.Instrument && r.OriginalValueFen >= Resource.LargeInstrumentThresholdFen,
    });

    public IQueryable<FeeRef> Fees() => db.Set<ResourceFee>().AsNoTracking().Select(f => new FeeRef
    {
        ResourceId = f.ResourceId,
        UserType = f.UserType,
        PriceFen = f.PriceFen,
        Unit = f.Unit,
        Note = f.Note,
    });

    public Task<InstrumentRef?> FindAsync(Guid id, CancellationToken ct) => Instruments().FirstOrDefaultAsync(r => r.Id == id, ct);

    /// <summary>A record with its fee schedule, in one read (null when there is no such record).</summary>
    public async Task<(InstrumentRef Instrument, IReadOnlyList<FeeRef> Fees)?> FindWithFeesAsync(Guid id, CancellationToken ct)
    {
        var fees = Fees();
        var found = await Instruments().Where(r => r.Id == id)
            .Select(r => new { Instrument = r, Fees = fees.Where(f => f.ResourceId == r.Id).ToList() }).FirstOrDefaultAsync(ct);
        return found is null ? null : (found.Instrument, found.Fees);
    }

    /// <summary>A record's fee schedule.</summary>
    public async Task<IReadOnlyList<FeeRef>> FeesAsync(Guid resourceId, CancellationToken ct) =>
        await Fees().Where(f => f.ResourceId == resourceId).ToListAsync(ct);

    /// <summary>Whether the caller may see the record (<see cref="CatalogService.CanSee(Resource)"/>'s rule).</summary>
    public bool CanSee(InstrumentRef r) => catalog.CanSee(r.Status, r.SharingStatus, r.OrganizationId, r.RegionCode);

    /// <summary>Whether the caller manages the records of an organisation (its instrument manager or organisation admin).</summary>
    public bool CanManage(Guid organizationId) => catalog.CanManage(organizationId);
}
