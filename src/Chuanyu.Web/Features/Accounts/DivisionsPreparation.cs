using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>
/// Loads regions and districts, Accounts' tables, from the divisions file (<see cref="ReferenceData.ReadDivisions"/>). Runs
/// at every start-up and by <c>migrate</c> (an <see cref="IDatabasePreparation"/> registered by <c>AddAccounts</c>, so before
/// the other features' preparations) and adds what is missing, so adding a province is adding its rows to the file.
/// </summary>
public sealed class DivisionsPreparation : IDatabasePreparation
{
    public Task PrepareAsync(AppDbContext db, CancellationToken ct) => EnsureAsync(db, ct);

    public static async Task EnsureAsync(AppDbContext db, CancellationToken ct = default)
    {
        var rows = ReferenceData.ReadDivisions();
        var regionCodes = await db.Regions.Select(r => r.Code).ToHashSetAsync(ct);
        var districtCodes = await db.Districts.Select(d => d.Code).ToHashSetAsync(ct);
        var order = regionCodes.Count;
        foreach (var r in rows.Where(r => r.Level == "province" && !regionCodes.Contains(r.Code)))
        {
            db.Regions.Add(new Region { Code = r.Code, Name = r.Name, ShortName = r.ShortName ?? r.Name[..1], SortOrder = ++order });
        }
        var byCode = rows.ToDictionary(r => r.Code);
        foreach (var r in rows.Where(r => r.Level != "province" && !districtCodes.Contains(r.Code)))
        {
            db.Districts.Add(new District
            {
                Code = r.Code,
                Name = r.Name,
                Level = r.Level == "prefecture" ? DistrictLevel.Prefecture : DistrictLevel.County,
                RegionCode = RegionOf(r, byCode),
                ParentCode = r.ParentCode is { } p && byCode.TryGetValue(p, out var parent) && parent.Level != "province" ? p : null,
            });
        }
        await db.SaveChangesAsync(ct);
    }

    private static string RegionOf(ReferenceData.DivisionRow row, Dictionary<string, ReferenceData.DivisionRow> byCode)
    {
        var current = row;
        while (current.Level != "province")
        {
            current = byCode[current.ParentCode ?? throw new InvalidOperationException($"Division {row.Code} has no parent.")];
        }
        return current.Code;
    }
}
