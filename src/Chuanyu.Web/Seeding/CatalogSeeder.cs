using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Chuanyu.Web.Seeding;

public sealed record SeedOptions(int Resources, int Seed = SyntheticCatalog.DefaultSeed, int Batch = 10_000);

public sealed record SeedReport(
    int Resources, int Organizations, long Fees, long Certifications, int FirstDocId, double Seconds, long DatabaseBytes);

/// <summary>
/// Appends synthetic resources (<see cref="SyntheticCatalog"/>) in bulk, for load tests: EF would take hours for a
/// million rows. One transaction on one connection, so a failure leaves nothing behind:
/// <list type="bullet">
/// <item>SQLite: prepared INSERTs; the three FTS triggers are dropped (their SQL read from <c>sqlite_master</c> first),
/// the FTS index is rebuilt from <c>resource_search_text</c> once at the end, the triggers are recreated from the saved SQL,
/// the index is optimised and the statistics refreshed; DDL is transactional, so a rollback brings the triggers back.</item>
/// <item>PostgreSQL: binary COPY; the GIN index on the generated <c>search_vector</c> is dropped and recreated from its
/// saved definition (a bulk build is much faster than a million insertions); ANALYZE, then VACUUM ANALYZE after commit.</item>
/// </list>
/// The columns and their encodings come from the EF model and its value converters (enums as names, SQLite instants as
/// ticks, SQLite GUIDs as upper-case text…), so the rows are exactly what the normal path writes; the search rows are
/// computed by <see cref="SearchIndexer.Build"/>, the function the normal path uses.
/// </summary>
public sealed class CatalogSeeder(AppDbContext db, TimeProvider clock)
{
    public const int ProgressEvery = 100_000;

    private static readonly string[] FtsTriggers = ["resource_fts_ai", "resource_fts_ad", "resource_fts_au"];
    private const string GinIndex = "ix_resource_search_text_vector";

    private sealed record Batch(Resource[] Resources, SearchEntry[] Entries);

    public async Task<SeedReport> RunAsync(SeedOptions options, Action<string> log, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var sqlite = db.Database.IsSqlite();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var known = await db.Districts.AsNoTracking().Select(d => d.Code).ToListAsync(ct);
            var missing = SyntheticCatalog.DistrictCodes.Except(known, StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"Districts missing from the districts table (run migrate): {string.Join(", ", missing)}");
            }
            if (sqlite)
            {
                // A large page cache keeps the index b-trees in memory during the load (this connection only).
                await ExecuteAsync("PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;", ct);
            }

            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await using BulkSink sink = sqlite
                ? new SqliteSink((SqliteConnection)db.Database.GetDbConnection(), (SqliteTransaction)tx.GetDbTransaction(), log)
                : new PostgresSink((NpgsqlConnection)db.Database.GetDbConnection(), log);
            var organizations = Columns<Organization>();
            var resources = Columns<Resource>();
            var fees = Columns<ResourceFee>();
            var certifications = Columns<ResourceCertification>();
            var entries = Columns<SearchEntry>();
            var texts = Columns<SearchText>();

            // The synthetic owners: the same 300 every run, added when missing.
            var synthetic = SyntheticCatalog.Organizations(now);
            var ids = synthetic.Select(o => o.Id).ToList();
            var present = (await db.Organizations.AsNoTracking().Where(o => ids.Contains(o.Id)).Select(o => o.Id).ToListAsync(ct)).ToHashSet();
            var added = synthetic.Where(o => !present.Contains(o.Id)).ToList();
            await sink.WriteAsync(organizations, added, ct);
            var all = await db.Organizations.AsNoTracking().ToListAsync(ct);
            var owners = SyntheticCatalog.OwnersFrom(all);
            var names = owners.ToDictionary(o => o.Id, o => o.Name);
            var catalog = new SyntheticCatalog(options.Seed, owners);

            // The organisations are search records too: the added ones are indexed as the normal path would index them.
            var version = await SearchIndexer.NextVersionAsync(db, ct);
            var analyzer = SearchVocabulary.AnalyzerOf(db);
            var searchable = added.Where(o => o.Status == OrganizationStatus.Verified).ToList();
            if (searchable.Count > 0)
            {
                var firstOrgDoc = await SearchIndexer.ReserveDocIdsAsync(db, searchable.Count, ct);
                var orgEntries = searchable.Select((o, i) => SearchIndexer.Build(OrganizationSearchSource.Document(o), firstOrgDoc + i, analyzer)).ToList();
                orgEntries.ForEach(e => e.Version = version);
                await sink.WriteAsync(entries, orgEntries, ct);
                await sink.WriteAsync(texts, orgEntries.Select(e => e.Text).ToList(), ct);
            }
            var firstDoc = await SearchIndexer.ReserveDocIdsAsync(db, options.Resources, ct);
            log($"Seeding {options.Resources:N0} synthetic resources (seed {options.Seed}, doc ids {firstDoc:N0}–{(long)firstDoc + options.Resources - 1:N0}) "
                + $"owned by {owners.Count} organisations ({added.Count} synthetic ones added).");
            await sink.BeforeAsync(ct);

            Batch Make(int offset, int count)
            {
                var batch = new Batch(new Resource[count], new SearchEntry[count]);
                Parallel.For(0, count, i =>
                {
                    var docId = firstDoc + offset + i;
                    var r = catalog.Create(docId, now);
                    batch.Resources[i] = r;
                    batch.Entries[i] = SearchIndexer.Build(CatalogSearchSource.Document(r, names[r.OrganizationId]), docId, analyzer);
                    batch.Entries[i].Version = version;
                });
                return batch;
            }

            long feeCount = 0, certificationCount = 0;
            var written = 0;
            var size = Math.Clamp(options.Batch, 1, options.Resources);
            // Generation (parallel) of the next batch overlaps the writing of this one.
            var next = Task.Run(() => Make(0, size), ct);
            while (written < options.Resources)
            {
                var batch = await next;
                var after = written + batch.Resources.Length;
                if (after < options.Resources)
                {
                    var offset = after;
                    next = Task.Run(() => Make(offset, Math.Min(size, options.Resources - offset)), ct);
                }
                var batchFees = batch.Resources.SelectMany(r => r.Fees).ToList();
                var batchCertifications = batch.Resources.SelectMany(r => r.Certifications).ToList();
                await sink.WriteAsync(resources, batch.Resources, ct);
                await sink.WriteAsync(fees, batchFees, ct);
                await sink.WriteAsync(certifications, batchCertifications, ct);
                await sink.WriteAsync(entries, batch.Entries, ct);
                await sink.WriteAsync(texts, batch.Entries.Select(e => e.Text).ToList(), ct);
                feeCount += batchFees.Count;
                certificationCount += batchCertifications.Count;
                if (after / ProgressEvery > written / ProgressEvery)
                {
                    log($"  {after:N0} resources written ({Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s)");
                }
                written = after;
            }

            await sink.AfterAsync(ct);
            await tx.CommitAsync(ct);
            await sink.AfterCommitAsync(ct);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            return new SeedReport(written, added.Count, feeCount, certificationCount, firstDoc, seconds, await DatabaseSizeAsync(sqlite, ct));
        }
        finally
        {
            if (sqlite)
            {
                await ExecuteAsync("PRAGMA cache_size = -2000;", CancellationToken.None);
            }
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<long> DatabaseSizeAsync(bool sqlite, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (sqlite)
        {
            // Fold the write-ahead log into the file first, so the size is the database's.
            await ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE);", ct);
            return await ScalarAsync(connection, "PRAGMA page_count;", ct) * await ScalarAsync(connection, "PRAGMA page_size;", ct);
        }
        return await ScalarAsync(connection, "SELECT pg_database_size(current_database());", ct);
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private TableColumns<T> Columns<T>() => BulkInsert.Columns<T>(db);

    /// <summary>A table's columns as the EF model maps them, and each entity's values as EF would send them to the engine.</summary>
    private abstract class BulkSink : IAsyncDisposable
    {
        public abstract Task BeforeAsync(CancellationToken ct);

        public abstract Task WriteAsync<T>(TableColumns<T> table, IReadOnlyList<T> rows, CancellationToken ct);

        public abstract Task AfterAsync(CancellationToken ct);

        public virtual Task AfterCommitAsync(CancellationToken ct) => Task.CompletedTask;

        public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

        protected static string Quote(string identifier) => BulkInsert.Quote(identifier);
    }

    private sealed class SqliteSink(SqliteConnection connection, SqliteTransaction transaction, Action<string> log) : BulkSink
    {
        private readonly Dictionary<string, SqliteCommand> _inserts = new(StringComparer.Ordinal);
        private readonly List<(string Name, string Sql)> _triggers = [];

        public override async Task BeforeAsync(CancellationToken ct)
        {
            await using (var read = Command("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'resource_search_text' ORDER BY name"))
            await using (var reader = await read.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    _triggers.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
            var absent = FtsTriggers.Except(_triggers.Select(t => t.Name), StringComparer.Ordinal).ToList();
            if (absent.Count > 0)
            {
                throw new InvalidOperationException($"The search index triggers {string.Join(", ", absent)} are missing; is the database migrated?");
            }
            foreach (var (name, _) in _triggers)
            {
                await ExecuteAsync("DROP TRIGGER " + Quote(name), ct);
            }
        }

        public override Task WriteAsync<T>(TableColumns<T> table, IReadOnlyList<T> rows, CancellationToken ct)
        {
            if (!_inserts.TryGetValue(table.Table, out var insert))
            {
                _inserts[table.Table] = insert = BulkInsert.PrepareSqlite(connection, transaction, table);
            }
            BulkInsert.Sqlite(insert, table, rows, ct);
            return Task.CompletedTask;
        }

        public override async Task AfterAsync(CancellationToken ct)
        {
            var sw = Stopwatch.StartNew();
            log("  rebuilding the full-text index (FTS5 'rebuild') …");
            await ExecuteAsync("INSERT INTO resource_fts(resource_fts) VALUES('rebuild')", ct);
            foreach (var (_, sql) in _triggers)
            {
                await ExecuteAsync(sql, ct);
            }
            log($"  rebuilt in {sw.Elapsed.TotalSeconds:F1} s; triggers recreated; merging segments (FTS5 'optimize') …");
            sw.Restart();
            await ExecuteAsync("INSERT INTO resource_fts(resource_fts) VALUES('optimize')", ct);
            await ExecuteAsync("ANALYZE", ct);
            log($"  optimised and analysed in {sw.Elapsed.TotalSeconds:F1} s");
        }

        public override async ValueTask DisposeAsync()
        {
            foreach (var insert in _inserts.Values)
            {
                await insert.DisposeAsync();
            }
            await base.DisposeAsync();
        }

        private SqliteCommand Command(string sql) => new(sql, connection, transaction) { CommandTimeout = 0 };

        private async Task ExecuteAsync(string sql, CancellationToken ct)
        {
            await using var cmd = Command(sql);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private sealed class PostgresSink(NpgsqlConnection connection, Action<string> log) : BulkSink
    {
        private string? _ginDefinition;

        public override async Task BeforeAsync(CancellationToken ct)
        {
            await using (var read = Command("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = @name"))
            {
                read.Parameters.AddWithValue("name", GinIndex);
                _ginDefinition = await read.ExecuteScalarAsync(ct) as string
                    ?? throw new InvalidOperationException($"The search index {GinIndex} is missing; is the database migrated?");
            }
            await ExecuteAsync("DROP INDEX " + Quote(GinIndex), ct);
        }

        public override Task WriteAsync<T>(TableColumns<T> table, IReadOnlyList<T> rows, CancellationToken ct) =>
            BulkInsert.CopyAsync(connection, table, rows, ct);

        public override async Task AfterAsync(CancellationToken ct)
        {
            var sw = Stopwatch.StartNew();
            log($"  building the GIN index {GinIndex} …");
            await ExecuteAsync("SET LOCAL maintenance_work_mem = '1GB'", ct);
            await ExecuteAsync(_ginDefinition!, ct);
            log($"  built in {sw.Elapsed.TotalSeconds:F1} s; analysing …");
            await ExecuteAsync("ANALYZE organizations, resources, resource_fees, resource_certifications, resource_search, resource_search_text", ct);
        }

        public override async Task AfterCommitAsync(CancellationToken ct)
        {
            var sw = Stopwatch.StartNew();
            // Outside the transaction (VACUUM cannot run in one): sets the visibility map for index-only scans.
            await ExecuteAsync("VACUUM (ANALYZE) resources, resource_fees, resource_certifications, resource_search, resource_search_text", ct);
            log($"  VACUUM ANALYZE in {sw.Elapsed.TotalSeconds:F1} s");
        }

        private NpgsqlCommand Command(string sql) => new(sql, connection) { CommandTimeout = 0 };

        private async Task ExecuteAsync(string sql, CancellationToken ct)
        {
            await using var cmd = Command(sql);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
