using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Features.MarketEvents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.MarketEvents;

/// <summary>The demo's events show what is on show: 2–4 live demo results and demands of each event's field, on the public list.</summary>
public sealed class DemoEventExhibitTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Fact]
    public async Task EveryDemoEvent_ShowsTwoToFourLiveResultsAndDemandsOfItsField()
    {
        var events = await WithDbAsync(factory, db => db.Set<MatchmakingEvent>().AsNoTracking().Where(e => e.Synthetic).ToListAsync());
        Assert.Equal(3, events.Count);
        var anonymous = factory.CreateClient();
        foreach (var e in events)
        {
            var shown = (await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/market-events/{e.Id}/exhibits")).EnumerateArray().ToList();
            Assert.InRange(shown.Count, 2, 4);
            Assert.Contains(shown, x => x.GetProperty("kind").GetString() == nameof(ExhibitKind.Achievement));
            Assert.Contains(shown, x => x.GetProperty("kind").GetString() == nameof(ExhibitKind.Demand));
            var prefixes = e.Disciplines.Split(',').Select(c => " " + c.Trim()).ToList();
            using var scope = factory.Services.CreateScope();
            var market = scope.ServiceProvider.GetRequiredService<MarketDirectory>();
            foreach (var x in shown)
            {
                var id = x.GetProperty("itemId").GetGuid();
                var codes = x.GetProperty("kind").GetString() == nameof(ExhibitKind.Achievement)
                    ? await market.LiveAchievements().Where(a => a.Id == id).Select(a => a.DisciplineCodes).SingleAsync()
                    : await market.LiveDemands().Where(d => d.Id == id).Select(d => d.DisciplineCodes).SingleAsync();
                Assert.Contains(prefixes, p => codes.Contains(p, StringComparison.Ordinal));
            }
        }
    }
}
