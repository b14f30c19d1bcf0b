using Chuanyu.Web.Data;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// Operator commands run with the same configuration as the host:
/// <c>dotnet run --project src/Chuanyu.Web -- migrate | verify-audit | purge-audit | schema-script | backup FILE | create-admin EMAIL ROLE NAME</c>.
/// </summary>
public static class Commands
{
    public static readonly string[] Names = ["migrate", "verify-audit", "purge-audit", "schema-script", "backup", "create-admin"];

    public static async Task<int> RunAsync(WebApplication app, string command, string[] args)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        switch (command)
        {
            case "migrate":
                var applied = await services.GetRequiredService<MigrationRunner>().MigrateAsync();
                await ReferenceData.EnsureAsync(services.GetRequiredService<AppDbContext>());
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
            default:
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
