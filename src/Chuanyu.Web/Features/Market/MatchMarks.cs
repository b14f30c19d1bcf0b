using System.Globalization;

namespace Chuanyu.Web.Features.Market;

/// <summary>
/// The matching's hard filters as search marks (<see cref="Features.Search.SearchDocument.Marks"/>), so that the index applies them
/// together with the text ("filters first, then text relevance", issue 17 point 3): the first candidates the search gives
/// for a term already meet the maturity, the transfer mode and the field, however many records hold the term. Budget
/// and the owner are checked after, in SQL (<see cref="MarketMatching"/>). A record's marks:
/// <list type="bullet">
/// <item>a result of TRL t: <c>trl2</c> … <c>trl{t}</c> ("TRL ≥ k"); a demand asking for at least TRL t: <c>need{t}</c> …
/// <c>need9</c> (a result of TRL k meets it);</item>
/// <item>each transfer mode it offers or prefers (<c>modeordinarylicence</c>); a demand preferring none: <c>modeany</c>;</item>
/// <item>each 一级学科 of its GB/T 13745 codes (<c>dis430</c>); of its GB/T 4754 codes each division (<c>divc38</c>) and
/// door (<c>doorc</c>), and a bare door also as <c>onlyc</c>; no code at all: <c>uncoded</c> (the field filter applies only
/// when both sides are coded). A door alone is too wide to separate fields (every manufacturing code is in door C).</item>
/// </list>
/// Changing these marks changes the index: run <c>reindex</c> after an upgrade that does.
/// </summary>
public static class MatchMarks
{
    public const string AnyMode = "modeany";
    public const string Uncoded = "uncoded";

    /// <summary>The marks of a live result (<paramref name="isAchievement"/>) or demand.</summary>
    public static IReadOnlyList<string> Of(bool isAchievement, int trl, TransferModes modes, string disciplineCodes, string industryCodes)
    {
        var marks = new List<string>();
        if (isAchievement)
        {
            for (var k = 2; k <= Math.Min(trl, 9); k++)
            {
                marks.Add(Trl(k));
            }
        }
        else
        {
            for (var k = Math.Max(trl, 1); k <= 9; k++)
            {
                marks.Add(Need(k));
            }
            if (modes == TransferModes.None)
            {
                marks.Add(AnyMode);
            }
        }
        marks.AddRange(Modes(modes));
        marks.AddRange(Fields(disciplineCodes, industryCodes));
        return marks;
    }

    /// <summary>The groups a result must hold one mark of each to meet a demand of these values.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> ResultsFor(int demandTrl, TransferModes demandModes, string disciplineCodes, string industryCodes)
    {
        var groups = new List<IReadOnlyList<string>>();
        if (demandTrl >= 2)
        {
            groups.Add([Trl(Math.Min(demandTrl, 9))]);
        }
        if (demandModes != TransferModes.None)
        {
            groups.Add(Modes(demandModes));
        }
        if (FieldGroup(disciplineCodes, industryCodes) is { } field)
        {
            groups.Add(field);
        }
        return groups;
    }

    /// <summary>The groups a demand must hold one mark of each to be met by a result of these values.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> DemandsFor(int resultTrl, TransferModes resultModes, string disciplineCodes, string industryCodes)
    {
        List<string> need = [Need(Math.Clamp(resultTrl, 1, 9))];
        List<string> modes = [AnyMode, .. Modes(resultModes)];
        var groups = new List<IReadOnlyList<string>> { need, modes };
        if (FieldGroup(disciplineCodes, industryCodes) is { } field)
        {
            groups.Add(field);
        }
        return groups;
    }

    private static string Trl(int k) => "trl" + k.ToString(CultureInfo.InvariantCulture);

    private static string Need(int k) => "need" + k.ToString(CultureInfo.InvariantCulture);

    private static List<string> Modes(TransferModes modes) =>
        [.. Enum.GetValues<TransferModes>().Where(m => m != TransferModes.None && modes.HasFlag(m)).Select(m => "mode" + m.ToString().ToLowerInvariant())];

    /// <summary>First levels, divisions, doors and bare doors; <see cref="Uncoded"/> when there is no code.</summary>
    private static List<string> Fields(string disciplineCodes, string industryCodes)
    {
        var industries = Industries(industryCodes);
        List<string> marks =
        [
            .. FirstLevels(disciplineCodes),
            .. industries.Where(c => c.Length >= 3).Select(c => "div" + c[..3]),
            .. industries.Select(c => "door" + c[..1]),
            .. industries.Where(c => c.Length == 1).Select(c => "only" + c),
        ];
        return marks.Count == 0 ? [Uncoded] : [.. marks.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// What the other side must hold when this side is coded: a common first level or division, this side's bare door
    /// (any code of it), a bare door of this side's divisions, or no code; null when this side is not coded.
    /// </summary>
    private static List<string>? FieldGroup(string disciplineCodes, string industryCodes)
    {
        var industries = Industries(industryCodes);
        List<string> group =
        [
            .. FirstLevels(disciplineCodes),
            .. industries.Where(c => c.Length >= 3).SelectMany(c => new[] { "div" + c[..3], "only" + c[..1] }),
            .. industries.Where(c => c.Length == 1).Select(c => "door" + c),
        ];
        return group.Count == 0 ? null : [.. group.Distinct(StringComparer.Ordinal), Uncoded];
    }

    private static IEnumerable<string> FirstLevels(string disciplineCodes) =>
        MarketRules.CodesOf(disciplineCodes).Where(c => c.All(char.IsAsciiDigit)).Select(c => "dis" + c[..Math.Min(3, c.Length)]);

    /// <summary>GB/T 4754 codes in lower case (a door letter, then digits), the marks' alphabet.</summary>
    private static List<string> Industries(string industryCodes) =>
        [.. MarketRules.CodesOf(industryCodes).Where(c => char.IsAsciiLetter(c[0]) && c.All(char.IsAsciiLetterOrDigit)).Select(c => c.ToLowerInvariant())];
}
