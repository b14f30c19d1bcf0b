using Npgsql;

namespace Chuanyu.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database for one test host. The engine comes from the environment, so the same tests run on
/// both: <c>CHUANYU_TEST_DB=Postgres</c> with <c>CHUANYU_TEST_PG</c> (a connection string to a server where the
/// user may create databases) selects PostgreSQL; anything else uses an SQLite file in a temp folder.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public string Provider { get; }
    public string ConnectionString { get; }
    private readonly string? _sqliteDir;
    private readonly string? _pgAdmin;
    private readonly string? _pgName;

    public static bool UsePostgres =>
        string.Equals(Environment.GetEnvironmentVariable("CHUANYU_TEST_DB"), "Postgres", StringComparison.OrdinalIgnoreCase);

    public TestDatabase()
    {
        if (UsePostgres)
        {
            _pgAdmin = Environment.GetEnvironmentVariable("CHUANYU_TEST_PG")
                ?? throw new InvalidOperationException("CHUANYU_TEST_DB=Postgres needs CHUANYU_TEST_PG (see .ci/start-postgres.sh).");
            _pgName = "chuanyu_t_" + Guid.NewGuid().ToString("N")[..16];
            using (var conn = new NpgsqlConnection(_pgAdmin))
            {
                conn.Open();
                using var cmd = new NpgsqlCommand($"CREATE DATABASE {_pgName} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'", conn);
                cmd.ExecuteNonQuery();
            }
            Provider = "Postgres";
            ConnectionString = new NpgsqlConnectionStringBuilder(_pgAdmin) { Database = _pgName, Pooling = true, MaxPoolSize = 50 }.ConnectionString;
        }
        else
        {
            _sqliteDir = Path.Combine(Path.GetTempPath(), "chuanyu-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_sqliteDir);
            Provider = "Sqlite";
            ConnectionString = $"Data Source={Path.Combine(_sqliteDir, "test.db")};Pooling=False;Default Timeout=30";
        }
    }

    public void Dispose()
    {
        if (_pgName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            using var conn = new NpgsqlConnection(_pgAdmin);
            conn.Open();
            using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_pgName} WITH (FORCE)", conn);
            cmd.ExecuteNonQuery();
        }
        else if (_sqliteDir is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_sqliteDir, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a finalising connection; the temp folder is cleaned by the OS.
            }
        }
    }
}
