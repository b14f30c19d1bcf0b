using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure.Crypto;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Accounts;

/// <summary>The read contract the innovation vouchers rely on: who is a confirmed 科技型中小企业, and who is related to whom.</summary>
public sealed class SmeDeclarationTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static int _serial;

    private async Task<Guid> NewOrganizationAsync(OrganizationStatus status = OrganizationStatus.Verified, string? legalRepresentativeKey = null)
    {
        var serial = 1000 + Interlocked.Increment(ref _serial); // past the demo organisations' serials: a fresh code per test
        var org = new Organization
        {
            Id = Guid.CreateVersion7(),
            Name = $"SME test {Guid.NewGuid():N}",
            Kind = OrganizationKind.Enterprise,
            CreditCode = DemoData.MakeCreditCode("91", "510107", serial),
            RegionCode = "510000",
            DistrictCode = "510107",
            Status = status,
            CreatedAt = DateTimeOffset.UtcNow,
            LegalRepresentativeKey = legalRepresentativeKey,
        };
        await factory.WithDbAsync(async db =>
        {
            db.Organizations.Add(org);
            return await db.SaveChangesAsync();
        });
        return org.Id;
    }

    private Task<int> DeclareAsync(Guid organizationId, int year, SmeDeclarationStatus status) => factory.WithDbAsync(async db =>
    {
        db.SmeDeclarations.Add(new OrganizationSmeDeclaration
        {
            Id = Guid.CreateVersion7(),
            OrganizationId = organizationId,
            Year = year,
            RegistrationNumber = "20265101070A000123",
            Status = status,
            DeclaredBy = Guid.NewGuid(),
            DeclaredAt = DateTimeOffset.UtcNow,
        });
        return await db.SaveChangesAsync();
    });

    private async Task<T> WithDirectoryAsync<T>(Func<OrganizationDirectory, Task<T>> work)
    {
        using var scope = factory.Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<OrganizationDirectory>());
    }

    private string KeyOf(string idNumber)
    {
        using var scope = factory.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<FieldProtector>().BlindIndex(ResidentIdNumber.Normalize(idNumber));
    }

    [Fact]
    public async Task IsConfirmedSme_OnlyForAConfirmedDeclarationOfThatYear_OfAVerifiedOrganisation()
    {
        var confirmed = await NewOrganizationAsync();
        await DeclareAsync(confirmed, 2026, SmeDeclarationStatus.Confirmed);
        var declared = await NewOrganizationAsync();
        await DeclareAsync(declared, 2026, SmeDeclarationStatus.Declared);
        var revoked = await NewOrganizationAsync();
        await DeclareAsync(revoked, 2026, SmeDeclarationStatus.Revoked);
        var unverified = await NewOrganizationAsync(OrganizationStatus.Pending);
        await DeclareAsync(unverified, 2026, SmeDeclarationStatus.Confirmed);

        Assert.True(await WithDirectoryAsync(d => d.IsConfirmedSmeAsync(confirmed, 2026, default)));
        Assert.False(await WithDirectoryAsync(d => d.IsConfirmedSmeAsync(confirmed, 2027, default)));
        Assert.False(await WithDirectoryAsync(d => d.IsConfirmedSmeAsync(declared, 2026, default)));
        Assert.False(await WithDirectoryAsync(d => d.IsConfirmedSmeAsync(revoked, 2026, default)));
        Assert.False(await WithDirectoryAsync(d => d.IsConfirmedSmeAsync(unverified, 2026, default)));
    }

    [Fact]
    public async Task IsConfirmedSme_OrganisationLosesItsVerification_IsNoLongerConfirmed()
    {
        var org = await NewOrganizationAsync();
        await DeclareAsync(org, 2026, SmeDeclarationStatus.Confirmed);
        Assert.True(await WithDirectoryAsync(d => d.IsConfirmedSmeAsync(org, 2026, default)));

        await factory.WithDbAsync(async db =>
        {
            (await db.Organizations.FirstAsync(o => o.Id == org)).Status = OrganizationStatus.Rejected;
            return await db.SaveChangesAsync();
        });

        Assert.False(await WithDirectoryAsync(d => d.IsConfirmedSmeAsync(org, 2026, default)));
    }

    [Fact]
    public async Task Smes_ListsTheDeclarationsAsRecords()
    {
        var org = await NewOrganizationAsync();
        await DeclareAsync(org, 2025, SmeDeclarationStatus.Rejected);
        await DeclareAsync(org, 2026, SmeDeclarationStatus.Declared);

        var mine = await WithDirectoryAsync(d => d.Smes().Where(s => s.OrganizationId == org).OrderBy(s => s.Year).ToListAsync());

        Assert.Equal([(2025, SmeDeclarationStatus.Rejected), (2026, SmeDeclarationStatus.Declared)], mine.Select(s => (s.Year, s.Status)));
        Assert.All(mine, s => Assert.Equal("20265101070A000123", s.RegistrationNumber));
    }

    [Fact]
    public async Task OneDeclarationPerOrganisationAndYear_IsEnforcedByTheEngine()
    {
        var org = await NewOrganizationAsync();
        await DeclareAsync(org, 2026, SmeDeclarationStatus.Declared);
        await Assert.ThrowsAsync<DbUpdateException>(() => DeclareAsync(org, 2026, SmeDeclarationStatus.Declared));
    }

    [Fact]
    public async Task AreRelated_TheSameOrganisation_IsRelatedToItself()
    {
        var org = await NewOrganizationAsync();
        Assert.True(await WithDirectoryAsync(d => d.AreRelatedAsync(org, org, default)));
    }

    [Fact]
    public async Task AreRelated_SameLegalRepresentative_ByTheBlindIndexOfTheNormalisedIdNumber()
    {
        var id = ResidentIdNumber.Complete("51010719800101123");
        // The same number typed in full-width digits with a lower-case check character is the same person.
        var typedOtherwise = string.Concat(id[..17].Select(c => (char)(c - '0' + '０'))) + char.ToLowerInvariant(id[17]);
        var a = await NewOrganizationAsync(legalRepresentativeKey: KeyOf(id));
        var b = await NewOrganizationAsync(legalRepresentativeKey: KeyOf(typedOtherwise));
        var stranger = await NewOrganizationAsync(legalRepresentativeKey: KeyOf(ResidentIdNumber.Complete("51010719800101124")));

        Assert.True(await WithDirectoryAsync(d => d.AreRelatedAsync(a, b, default)));
        Assert.True(await WithDirectoryAsync(d => d.AreRelatedAsync(b, a, default)));
        Assert.False(await WithDirectoryAsync(d => d.AreRelatedAsync(a, stranger, default)));
    }

    [Fact]
    public async Task AreRelated_NeitherHasALegalRepresentative_AreNotRelated()
    {
        var a = await NewOrganizationAsync();
        var b = await NewOrganizationAsync();
        Assert.False(await WithDirectoryAsync(d => d.AreRelatedAsync(a, b, default)));
        Assert.False(await WithDirectoryAsync(d => d.AreRelatedAsync(a, Guid.NewGuid(), default)));
    }

    [Fact]
    public async Task AreRelated_SameCreditCode_AreRelated()
    {
        // Two rows cannot share a credit code (unique index), so the rule is proved on an organisation and a copy of
        // its record under another id, as a repair of the data might leave one; the index is put back afterwards.
        var a = await NewOrganizationAsync();
        var copy = Guid.CreateVersion7();
        await factory.WithDbAsync(async db =>
        {
            var original = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == a);
            await db.Database.ExecuteSqlAsync($"DROP INDEX ix_organizations_credit_code");
            db.Organizations.Add(new Organization
            {
                Id = copy,
                Name = original.Name + " copy",
                Kind = original.Kind,
                CreditCode = original.CreditCode,
                RegionCode = original.RegionCode,
                DistrictCode = original.DistrictCode,
                Status = OrganizationStatus.Verified,
                CreatedAt = original.CreatedAt,
            });
            return await db.SaveChangesAsync();
        });
        try
        {
            Assert.True(await WithDirectoryAsync(d => d.AreRelatedAsync(a, copy, default)));
        }
        finally
        {
            await factory.WithDbAsync(async db =>
            {
                db.Organizations.Remove(await db.Organizations.FirstAsync(o => o.Id == copy));
                await db.SaveChangesAsync();
                return await db.Database.ExecuteSqlAsync($"CREATE UNIQUE INDEX ix_organizations_credit_code ON organizations (credit_code)");
            });
        }
    }

    [Theory]
    [InlineData(" ２０２６５１０１０７ａ０００１２３ ", "2026510107A000123", true)]
    [InlineData("2026-510107-a1", "2026-510107-A1", true)]
    [InlineData("123456789", "123456789", false)]
    [InlineData("2026 5101 0700", "2026 5101 0700", false)]
    [InlineData("2026510107<script>", "2026510107<SCRIPT>", false)]
    public void RegistrationNumber_IsNormalisedThenChecked(string typed, string normalised, bool valid)
    {
        Assert.Equal(normalised, SmeRegistrationNumber.Normalize(typed));
        Assert.Equal(valid, SmeRegistrationNumber.Check(typed) is null);
    }

    [Theory]
    [InlineData("11010519491231002X", true)] // the standard's own example (GB 11643-1999)
    [InlineData("11010519491231002x", true)]
    [InlineData("110105194912310021", false)]
    [InlineData("11010519491231002", false)]
    [InlineData("", false)]
    public void ResidentIdNumber_ChecksTheCheckCharacter(string typed, bool valid) =>
        Assert.Equal(valid, ResidentIdNumber.Check(typed) is null);
}
