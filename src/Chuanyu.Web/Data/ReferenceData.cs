namespace Chuanyu.Web.Data;

/// <summary>
/// The administrative divisions of Data/Reference/divisions.csv (GB/T 2260 codes; source in the README beside it), read
/// from the embedded file. Accounts loads them into its regions and districts tables (<c>DivisionsPreparation</c>).
/// </summary>
public static class ReferenceData
{
    public sealed record DivisionRow(string Code, string Name, string Level, string? ParentCode)
    {
        /// <summary>A province's one-character abbreviation (渝, 川), from the file's optional fifth column.</summary>
        public string? ShortName { get; init; }
    }

    private static readonly Lazy<Dictionary<string, string>> Names = new(() => ReadDivisions().ToDictionary(r => r.Code, r => r.Name, StringComparer.Ordinal));

    /// <summary>The name of a division by its code, from the embedded file the database's rows were loaded from (no query per search).</summary>
    public static string NameOf(string code) => Names.Value.GetValueOrDefault(code, "");

    public static IReadOnlyList<DivisionRow> ReadDivisions()
    {
        using var stream = typeof(ReferenceData).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.divisions.csv")
            ?? throw new InvalidOperationException("divisions.csv is not embedded.");
        using var reader = new StreamReader(stream);
        var rows = new List<DivisionRow>();
        _ = reader.ReadLine(); // header: code,name,level,parent_code,short_name
        while (reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var f = line.Split(',');
            rows.Add(new DivisionRow(f[0].Trim(), f[1].Trim(), f[2].Trim(), f.Length > 3 && f[3].Trim().Length > 0 ? f[3].Trim() : null)
            {
                ShortName = f.Length > 4 && f[4].Trim().Length > 0 ? f[4].Trim() : null,
            });
        }
        return rows;
    }
}
