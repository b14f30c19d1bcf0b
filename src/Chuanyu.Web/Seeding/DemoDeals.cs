using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Contracts;
using Chuanyu.Web.Features.Deals;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// The deal pipeline's demo (issue 17 point 7, "deals at every stage"): the demo technology manager approved at an
/// intermediary of Chongqing, and 15 illustrative deals over the demo results and demands (<c>Data/Reference/demo-deals.csv</c>):
/// three leads, two at NDA, two in negotiation, one signed, one registered against a demo contract, and one closed with
/// each coded reason. Marked <see cref="Deal.Synthetic"/>; notes say 示例. Seeded once.
/// </summary>
public static class DemoDeals
{
    public const string ManagerEmail = "techmanager@chuanyu.demo";

    private sealed record Row(DealStage Stage, DealStage? ClosedFrom, DealCloseReason? Reason, DealSource Source, string Pairing, string Note);

    private static List<Row> Load()
    {
        using var stream = typeof(DemoDeals).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.demo-deals.csv")
            ?? throw new InvalidOperationException("demo-deals.csv is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1)
            .Select(line => line.Split(',', 6))
            .Select(f => new Row(Enum.Parse<DealStage>(f[0]), f[1].Length == 0 ? null : Enum.Parse<DealStage>(f[1]),
                f[2].Length == 0 ? null : Enum.Parse<DealCloseReason>(f[2]), Enum.Parse<DealSource>(f[3]), f[4], f[5]))
            .ToList();
    }

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        if (await db.Set<Deal>().AnyAsync(ct))
        {
            return;
        }
        var manager = await db.Users.AsNoTracking().Where(u => u.Email == ManagerEmail).Select(u => new { u.Id, u.DisplayName }).FirstOrDefaultAsync(ct);
        var org = await db.Set<Organization>().AsNoTracking()
            .Where(o => o.Kind == OrganizationKind.ServiceProvider && o.Status == OrganizationStatus.Verified && (o.RegionCode == "500000" || o.RegionCode == "510000"))
            .OrderByDescending(o => o.RegionCode == "500000").ThenBy(o => o.CreditCode).FirstOrDefaultAsync(ct);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var results = await db.Set<Achievement>().AsNoTracking().Where(a => a.Status == MarketStatus.Published && a.Synthetic && a.ExpiresAt > now)
            .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Take(40).ToListAsync(ct);
        var demands = await db.Set<Demand>().AsNoTracking().Where(d => d.Status == MarketStatus.Published && d.Synthetic && d.ExpiresAt > now)
            .OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).Take(40).ToListAsync(ct);
        if (manager is null || org is null || results.Count < 15 || demands.Count < 15)
        {
            return;
        }
        var admin = await db.Users.AsNoTracking().Where(u => u.Email == (org.RegionCode == "500000" ? "cq.admin@chuanyu.demo" : "sc.admin@chuanyu.demo"))
            .Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
        var protector = services.GetRequiredService<FieldProtector>();
        var profile = await db.Set<TechManagerProfile>().FirstOrDefaultAsync(p => p.UserId == manager.Id, ct);
        if (profile is null)
        {
            const string phone = "13800000201";
            profile = new TechManagerProfile
            {
                Id = Guid.CreateVersion7(),
                UserId = manager.Id,
                DisplayName = manager.DisplayName,
                OrganizationId = org.Id,
                RegionCode = org.RegionCode,
                Level = TechManagerLevel.Intermediate,
                CertificateNumber = "DEMO-TM-2024-0001",
                CertificateIssuedOn = new DateOnly(2024, 6, 28),
                Disciplines = " 430 510 580 ",
                PhoneProtected = protector.CanProtect ? protector.Protect(phone) : null,
                PhoneMasked = protector.CanProtect ? Infrastructure.Masking.Phone(phone) : null,
                CreatedAt = now.AddDays(-200),
                ReviewedBy = admin,
                ReviewedAt = now.AddDays(-199),
                Synthetic = true,
            };
            db.Add(profile);
        }
        profile.Status = TechManagerStatus.Approved;
        profile.UpdatedAt = now.AddDays(-199);

        var rows = Load();
        var registered = new List<Deal>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var a = row.Pairing is "result" or "both" ? results[i] : null;
            var d = row.Pairing is "demand" or "both" ? demands[i] : null;
            var last = row.ClosedFrom ?? row.Stage;
            var path = Enum.GetValues<DealStage>().Where(s => s <= last && s != DealStage.Closed).ToList();
            if (row.Stage == DealStage.Closed)
            {
                path.Add(DealStage.Closed);
            }
            var created = now.AddDays(-(20 + 12 * i % 300));
            var deal = new Deal
            {
                Id = Guid.CreateVersion7(),
                Title = (a?.Title ?? d!.Title) is var t && t.Length > DealRules.MaxTitle ? t[..DealRules.MaxTitle] : t,
                ManagerId = profile.Id,
                ManagerUserId = manager.Id,
                ManagerRegion = profile.RegionCode,
                AchievementId = a?.Id,
                AchievementTitle = a?.Title,
                SellerOrganizationId = a?.OrganizationId,
                SellerRegion = a?.RegionCode,
                DemandId = d?.Id,
                DemandTitle = d?.Title,
                BuyerOrganizationId = d?.OrganizationId,
                BuyerRegion = d?.RegionCode,
                Source = row.Source,
                Stage = row.Stage,
                CloseReason = row.Reason,
                CloseNote = row.Reason == DealCloseReason.Other ? row.Note : null,
                Synthetic = true,
                CreatedAt = created,
            };
            DealStage? from = null;
            var at = created;
            foreach (var s in path)
            {
                db.Add(new DealStageChange { Id = Guid.CreateVersion7(), DealId = deal.Id, FromStage = from, ToStage = s, ByUserId = manager.Id, At = at });
                if (s == DealStage.Signed)
                {
                    deal.SignedAt = at;
                }
                deal.StageChangedAt = at;
                from = s;
                at = at.AddDays(4);
            }
            deal.UpdatedAt = deal.StageChangedAt;
            db.Add(deal);
            db.Add(new DealNote { Id = Guid.CreateVersion7(), DealId = deal.Id, Stage = deal.Stage, Text = row.Note, AuthorUserId = manager.Id, CreatedAt = deal.StageChangedAt });
            if (row.Stage == DealStage.Registered)
            {
                registered.Add(deal);
            }
        }
        await db.SaveChangesAsync(ct);

        // The registered deal points at a demo contract (and the contract back at it and its result); without one it stays signed.
        foreach (var deal in registered)
        {
            var contract = await db.Set<TechContract>().Where(c => c.Synthetic && c.Status == TechContractStatus.Registered && c.DealId == null)
                .OrderByDescending(c => c.RegisteredOn).ThenBy(c => c.RegistrationNumber).FirstOrDefaultAsync(ct);
            if (contract is null)
            {
                deal.Stage = DealStage.Signed;
                await db.Set<DealStageChange>().Where(c => c.DealId == deal.Id && c.ToStage == DealStage.Registered).ExecuteDeleteAsync(ct);
            }
            else
            {
                contract.DealId = deal.Id;
                contract.AchievementId ??= deal.AchievementId;
                deal.ContractId = contract.Id;
            }
        }
        await db.SaveChangesAsync(ct);
        await services.GetRequiredService<Infrastructure.AuditLog>().RecordAsync("deals.seed", null,
            detail: string.Create(CultureInfo.InvariantCulture, $"{rows.Count} illustrative deals, manager {profile.Id}"), ct: ct);
    }
}
