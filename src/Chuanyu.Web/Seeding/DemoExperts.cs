using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// The synthetic expert pool (issue 16 point 9, <c>Data/Reference/demo-experts.csv</c>): invented people marked 示例
/// and <see cref="Expert.Synthetic"/>, at the demo's real institutions with disciplines that fit them, within the entry
/// conditions of 渝科局发〔2023〕68号. Deterministic for a seed, so two runs of the demo hold the same pool.
/// </summary>
public static class DemoExperts
{
    public const int DemoCount = 300;

    private sealed record Parts(string Marker, string[] Surnames, string[] Given, string[] Positions, IReadOnlyList<(string Org, string[] Codes)> Institutions);

    private static readonly Lazy<Parts> Data = new(Read);

    private static Parts Read()
    {
        using var stream = typeof(DemoExperts).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.demo-experts.csv")
            ?? throw new InvalidOperationException("demo-experts.csv is not embedded.");
        using var reader = new StreamReader(stream);
        _ = reader.ReadLine();
        string marker = "", line;
        string[] surnames = [], given = [], positions = [];
        var institutions = new List<(string, string[])>();
        while ((line = reader.ReadLine()!) is not null)
        {
            var f = line.Split(',', 3);
            var values = f[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (f[0])
            {
                case "marker": marker = f[2]; break;
                case "surnames": surnames = values; break;
                case "given": given = values; break;
                case "positions": positions = values; break;
                case "institution": institutions.Add((f[1], values)); break;
            }
        }
        return new Parts(marker, surnames, given, positions, institutions);
    }

    /// <summary>
    /// Stages <paramref name="count"/> synthetic experts (the caller saves) at the institutions of <paramref name="organizations"/>
    /// (demo key → organisation), half in each region. <paramref name="idPrefix"/> (3 digits) keeps the ID numbers of
    /// different runs apart. Needs a data key and a blind-index key (the demo's development keys).
    /// </summary>
    public static List<(Expert Expert, IReadOnlyList<string> Codes)> Generate(IReadOnlyDictionary<string, OrganizationRef> organizations, FieldProtector protector, DateTimeOffset now,
        int count, int seed, int idPrefix)
    {
        var parts = Data.Value;
        var random = new Random(seed);
        var places = parts.Institutions.Where(i => organizations.ContainsKey(i.Org)).ToList();
        var year = now.ToOffset(Infrastructure.Display.ChinaStandardTime).Year;
        var experts = new List<(Expert, IReadOnlyList<string>)>(count);
        for (var i = 0; i < count; i++)
        {
            var (orgKey, codes) = places[i % places.Count];
            var org = organizations[orgKey];
            var highLevel = random.Next(10) == 0;
            var age = random.Next(32, highLevel ? 70 : 65);
            var title = random.Next(10) switch { < 6 => TitleLevel.FullSenior, < 9 => TitleLevel.AssociateSenior, _ => TitleLevel.Intermediate };
            var given = parts.Given[random.Next(parts.Given.Length)] + (random.Next(3) == 0 ? "" : parts.Given[random.Next(parts.Given.Length)]);
            var mine = codes.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
            var birthYear = year - age;
            // 17 digits: the institution's district, a birth date in the birth year, a sequence; then the check character.
            var first17 = string.Create(CultureInfo.InvariantCulture,
                $"{org.DistrictCode}{birthYear:0000}{1 + (i / 28 % 12):00}{1 + (i % 28):00}{(idPrefix * 7 + i / 336) % 1000:000}");
            var idNumber = ResidentIdNumber.Complete(first17);
            var phone = string.Create(CultureInfo.InvariantCulture, $"139{idPrefix % 100:00}{i % 1_000_000:000000}");
            experts.Add((new Expert
            {
                Id = Guid.CreateVersion7(),
                Name = parts.Surnames[random.Next(parts.Surnames.Length)] + given + parts.Marker,
                Gender = random.Next(3) == 0 ? ExpertGender.Female : ExpertGender.Male,
                BirthYear = birthYear,
                TitleLevel = title,
                Position = parts.Positions[random.Next(parts.Positions.Length)],
                OrganizationId = org.Id,
                RegionCode = org.RegionCode,
                Category = random.Next(10) switch { < 7 => ExpertCategory.Technical, 7 => ExpertCategory.Management, 8 => ExpertCategory.Finance, _ => ExpertCategory.Other },
                EntryRoute = random.Next(10) switch { < 6 => ExpertEntryRoute.OpenCall, < 9 => ExpertEntryRoute.Invitation, _ => ExpertEntryRoute.RegionalExchange },
                YearsInField = Math.Max(ExpertRules.MinYearsInField, age - 25 - random.Next(5)),
                HighLevel = highLevel,
                PrimaryDiscipline = mine[0],
                IndustryFields = "",
                Keywords = string.Join('、', mine.Select(c => DisciplineCodes.Find(c)!.Name)),
                Languages = "",
                Availability = random.Next(10) == 0 ? ExpertAvailability.Limited : ExpertAvailability.Available,
                Status = ExpertStatus.Active,
                PhoneProtected = protector.Protect(phone),
                IdNumberProtected = protector.Protect(idNumber),
                IdNumberKey = protector.BlindIndex(idNumber),
                Synthetic = true,
                CreatedAt = now,
                UpdatedAt = now,
            }, mine));
        }
        return experts;
    }

    /// <summary>Adds the experts and their discipline rows to <paramref name="db"/> (the caller saves).</summary>
    public static void Stage(AppDbContext db, IEnumerable<(Expert Expert, IReadOnlyList<string> Codes)> experts)
    {
        foreach (var (e, codes) in experts)
        {
            db.Add(e);
            foreach (var code in codes)
            {
                db.Add(new ExpertDiscipline { ExpertId = e.Id, Code = code, IsPrimary = code == e.PrimaryDiscipline });
            }
        }
    }

    /// <summary>The demo pool: 300 experts of both regions, and the two demo expert accounts linked to the first profile at their own institution.</summary>
    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var protector = services.GetRequiredService<FieldProtector>();
        if (!protector.CanProtect || !protector.CanIndex || await db.Set<Expert>().AnyAsync(ct))
        {
            return;
        }
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var orgs = await OrganizationsAsync(services, ct);
        var experts = Generate(orgs, protector, now, DemoCount, seed: 16, idPrefix: 0);
        foreach (var account in DemoData.Accounts.Where(a => a.Role == Infrastructure.PlatformRole.Expert && a.Org is not null))
        {
            var userId = await db.Users.Where(u => u.Email == account.Email).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
            var profile = experts.Select(x => x.Expert).FirstOrDefault(e => e.OrganizationId == orgs[account.Org!].Id && e.UserId is null);
            if (userId is not null && profile is not null)
            {
                profile.UserId = userId;
                // The account's person: the display name after the institution (电子科技大学 周建国（专家） → 周建国).
                profile.Name = account.DisplayName.Split(' ')[^1].Split('（')[0] + Data.Value.Marker;
            }
        }
        Stage(db, experts);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The demo organisations by their key (<see cref="DemoData.Organizations"/>), as the directory publishes them.</summary>
    public static async Task<Dictionary<string, OrganizationRef>> OrganizationsAsync(IServiceProvider services, CancellationToken ct)
    {
        var directory = services.GetRequiredService<OrganizationDirectory>();
        var names = DemoData.Organizations.ToDictionary(o => o.Name, o => o.Key);
        var nameList = names.Keys.ToList();
        var found = await directory.Organizations().Where(o => nameList.Contains(o.Name) && o.Status == OrganizationStatus.Verified).ToListAsync(ct);
        return found.ToDictionary(o => names[o.Name], o => o);
    }
}
