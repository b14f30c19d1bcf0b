using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure.Crypto;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// The demo enterprises' 科技型中小企业 declarations, confirmed, with their legal representatives (the embedded
/// <c>Data/Reference/demo-sme-declarations.csv</c>, invented data): 蓉芯 is confirmed for 2026, 渝新 has none.
/// </summary>
public static class DemoSmes
{
    public sealed record Row(string Organization, int Year, string RegistrationNumber, string LegalRepresentative, string LegalRepresentativeId);

    public static IReadOnlyList<Row> Read()
    {
        using var stream = typeof(DemoSmes).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.demo-sme-declarations.csv")
            ?? throw new InvalidOperationException("demo-sme-declarations.csv is not embedded.");
        using var reader = new StreamReader(stream);
        _ = reader.ReadLine(); // header
        var rows = new List<Row>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Split(',') is [var org, var year, var number, var name, var id])
            {
                rows.Add(new Row(org.Trim(), int.Parse(year, System.Globalization.CultureInfo.InvariantCulture), number.Trim(), name.Trim(), id.Trim()));
            }
        }
        return rows;
    }

    /// <summary>Stages the declarations in <paramref name="db"/> (the caller saves); the legal representative's ID number only where a data key and a blind-index key are configured.</summary>
    public static void Add(AppDbContext db, IReadOnlyDictionary<string, Organization> organizations, Guid declaredBy, Guid decidedBy, FieldProtector protector, DateTimeOffset now)
    {
        foreach (var r in Read())
        {
            // vdemo (issue 15): rows of organisations seeded elsewhere (DemoVouchers' Chongqing enterprise) are theirs to add.
            if (!organizations.TryGetValue(r.Organization, out var org))
            {
                continue;
            }
            org.LegalRepresentative = r.LegalRepresentative;
            if (protector.CanProtect && protector.CanIndex)
            {
                var id = ResidentIdNumber.Normalize(r.LegalRepresentativeId);
                org.LegalRepresentativeId = protector.Protect(id);
                org.LegalRepresentativeKey = protector.BlindIndex(id);
            }
            db.SmeDeclarations.Add(new OrganizationSmeDeclaration
            {
                Id = Guid.CreateVersion7(),
                OrganizationId = org.Id,
                Year = r.Year,
                RegistrationNumber = SmeRegistrationNumber.Normalize(r.RegistrationNumber),
                Status = SmeDeclarationStatus.Confirmed,
                DeclaredBy = declaredBy,
                DeclaredAt = now,
                DecidedBy = decidedBy,
                DecidedAt = now,
                Version = 1,
            });
        }
    }
}
