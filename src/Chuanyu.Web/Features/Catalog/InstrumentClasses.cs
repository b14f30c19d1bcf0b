namespace Chuanyu.Web.Features.Catalog;

/// <summary>One class of the national large-instrument classification (6-digit code AABBCC, three levels).</summary>
public sealed record InstrumentClass(string Code, string Name, string? ParentCode, int Level)
{
    /// <summary>The level-1 class (大类) this class belongs to, e.g. 010102 → 010000.</summary>
    public string TopCode => Code[..2] + "0000";
}

/// <summary>
/// The national large-instrument classes (《大型科学仪器设备分类标准与编码规则》, 15 大类, 93 中类, 631 小类), from the
/// embedded <c>Data/Reference/instrument-classes.csv</c>. The search facet "category" is the level-1 class of a
/// record's class code. Three level-1 classes carry the names the national sharing platform uses today
/// (工艺试验仪器, 医学科研仪器, 其他); the source's older names are accepted as aliases when importing.
/// </summary>
public static class InstrumentClasses
{
    // Reference data: the classification's own names, not sentences for the reader.
    private static readonly Dictionary<string, string> CurrentTopNames = new(StringComparer.Ordinal)
    {
        ["120000"] = "工艺试验仪器",
        ["090000"] = "医学科研仪器",
        ["990000"] = "其他",
    };

    public static IReadOnlyList<InstrumentClass> All { get; } = Load();

    private static readonly Dictionary<string, InstrumentClass> ByCode = All.ToDictionary(c => c.Code, StringComparer.Ordinal);

    private static readonly Dictionary<string, InstrumentClass> ByName = BuildNameIndex();

    /// <summary>The 15 level-1 classes in code order.</summary>
    public static IReadOnlyList<InstrumentClass> TopLevel { get; } = All.Where(c => c.Level == 1).ToList();

    public static InstrumentClass? Find(string? code) => code is not null && ByCode.TryGetValue(code.Trim(), out var c) ? c : null;

    /// <summary>A class by its Chinese name (level 1 first, then 2, then 3; current and source names of level 1).</summary>
    public static InstrumentClass? FindByName(string? name) => name is not null && ByName.TryGetValue(name.Trim(), out var c) ? c : null;

    /// <summary>The level-1 code of a class code, or null when the code is not a known class.</summary>
    public static string? TopCodeOf(string? code) => Find(code)?.TopCode;

    /// <summary>"分析仪器 › 电子光学仪器 › 扫描电镜" for display; null for an unknown code.</summary>
    public static string? PathOf(string? code)
    {
        var c = Find(code);
        if (c is null)
        {
            return null;
        }
        var names = new List<string>();
        for (var x = c; x is not null; x = x.ParentCode is null ? null : Find(x.ParentCode))
        {
            names.Insert(0, x.Name);
        }
        return string.Join(" › ", names);
    }

    /// <summary>The children of a class (level 2 of a level-1 code, level 3 of a level-2 code).</summary>
    public static IEnumerable<InstrumentClass> ChildrenOf(string code) => All.Where(c => c.ParentCode == code);

    private static List<InstrumentClass> Load()
    {
        using var stream = typeof(InstrumentClasses).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.instrument-classes.csv")
            ?? throw new InvalidOperationException("instrument-classes.csv is not embedded.");
        using var reader = new StreamReader(stream);
        reader.ReadLine();
        var list = new List<InstrumentClass>();
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            if (f.Length < 4 || f[0].Length != 6)
            {
                continue;
            }
            var name = f[3] == "1" && CurrentTopNames.TryGetValue(f[0], out var current) ? current : f[1];
            list.Add(new InstrumentClass(f[0], name, f[2].Length == 0 ? null : f[2], int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture)));
        }
        return list;
    }

    private static Dictionary<string, InstrumentClass> BuildNameIndex()
    {
        var map = new Dictionary<string, InstrumentClass>(StringComparer.Ordinal);
        foreach (var c in All.OrderBy(c => c.Level).ThenBy(c => c.Code, StringComparer.Ordinal))
        {
            map.TryAdd(c.Name, c);
        }
        // The source's older level-1 names, accepted as aliases (reference data).
        map.TryAdd("工艺实验设备", ByCode["120000"]);
        map.TryAdd("医学诊断仪器", ByCode["090000"]);
        map.TryAdd("其他仪器", ByCode["990000"]);
        return map;
    }
}
