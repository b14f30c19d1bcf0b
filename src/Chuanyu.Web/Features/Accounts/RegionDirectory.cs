using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>A province-level region (GB/T 2260), as other features name and list it.</summary>
public sealed record RegionRef
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string ShortName { get; init; } = "";
    public int SortOrder { get; init; }
}

/// <summary>A prefecture-level city or a district/county (GB/T 2260), as other features name, list and check it.</summary>
public sealed record DistrictRef
{
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public DistrictLevel Level { get; init; }
    public string RegionCode { get; init; } = "";
    public string? ParentCode { get; init; }
}

/// <summary>
/// The reference divisions (regions and their districts) for the features that show, pick or check a place (Catalog,
/// Evaluation): the Accounts feature's read contract over its <c>regions</c> and <c>districts</c> tables, as queries
/// that compose into the caller's.
/// </summary>
public sealed class RegionDirectory(AppDbContext db)
{
    public IQueryable<RegionRef> Regions() => db.Set<Region>().AsNoTracking()
        .Select(r => new RegionRef { Code = r.Code, Name = r.Name, ShortName = r.ShortName, SortOrder = r.SortOrder });

    public IQueryable<DistrictRef> Districts() => db.Set<District>().AsNoTracking()
        .Select(d => new DistrictRef { Code = d.Code, Name = d.Name, Level = d.Level, RegionCode = d.RegionCode, ParentCode = d.ParentCode });

    /// <summary>The names of the province-level regions (codes ending 0000), by code.</summary>
    public Task<Dictionary<string, string>> ProvinceNamesAsync(CancellationToken ct) =>
        db.Set<Region>().AsNoTracking().Where(r => r.Code.EndsWith("0000")).ToDictionaryAsync(r => r.Code, r => r.Name, ct);
}
