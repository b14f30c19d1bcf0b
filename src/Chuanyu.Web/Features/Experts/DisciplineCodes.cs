namespace Chuanyu.Web.Features.Experts;

/// <summary>One discipline of GB/T 13745-2009 《学科分类与代码》: a 3-digit 一级学科 or a 5-digit 二级学科 under it.</summary>
public sealed record Discipline(string Code, string Name, string? ParentCode, int Level)
{
    /// <summary>The 一级学科 this discipline belongs to (the first three digits: 43025 → 430).</summary>
    public string TopCode => Code[..3];
}

/// <summary>
/// The discipline codes of GB/T 13745-2009 (62 一级学科 and their 二级学科), from the embedded
/// <c>Data/Reference/discipline-codes.csv</c> (source in the README beside it). Experts name their disciplines by
/// these codes, never by free text, so draws and matching compare codes.
/// </summary>
public static class DisciplineCodes
{
    public static IReadOnlyList<Discipline> All { get; } = Load();

    private static readonly Dictionary<string, Discipline> ByCode = All.ToDictionary(d => d.Code, StringComparer.Ordinal);

    /// <summary>The 一级学科 in code order.</summary>
    public static IReadOnlyList<Discipline> TopLevel { get; } = All.Where(d => d.Level == 1).ToList();

    /// <summary>The discipline of a code (surrounding blanks ignored), or null when the standard has no such code.</summary>
    public static Discipline? Find(string? code) => code is not null && ByCode.TryGetValue(code.Trim(), out var d) ? d : null;

    /// <summary>"材料科学 › 材料检测与分析技术" for display; the code itself when unknown.</summary>
    public static string Label(string code) => Find(code) is { } d
        ? d.ParentCode is { } p && Find(p) is { } parent ? $"{parent.Name} › {d.Name}" : d.Name
        : code;

    public static IEnumerable<Discipline> ChildrenOf(string code) => All.Where(d => d.ParentCode == code);

    private static List<Discipline> Load()
    {
        using var stream = typeof(DisciplineCodes).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.discipline-codes.csv")
            ?? throw new InvalidOperationException("discipline-codes.csv is not embedded.");
        using var reader = new StreamReader(stream);
        reader.ReadLine();
        var list = new List<Discipline>();
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            if (f.Length < 4)
            {
                continue;
            }
            list.Add(new Discipline(f[0], f[1], f[2].Length == 0 ? null : f[2], int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture)));
        }
        return list;
    }
}
