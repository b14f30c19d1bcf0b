using System.Net;
using ChineseAnalyzer = Chuanyu.Web.Features.Search.ChineseAnalyzer;

namespace Chuanyu.Bench;

/// <summary>A measured query: the text a person types and one filter (a whitelisted column and an integer code).</summary>
internal sealed record SpikeQuery(string Text, string Column, int Value)
{
    public string Label => $"{Text} | {Column}={(Column == "kind" ? SpikeData.Kinds[Value] : Value.ToString(System.Globalization.CultureInfo.InvariantCulture))}";

    /// <summary>Column names come from this list only, never from input (they are spliced into SQL).</summary>
    public static string SafeColumn(string column) => column switch
    {
        "region" or "kind" or "district" or "category" => column,
        _ => throw new ArgumentException($"unknown filter column {column}"),
    };
}

/// <summary>The analysed query (what the API computes before touching the database).</summary>
internal sealed record AnalyzedQuery(SpikeQuery Query, IReadOnlyList<IReadOnlyList<string>> Alternatives, string Fts5, string TsQuery, string Like)
{
    public static AnalyzedQuery Of(ChineseAnalyzer analyzer, SpikeQuery q)
    {
        var alternatives = analyzer.Query(q.Text);
        return new AnalyzedQuery(q, alternatives, ChineseAnalyzer.ToFts5(alternatives), ChineseAnalyzer.ToTsQuery(alternatives), "%" + q.Text.Trim() + "%");
    }
}

/// <summary>A candidate row; Score is "higher is better" whatever the engine's own sign.</summary>
internal sealed record Candidate(int Id, long Key, string Name, string Model, double Score);

internal sealed record Hit(int Id, string Name, bool TitleHit, double Score, string Highlight);

/// <summary>Facet counts by kind, region, district, category, certification and price range.</summary>
internal sealed class Facets
{
    private static readonly Dictionary<int, int> DistrictIndex = SpikeData.Districts.Select((d, i) => (d, i)).ToDictionary(x => x.d, x => x.i);

    public int[] Kind { get; } = new int[SpikeData.Kinds.Length];
    public int[] Region { get; } = new int[2];
    public int[] District { get; } = new int[SpikeData.Districts.Length];
    public int[] Category { get; } = new int[SpikeData.Categories.Length];
    public int[] Cma { get; } = new int[2];
    public int[] Cnas { get; } = new int[2];
    public int[] Price { get; } = new int[SpikeData.PriceRanges.Length];

    public long Sum => Kind.Sum(x => (long)x);

    public void Add(int kind, int region, int district, int category, bool cma, bool cnas, long priceFen)
    {
        Kind[kind]++;
        Region[region == 510000 ? 0 : 1]++;
        District[DistrictIndex[district]]++;
        Category[category]++;
        Cma[cma ? 1 : 0]++;
        Cnas[cnas ? 1 : 0]++;
        Price[SpikeData.PriceBucket(priceFen)]++;
    }

    /// <summary>Adds a count for one facet value (from a GROUPING SETS row where exactly one column is set).</summary>
    public void AddGroup(int? kind, int? region, int? district, int? category, bool? cma, bool? cnas, int? price, int count)
    {
        if (kind is { } k) { Kind[k] += count; }
        else if (region is { } r) { Region[r == 510000 ? 0 : 1] += count; }
        else if (district is { } d) { District[DistrictIndex[d]] += count; }
        else if (category is { } c) { Category[c] += count; }
        else if (cma is { } m) { Cma[m ? 1 : 0] += count; }
        else if (cnas is { } n) { Cnas[n ? 1 : 0] += count; }
        else if (price is { } p) { Price[p] += count; }
    }

    public bool SameAs(Facets other) =>
        Kind.SequenceEqual(other.Kind) && Region.SequenceEqual(other.Region) && District.SequenceEqual(other.District) &&
        Category.SequenceEqual(other.Category) && Cma.SequenceEqual(other.Cma) && Cnas.SequenceEqual(other.Cnas) && Price.SequenceEqual(other.Price);
}

/// <summary>What one search returns: total (exact, or a lower bound when capped), the page, facet counts.</summary>
internal sealed record SearchOutcome(long Total, bool Capped, IReadOnlyList<Hit> Items, Facets? Facets);

internal static class SpikeRanking
{
    public const int PageSize = 20;
    public const int CandidateWindow = 200;
    public const int CountCap = 10_000;

    /// <summary>
    /// Re-ranks a candidate window (already the best by static quality): records whose title holds one whole
    /// alternative first, then by the engine's score, then by the search key (quality, then id) so ties are stable.
    /// </summary>
    public static List<Hit> Rerank(AnalyzedQuery q, IEnumerable<Candidate> candidates, int take = PageSize)
    {
        return candidates
            .Select(c => (c, title: TitleHit(q, c.Name + " " + c.Model)))
            .OrderByDescending(x => x.title)
            .ThenByDescending(x => x.c.Score)
            .ThenBy(x => x.c.Key)
            .Take(take)
            .Select(x => new Hit(x.c.Id, x.c.Name, x.title, x.c.Score, Highlight(q, x.c.Name)))
            .ToList();
    }

    public static List<Hit> InOrder(AnalyzedQuery q, IEnumerable<Candidate> candidates) =>
        candidates.Take(PageSize).Select(c => new Hit(c.Id, c.Name, TitleHit(q, c.Name + " " + c.Model), c.Score, Highlight(q, c.Name))).ToList();

    public static bool TitleHit(AnalyzedQuery q, string title)
    {
        var tokens = ChineseAnalyzer.IndexText(title).Split(' ').ToHashSet(StringComparer.Ordinal);
        return q.Alternatives.Any(a => a.All(tokens.Contains));
    }

    /// <summary>
    /// Marks in the name every stretch covered by a query token (pairs and single characters of CJK, whole Latin words),
    /// HTML-encoded, with &lt;mark&gt;. Works on the NFKC/lower-case form when it has the same length as the name.
    /// </summary>
    public static string Highlight(AnalyzedQuery q, string name)
    {
        var normalized = ChineseAnalyzer.Normalize(name);
        if (normalized.Length != name.Length)
        {
            return WebUtility.HtmlEncode(name);
        }
        var marked = new bool[name.Length];
        foreach (var token in q.Alternatives.SelectMany(a => a).Distinct(StringComparer.Ordinal))
        {
            var at = 0;
            while ((at = normalized.IndexOf(token, at, StringComparison.Ordinal)) >= 0)
            {
                Array.Fill(marked, true, at, token.Length);
                at += token.Length;
            }
        }
        var sb = new System.Text.StringBuilder(name.Length + 16);
        for (var i = 0; i < name.Length; i++)
        {
            if (marked[i] && (i == 0 || !marked[i - 1]))
            {
                sb.Append("<mark>");
            }
            sb.Append(WebUtility.HtmlEncode(name[i].ToString()));
            if (marked[i] && (i + 1 == name.Length || !marked[i + 1]))
            {
                sb.Append("</mark>");
            }
        }
        return sb.ToString();
    }
}

/// <summary>
/// In-process facet columns indexed by id (a cache rebuilt from the database): lets a search stream only the matching
/// keys out of the full-text index and count filter, total and facets exactly in C#.
/// </summary>
internal sealed class FacetColumns(int maxId)
{
    public byte[] Kind { get; } = new byte[maxId + 1];
    public int[] Region { get; } = new int[maxId + 1];
    public int[] District { get; } = new int[maxId + 1];
    public byte[] Category { get; } = new byte[maxId + 1];
    public bool[] Cma { get; } = new bool[maxId + 1];
    public bool[] Cnas { get; } = new bool[maxId + 1];
    public long[] Price { get; } = new long[maxId + 1];

    public int Value(string column, int id) => column switch
    {
        "region" => Region[id],
        "kind" => Kind[id],
        "district" => District[id],
        "category" => Category[id],
        _ => throw new ArgumentException(column),
    };

    public void AddTo(Facets f, int id) => f.Add(Kind[id], Region[id], District[id], Category[id], Cma[id], Cnas[id], Price[id]);
}
