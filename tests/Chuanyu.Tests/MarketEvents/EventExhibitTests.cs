using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Features.MarketEvents;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.MarketEvents;

/// <summary>
/// The results and demands on show at a matchmaking event: only the organiser (not a member, not another region's
/// administrator) puts a live item on show, an expired one is refused, an item that expires later drops from the public
/// list, and a meeting request may name one of the event's exhibits (and only one of them).
/// </summary>
public sealed class EventExhibitTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 10, 0, 0, Cst);
    private static readonly DateTimeOffset Start = new(2026, 12, 15, 9, 0, 0, Cst);
    private static readonly string[] Materials = ["430"];

    private readonly ChuanyuFactory _factory = new();
    private readonly WebApplicationFactory<Program> _host;
    private readonly ManualClock _clock = new(T0);

    public EventExhibitTests()
    {
        _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));
    }

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }

    /// <summary>A published event of 重庆大学 (Chongqing), organised by its organisation administrator.</summary>
    private async Task<(HttpClient Organizer, Guid Id)> PublishedAsync()
    {
        var organizer = await SignedInAsync(_host, "cqu.admin@chuanyu.demo");
        var response = await organizer.PostAsJsonAsync("/api/v1/market-events", new Dictionary<string, object?>
        {
            ["title"] = "川渝新材料成果展示对接会（测试）",
            ["disciplines"] = Materials,
            ["organizerOrganizationId"] = await OrgAsync(_host, "重庆大学"),
            ["startsAt"] = Start,
            ["endsAt"] = Start.AddHours(8),
            ["online"] = false,
            ["address"] = "重庆大学 A 区 国际会议中心",
            ["capacity"] = 10,
            ["registrationDeadline"] = Start.AddDays(-2),
            ["slotMinutes"] = 30,
            ["tables"] = 2,
            ["meetingsStartAt"] = Start.AddHours(5),
            ["meetingsEndAt"] = Start.AddHours(7),
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await organizer.PostAsync($"/api/v1/market-events/{id}/publish", null)).StatusCode);
        return (organizer, id);
    }

    /// <summary>Demo results set to a known state: published until <paramref name="expiresAt"/> (saved through tracked entities, as the search index wants).</summary>
    private Task<List<Guid>> AchievementsAsync(int count, DateTimeOffset expiresAt, bool newest = false) => WithDbAsync(_host, async db =>
    {
        var published = db.Set<Achievement>().Where(a => a.Status == MarketStatus.Published);
        var rows = await (newest ? published.OrderByDescending(a => a.Id) : published.OrderBy(a => a.Id)).Take(count).ToListAsync();
        rows.ForEach(a => a.ExpiresAt = expiresAt.ToUniversalTime());
        await db.SaveChangesAsync();
        return rows.Select(a => a.Id).ToList();
    });

    private Task<Guid> LiveDemandAsync() => WithDbAsync(_host, async db =>
    {
        var demand = await db.Set<Demand>().OrderBy(d => d.Id).Where(d => d.Status == MarketStatus.Published).FirstAsync();
        demand.ExpiresAt = T0.AddDays(90).ToUniversalTime();
        await db.SaveChangesAsync();
        return demand.Id;
    });

    private Task<int> ExpireAsync(Guid id, DateTimeOffset at) => WithDbAsync(_host, async db =>
    {
        (await db.Set<Achievement>().SingleAsync(a => a.Id == id)).ExpiresAt = at.ToUniversalTime();
        return await db.SaveChangesAsync();
    });

    private static Task<HttpResponseMessage> AddAsync(HttpClient client, Guid eventId, string kind, Guid itemId) =>
        client.PostAsJsonAsync($"/api/v1/market-events/{eventId}/exhibits", new { kind, itemId });

    private static async Task<List<JsonElement>> ListAsync(HttpClient client, Guid eventId)
    {
        var response = await client.GetAsync($"/api/v1/market-events/{eventId}/exhibits");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.ReadJsonAsync()).EnumerateArray()];
    }

    [Fact]
    public async Task OnlyTheOrganiser_PutsALiveItemOnShow_AnExpiredOneIsRefused_AndEachChangeIsAudited()
    {
        var (organizer, id) = await PublishedAsync();
        var live = (await AchievementsAsync(1, T0.AddDays(30)))[0];
        var demand = await LiveDemandAsync();
        // Past its expiry, though the job has not run: the stored status is still Published.
        var expired = (await AchievementsAsync(1, T0.AddDays(-1), newest: true))[0];

        // A member of another organisation and another region's administrator may see the event but not change it.
        var stranger = await SignedInAsync(_host, "engineer@chuanyu.demo");
        Assert.Equal(HttpStatusCode.Forbidden, (await AddAsync(stranger, id, "Achievement", live)).StatusCode);
        var otherRegion = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        Assert.Equal(HttpStatusCode.Forbidden, (await AddAsync(otherRegion, id, "Achievement", live)).StatusCode);

        // Expired and unknown items are refused on itemId.
        foreach (var refused in new[] { expired, Guid.NewGuid() })
        {
            var response = await AddAsync(organizer, id, "Achievement", refused);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
            Assert.Contains("MarketEvents.ExhibitNotLive", JsonDocument.Parse(body).RootElement.GetProperty("errorCodes").GetProperty("itemId").EnumerateArray().Select(e => e.GetString()));
        }
        // A demand's id is not a result's.
        Assert.Equal(HttpStatusCode.BadRequest, (await AddAsync(organizer, id, "Achievement", demand)).StatusCode);

        var added = await AddAsync(organizer, id, "Achievement", live);
        Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, (await AddAsync(organizer, id, "Demand", demand)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await AddAsync(organizer, id, "Achievement", live)).StatusCode);

        var shown = await ListAsync(_host.CreateClient(), id);
        Assert.Equal(2, shown.Count);
        var result = shown.Single(x => x.GetProperty("kind").GetString() == "Achievement");
        Assert.Equal(live, result.GetProperty("itemId").GetGuid());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(result.GetProperty("organizationName").GetString()));

        // Removing is the organiser's too.
        var exhibitId = result.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.DeleteAsync($"/api/v1/market-events/{id}/exhibits/{exhibitId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await organizer.DeleteAsync($"/api/v1/market-events/{id}/exhibits/{exhibitId}")).StatusCode);
        Assert.Single(await ListAsync(_host.CreateClient(), id));

        var actions = await WithDbAsync(_host, db => db.AuditEntries.Where(a => a.Target == $"market-event:{id}").Select(a => a.Action).ToListAsync());
        Assert.Equal(2, actions.Count(a => a == "market-event.exhibit.add"));
        Assert.Single(actions, a => a == "market-event.exhibit.remove");
    }

    [Fact]
    public async Task AnItemThatExpires_DropsFromThePublicList_AndAMeetingMayNameOnlyAnExhibitOfItsEvent()
    {
        var (organizer, id) = await PublishedAsync();
        var items = await AchievementsAsync(2, Start.AddDays(30));
        await ExpireAsync(items[1], Start.AddHours(-1));
        foreach (var item in items)
        {
            Assert.Equal(HttpStatusCode.Created, (await AddAsync(organizer, id, "Achievement", item)).StatusCode);
        }
        var (_, other) = await PublishedAsync();
        Assert.Equal(HttpStatusCode.Created, (await AddAsync(organizer, other, "Achievement", items[0])).StatusCode);
        var foreignExhibit = (await ListAsync(organizer, other))[0].GetProperty("id").GetGuid();
        var exhibit = (await ListAsync(organizer, id)).Single(x => x.GetProperty("itemId").GetGuid() == items[0]).GetProperty("id").GetGuid();

        // Two registrants; a meeting about another event's exhibit is refused on exhibitId, one about this event's is kept.
        var engineer = await SignedInAsync(_host, "engineer@chuanyu.demo");
        var researcher = await SignedInAsync(_host, "scu.researcher@chuanyu.demo");
        foreach (var client in new[] { engineer, researcher })
        {
            var registered = await client.PostAsJsonAsync($"/api/v1/market-events/{id}/registrations", new { contactName = "王工", contactPhone = "13800138000" });
            Assert.True(registered.StatusCode == HttpStatusCode.OK, await registered.Content.ReadAsStringAsync());
        }
        var scu = await OrgAsync(_host, "四川大学");
        var slot = Start.AddHours(5);
        var wrong = await engineer.PostAsJsonAsync($"/api/v1/market-events/{id}/meetings", new { withOrganizationId = scu, slotStart = slot, exhibitId = foreignExhibit });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("exhibitId", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var asked = await engineer.PostAsJsonAsync($"/api/v1/market-events/{id}/meetings", new { withOrganizationId = scu, slotStart = slot, exhibitId = exhibit });
        Assert.True(asked.StatusCode == HttpStatusCode.OK, await asked.Content.ReadAsStringAsync());
        Assert.Equal(exhibit, (await asked.ReadJsonAsync()).GetProperty("exhibitId").GetGuid());

        // Past the second item's expiry: the public list keeps the first only; the organiser still sees both, one not live.
        _clock.Set(Start.AddHours(-1).AddMinutes(1));
        Assert.Equal([items[0]], (await ListAsync(_host.CreateClient(), id)).Select(x => x.GetProperty("itemId").GetGuid()).ToList());
        organizer = await SignedInAsync(_host, "cqu.admin@chuanyu.demo");
        var all = await ListAsync(organizer, id);
        Assert.Equal(2, all.Count);
        Assert.False(all.Single(x => x.GetProperty("itemId").GetGuid() == items[1]).GetProperty("live").GetBoolean());

        // Removing the exhibit leaves the meeting in its slot without the reference.
        Assert.Equal(HttpStatusCode.NoContent, (await organizer.DeleteAsync($"/api/v1/market-events/{id}/exhibits/{exhibit}")).StatusCode);
        Assert.Null(await WithDbAsync(_host, db => db.Set<EventMeeting>().Where(m => m.EventId == id).Select(m => m.ExhibitId).SingleAsync()));
    }

    [Fact]
    public async Task ADraftEventsExhibits_AreNotFoundForAnyoneButItsOrganisers()
    {
        var organizer = await SignedInAsync(_host, "cqu.admin@chuanyu.demo");
        var (_, published) = await PublishedAsync();
        await WithDbAsync(_host, db => db.Set<MatchmakingEvent>().Where(e => e.Id == published)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, MatchmakingEventStatus.Draft)));
        Assert.Equal(HttpStatusCode.NotFound, (await _host.CreateClient().GetAsync($"/api/v1/market-events/{published}/exhibits")).StatusCode);
        var stranger = await SignedInAsync(_host, "engineer@chuanyu.demo");
        Assert.Equal(HttpStatusCode.NotFound, (await AddAsync(stranger, published, "Achievement", (await AchievementsAsync(1, T0.AddDays(30)))[0])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await organizer.GetAsync($"/api/v1/market-events/{published}/exhibits")).StatusCode);
    }
}
