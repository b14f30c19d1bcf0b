using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Infrastructure.Crypto;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.Experts;

/// <summary>The demo's synthetic pool (issue 16 point 9) and the generator behind <c>seed --experts N</c>.</summary>
public sealed class DemoExpertTests : IDisposable
{
    private readonly ChuanyuFactory _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task TheDemoHoldsThreeHundredSyntheticExpertsOfBothRegions_WithRealCodes_AndTheDemoExpertsHaveProfiles()
    {
        var experts = await WithDbAsync(_host, db => db.Set<Expert>().AsNoTracking().ToListAsync());
        Assert.True(experts.Count >= DemoExperts.DemoCount, $"{experts.Count} experts");
        Assert.All(experts, e => Assert.True(e.Synthetic && e.Name.EndsWith("（示例）", StringComparison.Ordinal), e.Name));
        Assert.True(experts.Count(e => e.RegionCode == "500000") >= 100);
        Assert.True(experts.Count(e => e.RegionCode == "510000") >= 100);
        var codes = await WithDbAsync(_host, db => db.Set<ExpertDiscipline>().Select(d => d.Code).Distinct().ToListAsync());
        Assert.All(codes, c => Assert.NotNull(DisciplineCodes.Find(c)));
        Assert.Equal(experts.Count, await WithDbAsync(_host, db => db.Set<ExpertDiscipline>().CountAsync(d => d.IsPrimary)));
        var year = DateTimeOffset.UtcNow.ToOffset(Cst).Year;
        Assert.All(experts, e => Assert.InRange(year - e.BirthYear, 30, e.HighLevel ? ExpertRules.MaxAgeHighLevel : ExpertRules.MaxAge));
        Assert.All(experts, e => Assert.True(e.YearsInField >= ExpertRules.MinYearsInField));

        foreach (var email in new[] { "expert1@chuanyu.demo", "expert2@chuanyu.demo" })
        {
            var client = await SignedInAsync(_host, email);
            var mine = await client.GetFromJsonAsync<JsonElement>("/api/v1/experts/me");
            Assert.EndsWith("（示例）", mine.GetProperty("name").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheLoadTestGeneratorMakesDistinctValidPeople()
    {
        using var scope = _host.Services.CreateScope();
        var orgs = await DemoExperts.OrganizationsAsync(scope.ServiceProvider, CancellationToken.None);
        var protector = scope.ServiceProvider.GetRequiredService<FieldProtector>();
        var generated = DemoExperts.Generate(orgs, protector, DateTimeOffset.UtcNow, 3_000, seed: 5, idPrefix: 5);
        Assert.Equal(3_000, generated.Select(g => g.Expert.IdNumberKey).Distinct().Count());
        Assert.All(generated.Take(200), g => Assert.Null(Chuanyu.Web.Features.Accounts.ResidentIdNumber.Check(protector.Unprotect(g.Expert.IdNumberProtected))));
        Assert.All(generated, g => Assert.Contains(g.Expert.PrimaryDiscipline, g.Codes));
    }
}
