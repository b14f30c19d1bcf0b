using System.Globalization;
using System.Text;

namespace Chuanyu.Web.Features.Search;

/// <summary>
/// Chinese text analysis for search, done in C# so both engines index the same tokens (SQLite FTS5 and PostgreSQL
/// <c>tsvector</c> with the <c>simple</c> configuration only split on spaces and fold case):
/// <list type="bullet">
/// <item>normalisation: NFKC (full-width letters, digits and punctuation become half-width) and lower case;</item>
/// <item>CJK runs: every character and every overlapping pair (the dictionary-free approach of Elasticsearch's cjk
/// analyzer), so one- and two-character queries match and longer ones match as overlapping pairs;</item>
/// <item>Latin letters and digits: whole words ("d8", "advance"), and a model number written with hyphens, dots or
/// slashes ("JEM-2100F") also as one joined token ("jem2100f"), so "JEM2100F" and "JEM-2100F" find each other;</item>
/// <item>queries: the pairs of a CJK run must all occur (so "扫描电镜" does not match every "扫描"), and abbreviations
/// from the synonym table add alternatives ("电镜" → "电子显微镜").</item>
/// </list>
/// </summary>
public sealed class ChineseAnalyzer(IReadOnlyDictionary<string, IReadOnlyList<string>> synonyms)
{
    /// <summary>Longest query the search accepts, in characters after trimming.</summary>
    public const int MaxQueryLength = 100;

    /// <summary>At most this many alternatives from synonyms, so a query never explodes into a huge OR.</summary>
    public const int MaxAlternatives = 8;

    public static readonly ChineseAnalyzer WithoutSynonyms = new(new Dictionary<string, IReadOnlyList<string>>());

    /// <summary>
    /// The analyzer with the seed synonym table (<c>Data/Reference/search-synonyms.csv</c>, embedded): what a host uses
    /// until it has read the maintained vocabulary (<see cref="SearchVocabulary"/>), and what the vocabulary is seeded with.
    /// </summary>
    public static ChineseAnalyzer Default { get; } = LoadDefault();

    private static ChineseAnalyzer LoadDefault()
    {
        using var stream = typeof(ChineseAnalyzer).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.search-synonyms.csv")
            ?? throw new InvalidOperationException("search-synonyms.csv is not embedded.");
        using var reader = new StreamReader(stream);
        return new ChineseAnalyzer(LoadSynonyms(reader));
    }

    /// <summary>Full-width to half-width and compatibility forms to their plain form, then lower case.</summary>
    public static string Normalize(string text) =>
        text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();

    /// <summary>The tokens to index for a text, space-separated, in order of appearance (duplicates kept: they weigh).</summary>
    public static string IndexText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }
        var sb = new StringBuilder(text.Length * 3);
        foreach (var segment in Segment(Normalize(text)))
        {
            foreach (var token in segment.IsCjk ? CjkIndexTokens(segment.Text) : LatinTokens(segment))
            {
                if (sb.Length > 0)
                {
                    sb.Append(' ');
                }
                sb.Append(token);
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// A query as alternatives, each a set of tokens that must all match; empty when nothing searchable is left (only
    /// punctuation). The first alternative is the query as typed; the others replace a known abbreviation.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Query(string query) => Alternatives(query, expand: true);

    /// <summary>
    /// The query for an index written by <see cref="IndexTextWithSynonyms"/>: such an index already holds the
    /// abbreviation's tokens wherever its expansion occurs, so each alternative keeps the abbreviation as its own run
    /// ("透射电镜" → 透射·射电·电镜, or 透射·电镜 with 电镜 as a word) instead of asking for the expansion's many pairs in
    /// an OR. Every record an alternative of <see cref="Query"/> finds with the expansion written out finds one of these.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> IndexedQuery(string query) => Alternatives(query, expand: false);

    private List<IReadOnlyList<string>> Alternatives(string query, bool expand)
    {
        var normalized = Normalize(query.Trim());
        var variants = new List<string> { normalized };
        foreach (var (term, expansions) in synonyms)
        {
            if (!normalized.Contains(term, StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var expansion in expand ? expansions : [term])
            {
                if (variants.Count >= MaxAlternatives)
                {
                    break;
                }
                // Spaces keep the expansion its own run: "xrd衍射" → "x射线衍射仪 衍射", not one run with a pair "仪衍".
                var variant = normalized.Replace(term, " " + expansion + " ", StringComparison.Ordinal);
                if (!variants.Contains(variant))
                {
                    variants.Add(variant);
                }
            }
        }
        var alternatives = new List<IReadOnlyList<string>>();
        foreach (var variant in variants)
        {
            var tokens = new List<string>();
            foreach (var segment in Segment(variant))
            {
                tokens.AddRange(segment.IsCjk ? CjkQueryTokens(segment.Text) : LatinQueryTokens(segment));
            }
            var distinct = tokens.Distinct(StringComparer.Ordinal).ToList();
            if (distinct.Count > 0 && !alternatives.Any(a => a.SequenceEqual(distinct)))
            {
                alternatives.Add(distinct);
            }
        }
        return alternatives;
    }

    /// <summary>
    /// The tokens to index for a text (<see cref="IndexText"/>) and, for every abbreviation of the synonym table whose
    /// expansion the text holds (compared without spaces and punctuation: "色谱-质谱联用" is in "气相色谱质谱联用仪"), the
    /// abbreviation's tokens, so "电镜" finds "透射电子显微镜" through its own tokens (<see cref="IndexedQuery"/>).
    /// </summary>
    public string IndexTextWithSynonyms(string? text)
    {
        var tokens = IndexText(text);
        if (tokens.Length == 0 || _expansions.Length == 0)
        {
            return tokens;
        }
        var compact = Compact(Normalize(text!));
        var sb = new StringBuilder(tokens);
        foreach (var (termTokens, expansions) in _expansions)
        {
            if (expansions.Any(e => compact.Contains(e, StringComparison.Ordinal)))
            {
                sb.Append(' ').Append(termTokens);
            }
        }
        return sb.ToString();
    }

    /// <summary>Per abbreviation: its index tokens, and its expansions without spaces and punctuation.</summary>
    private readonly (string TermTokens, string[] Expansions)[] _expansions = synonyms
        .Select(kv => (IndexText(kv.Key), kv.Value.Select(Compact).Where(e => e.Length > 0).Distinct(StringComparer.Ordinal).ToArray()))
        .Where(x => x.Item1.Length > 0 && x.Item2.Length > 0).ToArray();

    /// <summary>
    /// Identifies the synonym table and the way it is indexed: an index whose rows were all written with the same stamp
    /// can be asked with <see cref="IndexedQuery"/> (see <c>SearchIndexer.SynonymsCounter</c>).
    /// </summary>
    public long SynonymsStamp { get; } = Stamp(synonyms);

    /// <summary>Raise when <see cref="IndexTextWithSynonyms"/> changes what it writes, so existing indexes count as stale.</summary>
    private const string SynonymIndexFormat = "synonyms-v1";

    private static long Stamp(IReadOnlyDictionary<string, IReadOnlyList<string>> synonyms)
    {
        var text = SynonymIndexFormat + "\n" + string.Join("\n", synonyms.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Key + "=" + string.Join("|", kv.Value.Order(StringComparer.Ordinal)))); // the same table, read in any order, has one stamp
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Math.Max(1, BitConverter.ToInt64(hash, 0) & long.MaxValue); // 0 means "not stamped"
    }

    /// <summary>Letters, digits and CJK only.</summary>
    private static string Compact(string normalized) =>
        string.Concat(normalized.Where(c => char.IsLetterOrDigit(c) || char.IsSurrogate(c)));

    /// <summary>
    /// The alternatives an index needs to be asked for: one whose tokens include all of another's can only match rows
    /// the other matches too ("粒度分析仪" within "粒度"), so it is dropped from the engine query (ranking and highlights
    /// still use every alternative). Long synonym ORs were the slowest SQLite queries at a million rows.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> WithoutImplied(IReadOnlyList<IReadOnlyList<string>> alternatives) =>
        alternatives.Where((a, i) => !alternatives.Where((b, j) => j != i && b.All(a.Contains)
            && (b.Count < a.Count || j < i)).Any()).ToList();

    /// <summary>
    /// The query for SQLite FTS5 MATCH: quoted tokens (nothing of the user's syntax survives), AND within, OR between
    /// alternatives; tokens every alternative holds are taken out of the OR ("透射 AND (射电 AND 电镜 OR 电子 AND …)"),
    /// so the index intersects them once, first.
    /// </summary>
    public static string ToFts5(IReadOnlyList<IReadOnlyList<string>> alternatives) =>
        Render(alternatives, " AND ", " OR ", t => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");

    /// <summary>The query for PostgreSQL <c>to_tsquery('simple', …)</c>: quoted lexemes, &amp; within, | between alternatives, common tokens outside.</summary>
    public static string ToTsQuery(IReadOnlyList<IReadOnlyList<string>> alternatives) =>
        Render(alternatives, " & ", " | ", t => "'" + t.Replace("'", "''", StringComparison.Ordinal) + "'");

    private static string Render(IReadOnlyList<IReadOnlyList<string>> alternatives, string and, string or, Func<string, string> quote)
    {
        var common = alternatives.Count < 2 ? [] : alternatives[0].Where(t => alternatives.All(a => a.Contains(t))).ToList();
        var rests = alternatives.Select(a => a.Where(t => !common.Contains(t)).ToList()).ToList();
        if (common.Count > 0 && rests.Any(r => r.Count == 0))
        {
            // One alternative is all common tokens: it implies the others, so the common tokens alone are the query.
            return "(" + string.Join(and, common.Select(quote)) + ")";
        }
        var disjunction = string.Join(or, rests.Select(r => "(" + string.Join(and, r.Select(quote)) + ")"));
        return common.Count == 0 ? disjunction : "(" + string.Join(and, common.Select(quote)) + and + "(" + disjunction + "))";
    }

    /// <summary>
    /// Parses the synonym table (<c>term,expansion[,source]</c> per line, header first; the seed of the vocabulary,
    /// <see cref="SearchVocabulary"/>); terms are normalised like queries.
    /// </summary>
    public static Dictionary<string, IReadOnlyList<string>> LoadSynonyms(TextReader reader) => FromPairs(ReadPairs(reader).Select(p => (p.Term, p.Expansion)));

    /// <summary>The rows of the synonym file as written (not normalised): term, expansion and source (empty when the file has none).</summary>
    public static List<(string Term, string Expansion, string Source)> ReadPairs(TextReader reader)
    {
        var pairs = new List<(string, string, string)>();
        var first = true;
        while (reader.ReadLine() is { } line)
        {
            if (first)
            {
                first = false;
                continue;
            }
            var fields = line.Split(',');
            if (fields.Length < 2)
            {
                continue;
            }
            pairs.Add((fields[0].Trim().Trim('"'), fields[1].Trim().Trim('"'), fields.Length > 2 ? string.Join(",", fields[2..]).Trim().Trim('"') : ""));
        }
        return pairs;
    }

    /// <summary>The synonym map of some term → expansion pairs, normalised; empty and self-mapped pairs are skipped.</summary>
    public static Dictionary<string, IReadOnlyList<string>> FromPairs(IEnumerable<(string Term, string Expansion)> pairs)
    {
        var map = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (rawTerm, rawExpansion) in pairs)
        {
            var term = Normalize(rawTerm.Trim());
            var expansion = Normalize(rawExpansion.Trim());
            if (term.Length == 0 || expansion.Length == 0 || term == expansion)
            {
                continue;
            }
            if (!map.TryGetValue(term, out var list))
            {
                map[term] = list = [];
            }
            if (!list.Contains(expansion))
            {
                list.Add(expansion);
            }
        }
        // Longer terms first, so "扫描电镜" is expanded before the "电镜" inside it.
        return map.OrderByDescending(kv => kv.Key.Length).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal);
    }

    /// <summary>Letters, digits and CJK of a text after <see cref="Normalize"/>: two spellings the index cannot tell apart ("LC-MS", "lcms") are the same.</summary>
    public static string CompactForm(string text) => Compact(Normalize(text.Trim()));

    private readonly record struct TextRun(string Text, bool IsCjk, bool Joined);

    /// <summary>
    /// Splits normalised text into CJK runs and Latin/digit words. Letters and digits joined by '-', '.', '/' or '_'
    /// ("jem-2100f", "icp-ms") form one word whose parts are also tokens; anything else separates.
    /// </summary>
    private static IEnumerable<TextRun> Segment(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (IsCjk(text, i))
            {
                var start = i;
                while (i < text.Length && IsCjk(text, i))
                {
                    i += char.IsSurrogatePair(text, i) ? 2 : 1;
                }
                yield return new TextRun(text[start..i], true, false);
            }
            else if (char.IsLetterOrDigit(c))
            {
                var start = i;
                var joined = false;
                while (i < text.Length)
                {
                    if (char.IsLetterOrDigit(text[i]) && !IsCjk(text, i))
                    {
                        i++;
                    }
                    else if (text[i] is '-' or '.' or '/' or '_' && i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1]) && !IsCjk(text, i + 1))
                    {
                        joined = true;
                        i++;
                    }
                    else
                    {
                        break;
                    }
                }
                yield return new TextRun(text[start..i], false, joined);
            }
            else
            {
                i++;
            }
        }
    }

    private static bool IsCjk(string text, int i)
    {
        var rune = Rune.GetRuneAt(text, i);
        return Rune.GetUnicodeCategory(rune) == UnicodeCategory.OtherLetter &&
            rune.Value is (>= 0x3400 and <= 0x9FFF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x20000 and <= 0x3FFFF);
    }

    private static IEnumerable<string> Chars(string run)
    {
        var e = StringInfo.GetTextElementEnumerator(run);
        while (e.MoveNext())
        {
            yield return e.GetTextElement();
        }
    }

    private static IEnumerable<string> CjkIndexTokens(string run)
    {
        var chars = Chars(run).ToList();
        for (var i = 0; i < chars.Count; i++)
        {
            yield return chars[i];
            if (i + 1 < chars.Count)
            {
                yield return chars[i] + chars[i + 1];
            }
        }
    }

    // One character: itself. Two or more: the overlapping pairs, all required.
    private static IEnumerable<string> CjkQueryTokens(string run)
    {
        var chars = Chars(run).ToList();
        if (chars.Count == 1)
        {
            yield return chars[0];
            yield break;
        }
        for (var i = 0; i + 1 < chars.Count; i++)
        {
            yield return chars[i] + chars[i + 1];
        }
    }

    private static IEnumerable<string> LatinTokens(TextRun segment)
    {
        if (!segment.Joined)
        {
            yield return segment.Text;
            yield break;
        }
        foreach (var part in segment.Text.Split(['-', '.', '/', '_'], StringSplitOptions.RemoveEmptyEntries))
        {
            yield return part;
        }
        yield return Join(segment.Text);
    }

    // A joined query word must match as a whole ("jem-2100f" → "jem2100f"), which the index holds for joined words.
    private static IEnumerable<string> LatinQueryTokens(TextRun segment)
    {
        yield return segment.Joined ? Join(segment.Text) : segment.Text;
    }

    private static string Join(string word) =>
        string.Concat(word.Where(char.IsLetterOrDigit));
}
