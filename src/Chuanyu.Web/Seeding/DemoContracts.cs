using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Contracts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// Illustrative registered technology contracts (issue 17 point 7, <c>Data/Reference/demo-contracts.csv</c> and its .md):
/// sellers among the demo institutions of both regions, buyers among them and invented companies of other provinces and
/// abroad, over the last two years, marked 示例 and <see cref="TechContract.Synthetic"/>. Deterministic for a seed. The
/// demo seeds <see cref="DemoCount"/>; <c>seed --contracts N</c> writes N more in bulk (<see cref="SeedAsync(AppDbContext, IReadOnlyList{OrganizationRef}, DateOnly, int, int, Action{string}, CancellationToken)"/>).
/// </summary>
public static class DemoContracts
{
    public const int DemoCount = 600;

    private sealed record Buyer(string Name, string Region, ContractPartyType Type, string? CreditCode, Guid? OrganizationId);

    private sealed record Parts(string Marker, IReadOnlyList<(string Field, string[] Titles)> Fields, IReadOnlyList<(string Region, ContractPartyType Type, string Name)> Buyers);

    private static readonly Lazy<Parts> Data = new(Read);

    private static Parts Read()
    {
        using var stream = typeof(DemoContracts).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.demo-contracts.csv")
            ?? throw new InvalidOperationException("demo-contracts.csv is not embedded.");
        using var reader = new StreamReader(stream);
        _ = reader.ReadLine();
        var marker = "";
        var fields = new List<(string, string[])>();
        var buyers = new List<(string, ContractPartyType, string)>();
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            switch (f[0])
            {
                case "marker": marker = f[2]; break;
                case "field": fields.Add((f[1], f[2].Split('、'))); break;
                case "buyer": buyers.AddRange(f[3].Split('、').Select(n => (f[1], Enum.Parse<ContractPartyType>(f[2]), n))); break;
            }
        }
        return new Parts(marker, fields, buyers);
    }

    public static ContractPartyType PartyType(OrganizationKind kind) => kind switch
    {
        OrganizationKind.University => ContractPartyType.University,
        OrganizationKind.ResearchInstitute => ContractPartyType.ResearchInstitute,
        OrganizationKind.Enterprise or OrganizationKind.ServiceProvider => ContractPartyType.Enterprise,
        _ => ContractPartyType.Other,
    };

    /// <summary>
    /// <paramref name="count"/> contracts registered within the two years before <paramref name="today"/>; registration
    /// numbers use office <paramref name="office"/> (01 for the demo) with a serial per year and region, so runs with other
    /// offices never collide. Lazy: a million are generated as they are written.
    /// </summary>
    public static IEnumerable<TechContract> Generate(IReadOnlyList<OrganizationRef> sellers, DateOnly today, int count, int seed, int office, DateTimeOffset now)
    {
        var parts = Data.Value;
        var random = new Random(seed);
        var buyers = parts.Buyers.Select((b, i) => new Buyer(b.Name, b.Region, b.Type,
                b.Region == ContractRegions.Abroad ? null : CreditCode.Complete(string.Create(CultureInfo.InvariantCulture, $"91{b.Region[..2]}0100{7_100_000 + i:00000000}0")), null))
            .Concat(sellers.Select(o => new Buyer(o.Name, o.RegionCode, PartyType(o.Kind), o.CreditCode, o.Id))).ToList();
        var serials = new Dictionary<(int, string), int>();
        var types = new[] { (ContractType.Development, 35), (ContractType.Service, 30), (ContractType.Consulting, 15), (ContractType.Transfer, 12), (ContractType.Licence, 8) };
        for (var i = 0; i < count; i++)
        {
            var seller = sellers[random.Next(sellers.Count)];
            var partner = ContractRegions.Partner(seller.RegionCode)!;
            var roll = random.Next(100);
            var pool = roll < 35 ? buyers.Where(b => b.Region == partner) : roll < 70 ? buyers.Where(b => b.Region == seller.RegionCode && b.OrganizationId != seller.Id)
                : roll < 95 ? buyers.Where(b => b.Region != partner && b.Region != seller.RegionCode && b.Region != ContractRegions.Abroad)
                : buyers.Where(b => b.Region == ContractRegions.Abroad);
            var candidates = pool.ToList();
            var buyer = candidates[random.Next(candidates.Count)];
            var (field, titles) = parts.Fields[random.Next(parts.Fields.Count)];
            var pick = random.Next(100);
            var type = types.First(t => (pick -= t.Item2) < 0).Item1;
            var registered = today.AddDays(-random.Next(730));
            var key = (registered.Year, seller.RegionCode);
            var serial = serials[key] = serials.GetValueOrDefault(key) + 1;
            // Amounts: 10万–1,500万元 (log-uniform, so small contracts are the many), whole hundreds of yuan; the technology part 60–100 %.
            var contractFen = (long)(100_000 * Math.Pow(150, random.NextDouble())) / 100 * 10_000;
            var signed = registered.AddDays(-random.Next(5, 60));
            yield return new TechContract
            {
                Id = Guid.CreateVersion7(),
                RegistrationNumber = string.Create(CultureInfo.InvariantCulture,
                    $"{registered.Year % 100:00}{seller.RegionCode[..2]}01{office:00}{serial:000000}"),
                Title = titles[random.Next(titles.Length)] + parts.Marker,
                Type = type,
                SellerName = seller.Name,
                SellerCreditCode = seller.CreditCode,
                SellerRegion = seller.RegionCode,
                SellerType = PartyType(seller.Kind),
                SellerOrganizationId = seller.Id,
                BuyerName = buyer.Name,
                BuyerCreditCode = buyer.CreditCode,
                BuyerRegion = buyer.Region,
                BuyerType = buyer.Type,
                BuyerOrganizationId = buyer.OrganizationId,
                ContractAmountFen = contractFen,
                TransactionAmountFen = contractFen * random.Next(60, 101) / 100,
                SignedOn = signed,
                StartsOn = signed.AddDays(random.Next(0, 30)),
                EndsOn = signed.AddDays(random.Next(90, 1100)),
                RegisteredOn = registered,
                RegisteredMonth = TechContracts.MonthOf(registered),
                Field = field,
                FieldGroup = field[..3],
                Status = TechContractStatus.Registered,
                Synthetic = true,
                CreatedAt = now,
                UpdatedAt = now,
            };
        }
    }

    /// <summary>The demo organisations that sell technology: verified universities, institutes and enterprises of both regions.</summary>
    public static async Task<List<OrganizationRef>> SellersAsync(IServiceProvider services, CancellationToken ct) =>
        (await DemoExperts.OrganizationsAsync(services, ct)).Values
            .Where(o => o.Kind is OrganizationKind.University or OrganizationKind.ResearchInstitute or OrganizationKind.Enterprise or OrganizationKind.ServiceProvider)
            .OrderBy(o => o.CreditCode, StringComparer.Ordinal).ToList();

    /// <summary>The demo's contracts (once), then the aggregates rebuilt from them.</summary>
    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        if (await db.Set<TechContract>().AnyAsync(ct))
        {
            return;
        }
        var sellers = await SellersAsync(services, ct);
        if (sellers.Count == 0)
        {
            return;
        }
        var clock = services.GetRequiredService<TimeProvider>();
        db.AddRange(Generate(sellers, ChinaTime.Today(clock), DemoCount, seed: 17, office: 1, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await ContractStatsWriter.RebuildAsync(db, ct);
    }

    /// <summary>
    /// <c>seed --contracts N</c>: N contracts in bulk (binary COPY on PostgreSQL, one prepared INSERT on SQLite), a
    /// transaction per batch, then one rebuild of the aggregates. Returns the seconds spent writing.
    /// </summary>
    public static async Task<double> SeedAsync(AppDbContext db, IReadOnlyList<OrganizationRef> sellers, DateOnly today, int count, int seed, Action<string> log,
        CancellationToken ct)
    {
        const int batch = 20_000;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var buffer = new List<TechContract>(batch);
        var written = 0;
        foreach (var c in Generate(sellers, today, count, seed, office: 10 + (seed % 90), DateTimeOffset.UtcNow))
        {
            buffer.Add(c);
            if (buffer.Count == batch)
            {
                await BulkInsert.WriteAsync(db, buffer, ct);
                written += buffer.Count;
                buffer.Clear();
                if (written % 100_000 == 0)
                {
                    log(string.Create(CultureInfo.InvariantCulture, $"  {written:N0} contracts ({started.Elapsed.TotalSeconds:F0} s)"));
                }
            }
        }
        if (buffer.Count > 0)
        {
            await BulkInsert.WriteAsync(db, buffer, ct);
        }
        var rows = await ContractStatsWriter.RebuildAsync(db, ct);
        log(string.Create(CultureInfo.InvariantCulture, $"  aggregates rebuilt: {rows:N0} rows ({started.Elapsed.TotalSeconds:F0} s)"));
        return started.Elapsed.TotalSeconds;
    }
}
