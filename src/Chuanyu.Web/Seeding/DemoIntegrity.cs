using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// Four synthetic integrity records (issue 16 point 6), marked 示例: an active one on a demo expert (drawn by nobody),
/// an ended one, an indefinite one on an organisation that is not on the platform (so no demo applicant is flagged),
/// and a revoked one on another demo expert (who stays in the pool). Four rows: cheap enough for every test host.
/// </summary>
public static class DemoIntegrity
{
    /// <summary>The credit code of the made-up organisation (渝北区, an enterprise): valid, and no demo organisation's.</summary>
    public static readonly string OrganizationCreditCode = DemoData.MakeCreditCode("91", "500112", 9001);

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var protector = services.GetRequiredService<FieldProtector>();
        if (!protector.CanProtect || !protector.CanIndex || await db.Set<IntegrityRecord>().AnyAsync(ct))
        {
            return;
        }
        // Two demo experts without an account (the demo expert accounts keep a clean profile), one of each region.
        var cq = await db.Set<Expert>().AsNoTracking().Where(e => e.Synthetic && e.UserId == null && e.RegionCode == "500000").OrderBy(e => e.Id).FirstOrDefaultAsync(ct);
        var sc = await db.Set<Expert>().AsNoTracking().Where(e => e.Synthetic && e.UserId == null && e.RegionCode == "510000").OrderBy(e => e.Id).FirstOrDefaultAsync(ct);
        if (cq is null || sc is null)
        {
            return;
        }
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var today = DateOnly.FromDateTime(now.ToOffset(Display.ChinaStandardTime).DateTime);
        var stranger = ResidentIdNumber.Complete("51010719800101123");
        IntegrityRecord Record(IntegritySubjectKind kind, string? name, IntegrityRecordType type, IntegritySeverity severity, DateOnly start, DateOnly? end,
            string region, string[] text) => new()
            {
                Id = Guid.CreateVersion7(),
                SubjectKind = kind,
                SubjectName = name ?? text[0],
                Type = type,
                Severity = severity,
                StartDate = start,
                EndDate = end,
                IssuingAuthority = text[1],
                RegionCode = region,
                Description = text[2],
                Synthetic = true,
                CreatedAt = now,
                UpdatedAt = now,
            };

        var texts = Texts();
        var active = Record(IntegritySubjectKind.Person, cq.Name, IntegrityRecordType.ResearchMisconduct, IntegritySeverity.Ban, today.AddMonths(-6), today.AddYears(3),
            "500000", texts["active"]);
        (active.ExpertId, active.IdNumberProtected, active.IdNumberKey) = (cq.Id, cq.IdNumberProtected, cq.IdNumberKey);

        var ended = Record(IntegritySubjectKind.Person, null, IntegrityRecordType.CreditRecord, IntegritySeverity.Criticism, today.AddYears(-3), today.AddYears(-1),
            "510000", texts["ended"]);
        (ended.IdNumberProtected, ended.IdNumberKey) = (protector.Protect(stranger), protector.BlindIndex(stranger));

        var organization = Record(IntegritySubjectKind.Organization, null, IntegrityRecordType.ResearchMisconduct, IntegritySeverity.SeriousDishonesty,
            today.AddMonths(-2), null, "510000", texts["organization"]);
        organization.CreditCode = OrganizationCreditCode;

        var revoked = Record(IntegritySubjectKind.Person, sc.Name, IntegrityRecordType.Other, IntegritySeverity.Admonition, today.AddMonths(-3), today.AddYears(1),
            "510000", texts["revoked"]);
        (revoked.ExpertId, revoked.IdNumberProtected, revoked.IdNumberKey) = (sc.Id, sc.IdNumberProtected, sc.IdNumberKey);
        (revoked.RevokedAt, revoked.RevokedByName, revoked.RevokedReason) = (now, "sc.admin@chuanyu.demo", texts["revoked"][3]);

        db.AddRange(active, ended, organization, revoked);
        await db.SaveChangesAsync(ct);
        await services.GetRequiredService<AuditLog>().RecordAsync("integrity.seed", null, detail: "4 synthetic records", ct: ct);
    }

    /// <summary>The texts by key (<c>Data/Reference/demo-integrity.csv</c>): subject name, authority, description, revocation reason.</summary>
    private static Dictionary<string, string[]> Texts()
    {
        using var stream = typeof(DemoIntegrity).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.demo-integrity.csv")
            ?? throw new InvalidOperationException("demo-integrity.csv is not embedded.");
        using var reader = new StreamReader(stream);
        _ = reader.ReadLine();
        var texts = new Dictionary<string, string[]>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var f = line.Split(',');
            texts[f[0]] = f[1..];
        }
        return texts;
    }
}
