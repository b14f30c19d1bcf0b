using System.Globalization;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Market;

/// <summary>The market's settings (section <c>Market</c>).</summary>
public sealed class MarketOptions
{
    /// <summary>How long a published research result stays public before it expires (renewal starts a new term).</summary>
    public int AchievementValidityDays { get; set; } = 730;

    /// <summary>How often the expiry job looks for due records; 0 turns it off.</summary>
    public int ExpiryIntervalSeconds { get; set; } = 60;
}

/// <summary>One industry of GB/T 4754-2017: a door (门类, a letter) or a division under it (大类, the letter + 2 digits: C38).</summary>
public sealed record Industry(string Code, string Name, string? Door);

/// <summary>The GB/T 4754-2017 doors and divisions from the embedded <c>Data/Reference/industry-codes.csv</c> (source in the README).</summary>
public static class IndustryCodes
{
    public static IReadOnlyList<Industry> All { get; } = Load();
    private static readonly Dictionary<string, Industry> ByCode = All.ToDictionary(i => i.Code, StringComparer.Ordinal);

    public static IReadOnlyList<Industry> Doors { get; } = All.Where(i => i.Door is null).ToList();

    public static Industry? Find(string? code) => code is not null && ByCode.TryGetValue(code.Trim().ToUpperInvariant(), out var i) ? i : null;

    /// <summary>"C38 电气机械和器材制造业"; the code itself when unknown.</summary>
    public static string Label(string code) => Find(code) is { } i ? $"{i.Code} {i.Name}" : code;

    private static List<Industry> Load()
    {
        using var stream = typeof(IndustryCodes).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.industry-codes.csv")
            ?? throw new InvalidOperationException("industry-codes.csv is not embedded.");
        using var reader = new StreamReader(stream);
        reader.ReadLine();
        var list = new List<Industry>();
        while (reader.ReadLine() is { } line)
        {
            // The names hold commas (农、林、牧、渔业 has none, 纺织服装、服饰业 neither; but be safe): code first, door last.
            var first = line.IndexOf(',');
            var last = line.LastIndexOf(',');
            if (first < 0 || last <= first)
            {
                continue;
            }
            var code = line[..first];
            var door = line[(last + 1)..];
            list.Add(door.Length == 0 ? new Industry(code, line[(first + 1)..last], null) : new Industry(door + code, line[(first + 1)..last], door));
        }
        return list;
    }
}

/// <summary>The validation rules of results and demands, and the codes' text form.</summary>
public static class MarketRules
{
    public const int MaxTitle = 100;
    public const int MaxSummary = 120;
    public const int MaxDescription = 8000;
    public const int MaxKeywords = 200;
    public const int MaxKeywordCount = 10;
    public const int MaxCodes = 5;
    public const int MaxCodesText = 60;
    public const int MaxPatents = 20;
    public const int MaxPatentText = 400;
    public const int MaxInventors = 300;
    public const int MaxNote = 500;
    public const decimal MaxPrice = 10_000_000m;
    public const long MaxAttachmentBytes = 10L << 20;
    public const int MaxAttachments = 10;

    /// <summary>
    /// A Chinese patent or application number since 2003 (GB/T 18284 中国专利申请号): 4-digit year, type digit (1 invention,
    /// 2 utility model, 3 design, 8/9 PCT entering the national phase), 7-digit serial, "." and a check character: the 12
    /// digits weighted 2,3,4,5,6,7,8,9,2,3,4,5, summed, modulo 11, 10 written X. "ZL" marks a granted patent; "CN" and
    /// no prefix are accepted as the application number. Returns the normalised form, or null.
    /// </summary>
    public static string? NormalizePatent(string? text, int thisYear)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var s = text.Trim().ToUpperInvariant().Replace(" ", "", StringComparison.Ordinal);
        var prefix = s.StartsWith("ZL", StringComparison.Ordinal) ? "ZL" : "";
        if (s.StartsWith("ZL", StringComparison.Ordinal) || s.StartsWith("CN", StringComparison.Ordinal))
        {
            s = s[2..];
        }
        s = s.Replace(".", "", StringComparison.Ordinal);
        if (s.Length != 13 || !s[..12].All(char.IsAsciiDigit) || !(char.IsAsciiDigit(s[12]) || s[12] == 'X'))
        {
            return null;
        }
        var year = int.Parse(s[..4], CultureInfo.InvariantCulture);
        if (year < 2003 || year > thisYear || "12389".IndexOf(s[4], StringComparison.Ordinal) < 0)
        {
            return null;
        }
        return PatentCheck(s[..12]) == s[12] ? $"{prefix}{s[..12]}.{s[12]}" : null;
    }

    /// <summary>The check character of a 12-digit application number.</summary>
    public static char PatentCheck(string twelveDigits)
    {
        int[] weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            sum += (twelveDigits[i] - '0') * weights[i];
        }
        var r = sum % 11;
        return r == 10 ? 'X' : (char)('0' + r);
    }

    /// <summary>Codes in the stored form: " a b " (sorted, distinct; empty: " ").</summary>
    public static string CodesText(IEnumerable<string> codes) => " " + string.Join(' ', codes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)) + (codes.Any() ? " " : "");

    public static IReadOnlyList<string> CodesOf(string? text) => (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static IReadOnlyList<string> ListOf(string? text) => (text ?? "").Split('、', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static IReadOnlyList<TransferModes> ModesOf(TransferModes mask) => Enum.GetValues<TransferModes>().Where(m => m != TransferModes.None && mask.HasFlag(m)).ToList();

    public static TransferModes MaskOf(IEnumerable<TransferModes>? modes) => (modes ?? []).Aggregate(TransferModes.None, (a, m) => a | m);

    /// <summary>万元 to whole yuan (the stored unit); null stays null.</summary>
    public static long? Yuan(decimal? wanYuan) => wanYuan is { } w ? (long)Math.Round(w * 10_000m, MidpointRounding.AwayFromZero) : null;

    /// <summary>Whole yuan to 万元 as shown (up to four decimals).</summary>
    public static decimal? WanYuan(long? yuan) => yuan is { } y ? y / 10_000m : null;

    /// <summary>Text checks shared by both kinds: required, length.</summary>
    public static string Text(FieldErrors errors, string field, string? value, int max, bool required = true)
    {
        var v = (value ?? "").Trim();
        if (required && v.Length == 0)
        {
            errors.Add(field, new Message("Market.Required"));
        }
        else if (v.Length > max)
        {
            errors.Add(field, new Message("Market.TooLong", max));
        }
        return v;
    }

    /// <summary>GB/T 13745 codes; unknown ones refused by name.</summary>
    public static string Disciplines(FieldErrors errors, IReadOnlyList<string>? codes, bool required)
    {
        var list = (codes ?? []).Select(c => (c ?? "").Trim()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (required && list.Count == 0)
        {
            errors.Add("disciplineCodes", new Message("Market.Required"));
        }
        if (list.Count > MaxCodes)
        {
            errors.Add("disciplineCodes", new Message("Market.TooManyCodes", MaxCodes));
        }
        foreach (var c in list.Where(c => Experts.DisciplineCodes.Find(c) is null))
        {
            errors.Add("disciplineCodes", new Message("Market.UnknownDiscipline", c));
        }
        return CodesText(list);
    }

    /// <summary>GB/T 4754 door or door + division codes (C, C38); unknown ones refused by name.</summary>
    public static string Industries(FieldErrors errors, IReadOnlyList<string>? codes)
    {
        var list = (codes ?? []).Select(c => (c ?? "").Trim().ToUpperInvariant()).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count > MaxCodes)
        {
            errors.Add("industryCodes", new Message("Market.TooManyCodes", MaxCodes));
        }
        foreach (var c in list.Where(c => Market.IndustryCodes.Find(c) is null))
        {
            errors.Add("industryCodes", new Message("Market.UnknownIndustry", c));
        }
        return CodesText(list);
    }

    public static string Keywords(FieldErrors errors, IReadOnlyList<string>? words)
    {
        var list = (words ?? []).Select(w => (w ?? "").Trim()).Where(w => w.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var text = string.Join('、', list);
        if (list.Count > MaxKeywordCount)
        {
            errors.Add("keywords", new Message("Market.TooManyKeywords", MaxKeywordCount));
        }
        else if (text.Length > MaxKeywords || list.Any(w => w.Contains('、', StringComparison.Ordinal)))
        {
            errors.Add("keywords", new Message("Market.TooLong", MaxKeywords));
        }
        return text;
    }

    public static void Maturity(FieldErrors errors, int trl)
    {
        if (trl is < 1 or > 9)
        {
            errors.Add("trl", new Message("Market.TrlRange"));
        }
    }

    /// <summary>Money in 万元: both bounds ≥ 0 and min ≤ max, or negotiable (面议) with no bounds; <paramref name="prefix"/> is "price" or "budget".</summary>
    public static void Money(FieldErrors errors, string prefix, decimal? min, decimal? max, bool negotiable)
    {
        if (negotiable)
        {
            return;
        }
        if (min is null && max is null)
        {
            errors.Add(prefix + "Min", new Message("Market.PriceOrNegotiable"));
            return;
        }
        foreach (var (field, v) in new[] { (prefix + "Min", min), (prefix + "Max", max) })
        {
            if (v < 0)
            {
                errors.Add(field, new Message("Market.Negative"));
            }
            else if (v > MaxPrice)
            {
                errors.Add(field, new Message("Market.TooLarge", MaxPrice));
            }
            else if (v is { } w && decimal.Round(w, 4) != w)
            {
                // Stored in whole yuan: 万元 with at most four decimals.
                errors.Add(field, new Message("Market.TooPrecise"));
            }
        }
        if (min is { } a && max is { } b && a > b)
        {
            errors.Add(prefix + "Max", new Message("Market.MinAboveMax"));
        }
    }
}
