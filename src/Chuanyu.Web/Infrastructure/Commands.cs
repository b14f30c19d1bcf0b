using Chuanyu.Web.Data;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// Operator commands run with the same configuration as the host:
/// <c>dotnet run --project src/Chuanyu.Web -- migrate | verify-audit | purge-audit | schema-script | backup FILE | create-admin EMAIL ROLE NAME
/// | seed --resources N [--seed S] [--batch B] | reindex | evaluate --year Y | verify-draw FILE</c>.
/// The platform's own (migrate, the audit chain, schema-script, backup) are here; a feature's command is an
/// <see cref="IPlatformCommand"/> it registers itself (create-admin: Accounts, seed: Seeding, reindex: Search, evaluate:
/// Booking), found by name.
/// </summary>
public static class Commands
{
    /// <summary>
    /// Every command's name: <c>Program</c> tells a command from the host's own arguments before the host, and so DI, exists.
    /// A test checks that the registered commands and the platform's own are exactly these.
    /// </summary>
    public static readonly string[] Names = ["migrate", "verify-audit", "purge-audit", "schema-script", "backup", "create-admin", "seed", "reindex", "evaluate", "vouchers-check", "vouchers-expire", "verify-draw", "contracts-stats"];

    /// <summary>The commands that are the platform's own, not a feature's.</summary>
    internal static readonly string[] PlatformNames = ["migrate", "verify-audit", "purge-audit", "schema-script", "backup"];

    public static async Task<int> RunAsync(WebApplication app, string command, string[] args)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        // A feature's command (seed, reindex, evaluate, create-admin …), registered by the feature itself.
        if (services.GetServices<IPlatformCommand>().FirstOrDefault(c => c.Name == command) is { } registered)
        {
            return await registered.RunAsync(new PlatformCommandContext(services, app.Environment, () => app.PrepareDatabaseAsync()), args);
        }
        switch (command)
        {
            case "migrate":
                var applied = await services.GetRequiredService<MigrationRunner>().MigrateAsync();
                await services.PrepareDataAsync();
                Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied migrations: {string.Join(", ", applied)}");
                return 0;
            case "verify-audit":
                var result = await AuditLog.VerifyAsync(services.GetRequiredService<AppDbContext>());
                Console.WriteLine(result.Intact
                    ? $"Audit chain intact: {result.RowsChecked} rows verified" + (result.StartsAfterSeq > 0
                        ? $" (rows up to {result.StartsAfterSeq} were purged by the retention job; the chain starts from its checkpoint)."
                        : ".")
                    : $"Audit chain BROKEN at row {result.FirstBrokenSeq}: {result.Problem} ({result.RowsChecked} rows verified before it).");
                return result.Intact ? 0 : 1;
            case "purge-audit":
                return await PurgeAuditAsync(services);
            case "schema-script":
                // The DDL that EF would create for the current model: the starting point of a new migration script.
                Console.WriteLine(Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GenerateCreateScript(
                    services.GetRequiredService<AppDbContext>().Database));
                return 0;
            case "backup":
                return Backup(services.GetRequiredService<DatabaseConnection>(), args);
            default:
                Console.Error.WriteLine($"{command}: the feature that provides this command is not part of this host.");
                return 2;
        }
    }

    /// <summary>The audit retention job, once: exit 0 when done (or nothing to do), 1 when refused, 3 when another instance holds it.</summary>
    private static async Task<int> PurgeAuditAsync(IServiceProvider services)
    {
        AuditRetention retention;
        try
        {
            retention = services.GetRequiredService<AuditRetention>();
            _ = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuditRetentionOptions>>().Value;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
        var result = await retention.RunOnceAsync(services.GetRequiredService<TimeProvider>().GetUtcNow());
        Console.WriteLine($"{result.Message} {result.NoncesPurged} expired API nonces removed.");
        return result.Status switch
        {
            AuditRetentionStatus.Purged or AuditRetentionStatus.NothingToPurge => 0,
            AuditRetentionStatus.Refused => 1,
            _ => 3,
        };
    }

    /// <summary>
    /// An online, consistent copy of the SQLite database (SQLite's backup API: readers and writers may go on). For
    /// PostgreSQL the engine's own tools are the right ones: pg_dump / pg_restore (docs/deployment.md).
    /// </summary>
    private static int Backup(DatabaseConnection database, string[] args)
    {
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            Console.Error.WriteLine("On PostgreSQL use: pg_dump -Fc -d <database> -f chuanyu.dump (see docs/deployment.md).");
            return 2;
        }
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: backup <target-file>");
            return 2;
        }
        var target = Path.GetFullPath(args[1]);
        if (File.Exists(target))
        {
            Console.Error.WriteLine($"{target} exists; refusing to overwrite a backup.");
            return 2;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var source = new Microsoft.Data.Sqlite.SqliteConnection(database.ConnectionString);
        using var destination = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={target};Pooling=False");
        source.Open();
        destination.Open();
        source.BackupDatabase(destination);
        Console.WriteLine($"Backed up to {target}.");
        return 0;
    }
}
