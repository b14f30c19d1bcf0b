using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Market;

/// <summary>The market's demo data (issue 17 point 7) and the load-test generator behind <c>seed --results N</c>.</summary>
public sealed class DemoMarketTests : IDisposable
{
    private readonly ChuanyuFactory _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public void TheRows_CoverBothListsBothRegionsAndTheSixFields_WithValidCodes()
    {
        var rows = DemoMarket.Rows;
        Assert.True(rows.Count(r => r.Kind == "achievement") >= 150);
        Assert.True(rows.Count(r => r.Kind == "demand") >= 80);
        Assert.All(rows, r => Assert.True(MarketRules.CodesOf(r.Disciplines).All(c => Chuanyu.Web.Features.Experts.DisciplineCodes.Find(c) is not null), r.Disciplines));
        Assert.All(rows, r => Assert.True(MarketRules.CodesOf(r.Industries).All(c => IndustryCodes.Find(c) is not null), r.Industries));
        Assert.All(rows, r => Assert.InRange(r.Trl, 1, 9));
        // Illustrative, and said so in the text itself.
        Assert.All(rows, r => Assert.Contains("示例", r.Summary + r.Details, StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Kind == "demand" && r.Confidential);
        foreach (var status in new[] { "Published", "PendingReview", "Expired", "Closed", "Draft" })
        {
            Assert.Contains(rows, r => r.Status == status);
        }
        var regions = DemoData.Organizations.ToDictionary(o => o.Key, o => o.DistrictCode[..2]);
        Assert.Equal(["50", "51"], rows.Select(r => regions[r.Org]).Distinct().Order());
    }

    [Fact]
    public async Task TheDemoSeed_PublishesMostRows_AndSeedMany_AddsNResultsAndHalfAsManyDemands()
    {
        using var scope = _host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var directory = scope.ServiceProvider.GetRequiredService<MarketDirectory>();
        var liveResults = await directory.LiveAchievements().CountAsync();
        var liveDemands = await directory.LiveDemands().CountAsync();
        Assert.True(liveResults >= 100, $"live results: {liveResults}");
        Assert.True(liveDemands >= 50, $"live demands: {liveDemands}");
        // Expired rows of the demo are not live, whatever their stored state.
        Assert.True(await db.Set<Achievement>().CountAsync() > liveResults);

        var (results, demands) = await DemoMarket.SeedManyAsync(db, 300, DateTimeOffset.UtcNow, 730, default);
        Assert.Equal((300, 150), (results, demands));
        Assert.Equal(liveResults + 300, await directory.LiveAchievements().CountAsync());
        Assert.Equal(liveDemands + 150, await directory.LiveDemands().CountAsync());
    }
}
