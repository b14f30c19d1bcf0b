using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Chuanyu.Bench;

/// <summary>
/// PostgreSQL side of the spike: the same <c>resources</c> table with a stored generated <c>tsvector</c> ('simple'
/// configuration over the analysed text, title weight A, body weight B), a GIN index, and a unique btree on the search key.
/// </summary>
#pragma warning disable CA2100 // SQL is assembled only from constants and SpikeQuery.SafeColumn; every value is a parameter.
internal sealed class PostgresSpike(string adminConnectionString, string database) : IAsyncDisposable
{
    private NpgsqlConnection? _db;
    private FacetColumns? _columns;
    private Dictionary<string, long>? _documentFrequency;

    public string Database => database;

    private NpgsqlConnection Db => _db ?? throw new InvalidOperationException("not open");

    public string Session { get; } = "SET work_mem = '64MB'; SET jit = off;";

    public async ValueTask DisposeAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    private string ConnectionString() =>
        new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database, CommandTimeout = 0, Pooling = false }.ToString();

    public async Task<bool> ExistsAsync()
    {
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", admin) { Parameters = { new() { Value = database } } };
        return await cmd.ExecuteScalarAsync() is not null;
    }

    public async Task RecreateAsync()
    {
        await DropAsync();
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {database} ENCODING 'UTF8' TEMPLATE template0 LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'", admin);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task DropAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
            _db = null;
        }
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task OpenAsync()
    {
        _db = new NpgsqlConnection(ConnectionString());
        await _db.OpenAsync();
        await ExecAsync(Session);
    }

    public async Task<long> RowCountAsync()
    {
        try
        {
            return await ScalarAsync("SELECT count(*) FROM resources");
        }
        catch (PostgresException)
        {
            return -1;
        }
    }

    public async Task<List<(string Phase, double Seconds)>> LoadAsync(int rows, int seed)
    {
        var phases = new List<(string, double)>();
        var sw = Stopwatch.StartNew();
        await ExecAsync("""
            CREATE TABLE resources (
              id integer PRIMARY KEY,
              search_key bigint NOT NULL,
              name text NOT NULL, model text NOT NULL, manufacturer text NOT NULL,
              kind smallint NOT NULL, region integer NOT NULL, district integer NOT NULL, category smallint NOT NULL,
              has_cma boolean NOT NULL, has_cnas boolean NOT NULL, min_price_fen bigint NOT NULL, quality smallint NOT NULL,
              org_name text NOT NULL, description text NOT NULL,
              search_title text NOT NULL, search_body text NOT NULL,
              search_vector tsvector GENERATED ALWAYS AS
                (setweight(to_tsvector('simple'::regconfig, search_title), 'A') || setweight(to_tsvector('simple'::regconfig, search_body), 'B')) STORED);
            """);
        await using (var writer = await Db.BeginBinaryImportAsync(
            "COPY resources (id, search_key, name, model, manufacturer, kind, region, district, category, has_cma, has_cnas, min_price_fen, quality, org_name, description, search_title, search_body) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var r in SpikeData.Generate(rows, seed))
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(r.Id, NpgsqlDbType.Integer);
                await writer.WriteAsync(r.SearchKey, NpgsqlDbType.Bigint);
                await writer.WriteAsync(r.Name, NpgsqlDbType.Text);
                await writer.WriteAsync(r.Model, NpgsqlDbType.Text);
                await writer.WriteAsync(r.Manufacturer, NpgsqlDbType.Text);
                await writer.WriteAsync((short)r.Kind, NpgsqlDbType.Smallint);
                await writer.WriteAsync(r.Region, NpgsqlDbType.Integer);
                await writer.WriteAsync(r.District, NpgsqlDbType.Integer);
                await writer.WriteAsync((short)r.Category, NpgsqlDbType.Smallint);
                await writer.WriteAsync(r.HasCma, NpgsqlDbType.Boolean);
                await writer.WriteAsync(r.HasCnas, NpgsqlDbType.Boolean);
                await writer.WriteAsync(r.PriceFen, NpgsqlDbType.Bigint);
                await writer.WriteAsync((short)r.Quality, NpgsqlDbType.Smallint);
                await writer.WriteAsync(r.OrgName, NpgsqlDbType.Text);
                await writer.WriteAsync(r.Description, NpgsqlDbType.Text);
                await writer.WriteAsync(r.SearchTitle, NpgsqlDbType.Text);
                await writer.WriteAsync(r.SearchBody, NpgsqlDbType.Text);
            }
            await writer.CompleteAsync();
        }
        phases.Add(("generate + analyse + binary COPY (tsvector computed by the generated column)", sw.Elapsed.TotalSeconds));
        sw.Restart();
        await ExecAsync("SET maintenance_work_mem = '1GB'; CREATE UNIQUE INDEX ix_resources_search_key ON resources (search_key);");
        phases.Add(("unique btree on search_key", sw.Elapsed.TotalSeconds));
        sw.Restart();
        await ExecAsync("CREATE INDEX ix_resources_search_vector ON resources USING gin (search_vector);");
        phases.Add(("GIN index on search_vector (maintenance_work_mem 1GB)", sw.Elapsed.TotalSeconds));
        sw.Restart();
        await ExecAsync("VACUUM ANALYZE resources;");
        phases.Add(("VACUUM ANALYZE", sw.Elapsed.TotalSeconds));
        sw.Restart();
        // Document frequency per lexeme, for choosing the plan in the app (the planner multiplies token selectivities).
        await ExecAsync("CREATE TABLE search_terms AS SELECT word AS token, ndoc FROM ts_stat('SELECT search_vector FROM resources'); ALTER TABLE search_terms ADD PRIMARY KEY (token);");
        phases.Add(("search_terms (ts_stat document frequencies)", sw.Elapsed.TotalSeconds));
        return phases;
    }

    /// <summary>Insert, re-score and delete one row: the generated column and the indexes follow without triggers.</summary>
    public async Task<string> CheckInStepAsync()
    {
        var id = (int)await ScalarAsync("SELECT max(id) + 1 FROM resources");
        var sw = Stopwatch.StartNew();
        await ExecAsync($"INSERT INTO resources (id, search_key, name, model, manufacturer, kind, region, district, category, has_cma, has_cnas, min_price_fen, quality, org_name, description, search_title, search_body) VALUES ({id}, {SpikeData.SearchKey(10, id)}, 'zzspike 测试仪', '', '', 0, 510000, 510107, 0, false, false, 0, 10, '', '', 'zzspike 测 测试 试 试仪 仪', '')");
        var afterInsert = await ScalarAsync("SELECT count(*) FROM resources WHERE search_vector @@ '''zzspike'''::tsquery");
        await ExecAsync($"UPDATE resources SET quality = 990, search_key = {SpikeData.SearchKey(990, id)} WHERE id = {id}");
        var key = await ScalarAsync("SELECT search_key FROM resources WHERE search_vector @@ '''zzspike'''::tsquery ORDER BY search_key LIMIT 1");
        await ExecAsync($"DELETE FROM resources WHERE id = {id}");
        var afterDelete = await ScalarAsync("SELECT count(*) FROM resources WHERE search_vector @@ '''zzspike'''::tsquery");
        var ok = afterInsert == 1 && key == SpikeData.SearchKey(990, id) && afterDelete == 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"PostgreSQL generated column: insert→{afterInsert} match, re-score→key {(key == SpikeData.SearchKey(990, id) ? "moved" : "NOT moved")}, delete→{afterDelete} match: {(ok ? "in step" : "OUT OF STEP")} ({sw.Elapsed.TotalMilliseconds:F1} ms for the three writes)");
    }

    public async Task<long> CountMatchesAsync(string tsquery) =>
        await ScalarAsync("SELECT count(*) FROM resources WHERE search_vector @@ $1::tsquery", tsquery);

    public async Task LoadDocumentFrequenciesAsync()
    {
        var map = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand("SELECT token, ndoc FROM search_terms", Db);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            map[r.GetString(0)] = r.GetInt32(1);
        }
        _documentFrequency = map;
    }

    public async Task LoadFacetColumnsAsync()
    {
        var max = (int)await ScalarAsync("SELECT max(id) FROM resources");
        var cols = new FacetColumns(max);
        await using var cmd = new NpgsqlCommand("SELECT id, kind, region, district, category, has_cma, has_cnas, min_price_fen FROM resources", Db);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var id = r.GetInt32(0);
            cols.Kind[id] = (byte)r.GetInt16(1);
            cols.Region[id] = r.GetInt32(2);
            cols.District[id] = r.GetInt32(3);
            cols.Category[id] = (byte)r.GetInt16(4);
            cols.Cma[id] = r.GetBoolean(5);
            cols.Cnas[id] = r.GetBoolean(6);
            cols.Price[id] = r.GetInt64(7);
        }
        _columns = cols;
    }

    /// <summary>Upper bound of matches from the document frequencies: per alternative the rarest token, summed.</summary>
    public long UpperBound(AnalyzedQuery q)
    {
        var df = _documentFrequency ?? throw new InvalidOperationException("document frequencies not loaded");
        return q.Alternatives.Sum(a => a.Min(t => df.GetValueOrDefault(t)));
    }

    public async Task<SearchOutcome> LikeAsync(AnalyzedQuery q)
    {
        var col = SpikeQuery.SafeColumn(q.Query.Column);
        const string where = "(name LIKE $1 OR model LIKE $1 OR org_name LIKE $1)";
        var total = await ScalarAsync($"SELECT count(*) FROM resources WHERE {where} AND {col} = $2", q.Like, q.Query.Value);
        var items = await CandidatesAsync($"SELECT id, search_key, name, model, 0::real FROM resources WHERE {where} AND {col} = $2 LIMIT 20", q.Like, q.Query.Value);
        return new SearchOutcome(total, false, SpikeRanking.InOrder(q, items), null);
    }

    public async Task<SearchOutcome> RankedAsync(AnalyzedQuery q)
    {
        var col = SpikeQuery.SafeColumn(q.Query.Column);
        var items = await CandidatesAsync(
            $"SELECT id, search_key, name, model, ts_rank_cd(search_vector, $1::tsquery) AS s FROM resources WHERE search_vector @@ $1::tsquery AND {col} = $2 ORDER BY s DESC, search_key LIMIT 20",
            q.TsQuery, q.Query.Value);
        var facets = await FacetsAsync(q, col, limit: null);
        return new SearchOutcome(facets.Sum, false, SpikeRanking.InOrder(q, items), facets);
    }

    /// <summary>
    /// Top-k by search key: <paramref name="plan"/> "planner" leaves the choice to PostgreSQL; "adaptive" decides from
    /// the document frequencies: a frequent query walks the search-key index and stops early (bitmap scans off), a rare
    /// one uses the GIN bitmap and sorts its few matches.
    /// </summary>
    public async Task<SearchOutcome> TopKAsync(AnalyzedQuery q, string plan)
    {
        var col = SpikeQuery.SafeColumn(q.Query.Column);
        var walk = plan == "adaptive" && UpperBound(q) > AdaptiveThreshold;
        var candidates = await CandidatesAsync(
            $"SELECT id, search_key, name, model, ts_rank_cd(search_vector, $1::tsquery) FROM resources WHERE search_vector @@ $1::tsquery AND {col} = $2 ORDER BY search_key LIMIT {SpikeRanking.CandidateWindow}",
            walk, q.TsQuery, q.Query.Value);
        var facets = await FacetsAsync(q, col, limit: SpikeRanking.CountCap + 1, walk);
        var capped = facets.Sum > SpikeRanking.CountCap;
        return new SearchOutcome(Math.Min(facets.Sum, SpikeRanking.CountCap), capped, SpikeRanking.Rerank(q, candidates), facets);
    }

    public const long AdaptiveThreshold = 20_000;

    /// <summary>Facet columns in process: stream the matching keys (GIN bitmap), filter and count exactly in C#.</summary>
    public async Task<SearchOutcome> ColumnsAsync(AnalyzedQuery q)
    {
        var cols = _columns ?? throw new InvalidOperationException("facet columns not loaded");
        var col = SpikeQuery.SafeColumn(q.Query.Column);
        var facets = new Facets();
        var keys = new List<long>();
        await using (var cmd = new NpgsqlCommand("SELECT search_key FROM resources WHERE search_vector @@ $1::tsquery", Db) { Parameters = { new() { Value = q.TsQuery } } })
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                var key = r.GetInt64(0);
                var id = SpikeData.IdOfKey(key);
                if (cols.Value(col, id) == q.Query.Value)
                {
                    cols.AddTo(facets, id);
                    keys.Add(key);
                }
            }
        }
        keys.Sort();
        var first = keys.Take(SpikeRanking.CandidateWindow).Select(SpikeData.IdOfKey).ToArray();
        var candidates = await CandidatesAsync("SELECT id, search_key, name, model, 0::real FROM resources WHERE id = ANY($1)", first);
        return new SearchOutcome(facets.Sum, false, SpikeRanking.Rerank(q, candidates), facets);
    }

    private async Task<Facets> FacetsAsync(AnalyzedQuery q, string col, int? limit, bool walk = false)
    {
        var inner = $"SELECT kind, region, district, category, has_cma, has_cnas, CASE WHEN min_price_fen < 10000 THEN 0 WHEN min_price_fen < 50000 THEN 1 WHEN min_price_fen < 100000 THEN 2 WHEN min_price_fen < 500000 THEN 3 ELSE 4 END AS pb FROM resources WHERE search_vector @@ $1::tsquery AND {col} = $2" +
            (limit is { } l ? $" ORDER BY search_key LIMIT {l}" : "");
        var sql = $"SELECT kind, region, district, category, has_cma, has_cnas, pb, count(*)::int FROM ({inner}) c GROUP BY GROUPING SETS ((kind), (region), (district), (category), (has_cma), (has_cnas), (pb))";
        var facets = new Facets();
        await using var batch = Batch(sql, walk, q.TsQuery, q.Query.Value);
        await using var r = await batch.ExecuteReaderAsync();
        do
        {
            while (await r.ReadAsync())
            {
                if (r.FieldCount < 8)
                {
                    continue;
                }
                facets.AddGroup(
                    r.IsDBNull(0) ? null : r.GetInt16(0), r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2),
                    r.IsDBNull(3) ? null : r.GetInt16(3), r.IsDBNull(4) ? null : r.GetBoolean(4), r.IsDBNull(5) ? null : r.GetBoolean(5),
                    r.IsDBNull(6) ? null : r.GetInt32(6), r.GetInt32(7));
            }
        }
        while (await r.NextResultAsync());
        return facets;
    }

    public async Task<string> ExplainAsync(AnalyzedQuery q)
    {
        var col = SpikeQuery.SafeColumn(q.Query.Column);
        await using var cmd = new NpgsqlCommand(
            $"EXPLAIN (ANALYZE, TIMING OFF) SELECT id FROM resources WHERE search_vector @@ $1::tsquery AND {col} = $2 ORDER BY search_key LIMIT {SpikeRanking.CandidateWindow}", Db)
        { Parameters = { new() { Value = q.TsQuery }, new() { Value = q.Query.Value } } };
        await using var r = await cmd.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await r.ReadAsync())
        {
            var line = r.GetString(0).Trim();
            if (line.StartsWith("->", StringComparison.Ordinal) || line.StartsWith("Limit", StringComparison.Ordinal))
            {
                lines.Add(line.Split("  (cost", StringSplitOptions.None)[0].TrimStart('-', '>', ' ') + (line.Contains("rows=", StringComparison.Ordinal) ? " est " + line.Split("rows=")[1].Split(' ')[0] : ""));
            }
        }
        return string.Join(" / ", lines.Take(4));
    }

    public async Task<(long Table, long Gin, long KeyIndex, long Database)> SizesAsync()
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT pg_table_size('resources'), pg_relation_size('ix_resources_search_vector'), pg_relation_size('ix_resources_search_key'), pg_database_size(current_database())", Db);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
    }

    /// <summary>One round trip; with <paramref name="walk"/> the query runs between SET and RESET of enable_bitmapscan.</summary>
    private NpgsqlBatch Batch(string sql, bool walk, params object[] args)
    {
        var batch = new NpgsqlBatch(Db);
        if (walk)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET enable_bitmapscan = off"));
        }
        var main = new NpgsqlBatchCommand(sql);
        foreach (var a in args)
        {
            main.Parameters.Add(new NpgsqlParameter { Value = a });
        }
        batch.BatchCommands.Add(main);
        if (walk)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("RESET enable_bitmapscan"));
        }
        return batch;
    }

    private Task<List<Candidate>> CandidatesAsync(string sql, params object[] args) => CandidatesAsync(sql, false, args);

    private async Task<List<Candidate>> CandidatesAsync(string sql, bool walk, params object[] args)
    {
        var list = new List<Candidate>();
        await using var batch = Batch(sql, walk, args);
        await using var r = await batch.ExecuteReaderAsync();
        do
        {
            while (await r.ReadAsync())
            {
                if (r.FieldCount == 5)
                {
                    list.Add(new Candidate(r.GetInt32(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetFloat(4)));
                }
            }
        }
        while (await r.NextResultAsync());
        return list;
    }

    private async Task<long> ScalarAsync(string sql, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, Db);
        foreach (var a in args)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        }
        var v = await cmd.ExecuteScalarAsync();
        return v is null or DBNull ? 0 : Convert.ToInt64(v, CultureInfo.InvariantCulture);
    }

    private async Task ExecAsync(string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, Db);
        await cmd.ExecuteNonQueryAsync();
    }
}
#pragma warning restore CA2100
