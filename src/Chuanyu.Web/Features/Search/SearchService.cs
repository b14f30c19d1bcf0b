using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chuanyu.Web.Features.Search;

/// <summary>What a search asks for, as typed (strings, so every bad value becomes a field error rather than a binding failure).</summary>
public sealed record SearchQuery(
    string? Q, string? Kind = null, string? Region = null, string? District = null, string? Category = null,
    string? OrganizationId = null, string? Certification = null, string? Price = null, int Page = 1, int PageSize = 20, string? Type = null,
    string? Only = null);

public sealed record SearchHighlights(string Title, string? Summary);

/// <summary>One hit: <c>Type</c> names its type of record (<see cref="SearchTypes"/>), <c>Kind</c> its resource kind (null
/// for other types), <c>Link</c> the page that shows it.</summary>
public sealed record SearchHit(
    Guid Id, ResourceKind? Kind, string Title, string? Summary, string RegionCode, string DistrictCode, string OrganizationName,
    Guid OrganizationId, string? Model, bool IsLargeInstrument, double Score, SearchHighlights Highlights, string Type, string Link);

public sealed record FacetValue(string Value, string Label, int Count);

public sealed record SearchFacets(
    IReadOnlyList<FacetValue> Kind, IReadOnlyList<FacetValue> Region, IReadOnlyList<FacetValue> District,
    IReadOnlyList<FacetValue> Category, IReadOnlyList<FacetValue> Certification, IReadOnlyList<FacetValue> Price, IReadOnlyList<FacetValue> Type);

/// <summary>
/// <c>total</c> and the facet counts are exact unless <c>totalIsEstimate</c> (also given as <c>totalApproximate</c>, its
/// first name): a result of more than <see cref="SearchOptions.ExactCount"/> (1,000) matches is counted among the sample
/// blocks of the index (<see cref="FacetCache.TierTable"/>) and scaled to the whole index, rounded to three significant
/// digits. The first pages of hits are exact and in order either way.
/// </summary>
public sealed record SearchResult(
    string Q, int Total, bool TotalApproximate, int Page, int PageSize, IReadOnlyList<SearchHit> Items, SearchFacets Facets, double TookMs)
{
    public bool TotalIsEstimate => TotalApproximate;
}

/// <summary>
/// One Chinese search over the catalogue, the same on SQLite (FTS5) and PostgreSQL (tsvector + GIN):
/// <list type="number">
/// <item>analyse the text (<see cref="ChineseAnalyzer"/>, synonyms) and add the rarer filters as index tokens;</item>
/// <item>count the matches in a sample of the index; read a small result whole in search-key order (best static quality
/// first) and count it exactly, or read a large one only as far as the page needs and estimate its total and facets
/// from the sample (<see cref="ReadAsync"/>);</item>
/// <item>re-rank the first <see cref="Window"/> candidates: a title holding a whole query alternative first, then a
/// BM25-style term-frequency score, then the key; deeper pages continue in key order (stable paging);</item>
/// <item>read the page's records and mark the matched words.</item>
/// </list>
/// See docs/search-design.md for why (engine ranking over every match does not scale to a million rows).
/// </summary>
public sealed class SearchService(AppDbContext db, CurrentUser me, OrganizationDirectory organizations, FacetCache cache,
    ISearchBackend backend, SearchTypes types, LinkGenerator links, IOptions<SearchOptions> options, SearchVocabulary vocabulary,
    IEnumerable<ISearchFilterSource> restrictions)
{
    /// <summary>The host's analyzer with the maintained vocabulary, as it was when this request began.</summary>
    private readonly ChineseAnalyzer _analyzer = vocabulary.Analyzer;

    public const int Cap = 10_000;
    public const int Window = 200;

    /// <summary>An index of fewer than twice this many rows is read whole (<see cref="SearchOptions.TierGroup"/>).</summary>
    private readonly int _tierGroup = options.Value.TierGroup;

    /// <summary>Matches counted exactly before a result counts as large and is estimated (the cap; lowered only by tests).</summary>
    private readonly int _exactCount = Math.Clamp(options.Value.ExactCount, 1, Cap);

    public const int MaxPageSize = 50;

    // Region names are reference data (GB/T 2260), in Chinese; the page says them from its own resources.
    private static readonly Dictionary<string, string> RegionCodes = new(StringComparer.Ordinal) { ["500000"] = "重庆市", ["510000"] = "四川省" };

    private sealed record Ranked(long Key, Guid RecordId, double Score, bool TitleHit);

    /// <summary>Checks the query; the field errors name the parameter and say why (messages, said in the reader's language).</summary>
    public static FieldErrors Validate(SearchQuery query, SearchTypes types, out SearchFilter filter, out IReadOnlyList<IReadOnlyList<string>> alternatives, ChineseAnalyzer? analyzer = null,
        IReadOnlyCollection<string>? restrictions = null, bool signedIn = false)
    {
        var errors = new FieldErrors();
        filter = new SearchFilter();
        alternatives = [];
        var q = query.Q?.Trim() ?? "";
        if (q.Length == 0)
        {
            errors.Add("q", new Message("Search.QueryRequired"));
        }
        else if (q.Length > ChineseAnalyzer.MaxQueryLength)
        {
            errors.Add("q", new Message("Search.QueryTooLong", ChineseAnalyzer.MaxQueryLength));
        }
        else
        {
            alternatives = (analyzer ?? ChineseAnalyzer.Default).Query(q);
            if (alternatives.Count == 0)
            {
                errors.Add("q", new Message("Search.QueryNothingSearchable"));
            }
        }
        if (!string.IsNullOrEmpty(query.Kind))
        {
            if (Enum.TryParse<ResourceKind>(query.Kind, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !int.TryParse(query.Kind, out _))
            {
                filter = filter with { Kind = (int)kind };
            }
            else
            {
                errors.Add("kind", new Message("Search.KindInvalid", Choices(Enum.GetNames<ResourceKind>())));
            }
        }
        if (!string.IsNullOrEmpty(query.Type))
        {
            // Several types, comma-separated (the API also takes type= repeated): a record of any of them.
            var names = query.Type.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var unknown = names.Where(n => types.Find(n) is null).ToList();
            if (names.Length == 0 || unknown.Count > 0 || names.Length > types.All.Count)
            {
                errors.Add("type", new Message("Search.TypeInvalid", Choices(types.All.Select(t => t.Name))));
            }
            else
            {
                var mask = names.Aggregate(0L, (m, n) => m | (1L << types.Find(n)!.Code));
                filter = filter.Kind is { } kind ? filter with { Types = (mask >> kind & 1) != 0 ? null : 0 } : filter with { Types = mask };
                if (filter.Types is { } only && long.PopCount(only) == 1)
                {
                    filter = filter with { Kind = (int)long.TrailingZeroCount(only), Types = null };
                }
            }
        }
        if (!string.IsNullOrEmpty(query.Region))
        {
            if (RegionCodes.ContainsKey(query.Region))
            {
                filter = filter with { Region = query.Region };
            }
            else
            {
                errors.Add("region", new Message("Search.RegionInvalid"));
            }
        }
        if (!string.IsNullOrEmpty(query.District))
        {
            if (query.District.Length == 6 && query.District.All(char.IsAsciiDigit) && query.District[..2] is "50" or "51")
            {
                filter = filter with { District = query.District };
            }
            else
            {
                errors.Add("district", new Message("Search.DistrictInvalid"));
            }
        }
        if (!string.IsNullOrEmpty(query.Category))
        {
            if (InstrumentClasses.TopCodeOf(query.Category) is { } top)
            {
                filter = filter with { Category = top };
            }
            else
            {
                errors.Add("category", new Message("Search.CategoryInvalid"));
            }
        }
        if (!string.IsNullOrEmpty(query.OrganizationId))
        {
            if (Guid.TryParse(query.OrganizationId, out var org))
            {
                filter = filter with { OrganizationId = org };
            }
            else
            {
                errors.Add("organizationId", new Message("Search.OrganizationIdInvalid"));
            }
        }
        if (!string.IsNullOrEmpty(query.Certification))
        {
            if (Enum.TryParse<CertificationType>(query.Certification, ignoreCase: true, out var cert) && Enum.IsDefined(cert) && !int.TryParse(query.Certification, out _))
            {
                filter = filter with { Certification = cert };
            }
            else
            {
                errors.Add("certification", new Message("Search.CertificationInvalid"));
            }
        }
        if (!string.IsNullOrEmpty(query.Price))
        {
            if (PriceBuckets.Parse(query.Price) is { } bucket)
            {
                filter = filter with { Price = bucket };
            }
            else
            {
                errors.Add("price", new Message("Search.PriceInvalid", Choices(PriceBuckets.Names)));
            }
        }
        if (!string.IsNullOrEmpty(query.Only))
        {
            if (restrictions is null || !restrictions.Contains(query.Only, StringComparer.Ordinal))
            {
                errors.Add("only", new Message("Search.OnlyInvalid", Choices(restrictions ?? [])));
            }
            else if (!signedIn)
            {
                errors.Add("only", new Message("Search.OnlySignInRequired"));
            }
        }
        if (query.PageSize is < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", new Message("Search.PageSizeRange", MaxPageSize));
        }
        else if (query.Page < 1 || (long)query.Page * query.PageSize > Cap)
        {
            errors.Add("page", new Message("Search.PageBeyondCap", Cap));
        }
        return errors;
    }

    /// <summary>The values a parameter takes, as a list in the current UI culture.</summary>
    private static string Choices(IEnumerable<string> values) => string.Join(new Message("Search.ListSeparator").ToString(), values);

    /// <summary>The phases of the last search, as a <c>Server-Timing</c> header value (for operators and the benchmark).</summary>
    public string? Timings { get; private set; }

    private static string Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);

    public async Task<(SearchResult? Result, FieldErrors Errors)> SearchAsync(SearchQuery query, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var errors = Validate(query, types, out var filter, out var alternatives, _analyzer, RestrictionNames, me.IsAuthenticated);
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var visibility = Visibility();
        var restriction = await RestrictionAsync(query.Only, ct);

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            await cache.SyncAsync(connection, ct);
            var (text, inMemory) = Plan(query.Q!, alternatives, filter, restriction);
            var opened = Stopwatch.GetTimestamp();
            var need = Math.Max(Window, query.Page * query.PageSize);
            var reader = new MatchReader(connection, backend, cache, visibility, inMemory);
            var reading = await ReadAsync(reader, text, need, Math.Max(_exactCount, need) + 1, ct, kind: filter.Kind);
            var matches = reading.Matches;
            var matched = Stopwatch.GetTimestamp();
            var approximate = !reading.Complete;
            var total = reading.Sample is { } sample ? Math.Max(matches.Count, Estimate(sample.Count * reading.Scale)) : matches.Count;
            if (matches.Count > Cap)
            {
                matches.RemoveRange(Cap, matches.Count - Cap);
            }

            // Order: the re-ranked window, then the rest in key order.
            var window = matches.Take(Window).Select(m => m.Key).ToList();
            var ranked = await RankAsync(connection, window, alternatives, ct);
            var rankedAt = Stopwatch.GetTimestamp();
            var order = ranked.OrderByDescending(r => r.TitleHit).ThenByDescending(r => r.Score).ThenBy(r => r.Key).ToList();
            var skip = (query.Page - 1) * query.PageSize;
            List<Ranked> page;
            if (skip + query.PageSize <= order.Count || matches.Count <= Window)
            {
                page = order.Skip(skip).Take(query.PageSize).ToList();
            }
            else
            {
                var keys = matches.Skip(Window).Select(m => m.Key).ToList();
                var fromWindow = order.Skip(skip).ToList();
                var deepKeys = keys.Skip(Math.Max(0, skip - order.Count)).Take(query.PageSize - fromWindow.Count).ToList();
                var deep = await RankAsync(connection, deepKeys, alternatives, ct);
                page = fromWindow.Concat(deep.OrderBy(r => r.Key)).ToList();
            }

            var paged = Stopwatch.GetTimestamp();
            var items = await LoadHitsAsync(page, alternatives, ct);
            var loaded = Stopwatch.GetTimestamp();
            var facets = reading.Sample is { Count: > 0 } sampled ? Facets(sampled, reading.Scale, types) : Facets(matches, 1, types);
            var took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Timings = $"open;dur={Ms(started, opened)}, match;dur={Ms(opened, matched)}, rank;dur={Ms(matched, rankedAt)}, page;dur={Ms(rankedAt, paged)}, load;dur={Ms(paged, loaded)}, facets;dur={Ms(loaded, Stopwatch.GetTimestamp())}";
            return (new SearchResult(query.Q!.Trim(), total, approximate, query.Page, query.PageSize, items, facets, Math.Round(took, 1)), errors);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The ids of every match (up to <paramref name="limit"/>) in search-key order, for exports of a search result and for
    /// matching. <paramref name="marks"/>: groups of <see cref="SearchDocument.Marks"/> values; a match holds at least
    /// one value of every group, an empty group is ignored (the index applies them with the text, so the first
    /// <paramref name="limit"/> already pass).
    /// </summary>
    public async Task<(IReadOnlyList<Guid>? Ids, FieldErrors Errors)> MatchingIdsAsync(SearchQuery query, int limit, CancellationToken ct,
        IReadOnlyList<IReadOnlyList<string>>? marks = null)
    {
        var errors = Validate(query with { Page = 1, PageSize = 1 }, types, out var filter, out var alternatives, _analyzer, RestrictionNames, me.IsAuthenticated);
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var restriction = await RestrictionAsync(query.Only, ct);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            await cache.SyncAsync(connection, ct);
            var (text, inMemory) = Plan(query.Q!, alternatives, filter, restriction);
            foreach (var group in marks ?? [])
            {
                if (group.Any(m => m.Length == 0 || !m.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))))
                {
                    throw new ArgumentException("A mark is lower-case Latin letters and digits.", nameof(marks));
                }
                text = group.Count == 0 ? text : backend.Restrict(text, group.Select(FilterTokens.Mark).ToList());
            }
            var reader = new MatchReader(connection, backend, cache, Visibility(), inMemory);
            var matches = (backend.SamplesToPlan
                    ? await MatchingReadAsync(connection, reader, text, limit, filter.Kind, ct)
                    : (await ReadAsync(reader, text, limit, limit, ct, sampleLargeResults: false, kind: filter.Kind)).Matches)
                .Take(limit).ToList();
            var ranked = await RankAsync(connection, matches.Select(m => m.Key).ToList(), alternatives, ct);
            return (ranked.OrderBy(r => r.Key).Select(r => r.RecordId).ToList(), errors);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// A matching read on PostgreSQL: the best tiers first, from about <see cref="SearchOptions.TierGroup"/> rows and widening
    /// as the matches found so far say, then every match if the tiers did not hold enough. Not the search's sample-first
    /// plan: the marks of a matching query are correlated with the text (copies of one kind of result share both), so the
    /// sample blocks misjudged the count, and the plain ordered read that followed let the planner walk the key index with
    /// the tsquery as a filter (3–10 s at a million results); the planner's own estimate of such a query is as far off
    /// (16,597 rows for 6,410). The last read is pinned to the GIN index (no sequential scan, no walk of the key index).
    /// </summary>
    private async Task<List<SearchMatch>> MatchingReadAsync(System.Data.Common.DbConnection connection, MatchReader reader, string text, int need,
        int? kind, CancellationToken ct)
    {
        var tiers = cache.Tiers;
        if (tiers.Total >= 2L * _tierGroup)
        {
            // A starting density that makes the first round about one tier group; the rounds learn the real one.
            var first = await backend.ReadLargeAsync(new LargeRead(reader, text, need, kind, tiers, (int)Math.Ceiling(need * 1.5), _tierGroup), ct);
            if (first is not null)
            {
                return first;
            }
        }
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var pin = connection.CreateCommand())
        {
            pin.CommandText = "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off";
            await pin.ExecuteNonQueryAsync(ct);
        }
        var all = await reader.ReadAsync(text, ct, int.MaxValue, ordered: false);
        await tx.CommitAsync(ct);
        return all;
    }

    /// <summary>The names <c>only=</c> takes: the registered restrictions (<see cref="ISearchFilterSource"/>).</summary>
    public IReadOnlyCollection<string> RestrictionNames => restrictions.Select(r => r.Name).ToList();

    /// <summary>The restrictions the page offers the caller as check boxes.</summary>
    public IReadOnlyList<ISearchFilterSource> Restrictions => restrictions.ToList();

    private async Task<SearchRestriction?> RestrictionAsync(string? name, CancellationToken ct) =>
        string.IsNullOrEmpty(name) ? null : await restrictions.First(r => r.Name == name).RestrictionAsync(ct);

    // Internal-only records are found by the owner's members and managers and by the region's administrators;
    // everything else in the index is published and visible to everyone (drafts and retired records are not indexed).
    private SearchVisibility Visibility()
    {
        if (me.IsSystemAdmin)
        {
            return new SearchVisibility(true, [], []);
        }
        // Where the caller manages records (a manager or admin grant whose second factor is satisfied) or is a member.
        var orgs = me.ManagedOrganizations.Union(organizations.OrganizationIdsWhereIHold(PlatformRole.Member)).ToList();
        return new SearchVisibility(false, orgs, me.AdminRegions.ToList());
    }

    /// <summary>
    /// What a search read: matches in key order (every one when <c>Complete</c>); for a large result also the matches
    /// among the sample blocks (<see cref="FacetCache.TierTable"/>) and the factor from the sample to the whole index.
    /// </summary>
    private sealed record Reading(List<SearchMatch> Matches, bool Complete, List<SearchMatch>? Sample = null, double Scale = 1);

    /// <summary>
    /// The matches a search needs, at least <paramref name="need"/> of them in key order, and at most <paramref name="limit"/>.
    /// <para>Both engines first count the matches among the sample blocks (<see cref="SampleAsync"/>). A small expected
    /// total (<see cref="ISearchBackend.ExactBelow"/>) is then read whole and counted exactly; a large one is read as far
    /// as the page needs, as the engine does it best (<see cref="ISearchBackend.ReadLargeAsync"/>: SQLite streams FTS5
    /// rowids in key order and stops; PostgreSQL asks GIN for the best tiers), and the sample gives the total.</para>
    /// </summary>
    private async Task<Reading> ReadAsync(MatchReader reader, string text, int need, int limit, CancellationToken ct, bool sampleLargeResults = true, int? kind = null)
    {
        var tiers = cache.Tiers;
        // Every match up to the limit; when there are more, the sample (read now if not yet) gives the total.
        async Task<Reading> AllAsync((List<SearchMatch> Matches, double Scale, int Blocks)? sample)
        {
            var all = await reader.ReadAsync(text, ct, limit);
            if (all.Count < limit)
            {
                return new Reading(all, true);
            }
            if (sample is null && sampleLargeResults && tiers.SampleBlocks.Length > 0)
            {
                sample = await SampleAsync(reader, text, tiers, 0, ct);
            }
            return sample is { } s ? new Reading(all, false, s.Matches, s.Scale) : new Reading(all, false);
        }

        if (tiers.Total < 2L * _tierGroup || tiers.SampleBlocks.Length == 0 || (!backend.SamplesToPlan && !sampleLargeResults))
        {
            return await AllAsync(null);
        }
        var rowsInAll = tiers.RowsOf(kind).Sum(r => (long)r);
        // Not capped at the exact count: a mid-sized result (1,000–5,500 at 1M rows) costs PostgreSQL less to read whole
        // (then counted only up to the exact count and estimated) than to find through tiers (p95 23.5 → 35.1 ms, docs/benchmarks.md).
        var exactBelow = backend.ExactBelow(need, rowsInAll);
        var (sampled, scale, blocks) = await SampleAsync(reader, text, tiers, exactBelow, ct);
        var expected = sampled.Count * scale;
        if (expected <= exactBelow)
        {
            return await AllAsync((sampled, scale, blocks));
        }
        var large = await backend.ReadLargeAsync(new LargeRead(reader, text, need, kind, tiers, sampled.Count, tiers.SampleRowsOf(kind, blocks)), ct);
        return large is null ? await AllAsync((sampled, scale, blocks)) : new Reading(large, false, sampled, scale);
    }

    /// <summary>Matches counted in a sample of the index before a total is estimated from it: about ±10 %.</summary>
    private const int SampleMatches = 100;

    /// <summary>
    /// The matches in the sample blocks, and the factor from them to the whole index: the block at 5/8 of the rows first,
    /// then the three at 1/8, 3/8 and 7/8 when it held fewer than <see cref="SampleMatches"/> but too many to read them all (a rarer word
    /// needs a wider sample; each block costs GIN a walk of its 8,192 rows, so the sample stops at four).
    /// </summary>
    private async Task<(List<SearchMatch> Matches, double Scale, int Blocks)> SampleAsync(MatchReader reader, string text, FacetCache.TierTable tiers, double exactBelow, CancellationToken ct)
    {
        var matches = new List<SearchMatch>();
        long rows = 0;
        var used = 0;
        foreach (var take in new[] { 1, 3 })
        {
            if (used >= tiers.SampleBlocks.Length || (used > 0 && (matches.Count >= SampleMatches || matches.Count * ((double)tiers.Total / rows) <= exactBelow)))
            {
                break; // enough for an estimate, or so few that the whole result will be read exactly anyway
            }
            var blocks = tiers.SampleBlocks.Skip(used).Take(take).ToList();
            matches.AddRange(await reader.ReadAsync(backend.Restrict(text, blocks.Select(FilterTokens.Sample).ToList()), ct, int.MaxValue, ordered: false));
            rows += tiers.SampleRows.Skip(used).Take(take).Sum();
            used += blocks.Count;
        }
        return (matches, (double)tiers.Total / Math.Max(rows, 1), used);
    }

    /// <summary>An estimated total rounded to three significant digits.</summary>
    public static int Estimate(double raw)
    {
        if (raw >= int.MaxValue / 2)
        {
            return int.MaxValue / 2;
        }
        var unit = raw < 1000 ? 1 : Math.Pow(10, Math.Floor(Math.Log10(raw)) - 2);
        return (int)(Math.Round(raw / unit) * unit);
    }

    /// <summary>
    /// The engine query and the filters applied from the facet cache instead. A filter value held by most rows (Sichuan,
    /// instruments) is cheaper to check per key than to intersect as a token whose list covers most of the index (FTS5
    /// doclist; GIN posting tree probed for every candidate: 0.4 ms without 区510000, 7 ms with it, measured at 1M);
    /// a rarer value stays a token so the index skips the rows it excludes. Synonym alternatives that another one
    /// implies are left out of the engine query.
    /// </summary>
    private (string Text, InMemoryFilter InMemory) Plan(string q, IReadOnlyList<IReadOnlyList<string>> alternatives, SearchFilter filter, SearchRestriction? restriction)
    {
        long? kinds = filter.Types;
        if (restriction is not null)
        {
            // A restriction's types narrow the types asked for; a single kind asked for as a token stays one.
            kinds = (kinds ?? -1L) & restriction.Types;
        }
        int? region = null;
        if (filter.Kind is { } k && cache.ShareOfKind(k) >= CommonShare)
        {
            kinds = (filter.Types ?? -1L) & (1L << k);
            filter = filter with { Kind = null };
        }
        if (filter.Region is { } r && cache.ShareOfRegion(int.Parse(r, CultureInfo.InvariantCulture)) >= CommonShare)
        {
            region = int.Parse(r, CultureInfo.InvariantCulture);
            filter = filter with { Region = null };
        }
        var tokens = filter.Tokens();
        // An index written with the current synonym table holds each abbreviation wherever its expansion occurs: ask for
        // the abbreviation alone (one short AND, where the expansions' OR cost GIN and FTS5 the most at a million rows).
        var minimal = ChineseAnalyzer.WithoutImplied(cache.SynonymsStamp == _analyzer.SynonymsStamp
            ? _analyzer.IndexedQuery(q)
            : alternatives);
        return (backend.Query(minimal, tokens), new InMemoryFilter(kinds, region, restriction?.Organizations));
    }

    /// <summary>A filter value held by at least this share of the index is applied from the cache.</summary>
    private const double CommonShare = 0.5;

    /// <summary>
    /// Relevance of the given candidates, computed from their analysed text: whether the title holds a whole query
    /// alternative, and a BM25-style term-frequency score (title terms weigh 4, body terms 1, saturating, normalised by
    /// length; 0–1). Both engines give the same figures. The engines' own rankers were measured at 1M rows and left
    /// out of the request path: FTS5's bm25() scans every query term's whole doclist for its IDF even when only 200
    /// rows are ranked (70–160 ms), see docs/search-design.md.
    /// </summary>
    private async Task<List<Ranked>> RankAsync(DbConnection connection, List<long> keys, IReadOnlyList<IReadOnlyList<string>> alternatives, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return [];
        }
        await using var cmd = connection.CreateCommand();
        backend.SelectTexts(cmd, keys);
        var rows = new List<(long Key, Guid Id, string Title, string Body)>(keys.Count);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), backend.ReadGuid(reader, 1), reader.GetString(2), reader.GetString(3)));
            }
        }
        // Only the query's tokens are counted in the stored text (space-separated tokens): no split of every body.
        var lengths = rows.Select(r => TokenCount(r.Title) + TokenCount(r.Body)).ToList();
        var averageLength = rows.Count == 0 ? 1.0 : Math.Max(1.0, lengths.Average());
        var list = new List<Ranked>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var (key, id, title, body) = rows[i];
            var lengthNorm = 1.2 * (0.25 + (0.75 * lengths[i] / averageLength));
            var best = 0.0;
            var titleHit = false;
            foreach (var alternative in alternatives)
            {
                var all = true;
                var sum = 0.0;
                foreach (var token in alternative)
                {
                    var inTitle = Occurrences(title, token);
                    all &= inTitle > 0;
                    var w = (4.0 * inTitle) + Occurrences(body, token);
                    sum += w / (w + lengthNorm);
                }
                titleHit |= all;
                best = Math.Max(best, sum / alternative.Count);
            }
            list.Add(new Ranked(key, id, Math.Round(best, 4), titleHit));
        }
        return list;
    }

    /// <summary>Tokens in a space-separated token string.</summary>
    public static int TokenCount(string tokens)
    {
        var count = 0;
        var inToken = false;
        foreach (var c in tokens)
        {
            if (c == ' ')
            {
                inToken = false;
            }
            else if (!inToken)
            {
                inToken = true;
                count++;
            }
        }
        return count;
    }

    /// <summary>How often <paramref name="token"/> occurs as a whole token in a space-separated token string.</summary>
    public static int Occurrences(string tokens, string token)
    {
        var count = 0;
        for (var at = tokens.IndexOf(token, StringComparison.Ordinal); at >= 0; at = tokens.IndexOf(token, at + 1, StringComparison.Ordinal))
        {
            var end = at + token.Length;
            if ((at == 0 || tokens[at - 1] == ' ') && (end == tokens.Length || tokens[end] == ' '))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>The page's hits as their sources show them (one read per type of record on the page), with the matched words marked.</summary>
    private async Task<List<SearchHit>> LoadHitsAsync(List<Ranked> page, IReadOnlyList<IReadOnlyList<string>> alternatives, CancellationToken ct)
    {
        int CodeOf(long key) => cache.TryGet((int)(key & 0xFFFF_FFFF), out var row) ? row.Kind : -1;
        var views = new Dictionary<Guid, SearchRecordView>();
        foreach (var group in page.GroupBy(r => types.SourceOf(CodeOf(r.Key))))
        {
            if (group.Key is { } source)
            {
                foreach (var v in await source.ViewsAsync(db, group.Select(r => r.RecordId).ToList(), ct))
                {
                    views[v.Id] = v;
                }
            }
        }
        var marker = new Highlighter(alternatives);
        var hits = new List<SearchHit>(page.Count);
        foreach (var rank in page)
        {
            if (!views.TryGetValue(rank.RecordId, out var r) || types.Of(r.Code) is not { } type)
            {
                continue;
            }
            var title = string.IsNullOrEmpty(r.Model) ? r.Title : r.Title + " " + r.Model;
            hits.Add(new SearchHit(r.Id, Enum.IsDefined((ResourceKind)r.Code) ? (ResourceKind)r.Code : null, r.Title, r.Summary, r.RegionCode,
                r.DistrictCode, r.OrganizationName, r.OrganizationId, r.Model, r.IsLargeInstrument,
                rank.Score + (rank.TitleHit ? 1 : 0),
                new SearchHighlights(marker.Mark(title), r.Summary is null ? null : marker.Mark(r.Summary)),
                type.Name, links.GetPathByPage(type.Page, values: new { id = r.Id }) ?? ""));
        }
        return hits;
    }

    /// <summary>Facet counts over the matches held, multiplied by <paramref name="scale"/> when they are a sample of an estimated total.</summary>
    private static SearchFacets Facets(List<SearchMatch> matches, double scale, SearchTypes types)
    {
        int Scaled(int n) => Math.Max(n, (int)Math.Round(n * scale));
        var districtCounts = Count(matches, m => m.District);
        var certification = new List<FacetValue>();
        var cma = Scaled(matches.Count(m => (m.Flags & (int)SearchMarks.Cma) != 0));
        var cnas = Scaled(matches.Count(m => (m.Flags & (int)SearchMarks.Cnas) != 0));
        if (cma > 0)
        {
            certification.Add(new FacetValue("cma", new Message("Search.Certification.Cma").ToString(), cma));
        }
        if (cnas > 0)
        {
            certification.Add(new FacetValue("cnas", new Message("Search.Certification.Cnas").ToString(), cnas));
        }
        return new SearchFacets(
            Count(matches.Where(m => Enum.IsDefined((ResourceKind)m.Kind)), m => m.Kind).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key)
                .Select(kv => new FacetValue(((ResourceKind)kv.Key).ToString(), CatalogLabels.Kind((ResourceKind)kv.Key).ToString(), Scaled(kv.Value))).ToList(),
            Count(matches, m => m.Region).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key)
                .Select(kv => Code(kv.Key, RegionCodes.GetValueOrDefault(kv.Key.ToString(CultureInfo.InvariantCulture), ""), Scaled(kv.Value))).ToList(),
            districtCounts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key)
                // District and instrument class names are reference data, in Chinese.
                .Select(kv => Code(kv.Key, ReferenceData.NameOf(kv.Key.ToString("D6", CultureInfo.InvariantCulture)), Scaled(kv.Value))).ToList(),
            Count(matches.Where(m => m.Category != 0), m => m.Category).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key)
                .Select(kv => Code(kv.Key, InstrumentClasses.Find(kv.Key.ToString("D6", CultureInfo.InvariantCulture))?.Name ?? "", Scaled(kv.Value))).ToList(),
            certification,
            Count(matches, m => m.Price).OrderBy(kv => kv.Key).Select(kv => new FacetValue(PriceBuckets.Names[kv.Key], CatalogLabels.Price(kv.Key).ToString(), Scaled(kv.Value))).ToList(),
            // Every type of record among the matches, in the sources' order (the page's tabs).
            Count(matches, m => m.Kind).Where(kv => types.Of(kv.Key) is not null).OrderBy(kv => kv.Key)
                .Select(kv => (Type: types.Of(kv.Key)!, Count: Scaled(kv.Value)))
                .Select(t => new FacetValue(t.Type.Name, new Message(t.Type.LabelKey).ToString(), t.Count)).ToList());
    }

    private static FacetValue Code(int code, string label, int count) => new(code.ToString("D6", CultureInfo.InvariantCulture), label, count);

    private static Dictionary<int, int> Count(IEnumerable<SearchMatch> matches, Func<SearchMatch, int> by)
    {
        var counts = new Dictionary<int, int>();
        foreach (var m in matches)
        {
            var k = by(m);
            counts[k] = counts.GetValueOrDefault(k) + 1;
        }
        return counts;
    }
}

/// <summary>The filters of a search, each an index token; <c>Kind</c> is one type code, <c>Types</c> a mask of several (applied in memory).</summary>
public sealed record SearchFilter(
    int? Kind = null, string? Region = null, string? District = null, string? Category = null, Guid? OrganizationId = null,
    CertificationType? Certification = null, int? Price = null, long? Types = null)
{
    public IReadOnlyList<string> Tokens()
    {
        var tokens = new List<string>();
        if (Kind is { } kind)
        {
            tokens.Add(FilterTokens.Kind(kind));
        }
        if (Region is not null)
        {
            tokens.Add(FilterTokens.Region(Region));
        }
        if (District is not null)
        {
            tokens.Add(FilterTokens.District(District));
        }
        if (Category is not null)
        {
            tokens.Add(FilterTokens.Category(int.Parse(Category, CultureInfo.InvariantCulture)));
        }
        if (OrganizationId is { } org)
        {
            tokens.Add(FilterTokens.Organization(org));
        }
        if (Certification is { } cert)
        {
            tokens.Add(FilterTokens.Certification(cert));
        }
        if (Price is { } price)
        {
            tokens.Add(FilterTokens.Price(price));
        }
        return tokens;
    }
}

/// <summary>
/// The facets' labels for the API, as messages (pages use the resx strings). <see cref="ResourceKind"/> is Catalog's: its
/// labels as facets are this area's words (<c>Search.Kind.*</c>) until Catalog's file holds <c>Catalog.ResourceKind.*</c>.
/// </summary>
public static class CatalogLabels
{
    private static readonly Message[] PriceLabels =
    [
        new("Search.PriceBucket.None"), new("Search.PriceBucket.Free"), new("Search.PriceBucket.UpTo100"), new("Search.PriceBucket.UpTo500"),
        new("Search.PriceBucket.UpTo2000"), new("Search.PriceBucket.Above2000"),
    ];

    public static Message Kind(ResourceKind kind) => new($"Search.Kind.{kind}");

    public static Message Price(int bucket) => bucket is > PriceBuckets.None and <= PriceBuckets.Above2000 ? PriceLabels[bucket] : PriceLabels[PriceBuckets.None];
}

