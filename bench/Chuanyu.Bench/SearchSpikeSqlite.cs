using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Chuanyu.Bench;

/// <summary>
/// SQLite side of the spike: a <c>resources</c> table plus an FTS5 index over the analysed text, kept in step by
/// triggers. FTS5's rowid is the search key (static quality, then id), so an unranked MATCH yields the best first.
/// </summary>
#pragma warning disable CA2100 // SQL is assembled only from constants and SpikeQuery.SafeColumn; every value is a parameter.
internal sealed class SqliteSpike(string path, string ftsMode, string detail) : IDisposable
{
    private SqliteConnection? _db;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private FacetColumns? _columns;

    public string Path => path;

    private SqliteConnection Db => _db ?? throw new InvalidOperationException("not open");

    public void Dispose()
    {
        foreach (var c in _commands.Values)
        {
            c.Dispose();
        }
        _db?.Dispose();
    }

    public void Open()
    {
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        Exec("PRAGMA cache_size = -1000000; PRAGMA mmap_size = 4294967296; PRAGMA temp_store = MEMORY;");
    }

    public long RowCount()
    {
        try
        {
            return Scalar("SELECT count(*) FROM resources");
        }
        catch (SqliteException)
        {
            return -1;
        }
    }

    /// <summary>Creates the schema and loads rows in one transaction with prepared statements; returns phase timings.</summary>
    public List<(string Phase, double Seconds)> Load(int rows, int seed)
    {
        var phases = new List<(string, double)>();
        var sw = Stopwatch.StartNew();
        Exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096;");
        Exec("""
            CREATE TABLE resources (
              id INTEGER PRIMARY KEY,
              search_key INTEGER NOT NULL,
              name TEXT NOT NULL, model TEXT NOT NULL, manufacturer TEXT NOT NULL,
              kind INTEGER NOT NULL, region INTEGER NOT NULL, district INTEGER NOT NULL, category INTEGER NOT NULL,
              has_cma INTEGER NOT NULL, has_cnas INTEGER NOT NULL, min_price_fen INTEGER NOT NULL, quality INTEGER NOT NULL,
              org_name TEXT NOT NULL, description TEXT NOT NULL,
              search_title TEXT NOT NULL, search_body TEXT NOT NULL);
            """);
        var content = ftsMode == "contentless" ? "content='', contentless_delete=1" : "content='resources', content_rowid='search_key'";
        Exec($"CREATE VIRTUAL TABLE resources_fts USING fts5(search_title, search_body, {content}, detail={detail});");
        using (var tx = Db.BeginTransaction())
        {
            using var insert = Db.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO resources VALUES ($id, $key, $name, $model, $maker, $kind, $region, $district, $category,
                  $cma, $cnas, $price, $quality, $org, $desc, $title, $body)
                """;
            string[] names = ["$id", "$key", "$name", "$model", "$maker", "$kind", "$region", "$district", "$category", "$cma", "$cnas", "$price", "$quality", "$org", "$desc", "$title", "$body"];
            var p = names.Select(n => insert.Parameters.Add(new SqliteParameter(n, null))).ToArray();
            insert.Prepare();
            foreach (var r in SpikeData.Generate(rows, seed))
            {
                p[0].Value = r.Id; p[1].Value = r.SearchKey; p[2].Value = r.Name; p[3].Value = r.Model; p[4].Value = r.Manufacturer;
                p[5].Value = r.Kind; p[6].Value = r.Region; p[7].Value = r.District; p[8].Value = r.Category;
                p[9].Value = r.HasCma ? 1 : 0; p[10].Value = r.HasCnas ? 1 : 0; p[11].Value = r.PriceFen; p[12].Value = r.Quality;
                p[13].Value = r.OrgName; p[14].Value = r.Description; p[15].Value = r.SearchTitle; p[16].Value = r.SearchBody;
                insert.ExecuteNonQuery();
            }
            phases.Add(("generate + analyse + insert rows", sw.Elapsed.TotalSeconds));
            sw.Restart();
            Exec("CREATE UNIQUE INDEX ix_resources_search_key ON resources (search_key);", tx);
            phases.Add(("unique index on search_key", sw.Elapsed.TotalSeconds));
            sw.Restart();
            // Rowid order: FTS5 flushes its in-memory segment whenever a rowid goes backwards, so feed it sorted.
            Exec("INSERT INTO resources_fts (rowid, search_title, search_body) SELECT search_key, search_title, search_body FROM resources ORDER BY search_key;", tx);
            phases.Add(("FTS5 index (insert … select in rowid order)", sw.Elapsed.TotalSeconds));
            sw.Restart();
            tx.Commit();
        }
        Exec("INSERT INTO resources_fts (resources_fts) VALUES ('optimize');");
        phases.Add(("FTS5 optimize (merge segments)", sw.Elapsed.TotalSeconds));
        sw.Restart();
        Exec(Triggers());
        Exec("ANALYZE; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
        phases.Add(("triggers, ANALYZE, WAL", sw.Elapsed.TotalSeconds));
        return phases;
    }

    private string Triggers()
    {
        var delete = ftsMode == "contentless"
            ? "DELETE FROM resources_fts WHERE rowid = old.search_key;"
            : "INSERT INTO resources_fts (resources_fts, rowid, search_title, search_body) VALUES ('delete', old.search_key, old.search_title, old.search_body);";
        return $"""
            CREATE TRIGGER resources_fts_ai AFTER INSERT ON resources BEGIN
              INSERT INTO resources_fts (rowid, search_title, search_body) VALUES (new.search_key, new.search_title, new.search_body);
            END;
            CREATE TRIGGER resources_fts_ad AFTER DELETE ON resources BEGIN
              {delete}
            END;
            CREATE TRIGGER resources_fts_au AFTER UPDATE OF search_key, search_title, search_body ON resources BEGIN
              {delete}
              INSERT INTO resources_fts (rowid, search_title, search_body) VALUES (new.search_key, new.search_title, new.search_body);
            END;
            """;
    }

    /// <summary>Insert, re-score and delete one row through the triggers and check the index follows; returns a report line.</summary>
    public string CheckTriggers()
    {
        const string match = "\"zzspike\"";
        long Count() => Scalar("SELECT count(*) FROM resources_fts WHERE resources_fts MATCH $m", ("$m", match));
        long First() => Scalar("SELECT rowid FROM resources_fts WHERE resources_fts MATCH $m LIMIT 1", ("$m", match));
        var id = (int)Scalar("SELECT max(id) + 1 FROM resources");
        var sw = Stopwatch.StartNew();
        Exec($"INSERT INTO resources VALUES ({id}, {SpikeData.SearchKey(10, id)}, 'zzspike 测试仪', '', '', 0, 510000, 510107, 0, 0, 0, 0, 10, '', '', 'zzspike 测 测试 试 试仪 仪', '')");
        var afterInsert = Count();
        Exec($"UPDATE resources SET quality = 990, search_key = {SpikeData.SearchKey(990, id)} WHERE id = {id}");
        var keyAfterUpdate = First();
        Exec($"DELETE FROM resources WHERE id = {id}");
        var afterDelete = Count();
        var ok = afterInsert == 1 && keyAfterUpdate == SpikeData.SearchKey(990, id) && afterDelete == 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"SQLite triggers ({ftsMode}): insert→{afterInsert} match, re-score→rowid {(keyAfterUpdate == SpikeData.SearchKey(990, id) ? "moved" : "NOT moved")}, delete→{afterDelete} match: {(ok ? "in step" : "OUT OF STEP")} ({sw.Elapsed.TotalMilliseconds:F1} ms for the three writes)");
    }

    public long CountMatches(string fts) => Scalar("SELECT count(*) FROM resources_fts WHERE resources_fts MATCH $m", ("$m", fts));

    public void LoadFacetColumns()
    {
        var max = (int)Scalar("SELECT max(id) FROM resources");
        var cols = new FacetColumns(max);
        using var cmd = Db.CreateCommand();
        cmd.CommandText = "SELECT id, kind, region, district, category, has_cma, has_cnas, min_price_fen FROM resources";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var id = r.GetInt32(0);
            cols.Kind[id] = (byte)r.GetInt32(1);
            cols.Region[id] = r.GetInt32(2);
            cols.District[id] = r.GetInt32(3);
            cols.Category[id] = (byte)r.GetInt32(4);
            cols.Cma[id] = r.GetInt32(5) != 0;
            cols.Cnas[id] = r.GetInt32(6) != 0;
            cols.Price[id] = r.GetInt64(7);
        }
        _columns = cols;
    }

    // (a) what a naive implementation does: LIKE '%q%' on the visible fields, same filter, first 20 and a count.
    public SearchOutcome Like(AnalyzedQuery q)
    {
        var col = SpikeQuery.SafeColumn(q.Query.Column);
        const string where = "(name LIKE $p OR model LIKE $p OR org_name LIKE $p)";
        var total = Scalar($"SELECT count(*) FROM resources WHERE {where} AND {col} = $f", ("$p", q.Like), ("$f", q.Query.Value));
        var items = new List<Candidate>();
        using (var r = Reader($"SELECT id, search_key, name, model FROM resources WHERE {where} AND {col} = $f LIMIT 20", ("$p", q.Like), ("$f", q.Query.Value)))
        {
            while (r.Read())
            {
                items.Add(new Candidate(r.GetInt32(0), r.GetInt64(1), r.GetString(2), r.GetString(3), 0));
            }
        }
        return new SearchOutcome(total, false, SpikeRanking.InOrder(q, items), null);
    }

    private const string Join = "FROM resources_fts JOIN resources r ON r.search_key = resources_fts.rowid WHERE resources_fts MATCH $m";

    // (b) the engine's default: every match ranked by bm25 (title weighted 4:1), exact total and facets over all matches.
    public SearchOutcome Ranked(AnalyzedQuery q)
    {
        var col = SpikeQuery.SafeColumn(q.Query.Column);
        var items = new List<Candidate>();
        using (var r = Reader($"SELECT r.id, r.search_key, r.name, r.model, bm25(resources_fts, 4.0, 1.0) AS s {Join} AND r.{col} = $f ORDER BY s, r.search_key LIMIT 20", ("$m", q.Fts5), ("$f", q.Query.Value)))
        {
            while (r.Read())
            {
                items.Add(new Candidate(r.GetInt32(0), r.GetInt64(1), r.GetString(2), r.GetString(3), -r.GetDouble(4)));
            }
        }
        var facets = FacetsOver(q, col, limit: null);
        return new SearchOutcome(facets.Sum, false, SpikeRanking.InOrder(q, items), facets);
    }

    // (c) top-k: the first 200 matches in search-key order (best static quality first) re-ranked by title hit and bm25;
    // total and facets over at most 10,001 matches in the same order ("10,000+").
    public SearchOutcome TopK(AnalyzedQuery q)
    {
        var col = SpikeQuery.SafeColumn(q.Query.Column);
        var candidates = new List<Candidate>(SpikeRanking.CandidateWindow);
        using (var r = Reader($"SELECT r.id, r.search_key, r.name, r.model, bm25(resources_fts, 4.0, 1.0) {Join} AND r.{col} = $f ORDER BY resources_fts.rowid LIMIT {SpikeRanking.CandidateWindow}", ("$m", q.Fts5), ("$f", q.Query.Value)))
        {
            while (r.Read())
            {
                candidates.Add(new Candidate(r.GetInt32(0), r.GetInt64(1), r.GetString(2), r.GetString(3), -r.GetDouble(4)));
            }
        }
        var facets = FacetsOver(q, col, limit: SpikeRanking.CountCap + 1);
        var capped = facets.Sum > SpikeRanking.CountCap;
        return new SearchOutcome(Math.Min(facets.Sum, SpikeRanking.CountCap), capped, SpikeRanking.Rerank(q, candidates), facets);
    }

    // (d) facet columns in process: stream only the matching keys from FTS5 (no join), filter and count exactly in C#,
    // take the first 200 passing keys as candidates and read just those rows. With a cap (e), stop reading keys once
    // cap + 1 have passed the filter: total "10,000+" and facets over the best 10,001, as in (c) but without the join.
    public SearchOutcome Columns(AnalyzedQuery q) => Columns(q, null);

    public SearchOutcome ColumnsCapped(AnalyzedQuery q) => Columns(q, SpikeRanking.CountCap);

    private SearchOutcome Columns(AnalyzedQuery q, int? cap)
    {
        var cols = _columns ?? throw new InvalidOperationException("facet columns not loaded");
        var col = SpikeQuery.SafeColumn(q.Query.Column);
        var facets = new Facets();
        var firstIds = new List<int>(SpikeRanking.CandidateWindow);
        using (var r = Reader("SELECT rowid FROM resources_fts WHERE resources_fts MATCH $m", ("$m", q.Fts5)))
        {
            while (r.Read())
            {
                var id = SpikeData.IdOfKey(r.GetInt64(0));
                if (cols.Value(col, id) != q.Query.Value)
                {
                    continue;
                }
                cols.AddTo(facets, id);
                if (firstIds.Count < SpikeRanking.CandidateWindow)
                {
                    firstIds.Add(id);
                }
                if (cap is { } c && facets.Sum > c)
                {
                    break;
                }
            }
        }
        var candidates = new List<Candidate>(firstIds.Count);
        using (var r = Reader("SELECT id, search_key, name, model FROM resources WHERE id IN (SELECT value FROM json_each($ids))", ("$ids", "[" + string.Join(',', firstIds) + "]")))
        {
            while (r.Read())
            {
                candidates.Add(new Candidate(r.GetInt32(0), r.GetInt64(1), r.GetString(2), r.GetString(3), 0));
            }
        }
        var capped = cap is { } limit && facets.Sum > limit;
        return new SearchOutcome(capped ? cap!.Value : facets.Sum, capped, SpikeRanking.Rerank(q, candidates), facets);
    }

    private Facets FacetsOver(AnalyzedQuery q, string col, int? limit)
    {
        var facets = new Facets();
        var sql = $"SELECT r.kind, r.region, r.district, r.category, r.has_cma, r.has_cnas, r.min_price_fen {Join} AND r.{col} = $f" +
            (limit is { } l ? $" ORDER BY resources_fts.rowid LIMIT {l}" : "");
        using var r = Reader(sql, ("$m", q.Fts5), ("$f", q.Query.Value));
        while (r.Read())
        {
            facets.Add(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4) != 0, r.GetInt32(5) != 0, r.GetInt64(6));
        }
        return facets;
    }

    public string Explain(AnalyzedQuery q)
    {
        var col = SpikeQuery.SafeColumn(q.Query.Column);
        using var r = Reader($"EXPLAIN QUERY PLAN SELECT r.id {Join} AND r.{col} = $f ORDER BY resources_fts.rowid LIMIT 200", ("$m", q.Fts5), ("$f", q.Query.Value));
        var lines = new List<string>();
        while (r.Read())
        {
            lines.Add(r.GetString(3));
        }
        return string.Join(" / ", lines);
    }

    public (long Total, long Resources, long Fts) Sizes()
    {
        var total = new FileInfo(path).Length;
        try
        {
            var fts = Scalar("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'resources_fts%'");
            var res = Scalar("SELECT sum(pgsize) FROM dbstat WHERE name IN ('resources', 'ix_resources_search_key')");
            return (total, res, fts);
        }
        catch (SqliteException)
        {
            return (total, -1, -1);
        }
    }

    private SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var cmd))
        {
            cmd = Db.CreateCommand();
            cmd.CommandText = sql;
            _commands[sql] = cmd;
        }
        return cmd;
    }

    private SqliteDataReader Reader(string sql, params (string Name, object Value)[] args)
    {
        var cmd = Command(sql);
        cmd.Parameters.Clear();
        foreach (var (n, v) in args)
        {
            cmd.Parameters.AddWithValue(n, v);
        }
        return cmd.ExecuteReader();
    }

    private long Scalar(string sql, params (string Name, object Value)[] args)
    {
        using var r = Reader(sql, args);
        return r.Read() && !r.IsDBNull(0) ? r.GetInt64(0) : 0;
    }

    private void Exec(string sql, SqliteTransaction? tx = null)
    {
        using var cmd = Db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        cmd.ExecuteNonQuery();
    }
}
#pragma warning restore CA2100
