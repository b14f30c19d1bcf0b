using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.MarketEvents;
using ClosedXML.Excel;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.MarketEvents;

/// <summary>
/// Matchmaking events on a fixed clock: the organiser's rules, registration (capacity, deadline, encrypted phone), the
/// meeting grid without overlaps (also under concurrent requests, refused by the database's unique indexes), outcomes
/// with the .xlsx read back by ClosedXML, and the iCalendar feed read back by Ical.Net.
/// </summary>
public sealed class MarketEventTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 10, 0, 0, Cst);
    private static readonly DateTimeOffset Start = new(2026, 12, 15, 9, 0, 0, Cst);
    private static readonly string[] Materials = ["430"];
    private static readonly string[] LoserCodes = ["MarketEvents.PartnerBusy", "MarketEvents.SlotTaken"];

    private readonly ChuanyuFactory _factory = new();
    private readonly WebApplicationFactory<Program> _host;
    private readonly ManualClock _clock = new(T0);

    public MarketEventTests()
    {
        _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));
    }

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }

    private async Task<Dictionary<string, object?>> EventAsync(Action<Dictionary<string, object?>>? change = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["title"] = "川渝新材料成果对接会（测试）",
            ["disciplines"] = Materials,
            ["description"] = "新材料领域成果与企业需求一对一洽谈",
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
        };
        change?.Invoke(body);
        return body;
    }

    private async Task<(HttpClient Organizer, Guid Id)> PublishedAsync(Action<Dictionary<string, object?>>? change = null)
    {
        var organizer = await SignedInAsync(_host, "cqu.admin@chuanyu.demo");
        var response = await organizer.PostAsJsonAsync("/api/v1/market-events", await EventAsync(change));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await organizer.PostAsync($"/api/v1/market-events/{id}/publish", null)).StatusCode);
        return (organizer, id);
    }

    private static async Task RegisterAsync(HttpClient client, Guid id, string phone = "13800138000")
    {
        var response = await client.PostAsJsonAsync($"/api/v1/market-events/{id}/registrations", new { contactName = "王工", contactPhone = phone, note = "寻找锂电正极材料技术" });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> RequestAsync(HttpClient client, Guid id, Guid with, DateTimeOffset slot) =>
        client.PostAsJsonAsync($"/api/v1/market-events/{id}/meetings", new { withOrganizationId = with, slotStart = slot, note = "正极材料中试合作" });

    private static async Task AssertFieldAsync(HttpResponseMessage response, string field, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Contains(code, json.GetProperty("errorCodes").GetProperty(field).EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task BadEventInput_IsRefusedWithFieldAndReason()
    {
        var organizer = await SignedInAsync(_host, "cqu.admin@chuanyu.demo");
        await AssertFieldAsync(await organizer.PostAsJsonAsync("/api/v1/market-events", await EventAsync(b => b["endsAt"] = Start.AddHours(-1))),
            "endsAt", "MarketEvents.EndBeforeStart");
        await AssertFieldAsync(await organizer.PostAsJsonAsync("/api/v1/market-events", await EventAsync(b => b["registrationDeadline"] = Start.AddHours(1))),
            "registrationDeadline", "MarketEvents.DeadlineAfterStart");
        await AssertFieldAsync(await organizer.PostAsJsonAsync("/api/v1/market-events", await EventAsync(b => b["meetingsEndAt"] = Start.AddHours(9))),
            "meetingsEndAt", "MarketEvents.MeetingWindowInvalid");
        await AssertFieldAsync(await organizer.PostAsJsonAsync("/api/v1/market-events", await EventAsync(b => { b["online"] = true; b["onlineUrl"] = "javascript:alert(1)"; })),
            "onlineUrl", "MarketEvents.UrlRequired");
        // Hostile text (a right-to-left override) is refused before the service, naming the field.
        var hostile = await organizer.PostAsJsonAsync("/api/v1/market-events", await EventAsync(b => b["title"] = "对接会\u202Egpj.exe"));
        Assert.Equal(HttpStatusCode.BadRequest, hostile.StatusCode);
        Assert.Contains("title", await hostile.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // An organiser only for organisations they administer.
        await AssertFieldAsync(await organizer.PostAsJsonAsync("/api/v1/market-events", await EventAsync(async b => b["organizerOrganizationId"] = await OrgAsync(_host, "四川大学"))),
            "organizerOrganizationId", "MarketEvents.OrganizerInvalid");
        Assert.Equal(0, await WithDbAsync(_host, db => db.Set<MatchmakingEvent>().CountAsync(e => e.Title.StartsWith("对接会"))));
    }

    private async Task<Dictionary<string, object?>> EventAsync(Func<Dictionary<string, object?>, Task> change)
    {
        var body = await EventAsync();
        await change(body);
        return body;
    }

    [Fact]
    public async Task Registration_EnforcesCapacityAndDeadline_StoresThePhoneEncrypted_AndMasksIt()
    {
        var (organizer, id) = await PublishedAsync(b => b["capacity"] = 1);
        var engineer = await SignedInAsync(_host, "engineer@chuanyu.demo");
        await RegisterAsync(engineer, id, "13912345678");
        var stored = await WithDbAsync(_host, db => db.Set<EventRegistration>().Where(r => r.EventId == id).Select(r => r.ContactPhoneProtected).SingleAsync());
        Assert.DoesNotContain("13912345678", stored, StringComparison.Ordinal);
        var list = await organizer.GetFromJsonAsync<JsonElement>($"/api/v1/market-events/{id}/registrations");
        Assert.Equal("139****5678", list[0].GetProperty("maskedPhone").GetString());

        var researcher = await SignedInAsync(_host, "scu.researcher@chuanyu.demo");
        var full = await researcher.PostAsJsonAsync($"/api/v1/market-events/{id}/registrations", new { contactName = "李老师", contactPhone = "13800000001" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, full.StatusCode);
        Assert.Equal("MarketEvents.CapacityFull", (await full.ReadJsonAsync()).GetProperty("code").GetString());

        var (_, other) = await PublishedAsync();
        _clock.Set(Start.AddDays(-1));
        researcher = await SignedInAsync(_host, "scu.researcher@chuanyu.demo"); // tokens issued a month earlier have expired
        var closed = await researcher.PostAsJsonAsync($"/api/v1/market-events/{other}/registrations", new { contactName = "李老师", contactPhone = "13800000001" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, closed.StatusCode);
        Assert.Equal("MarketEvents.RegistrationClosed", (await closed.ReadJsonAsync()).GetProperty("code").GetString());
        await AssertFieldAsync(await researcher.PostAsJsonAsync($"/api/v1/market-events/{other}/registrations", new { contactName = "李老师", contactPhone = "12345" }),
            "contactPhone", "MarketEvents.PhoneInvalid");
    }

    [Fact]
    public async Task Meetings_OffGridOrOverlapping_AreRefused_AndOnlyTheAddresseeAnswers()
    {
        var (organizer, id) = await PublishedAsync();
        var engineer = await SignedInAsync(_host, "engineer@chuanyu.demo");
        var researcher = await SignedInAsync(_host, "scu.researcher@chuanyu.demo");
        var cqu = await SignedInAsync(_host, "cqu.instrument@chuanyu.demo");
        await RegisterAsync(engineer, id);
        await RegisterAsync(researcher, id);
        await RegisterAsync(cqu, id);
        var scuId = await OrgAsync(_host, "四川大学");
        var cquId = await OrgAsync(_host, "重庆大学");
        var slot = Start.AddHours(5);

        await AssertFieldAsync(await RequestAsync(engineer, id, scuId, slot.AddMinutes(10)), "slotStart", "MarketEvents.SlotOffGrid");
        await AssertFieldAsync(await RequestAsync(engineer, id, scuId, Start.AddHours(7)), "slotStart", "MarketEvents.SlotOutsideWindow");

        var first = await RequestAsync(engineer, id, scuId, slot);
        Assert.True(first.StatusCode == HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var meeting = (await first.ReadJsonAsync()).GetProperty("id").GetGuid();
        // The same organisation in the same slot again, with someone else: refused as an overlap.
        var overlap = await RequestAsync(engineer, id, cquId, slot);
        Assert.Equal(HttpStatusCode.Conflict, overlap.StatusCode);
        Assert.Equal("MarketEvents.YouAreBusy", (await overlap.ReadJsonAsync()).GetProperty("code").GetString());
        var partnerBusy = await RequestAsync(cqu, id, scuId, slot);
        Assert.Equal("MarketEvents.PartnerBusy", (await partnerBusy.ReadJsonAsync()).GetProperty("code").GetString());

        // A third organisation does not see the meeting; the requester cannot accept it; the addressee can.
        Assert.Equal(HttpStatusCode.NotFound, (await cqu.PostAsJsonAsync($"/api/v1/market-events/{id}/meetings/{meeting}/answer", new { accept = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PostAsJsonAsync($"/api/v1/market-events/{id}/meetings/{meeting}/answer", new { accept = true })).StatusCode);
        Assert.DoesNotContain(meeting.ToString(), await cqu.GetStringAsync($"/api/v1/market-events/{id}/meetings/mine"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await researcher.PostAsJsonAsync($"/api/v1/market-events/{id}/meetings/{meeting}/answer", new { accept = true })).StatusCode);

        // Another organisation's administrator cannot edit the event.
        var other = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PutAsJsonAsync($"/api/v1/market-events/{id}", await EventAsync())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/market-events/{id}/registrations")).StatusCode);

        // After the meeting: outcomes, the summary and the workbook.
        _clock.Set(slot.AddMinutes(31));
        (engineer, researcher, organizer) = (await SignedInAsync(_host, "engineer@chuanyu.demo"), await SignedInAsync(_host, "scu.researcher@chuanyu.demo"),
            await SignedInAsync(_host, "cqu.admin@chuanyu.demo"));
        Assert.Equal(HttpStatusCode.NoContent, (await engineer.PutAsJsonAsync($"/api/v1/market-events/{id}/meetings/{meeting}/outcome", new { outcome = "DealStarted", note = "签订中试协议意向" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await researcher.PutAsJsonAsync($"/api/v1/market-events/{id}/meetings/{meeting}/outcome", new { outcome = "Interest" })).StatusCode);
        var summary = await organizer.GetFromJsonAsync<JsonElement>($"/api/v1/market-events/{id}/outcomes");
        Assert.Equal(1, summary.GetProperty("held").GetInt32());
        Assert.Equal(1, summary.GetProperty("withInterest").GetInt32());
        Assert.Equal(1, summary.GetProperty("dealsStarted").GetInt32());
        Assert.Equal(3, summary.GetProperty("registered").GetInt32());

        using var file = await organizer.GetStreamAsync($"/api/v1/market-events/{id}/outcomes.xlsx");
        using var copy = new MemoryStream();
        await file.CopyToAsync(copy);
        using var workbook = new XLWorkbook(copy);
        var sheet = workbook.Worksheet(1);
        Assert.Equal("成都蓉芯微纳检测技术有限公司", sheet.Cell(2, 3).GetString());
        Assert.Equal("四川大学", sheet.Cell(2, 4).GetString());
        Assert.Equal(1, sheet.Cell(2, 2).GetValue<int>());
        Assert.Equal("已启动合作", sheet.Cell(2, 6).GetString());
        Assert.Equal(1, workbook.Worksheet(2).Cell(7, 2).GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, (await engineer.GetAsync($"/api/v1/market-events/{id}/outcomes.xlsx")).StatusCode);
    }

    [Fact]
    public async Task ConcurrentRequestsForOneOrganisationInOneSlot_ExactlyOneWins()
    {
        var (_, id) = await PublishedAsync(b => b["tables"] = 5);
        var engineer = await SignedInAsync(_host, "engineer@chuanyu.demo");
        var researcher = await SignedInAsync(_host, "scu.researcher@chuanyu.demo");
        var cqu = await SignedInAsync(_host, "cqu.instrument@chuanyu.demo");
        await RegisterAsync(engineer, id);
        await RegisterAsync(researcher, id);
        await RegisterAsync(cqu, id);
        var cquId = await OrgAsync(_host, "重庆大学");
        var slot = Start.AddHours(6);
        for (var round = 0; round < 5; round++)
        {
            var at = slot.AddMinutes(30 * (round % 2));
            if (round > 0)
            {
                await WithDbAsync(_host, async db =>
                {
                    await db.Set<EventMeetingHold>().Where(h => h.EventId == id).ExecuteDeleteAsync();
                    return await db.Set<EventMeeting>().Where(m => m.EventId == id).ExecuteDeleteAsync();
                });
            }
            var responses = await Task.WhenAll(RequestAsync(engineer, id, cquId, at), RequestAsync(researcher, id, cquId, at));
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            var loser = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Conflict);
            var code = (await loser.ReadJsonAsync()).GetProperty("code").GetString();
            Assert.Contains(code, LoserCodes);
            Assert.Equal(2, await WithDbAsync(_host, db => db.Set<EventMeetingHold>().CountAsync(h => h.EventId == id)));
        }
    }

    [Fact]
    public async Task TheDatabaseRefusesATableOrAnOrganisationTwiceInASlot()
    {
        var (_, id) = await PublishedAsync();
        var engineer = await SignedInAsync(_host, "engineer@chuanyu.demo");
        var researcher = await SignedInAsync(_host, "scu.researcher@chuanyu.demo");
        await RegisterAsync(engineer, id);
        await RegisterAsync(researcher, id);
        var scuId = await OrgAsync(_host, "四川大学");
        var slot = Start.AddHours(5);
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(engineer, id, scuId, slot)).StatusCode);
        var meeting = await WithDbAsync(_host, db => db.Set<EventMeeting>().AsNoTracking().SingleAsync(m => m.EventId == id));
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => WithDbAsync(_host, db =>
        {
            db.Add(new EventMeeting
            {
                Id = Guid.NewGuid(),
                EventId = id,
                RequesterOrganizationId = meeting.TargetOrganizationId,
                TargetOrganizationId = meeting.RequesterOrganizationId,
                SlotStart = slot.ToUniversalTime(),
                TableNumber = meeting.TableNumber,
                Status = MeetingStatus.Pending,
                RequestedBy = meeting.RequestedBy,
                CreatedAt = T0
            });
            return db.SaveChangesAsync();
        }));
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => WithDbAsync(_host, db =>
        {
            db.Add(new EventMeetingHold { Id = Guid.NewGuid(), MeetingId = meeting.Id, EventId = id, OrganizationId = meeting.TargetOrganizationId, SlotStart = slot.ToUniversalTime() });
            return db.SaveChangesAsync();
        }));
    }

    [Fact]
    public async Task MonthCalendar_FiltersByChinaMonthRegionAndDiscipline()
    {
        var (_, id) = await PublishedAsync();
        var anonymous = _host.CreateClient();
        async Task<bool> ListedAsync(string query)
        {
            var response = await anonymous.GetAsync("/api/v1/market-events?" + query);
            Assert.True(response.StatusCode == HttpStatusCode.OK, query + ": " + await response.Content.ReadAsStringAsync());
            return (await response.ReadJsonAsync()).EnumerateArray().Any(e => e.GetProperty("id").GetGuid() == id);
        }
        var region = (await (await anonymous.GetAsync($"/api/v1/market-events/{id}")).ReadJsonAsync()).GetProperty("regionCode").GetString();
        Assert.True(await ListedAsync("month=2026-12"));
        Assert.True(await ListedAsync($"month=2026-12&region={region}&discipline=430"));
        Assert.False(await ListedAsync("month=2026-11"));
        Assert.False(await ListedAsync("month=2026-12&region=" + (region == "500000" ? "510000" : "500000")));
        Assert.False(await ListedAsync("month=2026-12&discipline=520"));
        Assert.False(await ListedAsync("month=2026-12&discipline=0001-01-01"));
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync("/api/v1/market-events?month=2026-13")).StatusCode);
    }

    [Fact]
    public async Task CalendarFeed_ReadsBackWithIcalNet_InChinaTime()
    {
        var (organizer, id) = await PublishedAsync(b => { b["online"] = true; b["onlineUrl"] = "https://meeting.example.org/room/42"; b["address"] = null; });
        var text = await _host.CreateClient().GetStringAsync("/Market/Events/calendar.ics");
        var calendar = Ical.Net.Calendar.Load(text)!;
        var e = Assert.Single(calendar.Events, x => x.Uid == $"{id:N}@chuanyu");
        Assert.Equal("川渝新材料成果对接会（测试）", e.Summary);
        Assert.Equal("Asia/Shanghai", e.Start!.TzId);
        Assert.Equal(9, e.Start.Value.Hour);
        Assert.Equal(Start.UtcDateTime, e.Start.AsUtc);
        Assert.Equal(Start.AddHours(8).UtcDateTime, e.End!.AsUtc);
        Assert.Equal("https://meeting.example.org/room/42", e.Location);
        Assert.Equal(new Uri("https://meeting.example.org/room/42"), e.Url);

        // Cancelled: the registrants are told through the outbox, and the feed says so.
        var engineer = await SignedInAsync(_host, "engineer@chuanyu.demo");
        await RegisterAsync(engineer, id, "13700001111");
        Assert.Equal(HttpStatusCode.NoContent, (await organizer.PostAsJsonAsync($"/api/v1/market-events/{id}/cancel", new { reason = "场地调整" })).StatusCode);
        Assert.True(await WithDbAsync(_host, db => db.Outbox.AnyAsync(m => m.Channel == "sms" && m.Recipient == "13700001111" && m.Body.Contains("场地调整"))));
        var one = Ical.Net.Calendar.Load(await _host.CreateClient().GetStringAsync($"/Market/Events/{id}/calendar.ics"))!;
        Assert.Equal("CANCELLED", Assert.Single(one.Events).Status);
    }
}
