using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Deals;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Features.MarketEvents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.Deals;

/// <summary>
/// Deals taken from a match reaction, an interest or an event's meeting (issue 17 points 4 and 5): the reference is
/// checked against the pair or the meeting's exhibit, a wrong one is refused on <c>sourceRef</c> and creates nothing;
/// the form comes prefilled from the query string; the stage sort follows the pipeline.
/// </summary>
public sealed class DealSourceTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private const string Deals = "/api/v1/deals";
    private const string TechManager = "techmanager@chuanyu.demo";

    private async Task<(AchievementRef Result, DemandRef Demand, DemandRef OtherDemand)> LiveAsync(int skip)
    {
        using var scope = factory.Services.CreateScope();
        var market = scope.ServiceProvider.GetRequiredService<MarketDirectory>();
        var result = await market.LiveAchievements().OrderBy(a => a.Id).Skip(skip).FirstAsync();
        var demands = await market.LiveDemands().Where(d => d.OrganizationId != result.OrganizationId).OrderBy(d => d.Id).Take(2).ToListAsync();
        return (result, demands[0], demands[1]);
    }

    /// <summary>A reaction of an organisation that owns neither record, written as the market writes it.</summary>
    private async Task<Guid> ReactionAsync(AchievementRef result, DemandRef demand, MatchReactionKind kind)
    {
        var user = await WithDbAsync(factory, db => db.Users.Where(u => u.Email == TechManager).Select(u => u.Id).FirstAsync());
        var org = await WithDbAsync(factory, db => db.Organizations.Where(o => o.Id != result.OrganizationId && o.Id != demand.OrganizationId).OrderBy(o => o.Id).Select(o => o.Id).FirstAsync());
        var id = Guid.NewGuid();
        await WithDbAsync(factory, db =>
        {
            db.Add(new MatchReaction
            {
                Id = id,
                OrganizationId = org,
                UserId = user,
                DemandId = demand.Id,
                AchievementId = result.Id,
                Side = MatchSide.Demand,
                Kind = kind,
                Note = kind == MatchReactionKind.Interested ? "test interest" : null,
                CreatedAt = DateTimeOffset.UtcNow,
            });
            return db.SaveChangesAsync();
        });
        return id;
    }

    private Task<int> DealCountAsync() => WithDbAsync(factory, db => db.Set<Deal>().CountAsync());

    private static async Task AssertRefusedOnSourceRefAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("sourceRef", out var reasons), errors.ToString());
        Assert.NotEmpty(reasons.EnumerateArray().First().GetString()!);
    }

    [Fact]
    public async Task ADealFromARealInterest_KeepsSourceAndRef_AnInterestOfAnotherPairOrOfNothingIsRefused()
    {
        var manager = await SignedInAsync(factory, TechManager);
        var (result, demand, otherDemand) = await LiveAsync(skip: 0);
        var interest = await ReactionAsync(result, demand, MatchReactionKind.Interested);
        var saved = await ReactionAsync(result, otherDemand, MatchReactionKind.Saved);
        var before = await DealCountAsync();

        await AssertRefusedOnSourceRefAsync(await manager.PostAsJsonAsync(Deals, new { achievementId = result.Id, demandId = otherDemand.Id, source = "Interest", sourceRef = interest }));
        await AssertRefusedOnSourceRefAsync(await manager.PostAsJsonAsync(Deals, new { achievementId = result.Id, demandId = demand.Id, source = "Interest", sourceRef = Guid.NewGuid() }));
        // A saved match is not an interest, and an interest needs both records of its pair.
        await AssertRefusedOnSourceRefAsync(await manager.PostAsJsonAsync(Deals, new { achievementId = result.Id, demandId = otherDemand.Id, source = "Interest", sourceRef = saved }));
        await AssertRefusedOnSourceRefAsync(await manager.PostAsJsonAsync(Deals, new { achievementId = result.Id, source = "Interest", sourceRef = interest }));
        await AssertRefusedOnSourceRefAsync(await manager.PostAsJsonAsync(Deals, new { achievementId = result.Id, demandId = demand.Id, source = "Direct", sourceRef = interest }));
        Assert.Equal(before, await DealCountAsync());

        var created = await manager.PostAsJsonAsync(Deals, new { achievementId = result.Id, demandId = demand.Id, source = "Interest", sourceRef = interest });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var deal = await created.ReadJsonAsync();
        Assert.Equal("Interest", deal.GetProperty("source").GetString());
        Assert.Equal(interest, deal.GetProperty("sourceRef").GetGuid());
        var id = deal.GetProperty("id").GetGuid();
        var stored = await WithDbAsync(factory, db => db.Set<Deal>().AsNoTracking().SingleAsync(d => d.Id == id));
        Assert.Equal((DealSource.Interest, interest), (stored.Source, stored.SourceRef));

        // A match's reference is optional; given, it must be a reaction to the same pair (a saved one will do).
        var fromMatch = await manager.PostAsJsonAsync(Deals, new { achievementId = result.Id, demandId = otherDemand.Id, source = "Match", sourceRef = saved });
        Assert.Equal(HttpStatusCode.Created, fromMatch.StatusCode);
        await AssertRefusedOnSourceRefAsync(await manager.PostAsJsonAsync(Deals, new { achievementId = result.Id, demandId = demand.Id, source = "Match", sourceRef = saved }));
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync(Deals, new { achievementId = result.Id, demandId = demand.Id, source = "Match" })).StatusCode);
        Assert.Equal(before + 3, await DealCountAsync());
    }

    [Fact]
    public async Task ADealFromAMeeting_MustBeAboutTheMeetingsExhibit_AnUnknownMeetingIsRefused()
    {
        var manager = await SignedInAsync(factory, TechManager);
        var (result, demand, _) = await LiveAsync(skip: 1);
        var (other, _, _) = await LiveAsync(skip: 2);
        // A held meeting of a demo event about a result on show, beside one that names no exhibit.
        var (about, plain) = await WithDbAsync(factory, async db =>
        {
            var held = await db.Set<EventMeeting>().AsNoTracking().Where(m => m.Status == MeetingStatus.Accepted).OrderBy(m => m.SlotStart).FirstAsync();
            var exhibit = new EventExhibit { Id = Guid.NewGuid(), EventId = held.EventId, Kind = ExhibitKind.Achievement, ItemId = result.Id, AddedBy = held.RequestedBy, AddedAt = held.CreatedAt };
            var withExhibit = new EventMeeting
            {
                Id = Guid.NewGuid(),
                EventId = held.EventId,
                RequesterOrganizationId = held.RequesterOrganizationId,
                TargetOrganizationId = held.TargetOrganizationId,
                SlotStart = held.SlotStart.AddDays(-1),
                Status = MeetingStatus.Accepted,
                RequestedBy = held.RequestedBy,
                CreatedAt = held.CreatedAt,
                TargetOutcome = MeetingOutcome.DealStarted,
                ExhibitId = exhibit.Id,
            };
            if (!await db.Set<EventExhibit>().AnyAsync(x => x.EventId == held.EventId && x.Kind == ExhibitKind.Achievement && x.ItemId == result.Id))
            {
                db.Add(exhibit);
            }
            else
            {
                withExhibit.ExhibitId = await db.Set<EventExhibit>().Where(x => x.EventId == held.EventId && x.Kind == ExhibitKind.Achievement && x.ItemId == result.Id).Select(x => x.Id).FirstAsync();
            }
            db.Add(withExhibit);
            await db.SaveChangesAsync();
            var plainMeeting = await db.Set<EventMeeting>().AsNoTracking().Where(m => m.ExhibitId == null).Select(m => m.Id).FirstAsync();
            return (withExhibit.Id, plainMeeting);
        });
        var before = await DealCountAsync();
        await AssertRefusedOnSourceRefAsync(await manager.PostAsJsonAsync(Deals, new { achievementId = other.Id, demandId = demand.Id, source = "Event", sourceRef = about }));
        await AssertRefusedOnSourceRefAsync(await manager.PostAsJsonAsync(Deals, new { demandId = demand.Id, source = "Event", sourceRef = about }));
        await AssertRefusedOnSourceRefAsync(await manager.PostAsJsonAsync(Deals, new { achievementId = result.Id, source = "Event", sourceRef = Guid.NewGuid() }));
        Assert.Equal(before, await DealCountAsync());

        var created = await manager.PostAsJsonAsync(Deals, new { achievementId = result.Id, demandId = demand.Id, source = "Event", sourceRef = about });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var deal = await created.ReadJsonAsync();
        Assert.Equal(("Event", about), (deal.GetProperty("source").GetString(), deal.GetProperty("sourceRef").GetGuid()));
        // A meeting about no exhibit fits any result or demand.
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync(Deals, new { achievementId = other.Id, source = "Event", sourceRef = plain })).StatusCode);
    }

    [Fact]
    public async Task TheNewDealForm_ComesFilledFromTheQuery_WithTheTitlesAndTheSource()
    {
        var manager = await SignedInAsync(factory, TechManager);
        var (result, demand, _) = await LiveAsync(skip: 3);
        var interest = await ReactionAsync(result, demand, MatchReactionKind.Interested);
        var html = await manager.GetStringAsync($"/Deals/New?achievementId={result.Id}&demandId={demand.Id}&source=Interest&sourceRef={interest}");
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        Assert.Equal(result.Title, page.QuerySelector("[data-testid=from-result]")?.TextContent);
        Assert.Equal(demand.Title, page.QuerySelector("[data-testid=from-demand]")?.TextContent);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", page.QuerySelector("[data-testid=from-source]")?.TextContent ?? "");
        Assert.Equal(interest.ToString(), page.QuerySelector("form[data-testid=deal-form] input[name=SourceRef]")?.GetAttribute("value"));
        Assert.Equal(result.Id.ToString(), page.QuerySelector("#AchievementId option[selected]")?.GetAttribute("value"));
        Assert.Equal("Interest", page.QuerySelector("#Source option[selected]")?.GetAttribute("value"));
    }

    [Fact]
    public async Task SortByStage_FollowsThePipeline_NotTheAlphabet()
    {
        var manager = await SignedInAsync(factory, TechManager);
        var list = await manager.GetFromJsonAsync<JsonElement>($"{Deals}?mine=true&sort=Stage&pageSize=200");
        var stages = list.GetProperty("items").EnumerateArray().Select(d => Enum.Parse<DealStage>(d.GetProperty("stage").GetString()!)).ToList();
        // The demo manager carries open and closed deals, so the alphabet (Closed first) and the pipeline disagree.
        Assert.True(stages.Distinct().Count() >= 4, string.Join(' ', stages));
        Assert.Equal(stages.Order().ToList(), stages);
        Assert.Equal(DealStage.Lead, stages[0]);
        Assert.Equal(DealStage.Closed, stages[^1]);
    }
}
