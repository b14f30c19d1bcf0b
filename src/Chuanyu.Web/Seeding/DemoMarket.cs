using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Market;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// The technology market's demo data (issue 17 point 7): 156 research results and 84 demands from
/// <c>Data/Reference/demo-market.csv</c> (illustrative, 示例: see demo-market.md) at the demo institutions that work in
/// each field, mostly published, some pending, expired, closed or draft, a quarter of the demands confidential; and the
/// synthetic records of <c>seed --results N</c> built from the same rows.
/// </summary>
public static class DemoMarket
{
    public sealed record Row(string Kind, string Org, string Title, string Summary, string Details, string Type, string Disciplines, string Industries, int Trl,
        string Stage, string Modes, decimal PriceMin, decimal PriceMax, bool Negotiable, string Keywords, string Inventors, string Patent, string Status,
        bool Confidential, int DeadlineDays);

    public static IReadOnlyList<Row> Rows { get; } = Load();

    private static List<Row> Load()
    {
        using var stream = typeof(DemoMarket).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.demo-market.csv")
            ?? throw new InvalidOperationException("demo-market.csv is not embedded.");
        using var csv = CsvHelper.CsvReader.Create(stream, null, leaveOpen: false);
        var list = new List<Row>();
        while (csv.Read())
        {
            string S(string name) => csv.GetString(name) ?? "";
            int I(string name) => int.Parse(S(name), CultureInfo.InvariantCulture);
            list.Add(new Row(S("kind"), S("org"), S("title"), S("summary"), S("details"), S("type"), S("disciplines"), S("industries"), I("trl"), S("stage"),
                S("modes"), I("price_min"), I("price_max"), I("negotiable") == 1, S("keywords"), S("inventors"), S("patent"), S("status"), I("confidential") == 1,
                I("deadline_days")));
        }
        return list;
    }

    /// <summary>The demo organisations by key (only those the rows name and the database holds).</summary>
    public static async Task<Dictionary<string, (Guid Id, string Region)>> OrganizationsAsync(AppDbContext db, CancellationToken ct)
    {
        var names = DemoData.Organizations.ToDictionary(o => o.Name, o => o.Key);
        var found = await db.Set<Organization>().AsNoTracking().Where(o => names.Keys.Contains(o.Name)).Select(o => new { o.Id, o.Name, o.RegionCode }).ToListAsync(ct);
        return found.ToDictionary(o => names[o.Name], o => (o.Id, o.RegionCode));
    }

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        if (await db.Set<Achievement>().AnyAsync(a => a.Synthetic, ct))
        {
            return;
        }
        var orgs = await OrganizationsAsync(db, ct);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var validity = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MarketOptions>>().Value.AchievementValidityDays;
        var i = 0;
        foreach (var row in Rows.Where(r => orgs.ContainsKey(r.Org)))
        {
            db.Add(Build(row, orgs[row.Org], now, validity, i++, suffix: null));
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>A record of a row, in the row's state relative to <paramref name="now"/>; <paramref name="suffix"/> makes generated titles distinct.</summary>
    public static MarketRecord Build(Row row, (Guid Id, string Region) org, DateTimeOffset now, int validityDays, int serial, string? suffix)
    {
        var status = Enum.Parse<MarketStatus>(row.Status);
        var published = now.AddDays(-(serial * 37 % 300)).AddHours(-(serial % 24));
        var title = suffix is null ? row.Title : $"{row.Title}{suffix}";
        MarketRecord r;
        if (row.Kind == "achievement")
        {
            var patent = row.Patent.Length == 12 ? $"ZL{row.Patent}.{MarketRules.PatentCheck(row.Patent)}" : "";
            r = new Achievement
            {
                Type = Enum.Parse<AchievementType>(row.Type),
                Description = row.Details,
                PatentNumbers = patent,
                Inventors = row.Inventors,
                ExpiresAt = status switch
                {
                    MarketStatus.Published => published.AddDays(validityDays),
                    MarketStatus.Expired or MarketStatus.Closed => now.AddDays(-(1 + (serial % 60))),
                    _ => null,
                },
            };
        }
        else
        {
            var days = status == MarketStatus.Expired ? -(1 + (serial % 30)) : row.DeadlineDays;
            var deadline = DateOnly.FromDateTime(now.AddDays(days).ToOffset(Chuanyu.Web.Infrastructure.Display.ChinaStandardTime).DateTime);
            r = new Demand
            {
                Details = row.Details,
                Confidential = row.Confidential,
                Deadline = deadline,
                ExpiresAt = status is MarketStatus.Published or MarketStatus.Expired or MarketStatus.Closed ? MarketService.EndOf(deadline) : null,
            };
        }
        r.Id = Guid.CreateVersion7();
        r.OrganizationId = org.Id;
        r.RegionCode = org.Region;
        r.Title = title.Length > MarketRules.MaxTitle ? title[..MarketRules.MaxTitle] : title;
        r.Summary = row.Summary;
        r.DisciplineCodes = MarketRules.CodesText(row.Disciplines.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        r.IndustryCodes = MarketRules.CodesText(row.Industries.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        r.Keywords = row.Keywords;
        r.Trl = row.Trl;
        r.Stage = Enum.Parse<MaturityStage>(row.Stage);
        r.Modes = MarketRules.MaskOf(row.Modes.Split('|', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<TransferModes>));
        r.Negotiable = row.Negotiable;
        r.PriceMinYuan = row.Negotiable ? null : MarketRules.Yuan(row.PriceMin);
        r.PriceMaxYuan = row.Negotiable ? null : MarketRules.Yuan(row.PriceMax);
        r.Status = status;
        r.SubmittedAt = status == MarketStatus.Draft ? null : published.AddDays(-2);
        r.PublishedAt = status is MarketStatus.Published or MarketStatus.Expired or MarketStatus.Closed ? published : null;
        r.CloseReason = status == MarketStatus.Closed ? (MarketCloseReason)(serial % 5) : null;
        r.ClosedAt = status == MarketStatus.Closed ? now.AddDays(-1) : null;
        r.Synthetic = true;
        r.CreatedAt = published.AddDays(-3);
        r.UpdatedAt = r.ClosedAt ?? r.PublishedAt ?? r.CreatedAt;
        r.Version = 1;
        return r;
    }

    /// <summary>
    /// <c>seed --results N</c>: N published synthetic results and N/2 demands built from the demo rows (titles numbered),
    /// at the demo institutions, saved in batches of 2,000.
    /// </summary>
    public static async Task<(int Results, int Demands)> SeedManyAsync(AppDbContext db, int count, DateTimeOffset now, int validityDays, CancellationToken ct)
    {
        var orgs = await OrganizationsAsync(db, ct);
        var achievements = Rows.Where(r => r.Kind == "achievement" && orgs.ContainsKey(r.Org)).ToList();
        var demands = Rows.Where(r => r.Kind == "demand" && orgs.ContainsKey(r.Org)).ToList();
        if (achievements.Count == 0 || demands.Count == 0)
        {
            return (0, 0);
        }
        var demandCount = count / 2;
        var stamp = now.ToUnixTimeSeconds() % 100_000;
        var serial = 0;
        foreach (var batch in Enumerable.Range(0, count + demandCount).Chunk(2_000))
        {
            foreach (var n in batch)
            {
                var row = n < count ? achievements[n % achievements.Count] : demands[(n - count) % demands.Count];
                db.Add(Build(row with { Status = nameof(MarketStatus.Published) }, orgs[row.Org], now, validityDays, serial++,
                    string.Format(CultureInfo.InvariantCulture, DemoMarketEvents.Texts.SyntheticSuffix, string.Create(CultureInfo.InvariantCulture, $"{stamp}-{n + 1}"))));
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        return (count, demandCount);
    }
}
