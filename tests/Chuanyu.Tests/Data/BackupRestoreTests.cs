using System.Data.Common;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Chuanyu.Tests.Data;

/// <summary>
/// A backup taken with the documented command of the engine in use (the app's <c>backup</c> command on SQLite,
/// pg_dump on PostgreSQL), restored into an empty database: every table has every row, and the audit chain verifies.
/// </summary>
public sealed class BackupRestoreTests
{
    [Fact]
    public async Task Backup_RestoredIntoAnEmptyDatabase_HasEveryRowAndAnIntactAuditChain()
    {
        using var factory = new ChuanyuFactory();
        await factory.ApiClientAsync(Demo.AuditAdmin); // demo data plus audit rows
        await factory.ApiClientAsync(Demo.ChongqingAdmin);
        // The background jobs stop first: rows they would write between the dump and the count are not the backup's business.
        foreach (var job in factory.Services.GetServices<IHostedService>())
        {
            await job.StopAsync(CancellationToken.None);
        }

        var source = factory.Database;
        var scratch = Path.Combine(Path.GetTempPath(), "chuanyu-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        string? restoredPg = null;
        try
        {
            string restoredConnection;
            if (source.Provider == "Sqlite")
            {
                var file = Path.Combine(scratch, "backup.db");
                var (exit, output) = await ProcessRunner.RunPlatformAsync("Sqlite", source.ConnectionString, "backup", file);
                Assert.True(exit == 0, output);
                var (again, againOut) = await ProcessRunner.RunPlatformAsync("Sqlite", source.ConnectionString, "backup", file);
                Assert.Equal(2, again); // never overwrites an existing backup
                Assert.Contains("refusing", againOut, StringComparison.Ordinal);
                restoredConnection = $"Data Source={file};Pooling=False";
            }
            else
            {
                var builder = new NpgsqlConnectionStringBuilder(source.ConnectionString);
                var dump = Path.Combine(scratch, "chuanyu.dump");
                var env = new Dictionary<string, string> { ["PGHOST"] = builder.Host!, ["PGPORT"] = builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["PGUSER"] = builder.Username! };
                var (dumpExit, dumpOut) = await ProcessRunner.RunAsync("pg_dump", ["-Fc", "-d", builder.Database!, "-f", dump], env);
                Assert.True(dumpExit == 0, dumpOut);
                restoredPg = "chuanyu_restore_" + Guid.NewGuid().ToString("N")[..12];
                await using (var admin = new NpgsqlConnection(source.ConnectionString))
                {
                    await admin.OpenAsync();
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {restoredPg} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'", admin);
                    await create.ExecuteNonQueryAsync();
                }
                var (restoreExit, restoreOut) = await ProcessRunner.RunAsync("pg_restore", ["--no-owner", "-d", restoredPg, dump], env);
                Assert.True(restoreExit == 0, restoreOut);
                restoredConnection = new NpgsqlConnectionStringBuilder(source.ConnectionString) { Database = restoredPg, Pooling = false }.ConnectionString;
            }

            var before = await CountRowsAsync(source.Provider, source.ConnectionString);
            var after = await CountRowsAsync(source.Provider, restoredConnection);
            Assert.Equal(before, after);
            Assert.True(before["identity_users"] >= 11 && before["organizations"] >= 10 && before["districts"] == 242 && before["audit_entries"] >= 3);

            var options = new DbContextOptionsBuilder<AppDbContext>();
            if (source.Provider == "Sqlite")
            {
                options.UseSqlite(restoredConnection);
            }
            else
            {
                options.UseNpgsql(restoredConnection);
            }
            await using var restored = new AppDbContext(options.Options);
            var chain = await AuditLog.VerifyAsync(restored);
            Assert.True(chain.Intact, chain.Problem);
            Assert.Equal(before["audit_entries"], chain.RowsChecked);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            NpgsqlConnection.ClearAllPools();
            if (restoredPg is not null)
            {
                await using var admin = new NpgsqlConnection(source.ConnectionString);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {restoredPg} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task<Dictionary<string, long>> CountRowsAsync(string provider, string connectionString)
    {
        await using DbConnection connection = provider == "Sqlite" ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = provider == "Sqlite"
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            counts[table] = Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        return counts;
    }
}
