using Chuanyu.Web.Data;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// Operator commands run with the same configuration as the host:
/// <c>dotnet run --project src/Chuanyu.Web -- migrate | verify-audit | purge-audit | schema-script | backup FILE | create-admin EMAIL ROLE NAME
/// | seed --resources N [--seed S] [--batch B] | reindex | evaluate --year Y</c>.
/// </summary>
public static class Commands
{
    public static readonly string[] Names = ["migrate", "verify-audit", "purge-audit", "schema-script", "backup", "create-admin", "seed", "reindex", "evaluate"];

    public static async Task<int> RunAsync(WebApplication app, string command, string[] args)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        switch (command)
        {
            case "migrate":
                var applied = await services.GetRequiredService<MigrationRunner>().MigrateAsync();
                await ReferenceData.EnsureAsync(services.GetRequiredService<AppDbContext>());
                await Features.Search.SearchIndexer.StampSynonymsIfEmptyAsync(services.GetRequiredService<AppDbContext>());
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
            case "create-admin":
                return await CreateAdminAsync(services, args);
            case "seed":
                return await SeedAsync(app, services, args);
            case "reindex":
                await app.PrepareDatabaseAsync(); // migrated (where configured) so the stamp's row exists
                return await ReindexAsync(services);
            case "evaluate":
                return await EvaluateAsync(services, args);
            default:
                return 2;
        }
    }

    /// <summary>
    /// Computes the open-sharing evaluation of a year now, with the platform's scheme, as the background runner would
    /// (docs/evaluation.md): exit 0 when completed, 1 when it failed, 2 for a usage error.
    /// </summary>
    private static async Task<int> EvaluateAsync(IServiceProvider services, string[] args)
    {
        if (args.Length != 3 || args[1] != "--year" || !int.TryParse(args[2], System.Globalization.CultureInfo.InvariantCulture, out var year) || year is < 2000 or > 2100)
        {
            Console.Error.WriteLine("usage: evaluate --year Y");
            return 2;
        }
        var runner = services.GetRequiredService<Features.Evaluation.EvaluationRunner>();
        var run = await runner.QueueAsync(year, Guid.Empty, CancellationToken.None);
        await services.GetRequiredService<AppDbContext>().SaveChangesAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await runner.RunAsync(run.Id, CancellationToken.None);
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(culture, $"Evaluation {year} ({run.Id}): {run.Status}, {run.Instruments:N0} instruments, {run.UsageRecords:N0} usage records in {watch.Elapsed.TotalSeconds:F1} s.")
            + (run.Error is null ? "" : $" Error: {run.Error}"));
        await services.GetRequiredService<AuditLog>().RecordAsync("evaluation.start", $"evaluation:{run.Id}", detail: $"{year} 年度（命令行）", actorName: "console");
        return run.Status == Features.Evaluation.EvaluationRunStatus.Completed ? 0 : 1;
    }

    /// <summary>Rewrites the search text of every indexed record with the current analyser and synonym table (docs/deployment.md).</summary>
    private static async Task<int> ReindexAsync(IServiceProvider services)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        Console.WriteLine("Rewriting the search text of every indexed record …");
        var (rows, changed) = await Features.Search.SearchIndexer.ReindexTextAsync(services.GetRequiredService<AppDbContext>(), Console.WriteLine, CancellationToken.None);
        Console.WriteLine($"Reindexed: {rows} rows read, {changed} rewritten in {started.Elapsed.TotalSeconds:0.0} s; searches now ask for abbreviations alone.");
        return 0;
    }

    /// <summary>
    /// Appends N synthetic resources for load tests (docs/seed-command.md): exit 0 when seeded, 1 when refused (Production)
    /// or failed (nothing written), 2 for a usage error.
    /// </summary>
    private static async Task<int> SeedAsync(WebApplication app, IServiceProvider services, string[] args)
    {
        const string usage = "usage: seed --resources N [--seed S] [--batch B]   (synthetic records for load tests; refused in Production)";
        if (app.Environment.IsProduction())
        {
            Console.Error.WriteLine("seed writes synthetic records for load tests and is refused in the Production environment.");
            return 1;
        }
        var options = ParseSeedOptions(args);
        if (options is null)
        {
            Console.Error.WriteLine(usage);
            return 2;
        }
        // The database as the host prepares it: migrated, reference data, and the demo organisations where configured.
        await app.PrepareDatabaseAsync();
        Features.Search.SeedReport report;
        try
        {
            var seeder = new Features.Search.CatalogSeeder(services.GetRequiredService<AppDbContext>(), services.GetRequiredService<TimeProvider>());
            report = await seeder.RunAsync(options, Console.WriteLine);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or NotSupportedException)
        {
            Console.Error.WriteLine($"Seed failed and was rolled back; nothing was written: {ex.Message}");
            return 1;
        }
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(culture, $"Seeded {report.Resources:N0} resources ({report.Fees:N0} fees, {report.Certifications:N0} certifications, "
            + $"{report.Organizations} synthetic organisations added) in {report.Seconds:F1} s: {report.Resources / report.Seconds:N0} resources/s."));
        Console.WriteLine(string.Create(culture, $"Database size: {report.DatabaseBytes / 1048576.0:N0} MiB ({report.DatabaseBytes:N0} bytes)."));
        await services.GetRequiredService<AuditLog>().RecordAsync("catalog.seed", null,
            detail: string.Create(culture, $"{report.Resources} synthetic resources, seed {options.Seed}, doc ids from {report.FirstDocId}"), actorName: "console");
        return 0;
    }

    /// <summary>"--resources 1000" or "--resources=1000"; null when a value is missing, not a number or out of range.</summary>
    internal static Features.Search.SeedOptions? ParseSeedOptions(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[a[2..eq]] = a[(eq + 1)..];
            }
            else if (i + 1 < args.Length)
            {
                values[a[2..]] = args[++i];
            }
            else
            {
                return null;
            }
        }
        static int? Number(Dictionary<string, string> v, string key, int fallback, int min, int max) =>
            !v.TryGetValue(key, out var s) ? fallback
            : int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : null;
        if (values.Keys.Any(k => k is not ("resources" or "seed" or "batch")) || !values.ContainsKey("resources"))
        {
            return null;
        }
        var resources = Number(values, "resources", 0, 1, 100_000_000);
        var seed = Number(values, "seed", Features.Search.SyntheticCatalog.DefaultSeed, int.MinValue, int.MaxValue);
        var batch = Number(values, "batch", 10_000, 1, 1_000_000);
        return resources is null || seed is null || batch is null ? null : new Features.Search.SeedOptions(resources.Value, seed.Value, batch.Value);
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
    /// The first administrators of a new deployment (no demo accounts exist outside development): an account with a
    /// random initial password, printed once, that must be changed at the first sign-in, holding one of the three
    /// separated administrator roles. Later accounts are created by the security administrator on /Admin/Users.
    /// </summary>
    private static async Task<int> CreateAdminAsync(IServiceProvider services, string[] args)
    {
        var positional = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        if (positional.Length < 3 || !Enum.TryParse<Features.Accounts.PlatformRole>(positional[1], out var role) || !Features.Accounts.PlatformRoles.IsSeparated(role))
        {
            Console.Error.WriteLine("usage: create-admin <email> <SystemAdmin|SecurityAdmin|AuditAdmin> <display name>");
            return 2;
        }
        var (account, errors) = await services.GetRequiredService<Features.Accounts.AccountAdministration>()
            .CreateAsync(new Features.Accounts.NewAccountRequest(positional[0], string.Join(' ', positional[2..]), null), actorName: "console");
        if (account is null)
        {
            Console.Error.WriteLine(string.Join(Environment.NewLine, errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}"))));
            return 1;
        }
        var db = services.GetRequiredService<AppDbContext>();
        db.RoleGrants.Add(new Features.Accounts.RoleGrant
        {
            Id = Guid.CreateVersion7(),
            UserId = account.Id,
            Role = role,
            GrantedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
        });
        await db.SaveChangesAsync();
        await services.GetRequiredService<AuditLog>().RecordAsync("role.grant", $"user:{account.Id}", detail: $"{role} (create-admin command)", actorName: "console");
        Console.WriteLine($"Created {account.Email} as {role}.");
        Console.WriteLine($"Initial password (shown once; must be changed at first sign-in, then enrol TOTP): {account.InitialPassword}");
        return 0;
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
