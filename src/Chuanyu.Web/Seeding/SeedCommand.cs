using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// <c>seed --resources N [--seed S] [--batch B]</c>: synthetic catalogue records for load tests (docs/seed-command.md).
/// Appends N synthetic resources for load tests (docs/seed-command.md): exit 0 when seeded, 1 when refused (Production)
/// or failed (nothing written), 2 for a usage error.
/// </summary>
public sealed class SeedCommand : IPlatformCommand
{
    public string Name => "seed";

    public async Task<int> RunAsync(PlatformCommandContext context, string[] args)
    {
        var services = context.Services;
        const string usage = "usage: seed --resources N [--seed S] [--batch B] | seed --voucher-entries N [--quarter 2026Q3] [--seed S] | seed --experts N [--seed S] | seed --contracts N [--seed S] | seed --results N"
            + "   (synthetic records for load tests; refused in Production)";
        if (context.Environment.IsProduction())
        {
            Console.Error.WriteLine("seed writes synthetic records for load tests and is refused in the Production environment.");
            return 1;
        }
        if (args.Any(a => a.StartsWith("--voucher-entries", StringComparison.Ordinal)))
        {
            return await SeedVoucherLedgerAsync(context, ParseVoucherOptions(args, context.Services.GetRequiredService<TimeProvider>()), usage);
        }
        if (args.Any(a => a.StartsWith("--results", StringComparison.Ordinal)))
        {
            return await SeedResultsAsync(context, args, usage);
        }
        if (args.Any(a => a.StartsWith("--experts", StringComparison.Ordinal)))
        {
            return await SeedExpertsAsync(context, args, usage);
        }
        if (args.Any(a => a.StartsWith("--contracts", StringComparison.Ordinal)))
        {
            return await SeedContractsAsync(context, args, usage);
        }
        var options = ParseOptions(args);
        if (options is null)
        {
            Console.Error.WriteLine(usage);
            return 2;
        }
        // The database as the host prepares it: migrated, reference data, and the demo organisations where configured.
        await context.PrepareDatabaseAsync();
        SeedReport report;
        try
        {
            var seeder = new CatalogSeeder(services.GetRequiredService<AppDbContext>(), services.GetRequiredService<TimeProvider>());
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

    /// <summary>
    /// <c>seed --experts N [--seed S]</c>: N synthetic experts (<see cref="DemoExperts"/>) at the demo institutions, in
    /// batches of 1,000; the seed also keeps the ID numbers of different runs apart (a run that repeats a seed is refused by
    /// the unique blind index and rolls back its batch).
    /// </summary>
    private static async Task<int> SeedExpertsAsync(PlatformCommandContext context, string[] args, string usage)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        string? After(string flag) => Array.IndexOf(args, flag) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        if (!int.TryParse(After("--experts"), culture, out var count) || count is < 1 or > 1_000_000
            || !int.TryParse(After("--seed") ?? "1", culture, out var seed) || seed is < 1 or > 999)
        {
            Console.Error.WriteLine(usage + "   (--experts 1..1,000,000, --seed 1..999)");
            return 2;
        }
        await context.PrepareDatabaseAsync();
        var services = context.Services;
        var protector = services.GetRequiredService<Infrastructure.Crypto.FieldProtector>();
        if (!protector.CanProtect || !protector.CanIndex)
        {
            Console.Error.WriteLine("seed --experts needs Crypto:CurrentDataKeyId and Crypto:BlindIndexKey (the experts' personal data is encrypted).");
            return 1;
        }
        var orgs = await DemoExperts.OrganizationsAsync(services, CancellationToken.None);
        if (orgs.Count == 0)
        {
            Console.Error.WriteLine("seed --experts places experts at the demo institutions: run the demo seed first (Demo:Seed).");
            return 1;
        }
        var db = services.GetRequiredService<AppDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var all = DemoExperts.Generate(orgs, protector, now, count, seed, idPrefix: seed);
        foreach (var batch in all.Chunk(1_000))
        {
            DemoExperts.Stage(db, batch);
            try
            {
                await db.SaveChangesAsync();
            }
            catch (Microsoft.EntityFrameworkCore.DbUpdateException ex)
            {
                Console.Error.WriteLine($"Seed stopped: {ex.InnerException?.Message ?? ex.Message}");
                return 1;
            }
            db.ChangeTracker.Clear();
        }
        Console.WriteLine(string.Create(culture, $"Seeded {count:N0} synthetic experts in {started.Elapsed.TotalSeconds:F1} s."));
        await services.GetRequiredService<AuditLog>().RecordAsync("experts.seed", null,
            detail: string.Create(culture, $"{count} synthetic experts, seed {seed}"), actorName: "console");
        return 0;
    }

    /// <summary>
    /// <c>seed --contracts N [--seed S]</c>: N synthetic registered contracts (<see cref="DemoContracts"/>) sold by the demo
    /// institutions, written in bulk batches of 20,000 (a transaction each), then the statistics' aggregates rebuilt once.
    /// The seed picks the registration office (10 + S mod 90), so runs with different seeds never share a number.
    /// </summary>
    private static async Task<int> SeedContractsAsync(PlatformCommandContext context, string[] args, string usage)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        string? After(string flag) => Array.IndexOf(args, flag) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        if (!int.TryParse(After("--contracts"), culture, out var count) || count is < 1 or > 5_000_000
            || !int.TryParse(After("--seed") ?? "1", culture, out var seed) || seed is < 1 or > 999)
        {
            Console.Error.WriteLine(usage + "   (--contracts 1..5,000,000, --seed 1..999)");
            return 2;
        }
        await context.PrepareDatabaseAsync();
        var services = context.Services;
        var sellers = await DemoContracts.SellersAsync(services, CancellationToken.None);
        if (sellers.Count == 0)
        {
            Console.Error.WriteLine("seed --contracts has the demo institutions sell: run the demo seed first (Demo:Seed).");
            return 1;
        }
        var today = ChinaTime.Today(services.GetRequiredService<TimeProvider>());
        double seconds;
        try
        {
            seconds = await DemoContracts.SeedAsync(services.GetRequiredService<AppDbContext>(), sellers, today, count, seed, Console.WriteLine, CancellationToken.None);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            Console.Error.WriteLine($"Seed stopped (the batches written so far stay; run contracts-stats --rebuild): {ex.Message}");
            return 1;
        }
        Console.WriteLine(string.Create(culture, $"Seeded {count:N0} synthetic contracts in {seconds:F1} s."));
        await services.GetRequiredService<AuditLog>().RecordAsync("contracts.seed", null,
            detail: string.Create(culture, $"{count} synthetic contracts, seed {seed}"), actorName: "console");
        return 0;
    }

    /// <summary><c>seed --results N</c>: N published synthetic research results and N/2 demands (<see cref="DemoMarket"/>) for load tests.</summary>
    private static async Task<int> SeedResultsAsync(PlatformCommandContext context, string[] args, string usage)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        var value = args.FirstOrDefault(a => a.StartsWith("--results=", StringComparison.Ordinal))?["--results=".Length..]
            ?? (Array.IndexOf(args, "--results") is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null);
        if (!int.TryParse(value, culture, out var count) || count is < 1 or > 10_000_000)
        {
            Console.Error.WriteLine(usage + "   (--results 1..10,000,000)");
            return 2;
        }
        await context.PrepareDatabaseAsync();
        var services = context.Services;
        var db = services.GetRequiredService<AppDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var validity = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Features.Market.MarketOptions>>().Value.AchievementValidityDays;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (results, demands) = await DemoMarket.SeedManyAsync(db, count, now, validity, CancellationToken.None);
        if (results == 0)
        {
            Console.Error.WriteLine("seed --results places records at the demo institutions: run the demo seed first (Demo:Seed).");
            return 1;
        }
        Console.WriteLine(string.Create(culture, $"Seeded {results:N0} synthetic research results and {demands:N0} demands in {started.Elapsed.TotalSeconds:F1} s."));
        await services.GetRequiredService<AuditLog>().RecordAsync("market.seed", null,
            detail: string.Create(culture, $"{results} results, {demands} demands"), actorName: "console");
        return 0;
    }

    private static async Task<int> SeedVoucherLedgerAsync(PlatformCommandContext context, VoucherSeedOptions? options, string usage)
    {
        if (options is null)
        {
            Console.Error.WriteLine(usage);
            return 2;
        }
        await context.PrepareDatabaseAsync();
        var services = context.Services;
        VoucherSeedReport report;
        try
        {
            report = await new VoucherLedgerSeeder(services.GetRequiredService<AppDbContext>(), services.GetRequiredService<TimeProvider>()).RunAsync(options, Console.WriteLine);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            Console.Error.WriteLine($"Seed failed and was rolled back; nothing was written: {ex.Message}");
            return 1;
        }
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(culture, $"Seeded {report.Entries:N0} synthetic voucher ledger entries ({report.Transactions:N0} transactions, "
            + $"{report.Redemptions:N0} redemptions, {report.Vouchers:N0} vouchers) in {report.Seconds:F1} s."));
        await services.GetRequiredService<AuditLog>().RecordAsync("vouchers.seed", null,
            detail: string.Create(culture, $"{report.Entries} synthetic ledger entries, quarter {new Features.Vouchers.SettlementQuarter(options.Quarter)}, seed {options.Seed}"),
            actorName: "console");
        return 0;
    }

    /// <summary>"--voucher-entries 1000000 [--quarter 2026Q3] [--seed S]" (default quarter: the last one that ended); null when malformed.</summary>
    internal static VoucherSeedOptions? ParseVoucherOptions(string[] args, TimeProvider clock)
    {
        var values = Values(args);
        if (values is null || values.Keys.Any(k => k is not ("voucher-entries" or "quarter" or "seed")))
        {
            return null;
        }
        var quarter = Features.Vouchers.SettlementQuarter.Of(clock.GetUtcNow()).Previous;
        if (values.TryGetValue("quarter", out var q) && !Features.Vouchers.SettlementQuarter.TryParse(q, out quarter))
        {
            return null;
        }
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (!int.TryParse(values["voucher-entries"], System.Globalization.NumberStyles.Integer, culture, out var entries) || entries is < 10 or > 100_000_000)
        {
            return null;
        }
        var seed = 15;
        if (values.TryGetValue("seed", out var s) && !int.TryParse(s, System.Globalization.NumberStyles.Integer, culture, out seed))
        {
            return null;
        }
        return new VoucherSeedOptions(entries, quarter.Value, seed);
    }

    /// <summary>The options as "--name value" or "--name=value"; null when one is malformed.</summary>
    private static Dictionary<string, string>? Values(string[] args)
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
        return values;
    }

    /// <summary>"--resources 1000" or "--resources=1000"; null when a value is missing, not a number or out of range.</summary>
    internal static SeedOptions? ParseOptions(string[] args)
    {
        var values = Values(args);
        if (values is null)
        {
            return null;
        }
        static int? Number(Dictionary<string, string> v, string key, int fallback, int min, int max) =>
            !v.TryGetValue(key, out var s) ? fallback
            : int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : null;
        if (values.Keys.Any(k => k is not ("resources" or "seed" or "batch")) || !values.ContainsKey("resources"))
        {
            return null;
        }
        var resources = Number(values, "resources", 0, 1, 100_000_000);
        var seed = Number(values, "seed", SyntheticCatalog.DefaultSeed, int.MinValue, int.MaxValue);
        var batch = Number(values, "batch", 10_000, 1, 1_000_000);
        return resources is null || seed is null || batch is null ? null : new SeedOptions(resources.Value, seed.Value, batch.Value);
    }
}

public static class SeedingSetup
{
    /// <summary>
    /// The <c>seed</c> command (the generator and the bulk writer need nothing else from DI) and the demo data, which the
    /// host adds after preparing the database where <see cref="DemoData.ShouldSeed"/> says so.
    /// </summary>
    public static IServiceCollection AddSeeding(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISampleData, DemoSampleData>());
        return services.AddPlatformCommand<SeedCommand>();
    }
}

/// <summary>The demo data as the host's <see cref="ISampleData"/>: seeded only where <c>Demo:Seed</c> is on in Development or Demo.</summary>
internal sealed class DemoSampleData(IConfiguration configuration, IHostEnvironment env, ILogger<DemoSampleData> logger) : ISampleData
{
    public async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        if (!DemoData.ShouldSeed(configuration, env))
        {
            return;
        }
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await DemoData.SeedAsync(services, ct);
        logger.LogInformation("Demo data ready in {Seconds:0.00} s", watch.Elapsed.TotalSeconds);
    }
}
