using Chuanyu.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Data;

/// <summary>
/// Loads regions and districts from Data/Reference/divisions.csv (GB/T 2260 codes; source in the README beside it).
/// Runs at every start-up and adds what is missing, so adding a province is adding its rows to the file.
/// </summary>
public static class ReferenceData
{
    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["500000"] = "渝",
        ["510000"] = "川",
    };

    public sealed record DivisionRow(string Code, string Name, string Level, string? ParentCode);

    private static readonly Lazy<Dictionary<string, string>> Names = new(() => ReadDivisions().ToDictionary(r => r.Code, r => r.Name, StringComparer.Ordinal));

    /// <summary>The name of a division by its code, from the embedded file the database's rows were loaded from (no query per search).</summary>
    public static string NameOf(string code) => Names.Value.GetValueOrDefault(code, "");

    public static IReadOnlyList<DivisionRow> ReadDivisions()
    {
        using var stream = typeof(ReferenceData).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.divisions.csv")
            ?? throw new InvalidOperationException("divisions.csv is not embedded.");
        using var reader = new StreamReader(stream);
        var rows = new List<DivisionRow>();
        _ = reader.ReadLine(); // header: code,name,level,parent_code
        while (reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var f = line.Split(',');
            rows.Add(new DivisionRow(f[0].Trim(), f[1].Trim(), f[2].Trim(), f.Length > 3 && f[3].Trim().Length > 0 ? f[3].Trim() : null));
        }
        return rows;
    }

    public static async Task EnsureAsync(AppDbContext db, CancellationToken ct = default)
    {
        var rows = ReadDivisions();
        var regionCodes = await db.Regions.Select(r => r.Code).ToHashSetAsync(ct);
        var districtCodes = await db.Districts.Select(d => d.Code).ToHashSetAsync(ct);
        var order = regionCodes.Count;
        foreach (var r in rows.Where(r => r.Level == "province" && !regionCodes.Contains(r.Code)))
        {
            db.Regions.Add(new Region { Code = r.Code, Name = r.Name, ShortName = ShortNames.GetValueOrDefault(r.Code, r.Name[..1]), SortOrder = ++order });
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

    private static string RegionOf(DivisionRow row, Dictionary<string, DivisionRow> byCode)
    {
        var current = row;
        while (current.Level != "province")
        {
            current = byCode[current.ParentCode ?? throw new InvalidOperationException($"Division {row.Code} has no parent.")];
        }
        return current.Code;
    }
}
