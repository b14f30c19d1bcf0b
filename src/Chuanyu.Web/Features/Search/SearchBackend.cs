using System.Data.Common;
using System.Globalization;
using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chuanyu.Web.Features.Search;

/// <summary>
/// What differs between the engines that hold the search index: the full-text query language, the SQL that streams
/// matching keys and reads analysed text, how ids come back, when a result is read whole, how a large result is read,
/// and the index's upkeep. One implementation per engine (<see cref="SqliteSearchBackend"/> over FTS5,
/// <see cref="PostgresSearchBackend"/> over a <c>tsvector</c> with GIN), chosen once by <c>AddSearch</c> from the
/// configured provider, so the search itself (<see cref="SearchService"/>, <see cref="FacetCache"/>,
/// <see cref="SearchIndexer"/>) is written once. Both engines index the same rows (<see cref="SearchIndexer.Build"/>),
/// written by EF in the same save on both.
/// </summary>
public interface ISearchBackend
{
    DatabaseProvider Engine { get; }

    /// <summary>The engine's query for the analysed alternatives (OR) and the filter tokens (AND).</summary>
    string Query(IReadOnlyList<IReadOnlyList<string>> alternatives, IReadOnlyList<string> filters);

    /// <summary>The engine query limited to rows holding one of the given tier or sample tokens.</summary>
    string Restrict(string query, IReadOnlyList<string> tokens);

    /// <summary>
    /// The SQL (parameter <c>@q</c>: the engine query) returning matching search keys: in key order when
    /// <paramref name="ordered"/>, at most <paramref name="fetch"/> where the engine needs a LIMIT to plan a top-k.
    /// </summary>
    string MatchesSql(bool ordered, int fetch);

    /// <summary>
    /// Whether an ordered read stops at its LIMIT (PostgreSQL), so a page of keys can run out before enough visible ones
    /// were found and is asked for again; SQLite streams in key order and stops when the reader stops.
    /// </summary>
    bool LimitsOrderedReads { get; }

    /// <summary>Sets the command to read the key, resource id, analysed title and body of the given search keys.</summary>
    void SelectTexts(DbCommand command, List<long> keys);

    /// <summary>A uuid column as the engine returns it (PostgreSQL <c>uuid</c>, SQLite text).</summary>
    Guid ReadGuid(DbDataReader reader, int ordinal);

    /// <summary>
    /// Whether a read that needs no estimate (an export) still samples the index first: PostgreSQL decides from the
    /// sample whether to read the result whole or walk the best tiers; SQLite only estimates from it, so it reads whole.
    /// </summary>
    bool SamplesToPlan { get; }

    /// <summary>Below this expected total a result is read whole and counted exactly.</summary>
    double ExactBelow(int need, long rowsOfKind);

    /// <summary>
    /// A result too large to read whole: at least <see cref="LargeRead.Need"/> matches in key order, or null when
    /// reading it whole is cheaper after all.
    /// </summary>
    Task<List<SearchMatch>?> ReadLargeAsync(LargeRead read, CancellationToken ct);

    /// <summary>After the analysed text of many rows was rewritten (<c>reindex</c>): the engine's own upkeep.</summary>
    Task AfterTextRewriteAsync(AppDbContext db, Action<string> log, CancellationToken ct);
}

/// <summary>One match: its search key and its facet values (from the cache).</summary>
public readonly record struct SearchMatch(long Key, int Kind, int Region, int District, int Category, int Flags, int Price);

/// <summary>Who may see internal-only records: everyone (<c>All</c>), the members of these organisations, the administrators of these regions.</summary>
public sealed record SearchVisibility(bool All, IReadOnlyList<Guid> Organizations, IReadOnlyList<string> Regions);

/// <summary>
/// The filters a search applies per match from the facet cache rather than as index tokens: a mask of types, a region
/// held by most rows, and the organisations a restriction (<see cref="ISearchFilterSource"/>) allows.
/// </summary>
public sealed record InMemoryFilter(long? Types, int? Region, IReadOnlySet<Guid>? Organizations = null);

/// <summary>What a backend needs to read a large result: the search's reader and query, the page's need, the tiers and the sample.</summary>
public sealed record LargeRead(MatchReader Reader, string Query, int Need, int? Kind, FacetCache.TierTable Tiers, int SampledMatches, long SampledRows);

/// <summary>
/// One search's access to the index: only keys come out of the engine's full-text index; the facet values and the
/// visibility come from <see cref="FacetCache"/> (rows written after its last sync are read on the spot).
/// </summary>
public sealed class MatchReader(DbConnection connection, ISearchBackend backend, FacetCache cache, SearchVisibility visibility, InMemoryFilter inMemory)
{
    /// <summary>
    /// Matching rows in search-key order (best first), visible to the caller and passing the filters applied from the
    /// cache, up to <paramref name="limit"/> (unordered: every match, sorted here).
    /// </summary>
    public async Task<List<SearchMatch>> ReadAsync(string query, CancellationToken ct, int limit = SearchService.Cap + 1, bool ordered = true)
    {
        var fetch = ordered ? limit + 64 : int.MaxValue;
        while (true)
        {
            var list = new List<SearchMatch>(Math.Min(limit, 1024));
            var unknown = new List<long>();
            var read = 0;
            await using (var cmd = connection.CreateCommand())
            {
                cmd.CommandText = backend.MatchesSql(ordered, fetch);
                var p = cmd.CreateParameter();
                p.ParameterName = "@q";
                p.Value = query;
                cmd.Parameters.Add(p);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (list.Count < limit && await reader.ReadAsync(ct))
                {
                    read++;
                    var key = reader.GetInt64(0);
                    if (!cache.TryGet((int)(key & 0xFFFF_FFFF), out var row))
                    {
                        unknown.Add(key);
                    }
                    else if (IsVisible(row, visibility) && Passes(row, inMemory))
                    {
                        list.Add(new SearchMatch(key, row.Kind, row.Region, row.District, row.Category, row.Flags, row.Price));
                    }
                }
            }
            if (unknown.Count > 0)
            {
                // Written after this instance's last sync: read those few rows, remember them, and merge them in key order.
                foreach (var chunk in unknown.Chunk(500))
                {
                    await cache.LoadAsync(connection, " WHERE search_key IN (" + string.Join(",", chunk.Select(k => k.ToString(CultureInfo.InvariantCulture))) + ")", ct);
                }
                foreach (var key in unknown)
                {
                    if (cache.TryGet((int)(key & 0xFFFF_FFFF), out var row) && IsVisible(row, visibility) && Passes(row, inMemory))
                    {
                        list.Add(new SearchMatch(key, row.Kind, row.Region, row.District, row.Category, row.Flags, row.Price));
                    }
                }
            }
            if (!ordered || unknown.Count > 0)
            {
                list.Sort((a, b) => a.Key.CompareTo(b.Key));
            }
            if (list.Count > limit)
            {
                list.RemoveRange(limit, list.Count - limit);
            }
            if (!ordered)
            {
                return list;
            }
            // A page of keys cut by a LIMIT can run out before enough visible ones were found (internal-only records): ask for more.
            if (!backend.LimitsOrderedReads || list.Count >= limit || read < fetch)
            {
                return list;
            }
            fetch *= 4;
        }
    }

    private static bool Passes(FacetCache.Row row, InMemoryFilter inMemory) =>
        (inMemory.Types is not { } types || (row.Kind <= SearchType.MaxCode && ((types >> row.Kind) & 1) != 0))
        && (inMemory.Region is not { } region || row.Region == region)
        && (inMemory.Organizations is not { } organizations || organizations.Contains(row.Organization));

    private static bool IsVisible(FacetCache.Row row, SearchVisibility visibility) =>
        visibility.All || (row.Flags & (int)SearchMarks.InternalOnly) == 0 || visibility.Organizations.Contains(row.Organization)
        || visibility.Regions.Contains(row.Region.ToString(CultureInfo.InvariantCulture));
}

/// <summary>
/// SQLite: an FTS5 external-content index over <c>resource_search_text</c> whose rowid is the search key, so matches
/// stream out best first and a large result stops after the page's candidates.
/// </summary>
public sealed class SqliteSearchBackend(IOptions<SearchOptions> options) : ISearchBackend
{
    /// <summary>SQLite streams FTS5 doclists at about 1–2 µs a match, so it counts more exactly before estimating.</summary>
    private readonly int _exactRest = options.Value.ExactRestSqlite;

    public DatabaseProvider Engine => DatabaseProvider.Sqlite;

    public string Query(IReadOnlyList<IReadOnlyList<string>> alternatives, IReadOnlyList<string> filters)
    {
        var words = ChineseAnalyzer.ToFts5(alternatives);
        return filters.Count == 0 ? words : "(" + words + ") AND " + string.Join(" AND ", filters.Select(f => "\"" + f + "\""));
    }

    public string Restrict(string query, IReadOnlyList<string> tokens) =>
        "(" + query + ") AND (" + string.Join(" OR ", tokens.Select(t => "\"" + t + "\"")) + ")";

    // Streams in rowid order and stops when the reader stops: no LIMIT needed.
    public string MatchesSql(bool ordered, int fetch) => "SELECT rowid FROM resource_fts WHERE resource_fts MATCH @q ORDER BY rowid";

    public bool LimitsOrderedReads => false;

    public void SelectTexts(DbCommand command, List<long> keys) =>
        command.CommandText = "SELECT s.search_key, s.record_id, t.title, t.body FROM resource_search s JOIN resource_search_text t ON t.search_key = s.search_key WHERE s.search_key IN (" + string.Join(",", keys) + ")";

    public Guid ReadGuid(DbDataReader reader, int ordinal) => Guid.Parse(reader.GetString(ordinal));

    public bool SamplesToPlan => false;

    public double ExactBelow(int need, long rowsOfKind) => _exactRest;

    // FTS5 streams matches in key order: a large result stops after the page's candidates.
    public async Task<List<SearchMatch>?> ReadLargeAsync(LargeRead read, CancellationToken ct) => await read.Reader.ReadAsync(read.Query, ct, read.Need);

    public async Task AfterTextRewriteAsync(AppDbContext db, Action<string> log, CancellationToken ct)
    {
        log("  merging the FTS5 index segments ('optimize') …");
        await db.Database.ExecuteSqlRawAsync("INSERT INTO resource_fts (resource_fts) VALUES ('optimize')", ct);
    }
}

/// <summary>
/// PostgreSQL: a generated <c>tsvector</c> over <c>resource_search_text</c> with a GIN index. GIN cannot return matches in
/// key order, so a large result is read tier by tier, best first.
/// </summary>
public sealed class PostgresSearchBackend(IOptions<SearchOptions> options) : ISearchBackend
{
    /// <summary>
    /// When the sample expects at most this many matches, PostgreSQL reads them all for an exact count (each costs a heap
    /// visit, 2–10 µs); a larger result is estimated.
    /// </summary>
    private readonly int _exactRest = options.Value.ExactRest;

    /// <summary>A round of tiers covers at least a sixteenth of this many rows.</summary>
    private readonly int _tierGroup = options.Value.TierGroup;

    private const int MaxTierRounds = 6;
    private const int MaxTokensPerRound = 16;

    public DatabaseProvider Engine => DatabaseProvider.Postgres;

    public string Query(IReadOnlyList<IReadOnlyList<string>> alternatives, IReadOnlyList<string> filters)
    {
        var words = ChineseAnalyzer.ToTsQuery(alternatives);
        return filters.Count == 0 ? words : "(" + words + ") & " + string.Join(" & ", filters.Select(f => "'" + f + "'"));
    }

    public string Restrict(string query, IReadOnlyList<string> tokens) =>
        "(" + query + ") & (" + string.Join(" | ", tokens.Select(t => "'" + t + "'")) + ")";

    // The LIMIT lets the planner choose a top-k; unordered (a tier-restricted read) takes every match of its tiers and
    // they are sorted in C#.
    public string MatchesSql(bool ordered, int fetch) => ordered
        ? "SELECT search_key FROM resource_search_text WHERE search_vector @@ @q::tsquery ORDER BY search_key LIMIT " + fetch.ToString(CultureInfo.InvariantCulture)
        : "SELECT search_key FROM resource_search_text WHERE search_vector @@ @q::tsquery";

    public bool LimitsOrderedReads => true;

    public void SelectTexts(DbCommand command, List<long> keys)
    {
        command.CommandText = "SELECT s.search_key, s.record_id, t.title, t.body FROM resource_search s JOIN resource_search_text t ON t.search_key = s.search_key WHERE s.search_key = ANY(@keys)";
        var k = command.CreateParameter();
        k.ParameterName = "@keys";
        k.Value = keys.ToArray();
        command.Parameters.Add(k);
    }

    public Guid ReadGuid(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    public bool SamplesToPlan => true;

    /// <summary>
    /// Reading every match costs a heap visit each (about 3 µs); reading the best tiers costs GIN a walk of their rows
    /// (about 0.3 µs each) until <c>need</c> matches are found, at density expected / rows of the kind searched for.
    /// Whole is cheaper while 3·expected &lt; 0.3·1.5·need·rows / expected, i.e. expected &lt; √(0.15·need·rows).
    /// </summary>
    public double ExactBelow(int need, long rowsOfKind) => Math.Max(_exactRest, Math.Sqrt(0.15 * need * rowsOfKind));

    /// <summary>
    /// Asks for the words among the next best tiers, in rounds sized by the density seen, so only those matches cost a
    /// heap visit (one query over every match builds a bitmap of all of them and sorts it: 0.1–1.8 s for a frequent word
    /// at a million rows).
    /// </summary>
    public async Task<List<SearchMatch>?> ReadLargeAsync(LargeRead read, CancellationToken ct)
    {
        var (tiers, kind, need) = (read.Tiers, read.Kind, read.Need);
        var tierRows = tiers.RowsOf(kind);
        var rowsInAll = tierRows.Sum(r => (long)r);
        // Matches per row in the sample (per row of the kind searched for: kinds described less fully sit in lower tiers,
        // and the walk below counts only the rows of that kind); the best tiers can still hold fewer, so each round also
        // learns from what the rounds before it found.
        var density = Math.Max(read.SampledMatches, 1) / (double)Math.Max(read.SampledRows, 1);
        var list = new List<SearchMatch>();
        var next = 0;
        long covered = 0;
        for (var round = 0; list.Count < need; round++)
        {
            if (covered > 0)
            {
                density = Math.Min(density, Math.Max(list.Count, 1) / (double)covered);
            }
            // The next best tiers, about `group` rows: a whole quality rank as one token when it fits, else its blocks.
            var group = Math.Max(_tierGroup / 16.0, (need - list.Count) / density * 1.5);
            if (round >= MaxTierRounds || group >= (rowsInAll - covered) / 2.0)
            {
                return null; // most of the index is left to read: one query over every match is cheaper
            }
            var tokens = new List<string>();
            long rows = 0;
            while (next < tiers.Ids.Length && rows < group && tokens.Count < MaxTokensPerRound)
            {
                var rank = SearchEntry.RankOfTier(tiers.Ids[next]);
                if (next == 0 || SearchEntry.RankOfTier(tiers.Ids[next - 1]) != rank)
                {
                    var end = next;
                    long rankRows = 0;
                    while (end < tiers.Ids.Length && SearchEntry.RankOfTier(tiers.Ids[end]) == rank)
                    {
                        rankRows += tierRows[end++];
                    }
                    if (rankRows == 0)
                    {
                        next = end; // none of the kind searched for
                        continue;
                    }
                    if (rows + rankRows <= group * 1.5)
                    {
                        tokens.Add(FilterTokens.Rank(rank));
                        rows += rankRows;
                        next = end;
                        continue;
                    }
                }
                if (tierRows[next] > 0)
                {
                    tokens.Add(FilterTokens.Tier(tiers.Ids[next]));
                    rows += tierRows[next];
                }
                next++;
            }
            if (tokens.Count == 0)
            {
                return null;
            }
            list.AddRange(await read.Reader.ReadAsync(Restrict(read.Query, tokens), ct, int.MaxValue, ordered: false));
            covered += rows;
        }
        return list;
    }

    public Task AfterTextRewriteAsync(AppDbContext db, Action<string> log, CancellationToken ct) => Task.CompletedTask;
}
