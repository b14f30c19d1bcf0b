using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Chuanyu.Web.Data;

/// <summary>
/// Applies the versioned SQL scripts embedded under Data/Migrations/{Sqlite|Postgres}/NNNN_name.sql in order.
/// Each script runs in its own transaction together with its row in <c>schema_history</c> (version, name,
/// SHA-256 checksum). A script that was applied and has since changed stops the run: a schema must never drift
/// silently from what a DBA reviewed.
/// </summary>
public sealed class MigrationRunner(DatabaseConnection database, ILogger<MigrationRunner> logger)
{
    // An arbitrary constant: every instance takes the same PostgreSQL advisory lock, so only one migrates at a time.
    private const long PostgresLockKey = 0x43_68_75_61_6E_79_75;

    public sealed record Script(int Version, string Name, string Sql, string Checksum);

    public sealed record AppliedScript(int Version, string Name, string Checksum);

    public static IReadOnlyList<Script> LoadScripts(DatabaseProvider provider)
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var prefix = $"Migrations/{provider}/";
        var scripts = new List<Script>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var file = resource[prefix.Length..];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(file[..underscore], out var version))
            {
                throw new InvalidOperationException($"Migration script '{file}' must be named NNNN_name.sql.");
            }
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sql = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
            scripts.Add(new Script(version, Path.GetFileNameWithoutExtension(file), sql, Checksum(sql)));
        }
        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException($"Two migration scripts share version {scripts[i].Version}.");
            }
        }
        return scripts;
    }

    public static string Checksum(string sql) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));

    /// <summary>Applies every pending script; returns the versions applied now.</summary>
    public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct = default) => MigrateAsync(LoadScripts(database.Provider), ct);

    public async Task<IReadOnlyList<int>> MigrateAsync(IReadOnlyList<Script> scripts, CancellationToken ct = default)
    {
        await using var connection = Open();
        await connection.OpenAsync(ct);
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", ct);
            // Scripts that rebuild a table (SQLite cannot drop a column's key) must not cascade the old table's delete;
            // the keys are checked after each script instead (https://www.sqlite.org/lang_altertable.html, "other changes").
            await ExecuteAsync(connection, null, "PRAGMA foreign_keys=OFF;", ct);
        }
        await ExecuteAsync(connection, null, database.Provider == DatabaseProvider.Postgres
            ? "CREATE TABLE IF NOT EXISTS schema_history (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            : "CREATE TABLE IF NOT EXISTS schema_history (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)", ct);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({PostgresLockKey})", ct);
        }
        try
        {
            var applied = (await ReadHistoryAsync(connection, ct)).ToDictionary(a => a.Version);
            var appliedNow = new List<int>();
            foreach (var script in scripts)
            {
                if (applied.TryGetValue(script.Version, out var done))
                {
                    if (!string.Equals(done.Checksum, script.Checksum, StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException(
                            $"Migration {script.Version} ({script.Name}) was applied with checksum {done.Checksum} but the script now has {script.Checksum}. " +
                            "An applied script must never change: add a new script instead.");
                    }
                    continue;
                }
                await using var tx = await connection.BeginTransactionAsync(ct);
                await ExecuteAsync(connection, tx, script.Sql, ct);
                if (database.Provider == DatabaseProvider.Sqlite)
                {
                    await CheckForeignKeysAsync(connection, tx, script, ct);
                }
                await using (var insert = connection.CreateCommand())
                {
                    insert.Transaction = tx;
                    insert.CommandText = "INSERT INTO schema_history (version, name, checksum) VALUES (@v, @n, @c)";
                    AddParameter(insert, "@v", script.Version);
                    AddParameter(insert, "@n", script.Name);
                    AddParameter(insert, "@c", script.Checksum);
                    await insert.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                appliedNow.Add(script.Version);
                logger.LogInformation("Applied migration {Version} {Name}", script.Version, script.Name);
            }
            return appliedNow;
        }
        finally
        {
            if (database.Provider == DatabaseProvider.Postgres)
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({PostgresLockKey})", CancellationToken.None);
            }
        }
    }

    /// <summary>Refuses a SQLite script that leaves a row whose key points nowhere (keys are off while scripts run).</summary>
    private static async Task CheckForeignKeysAsync(DbConnection connection, DbTransaction tx, Script script, CancellationToken ct)
    {
        await using var check = connection.CreateCommand();
        check.Transaction = tx;
        check.CommandText = "PRAGMA foreign_key_check";
        await using var reader = await check.ExecuteReaderAsync(ct);
        if (await reader.ReadAsync(ct))
        {
            throw new InvalidOperationException(
                $"Migration {script.Version} ({script.Name}) leaves rows of {reader.GetString(0)} whose foreign key points to no row of {reader.GetString(2)}.");
        }
    }

    /// <summary>True when every embedded script is applied with an unchanged checksum (what /readyz reports).</summary>
    public async Task<bool> IsUpToDateAsync(CancellationToken ct = default)
    {
        await using var connection = Open();
        await connection.OpenAsync(ct);
        IReadOnlyList<AppliedScript> history;
        try
        {
            history = await ReadHistoryAsync(connection, ct);
        }
        catch (DbException)
        {
            return false;
        }
        var applied = history.ToDictionary(a => a.Version, a => a.Checksum);
        return LoadScripts(database.Provider).All(s => applied.TryGetValue(s.Version, out var c) && c == s.Checksum);
    }

    private static async Task<IReadOnlyList<AppliedScript>> ReadHistoryAsync(DbConnection connection, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT version, name, checksum FROM schema_history ORDER BY version";
        var list = new List<AppliedScript>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new AppliedScript(reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        }
        return list;
    }

    private DbConnection Open() => database.Provider == DatabaseProvider.Postgres
        ? new NpgsqlConnection(database.ConnectionString)
        : new SqliteConnection(database.ConnectionString);

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = 600;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
