using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Chuanyu.Web.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class DatabaseOptions
{
    /// <summary><c>Database:Provider</c>: Sqlite (default, embedded) or Postgres (<c>ConnectionStrings:Postgres</c>).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Folder for the SQLite file when <c>ConnectionStrings:Sqlite</c> is not given.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Apply pending migration scripts at start-up (the <c>migrate</c> command always does).</summary>
    public bool MigrateOnStartup { get; set; } = true;
}

public static class DatabaseSetup
{
    public static IServiceCollection AddDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddSingleton(options);
        var connectionString = ResolveConnectionString(options, configuration);
        services.AddDbContextPool<AppDbContext>((sp, db) =>
        {
            if (options.Provider == DatabaseProvider.Postgres)
            {
                db.UseNpgsql(connectionString);
            }
            else
            {
                db.UseSqlite(connectionString);
                // SQLite has no Chinese collation of its own (ChineseCollation).
                db.AddInterceptors(ChineseCollation.SqliteRegistration.Instance);
            }
            // Features take part in saves through EF interceptors they register in DI (singletons: the options, and so
            // the interceptors, are shared by every pooled context); the data layer names none of them.
            db.AddInterceptors(sp.GetServices<IInterceptor>());
        });
        services.AddSingleton(new DatabaseConnection(options.Provider, connectionString));
        services.AddTransient<MigrationRunner>();
        return services;
    }

    private static string ResolveConnectionString(DatabaseOptions options, IConfiguration configuration)
    {
        if (options.Provider == DatabaseProvider.Postgres)
        {
            var postgres = new Npgsql.NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Postgres")
                ?? throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Postgres is not set."));
            // A pooled connection is handed back without DISCARD ALL (one round trip saved per query) unless the operator
            // says otherwise: the platform keeps no session state on a connection (its settings are SET LOCAL, its
            // advisory locks transaction-scoped; the migration lock is released explicitly).
            if (!postgres.ContainsKey("No Reset On Close"))
            {
                postgres.NoResetOnClose = true;
            }
            return postgres.ConnectionString;
        }
        var configured = configuration.GetConnectionString("Sqlite");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            // SQLite creates the file but not its folder; create the folder so a configured path just works.
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(configured).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(file));
            if (!string.IsNullOrEmpty(file) && file != ":memory:" && !string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
            return configured;
        }
        // A relative folder is relative to where the platform is started (the working directory), as for any command,
        // never to the content root: the content root of a published build is its own files, so two deployments of
        // one build would share one database there (docs/deployment.md).
        var dir = Path.GetFullPath(options.DataDirectory, Directory.GetCurrentDirectory());
        Directory.CreateDirectory(dir);
        // WAL lets readers proceed while one writer commits; the busy timeout makes writers queue instead of failing.
        return $"Data Source={Path.Combine(dir, "chuanyu.db")};Cache=Shared;Pooling=True;Default Timeout=30";
    }
}

public sealed record DatabaseConnection(DatabaseProvider Provider, string ConnectionString);

/// <summary>
/// Work a feature needs done on its own tables once the schema is migrated: run at every start-up and by the
/// <c>migrate</c> command, so it must be idempotent and quick. Registered in DI by the feature, and run in the order of
/// registration (Accounts loads the regions and districts first; Search stamps an empty index with its synonym table);
/// the data layer names none of them.
/// </summary>
public interface IDatabasePreparation
{
    Task PrepareAsync(AppDbContext db, CancellationToken ct);
}

public static class DatabasePreparation
{
    /// <summary>Every feature's <see cref="IDatabasePreparation"/> (the reference data among them), on a migrated database.</summary>
    public static async Task PrepareDataAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<AppDbContext>();
        foreach (var preparation in services.GetServices<IDatabasePreparation>())
        {
            await preparation.PrepareAsync(db, ct);
        }
    }
}
