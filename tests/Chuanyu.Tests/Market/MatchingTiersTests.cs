using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Market;

/// <summary>
/// Matching at scale reads the search index the way a million results make it (on PostgreSQL: the best tiers first, round
/// by round, then every match pinned to the GIN index): a second instance on the same database is told that a tier group
/// is 512 rows, so 16,000 synthetic results take that path. Its match lists must be the whole read's, item for item.
/// </summary>
public sealed class MatchingTiersTests : IDisposable
{
    private readonly ChuanyuFactory _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task TheTieredRead_ListsWhatTheWholeReadLists_InTheSameOrder()
    {
        List<Guid> demands;
        using (var scope = _host.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await DemoMarket.SeedManyAsync(db, 16_000, DateTimeOffset.UtcNow, 730, default);
            demands = await scope.ServiceProvider.GetRequiredService<MarketDirectory>().LiveDemands()
                .OrderBy(d => d.Id).Select(d => d.Id).Take(12).ToListAsync();
        }
        using var tiered = ChuanyuFactory.OnSameDatabase(_host.Database, new Dictionary<string, string> { ["Search:TierGroup"] = "512" });
        var listed = 0;
        foreach (var id in demands)
        {
            var whole = await MatchAsync(_host, id);
            var rounds = await MatchAsync(tiered, id);
            Assert.Equal(whole.Candidates, rounds.Candidates);
            Assert.Equal(whole.Items.Select(i => i.Id), rounds.Items.Select(i => i.Id));
            listed += whole.Items.Count;
        }
        // Something to compare: the synthetic copies of the demo results answer the demo demands.
        Assert.True(listed >= demands.Count, $"{listed} results listed for {demands.Count} demands");
    }

    private static async Task<MatchList> MatchAsync(ChuanyuFactory host, Guid demandId)
    {
        using var scope = host.Services.CreateScope();
        var (list, result) = await scope.ServiceProvider.GetRequiredService<MarketMatching>().ForDemandAsync(demandId, new MatchQuery(), default);
        Assert.IsType<ServiceResult.Ok>(result);
        return list!;
    }
}
