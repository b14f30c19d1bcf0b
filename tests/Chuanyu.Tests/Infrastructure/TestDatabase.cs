using Npgsql;

namespace Chuanyu.Tests.Infrastructure;

/// <summary>
/// A fresh database for one test host. The engine comes from the environment, so the same tests run on
/// both: <c>CHUANYU_TEST_DB=Postgres</c> with <c>CHUANYU_TEST_PG</c> (a connection string to a server where the
/// user may create databases) selects PostgreSQL; anything else uses an SQLite file in a temp folder.
/// <para>
/// <c>new TestDatabase()</c> is an empty database, created at once. A <c>ChuanyuFactory</c>'s database is
/// created when its first host builds (<see cref="Create"/>): a copy of the <c>SeededTemplate</c> when that host
/// is configured like the template's, else empty, for the host to migrate and seed itself.
/// </para>
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public string Provider { get; }
    private readonly string _connectionString;
    private readonly string? _sqliteDir;
    private readonly string? _sqliteFile;
    private readonly string? _pgAdmin;
    private readonly string? _pgName;
    private readonly Lock _gate = new();
    private bool _created;

    public static bool UsePostgres =>
        string.Equals(Environment.GetEnvironmentVariable("CHUANYU_TEST_DB"), "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>An empty database, there at once (for tests that migrate or run commands on it themselves).</summary>
    public TestDatabase() : this(createNow: true)
    {
    }

    internal TestDatabase(bool createNow, string prefix = "chuanyu_t_")
    {
        if (UsePostgres)
        {
            _pgAdmin = Environment.GetEnvironmentVariable("CHUANYU_TEST_PG")
                ?? throw new InvalidOperationException("CHUANYU_TEST_DB=Postgres needs CHUANYU_TEST_PG (see .ci/start-postgres.sh).");
            _pgName = prefix + Guid.NewGuid().ToString("N")[..16];
            Provider = "Postgres";
            _connectionString = new NpgsqlConnectionStringBuilder(_pgAdmin) { Database = _pgName, Pooling = true, MaxPoolSize = 50 }.ConnectionString;
        }
        else
        {
            _sqliteDir = Path.Combine(Path.GetTempPath(), "chuanyu-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_sqliteDir);
            _sqliteFile = Path.Combine(_sqliteDir, "test.db");
            Provider = "Sqlite";
            _connectionString = $"Data Source={_sqliteFile};Pooling=False;Default Timeout=30";
        }
        if (createNow)
        {
            Create(null);
        }
    }

    /// <summary>The connection string; the database exists (empty, if no host has created it yet) once this is read.</summary>
    public string ConnectionString
    {
        get
        {
            Create(null);
            return _connectionString;
        }
    }

    /// <summary>The connection string, the database perhaps not yet created: what a host is configured with before it builds.</summary>
    internal string PlannedConnectionString => _connectionString;

    internal bool Created
    {
        get
        {
            lock (_gate)
            {
                return _created;
            }
        }
    }

    /// <summary>
    /// Creates the database unless it exists: a copy of <paramref name="copyOf"/>'s (created from it as a PostgreSQL
    /// template; an SQLite file copy), or empty. Returns whether it created it.
    /// </summary>
    internal bool Create(Func<TestDatabase, bool>? copyOf)
    {
        lock (_gate)
        {
            if (_created)
            {
                return false;
            }
            if (copyOf is null || !copyOf(this))
            {
                if (_pgName is not null)
                {
                    Execute($"CREATE DATABASE {_pgName} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'");
                }
            }
            _created = true;
            return true;
        }
    }

    /// <summary>This database as a copy of <paramref name="template"/>, which no connection may be open on.</summary>
    internal void CopyFrom(TestDatabase template)
    {
        if (_pgName is not null)
        {
            Execute($"CREATE DATABASE {_pgName} TEMPLATE {template._pgName}");
        }
        else
        {
            File.Copy(template._sqliteFile!, _sqliteFile!);
        }
    }

    /// <summary>
    /// Makes this database a template once its host has stopped: no connection left on it (PostgreSQL: none allowed
    /// from now on); SQLite: one file, the write-ahead log checkpointed into it.
    /// </summary>
    internal void Freeze()
    {
        if (_pgName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            Execute($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{_pgName}' AND pid <> pg_backend_pid()");
            Execute($"ALTER DATABASE {_pgName} ALLOW_CONNECTIONS false");
        }
        else
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            using (var conn = new Microsoft.Data.Sqlite.SqliteConnection(_connectionString))
            {
                conn.Open();
                using var cmd = conn.CreateCommand();
                cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                cmd.ExecuteNonQuery();
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (File.Exists(_sqliteFile + "-wal") && new FileInfo(_sqliteFile + "-wal").Length > 0)
            {
                throw new InvalidOperationException("The template's write-ahead log was not checkpointed: a connection is still open on it.");
            }
        }
    }

    private void Execute(string sql)
    {
        using var conn = new NpgsqlConnection(_pgAdmin);
        conn.Open();
        using var cmd = new NpgsqlCommand(sql, conn);
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        if (_pgName is not null)
        {
            if (!Created)
            {
                return;
            }
            NpgsqlConnection.ClearAllPools();
            Execute($"DROP DATABASE IF EXISTS {_pgName} WITH (FORCE)");
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
