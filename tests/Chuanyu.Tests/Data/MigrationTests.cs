using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Chuanyu.Tests.Data;

public sealed class MigrationTests
{
    private sealed record Column(string Table, string Name, bool Nullable);

    [Fact]
    public async Task MigratedEmptyDatabase_MatchesTheEfModel()
    {
        using var factory = new ChuanyuFactory();
        _ = factory.Services; // starts the host: migrations run on the empty database
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        var model = db.GetService<Microsoft.EntityFrameworkCore.Metadata.IDesignTimeModel>().Model.GetRelationalModel();
        var expectedColumns = model.Tables
            .SelectMany(t => t.Columns.Select(c => new Column(t.Name, c.Name, c.IsNullable)))
            .ToHashSet();
        var expectedIndexes = model.Tables.SelectMany(t => t.Indexes.Select(i => (t.Name, i.Name, i.IsUnique, Columns: string.Join(",", i.Columns.Select(c => c.Name))))).ToHashSet();
        var expectedFks = model.Tables.SelectMany(t => t.ForeignKeyConstraints.Select(f => (t.Name, f.Name))).ToHashSet();

        var (actualColumns, actualIndexes, actualFks) = factory.Database.Provider == "Postgres"
            ? await ReadPostgresSchemaAsync(factory.Database.ConnectionString)
            : await ReadSqliteSchemaAsync(factory.Database.ConnectionString);

        // The full-text index over resource_search is the engine's own object, not part of the EF model: it must be
        // there, and is then left out of the comparison.
        if (factory.Database.Provider == "Postgres")
        {
            Assert.True(actualColumns.Remove(new Column("resource_search_text", "search_vector", true)));
            Assert.True(actualIndexes.Remove(("resource_search_text", "ix_resource_search_text_vector", false, "search_vector")));
            // So is the exclusion constraint that refuses overlapping bookings (its index is over an expression).
            Assert.True(actualIndexes.Remove(("bookings", "ex_bookings_no_overlap", false, "resource_id")));
        }
        else
        {
            Assert.Contains(new Column("resource_fts", "filters", true), actualColumns);
            actualColumns.RemoveWhere(c => c.Table.StartsWith("resource_fts", StringComparison.Ordinal));
            actualIndexes.RemoveWhere(i => i.Item1.StartsWith("resource_fts", StringComparison.Ordinal));
        }
        Assert.Empty(expectedColumns.Except(actualColumns));
        Assert.Empty(actualColumns.Except(expectedColumns));
        Assert.Empty(expectedIndexes.Except(actualIndexes));
        Assert.Empty(actualIndexes.Except(expectedIndexes));
        Assert.Empty(expectedFks.Except(actualFks));
    }

    [Fact]
    public async Task Runner_ChangedAppliedScript_RefusesToRun()
    {
        using var database = new TestDatabase();
        var provider = Enum.Parse<DatabaseProvider>(database.Provider);
        var runner = new MigrationRunner(new DatabaseConnection(provider, database.ConnectionString), NullLogger<MigrationRunner>.Instance);
        var scripts = MigrationRunner.LoadScripts(provider);

        Assert.Equal(scripts.Select(s => s.Version), await runner.MigrateAsync(scripts));
        Assert.Empty(await runner.MigrateAsync(scripts)); // idempotent
        Assert.True(await runner.IsUpToDateAsync());

        var tampered = scripts.Select((s, i) => i == 0 ? s with { Sql = s.Sql + "\n-- edited", Checksum = MigrationRunner.Checksum(s.Sql + "\n-- edited") } : s).ToList();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.MigrateAsync(tampered));
        Assert.Contains("must never change", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runner_FailingScript_LeavesNothingHalfApplied()
    {
        using var database = new TestDatabase();
        var provider = Enum.Parse<DatabaseProvider>(database.Provider);
        var runner = new MigrationRunner(new DatabaseConnection(provider, database.ConnectionString), NullLogger<MigrationRunner>.Instance);
        var broken = new MigrationRunner.Script(9001, "9001_broken", "CREATE TABLE half_done (id integer);\nTHIS IS NOT SQL;", "x");

        await Assert.ThrowsAnyAsync<Exception>(() => runner.MigrateAsync([broken]));

        var (columns, _, _) = provider == DatabaseProvider.Postgres
            ? await ReadPostgresSchemaAsync(database.ConnectionString)
            : await ReadSqliteSchemaAsync(database.ConnectionString);
        Assert.DoesNotContain(columns, c => c.Table == "half_done");
    }

    private static async Task<(HashSet<Column>, HashSet<(string, string, bool, string)>, HashSet<(string, string)>)> ReadSqliteSchemaAsync(string cs)
    {
        var columns = new HashSet<Column>();
        var indexes = new HashSet<(string, string, bool, string)>();
        var fks = new HashSet<(string, string)>();
        await using var conn = new SqliteConnection(cs);
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var cmd = new SqliteCommand("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_history'", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                tables.Add(r.GetString(0));
            }
        }
        foreach (var t in tables)
        {
            await using (var cmd = new SqliteCommand($"SELECT name, \"notnull\", pk FROM pragma_table_info('{t}')", conn))
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                while (await r.ReadAsync())
                {
                    columns.Add(new Column(t, r.GetString(0), r.GetInt64(1) == 0 && r.GetInt64(2) == 0));
                }
            }
            var indexNames = new List<(string Name, bool Unique)>();
            await using (var cmd = new SqliteCommand($"SELECT name, \"unique\" FROM pragma_index_list('{t}') WHERE origin = 'c'", conn))
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                while (await r.ReadAsync())
                {
                    indexNames.Add((r.GetString(0), r.GetInt64(1) == 1));
                }
            }
            foreach (var (name, unique) in indexNames)
            {
                var cols = new List<string>();
                await using var cmd = new SqliteCommand($"SELECT name FROM pragma_index_info('{name}') ORDER BY seqno", conn);
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync())
                {
                    cols.Add(r.GetString(0));
                }
                indexes.Add((t, name, unique, string.Join(",", cols)));
            }
            // SQLite does not keep foreign-key constraint names; compare by the names in the DDL text.
            await using (var cmd = new SqliteCommand($"SELECT sql FROM sqlite_master WHERE type='table' AND name='{t}'", conn))
            {
                var ddl = (string)(await cmd.ExecuteScalarAsync())!;
                foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(ddl, "CONSTRAINT \"(fk_[^\"]+)\" FOREIGN KEY"))
                {
                    fks.Add((t, m.Groups[1].Value));
                }
            }
        }
        return (columns, indexes, fks);
    }

    private static async Task<(HashSet<Column>, HashSet<(string, string, bool, string)>, HashSet<(string, string)>)> ReadPostgresSchemaAsync(string cs)
    {
        var columns = new HashSet<Column>();
        var indexes = new HashSet<(string, string, bool, string)>();
        var fks = new HashSet<(string, string)>();
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using (var cmd = new NpgsqlCommand("SELECT table_name, column_name, is_nullable = 'YES' FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_history'", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                columns.Add(new Column(r.GetString(0), r.GetString(1), r.GetBoolean(2)));
            }
        }
        const string indexSql = """
            SELECT t.relname, i.relname, ix.indisunique,
                   (SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)
            FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public' AND NOT ix.indisprimary AND t.relname <> 'schema_history'
            """;
        await using (var cmd = new NpgsqlCommand(indexSql, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                indexes.Add((r.GetString(0), r.GetString(1), r.GetBoolean(2), r.GetString(3)));
            }
        }
        await using (var cmd = new NpgsqlCommand("SELECT table_name, constraint_name FROM information_schema.table_constraints WHERE table_schema = 'public' AND constraint_type = 'FOREIGN KEY'", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                fks.Add((r.GetString(0), r.GetString(1)));
            }
        }
        return (columns, indexes, fks);
    }
}
