using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Usage;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.Booking;

/// <summary>
/// Booking through the API on the real clock: each test makes its own instrument, so the tests of this class (which
/// share one database) never compete for a slot. Times are weekdays a week or more ahead, in China Standard Time.
/// </summary>
public sealed class BookingApiTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static readonly int[] EveryDay = [1, 2, 3, 4, 5, 6, 7];
    private static readonly string[] NoEnterprise = ["Internal", "SameRegion", "OtherRegion"];

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    private static DateTimeOffset Tuesday(int hour, int minute = 0) => Weekday(Now, 8, DayOfWeek.Tuesday, hour, minute);

    private async Task<(HttpClient Manager, Guid Instrument)> SetUpAsync(string name, string sharing = "OpenToAll")
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        return (manager, await InstrumentAsync(factory, manager, name, sharing));
    }

    private static async Task<Guid> BookAsync(HttpClient client, object request)
    {
        var response = await client.PostAsJsonAsync("/api/v1/bookings", request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    private static async Task<string> RuleBrokenAsync(HttpResponseMessage response)
    {
        var body = await response.AssertProblemAsync(422);
        return body.GetProperty("rule").GetString()!;
    }

    [Fact]
    public async Task Researcher_Books_ManagerApproves_AndBothAreNotified()
    {
        var (manager, instrument) = await SetUpAsync("预约流程 扫描电镜");
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);

        var response = await researcher.PostAsJsonAsync("/api/v1/bookings", Request(instrument, Tuesday(9), Tuesday(11)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadJsonAsync();
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("Pending", created.GetProperty("status").GetString());
        Assert.Equal($"/api/v1/bookings/{id}", response.Headers.Location?.OriginalString);

        var booking = await researcher.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{id}");
        Assert.Equal("OtherRegion", booking.GetProperty("userType").GetString()); // 四川大学 books in Chongqing
        Assert.Equal(Tuesday(9), booking.GetProperty("start").GetDateTimeOffset());
        Assert.False(booking.GetProperty("canDecide").GetBoolean());

        var queue = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/managed?status=Pending&instrumentId={instrument}");
        Assert.Equal(1, queue.GetProperty("total").GetInt32());
        Assert.True(queue.GetProperty("items")[0].GetProperty("canDecide").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsJsonAsync($"/api/v1/bookings/{id}/approve", new { note = "请提前 10 分钟到场" })).StatusCode);
        booking = await researcher.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{id}");
        Assert.Equal("Approved", booking.GetProperty("status").GetString());
        Assert.Equal("请提前 10 分钟到场", booking.GetProperty("decisionNote").GetString());

        // A second decision is refused: it is no longer pending.
        await (await manager.PostAsJsonAsync($"/api/v1/bookings/{id}/reject", new { note = "重复操作" })).AssertProblemAsync(409);

        var outbox = await factory.WithDbAsync(db => db.Outbox.Where(m => m.Body.Contains("预约流程 扫描电镜") || m.Subject.Contains("预约流程 扫描电镜"))
            .Select(m => new { m.Recipient, m.Subject }).ToListAsync());
        Assert.Contains(outbox, m => m.Recipient == Demo.CquInstrumentManager && m.Subject.Contains("待审核", StringComparison.Ordinal));
        Assert.Contains(outbox, m => m.Recipient == Demo.ScuResearcher && m.Subject.Contains("预约已提交", StringComparison.Ordinal));
        Assert.Contains(outbox, m => m.Recipient == Demo.ScuResearcher && m.Subject.Contains("预约已批准", StringComparison.Ordinal));
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "booking.approve" && a.Target == $"booking:{id}")));
    }

    [Fact]
    public async Task OverlappingSlot_Is409_AdjacentIsFine_UntilABufferIsSet()
    {
        var (manager, instrument) = await SetUpAsync("重叠检查 X 射线衍射仪");
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        await BookAsync(researcher, Request(instrument, Tuesday(9), Tuesday(11)));

        var overlap = await engineer.PostAsJsonAsync("/api/v1/bookings", Request(instrument, Tuesday(10), Tuesday(12)));
        var problem = await overlap.AssertProblemAsync(409);
        Assert.Contains("已被预约", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("李娜", await overlap.Content.ReadAsStringAsync(), StringComparison.Ordinal); // who holds it is not said

        await BookAsync(engineer, Request(instrument, Tuesday(11), Tuesday(12))); // touching end to start is no overlap

        await SetRulesAsync(manager, instrument, r => r["bufferMinutes"] = 30);
        await (await engineer.PostAsJsonAsync("/api/v1/bookings", Request(instrument, Tuesday(12), Tuesday(12, 30)))).AssertProblemAsync(409); // no gap after 12:00
        await BookAsync(engineer, Request(instrument, Tuesday(12, 30), Tuesday(13, 30))); // a 30-minute gap
        await (await researcher.PostAsJsonAsync("/api/v1/bookings", Request(instrument, Tuesday(13, 30), Tuesday(14)))).AssertProblemAsync(409); // its own buffer
    }

    [Fact]
    public async Task BrokenRules_Are422_WithTheRuleNamed_AndBadInputIs400()
    {
        var (_, instrument) = await SetUpAsync("规则检查 热重分析仪");
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        async Task<string> Rule(DateTimeOffset start, DateTimeOffset end) =>
            await RuleBrokenAsync(await researcher.PostAsJsonAsync("/api/v1/bookings", Request(instrument, start, end)));

        var yesterday = Weekday(Now, -1, Now.ToOffset(Cst).AddDays(-1).DayOfWeek, 9);
        Assert.Equal("past", await Rule(yesterday, yesterday.AddHours(1)));
        Assert.Equal("maxDuration", await Rule(Tuesday(9), Tuesday(9).AddYears(3))); // a three-year booking
        Assert.Equal("minDuration", await Rule(Tuesday(9), Tuesday(9, 15)));
        Assert.Equal("openingHours", await Rule(Tuesday(17), Tuesday(19)));
        Assert.Equal("openingHours", await Rule(Tuesday(7), Tuesday(9)));
        var saturday = Weekday(Now, 8, DayOfWeek.Saturday, 9);
        Assert.Equal("openingHours", await Rule(saturday, saturday.AddHours(2)));
        Assert.Equal("increment", await Rule(Tuesday(9, 10), Tuesday(10, 10)));
        var farAway = Weekday(Now, 120, DayOfWeek.Tuesday, 9);
        Assert.Equal("maxHorizon", await Rule(farAway, farAway.AddHours(1)));
        var soon = Now.AddMinutes(30);
        Assert.Equal("minNotice", await Rule(soon, soon.AddHours(1)));

        await (await researcher.PostAsJsonAsync("/api/v1/bookings", Request(instrument, Tuesday(11), Tuesday(9)))).AssertFieldErrorAsync("end");
        await (await researcher.PostAsJsonAsync("/api/v1/bookings",
            new { instrumentId = instrument, start = "2030-03-05T09:00:00", end = "2030-03-05T10:00:00", purpose = "没有时区" })).AssertFieldErrorAsync("start");
        await (await researcher.PostAsJsonAsync("/api/v1/bookings",
            new { instrumentId = instrument, start = "明天上午", end = Iso(Tuesday(10)), purpose = "格式错误" })).AssertFieldErrorAsync("start");
        await (await researcher.PostAsJsonAsync("/api/v1/bookings", Request(instrument, Tuesday(9), Tuesday(10), new string('长', 501)))).AssertFieldErrorAsync("purpose");
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.PostAsJsonAsync("/api/v1/bookings", Request(Guid.NewGuid(), Tuesday(9), Tuesday(10)))).StatusCode);

        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<InstrumentBooking>().CountAsync(b => b.ResourceId == instrument)));
    }

    [Fact]
    public async Task TimeZoneTricksAroundMidnight_AreJudgedInChinaStandardTime()
    {
        var (manager, instrument) = await SetUpAsync("时区检查 核磁共振波谱仪");
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        var tuesday = Tuesday(0);
        var monday2330Utc = tuesday.ToUniversalTime().AddMinutes(-30); // 23:30Z on Monday is 07:30 on Tuesday in Chongqing
        Assert.Equal("openingHours", await RuleBrokenAsync(await researcher.PostAsJsonAsync("/api/v1/bookings", new
        {
            instrumentId = instrument,
            start = monday2330Utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            end = monday2330Utc.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            purpose = "UTC 写法的早晨",
        })));
        // 17:00–19:00 in Chongqing written in UTC (09:00Z–11:00Z) looks like office hours, and is not.
        Assert.Equal("openingHours", await RuleBrokenAsync(await researcher.PostAsJsonAsync("/api/v1/bookings", new
        {
            instrumentId = instrument,
            start = Tuesday(17).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            end = Tuesday(19).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            purpose = "UTC 写法的晚上",
        })));
        // With the instrument open around the clock, a booking across midnight (Chongqing) is still refused.
        await SetRulesAsync(manager, instrument, r =>
        {
            r["opensAt"] = "00:00";
            r["closesAt"] = "24:00";
            r["openDays"] = EveryDay;
        });
        Assert.Equal("openingHours", await RuleBrokenAsync(await researcher.PostAsJsonAsync("/api/v1/bookings",
            Request(instrument, Tuesday(23), Tuesday(23).AddHours(2)))));
        // 01:00Z–03:00Z is 09:00–11:00 in Chongqing: accepted, and stored as the same instants.
        var id = await BookAsync(researcher, new
        {
            instrumentId = instrument,
            start = Tuesday(9).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            end = Tuesday(11).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            purpose = "UTC 写法的上午",
        });
        var booking = await researcher.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{id}");
        Assert.Equal(Tuesday(9), booking.GetProperty("start").GetDateTimeOffset());
        // The same slot written in +08:00 is the same slot.
        await (await researcher.PostAsJsonAsync("/api/v1/bookings", Request(instrument, Tuesday(10), Tuesday(12)))).AssertProblemAsync(409);
    }

    [Fact]
    public async Task SharingScope_InternalOnlyIsHiddenFromOutsiders_WithinRegionRefusesOtherRegions_MaintenanceRefusesAll()
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        var internalOnly = await InstrumentAsync(factory, manager, "仅内部 透射电镜", "InternalOnly");
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.PostAsJsonAsync("/api/v1/bookings", Request(internalOnly, Tuesday(9), Tuesday(10)))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync($"/api/v1/instruments/{internalOnly}/availability")).StatusCode);
        var colleague = await factory.ApiClientAsync(Demo.CquOrgAdmin); // 重庆大学 itself
        var id = await BookAsync(colleague, Request(internalOnly, Tuesday(9), Tuesday(10)));
        Assert.Equal("Internal", (await colleague.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{id}")).GetProperty("userType").GetString());

        var withinRegion = await InstrumentAsync(factory, manager, "仅本地区 激光共聚焦显微镜", "WithinRegion");
        var problem = await (await researcher.PostAsJsonAsync("/api/v1/bookings", Request(withinRegion, Tuesday(9), Tuesday(10)))).AssertProblemAsync(422);
        Assert.Equal("sharingStatus", problem.GetProperty("rule").GetString());

        var maintenance = await InstrumentAsync(factory, manager, "维护中 质谱仪", "UnderMaintenance");
        Assert.Equal("sharingStatus", await RuleBrokenAsync(await colleague.PostAsJsonAsync("/api/v1/bookings", Request(maintenance, Tuesday(9), Tuesday(10)))));

        // The rules can shut out a user type too.
        var noEnterprises = await InstrumentAsync(factory, manager, "不对企业开放 原子力显微镜");
        await SetRulesAsync(manager, noEnterprises, r => r["allowedUserTypes"] = NoEnterprise);
        var engineer = await factory.ApiClientAsync(Demo.Engineer); // 蓉芯检测, an enterprise
        Assert.Equal("userTypes", await RuleBrokenAsync(await engineer.PostAsJsonAsync("/api/v1/bookings", Request(noEnterprises, Tuesday(9), Tuesday(10)))));
        await BookAsync(researcher, Request(noEnterprises, Tuesday(9), Tuesday(10)));
    }

    [Fact]
    public async Task Decisions_BelongToTheInstrumentsManagers_Only()
    {
        var (manager, instrument) = await SetUpAsync("审批权限 比表面积分析仪");
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        var id = await BookAsync(researcher, Request(instrument, Tuesday(14), Tuesday(15)));

        // The user may not approve their own booking; it is theirs to see, so the answer is 403.
        await (await researcher.PostAsJsonAsync($"/api/v1/bookings/{id}/approve", new { })).AssertProblemAsync(403);

        // A manager of another organisation does not even learn that the booking exists.
        var rongxin = await OrgAsync(factory, "成都蓉芯微纳检测技术有限公司");
        var engineerId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == Demo.Engineer).Select(u => u.Id).FirstAsync());
        await factory.WithDbAsync(async db =>
        {
            db.RoleGrants.Add(new RoleGrant { Id = Guid.NewGuid(), UserId = engineerId, Role = PlatformRole.ResourceManager, OrganizationId = rongxin, GrantedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        var otherManager = await factory.ApiClientAsync(Demo.Engineer);
        Assert.Equal(HttpStatusCode.NotFound, (await otherManager.PostAsJsonAsync($"/api/v1/bookings/{id}/approve", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherManager.GetAsync($"/api/v1/bookings/{id}")).StatusCode);
        Assert.Equal(0, (await otherManager.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/managed?instrumentId={instrument}")).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await otherManager.PutAsJsonAsync($"/api/v1/instruments/{instrument}/booking-rules", new { })).StatusCode);

        // Rejecting needs a reason; with one, the user learns it.
        await (await manager.PostAsJsonAsync($"/api/v1/bookings/{id}/reject", new { note = "" })).AssertFieldErrorAsync("note");
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsJsonAsync($"/api/v1/bookings/{id}/reject", new { note = "当天仪器校准" })).StatusCode);
        Assert.Equal("Rejected", (await researcher.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{id}")).GetProperty("status").GetString());
        // A rejected booking frees the slot.
        var again = await BookAsync(researcher, Request(instrument, Tuesday(14), Tuesday(15)));

        // What changed since the request is checked again at approval: a retired instrument is not approved.
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/resources/{instrument}/retire", null)).StatusCode);
        Assert.Equal("status", (await (await manager.PostAsJsonAsync($"/api/v1/bookings/{again}/approve", new { })).AssertProblemAsync(422)).GetProperty("rule").GetString());
    }

    [Fact]
    public async Task TrainingAndBlackouts_AreEnforced()
    {
        var (manager, instrument) = await SetUpAsync("培训要求 球差校正透射电镜");
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        await SetRulesAsync(manager, instrument, r => r["qualificationRequired"] = true);
        Assert.Equal("qualification", await RuleBrokenAsync(await researcher.PostAsJsonAsync("/api/v1/bookings", Request(instrument, Tuesday(9), Tuesday(10)))));

        // A training record that runs out before the booking does not count.
        var expiresTooEarly = DateOnly.FromDateTime(Now.ToOffset(Cst).Date.AddDays(2));
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsJsonAsync($"/api/v1/instruments/{instrument}/qualifications", new { email = Demo.ScuResearcher, expiresOn = expiresTooEarly })).StatusCode);
        Assert.Equal("qualification", await RuleBrokenAsync(await researcher.PostAsJsonAsync("/api/v1/bookings", Request(instrument, Tuesday(9), Tuesday(10)))));
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsJsonAsync($"/api/v1/instruments/{instrument}/qualifications", new { email = Demo.ScuResearcher })).StatusCode);
        var list = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/instruments/{instrument}/qualifications");
        Assert.Single(list.EnumerateArray());
        Assert.DoesNotContain(Demo.ScuResearcher, list.ToString(), StringComparison.Ordinal); // masked
        await (await manager.PostAsJsonAsync($"/api/v1/instruments/{instrument}/qualifications", new { email = "nobody@example.com" })).AssertFieldErrorAsync("email");
        await BookAsync(researcher, Request(instrument, Tuesday(9), Tuesday(10)));

        // A maintenance blackout refuses bookings that touch it, and everyone sees it in the availability.
        var blackout = await manager.PostAsJsonAsync($"/api/v1/instruments/{instrument}/blackouts", new { start = Iso(Tuesday(13)), end = Iso(Tuesday(18)), reason = "年度保养" });
        Assert.Equal(HttpStatusCode.Created, blackout.StatusCode);
        Assert.Equal("blackout", await RuleBrokenAsync(await researcher.PostAsJsonAsync("/api/v1/bookings", Request(instrument, Tuesday(12), Tuesday(14)))));
        var availability = await factory.CreateClient().GetFromJsonAsync<JsonElement>($"/api/v1/instruments/{instrument}/availability?from={Tuesday(0):yyyy-MM-dd}&days=1");
        Assert.Equal("年度保养", availability.GetProperty("blackouts")[0].GetProperty("reason").GetString());
        await (await researcher.PostAsJsonAsync($"/api/v1/instruments/{instrument}/blackouts", new { start = Iso(Tuesday(9)), end = Iso(Tuesday(10)), reason = "捣乱" })).AssertProblemAsync(403);
        var blackoutId = (await blackout.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await manager.DeleteAsync($"/api/v1/instruments/{instrument}/blackouts/{blackoutId}")).StatusCode);
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "booking.blackout.remove" && a.Target == $"resource:{instrument}")));
        await BookAsync(researcher, Request(instrument, Tuesday(12), Tuesday(14)));
    }

    [Fact]
    public async Task Availability_ShowsHeldTime_WithoutWhoHoldsIt()
    {
        var (_, instrument) = await SetUpAsync("排期查看 拉曼光谱仪");
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        await BookAsync(researcher, Request(instrument, Tuesday(9), Tuesday(11), "机密课题：某型号电池隔膜"));

        var anonymous = await factory.CreateClient().GetAsync($"/api/v1/instruments/{instrument}/availability?from={Tuesday(0):yyyy-MM-dd}&days=7");
        var text = await anonymous.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.DoesNotContain("李娜", text, StringComparison.Ordinal);
        Assert.DoesNotContain("机密课题", text, StringComparison.Ordinal);
        Assert.DoesNotContain("四川大学", text, StringComparison.Ordinal);
        var body = JsonDocument.Parse(text).RootElement;
        var slot = Assert.Single(body.GetProperty("taken").EnumerateArray());
        Assert.Equal(Tuesday(9), slot.GetProperty("start").GetDateTimeOffset());
        Assert.False(slot.GetProperty("mine").GetBoolean());
        Assert.True(slot.GetProperty("pending").GetBoolean());
        Assert.Equal(7, body.GetProperty("days").GetArrayLength());
        Assert.Equal("Asia/Shanghai", body.GetProperty("timeZone").GetString());

        var own = await researcher.GetFromJsonAsync<JsonElement>($"/api/v1/instruments/{instrument}/availability?from={Tuesday(0):yyyy-MM-dd}&days=1");
        Assert.True(own.GetProperty("taken")[0].GetProperty("mine").GetBoolean());
        await (await researcher.GetAsync($"/api/v1/instruments/{instrument}/availability?days=400")).AssertFieldErrorAsync("days");
        await (await researcher.GetAsync($"/api/v1/instruments/{instrument}/availability?from=9999-12-31")).AssertFieldErrorAsync("from");
    }

    [Fact]
    public async Task OnBehalfOfAColleague_AndRecurringSeries_AllOrNothing()
    {
        var (manager, instrument) = await SetUpAsync("代约与重复 X 射线光电子能谱仪");
        var colleagueId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == Demo.CquOrgAdmin).Select(u => u.Id).FirstAsync());
        var outsiderId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == Demo.ScuResearcher).Select(u => u.Id).FirstAsync());

        var onBehalf = await manager.PostAsJsonAsync("/api/v1/bookings", new
        {
            instrumentId = instrument,
            start = Iso(Tuesday(9)),
            end = Iso(Tuesday(10)),
            purpose = "为陈静老师代约",
            onBehalfOf = colleagueId,
        });
        Assert.Equal(HttpStatusCode.Created, onBehalf.StatusCode);
        var booking = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{(await onBehalf.ReadJsonAsync()).GetProperty("id").GetGuid()}");
        Assert.Equal(colleagueId, booking.GetProperty("userId").GetGuid());
        await (await manager.PostAsJsonAsync("/api/v1/bookings", new
        {
            instrumentId = instrument,
            start = Iso(Tuesday(10)),
            end = Iso(Tuesday(11)),
            purpose = "为外单位代约",
            onBehalfOf = outsiderId,
        })).AssertFieldErrorAsync("onBehalfOf");

        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        var weekly = await researcher.PostAsJsonAsync("/api/v1/bookings", new
        {
            instrumentId = instrument,
            start = Iso(Tuesday(14)),
            end = Iso(Tuesday(16)),
            purpose = "每周例行测试",
            repeat = new { frequency = "Weekly", count = 4 },
        });
        Assert.Equal(HttpStatusCode.Created, weekly.StatusCode);
        var series = await weekly.ReadJsonAsync();
        Assert.Equal(4, series.GetProperty("occurrences").GetArrayLength());
        Assert.Equal(Tuesday(14).AddDays(21), series.GetProperty("occurrences")[3].GetProperty("start").GetDateTimeOffset());

        // A daily series from Monday whose second day collides with the weekly one: nothing of it is booked.
        var daily = await researcher.PostAsJsonAsync("/api/v1/bookings", new
        {
            instrumentId = instrument,
            start = Iso(Tuesday(15).AddDays(-1)),
            end = Iso(Tuesday(16).AddDays(-1)),
            purpose = "每日测试",
            repeat = new { frequency = "Daily", count = 3 },
        });
        var problem = await daily.AssertProblemAsync(409);
        Assert.Contains("第 2 次", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(5, await factory.WithDbAsync(db => db.Set<InstrumentBooking>().CountAsync(b => b.ResourceId == instrument)));
        await (await researcher.PostAsJsonAsync("/api/v1/bookings", new
        {
            instrumentId = instrument,
            start = Iso(Tuesday(9)),
            end = Iso(Tuesday(10)),
            purpose = "重复次数过多",
            repeat = new { frequency = "Weekly", count = 500 },
        })).AssertFieldErrorAsync("repeat.count");
    }

    [Fact]
    public async Task Quotas_Cancellation_AndRulesEditing()
    {
        var (manager, instrument) = await SetUpAsync("限额 电子探针");
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        await SetRulesAsync(manager, instrument, r => r["userQuotaHoursPerMonth"] = 3);
        var first = await BookAsync(researcher, Request(instrument, Tuesday(9), Tuesday(11)));
        Assert.Equal("userQuota", await RuleBrokenAsync(await researcher.PostAsJsonAsync("/api/v1/bookings", Request(instrument, Tuesday(13), Tuesday(15)))));

        // Cancelling gives the hours back.
        Assert.Equal(HttpStatusCode.NoContent, (await researcher.PostAsJsonAsync($"/api/v1/bookings/{first}/cancel", new { note = "课题调整" })).StatusCode);
        Assert.Equal("Cancelled", (await researcher.GetFromJsonAsync<JsonElement>($"/api/v1/bookings/{first}")).GetProperty("status").GetString());
        await (await researcher.PostAsJsonAsync($"/api/v1/bookings/{first}/cancel", new { })).AssertProblemAsync(409);
        await BookAsync(researcher, Request(instrument, Tuesday(13), Tuesday(15)));

        // Rules: bad values are field errors, a stale version is 409, nothing changes either way.
        var rules = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/instruments/{instrument}/booking-rules");
        var version = rules.GetProperty("version").GetInt32();
        var bad = rules.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        bad["closesAt"] = "07:00";
        bad["openDays"] = Array.Empty<int>();
        bad["minMinutes"] = -5;
        var response = await manager.PutAsJsonAsync($"/api/v1/instruments/{instrument}/booking-rules", bad);
        await response.AssertFieldErrorAsync("closesAt");
        var errors = (await (await manager.PutAsJsonAsync($"/api/v1/instruments/{instrument}/booking-rules", bad)).ReadJsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("openDays", out _));
        Assert.True(errors.TryGetProperty("minMinutes", out _));
        var stale = rules.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        stale["version"] = version - 1;
        await (await manager.PutAsJsonAsync($"/api/v1/instruments/{instrument}/booking-rules", stale)).AssertProblemAsync(409);
        Assert.Equal(version, (await manager.GetFromJsonAsync<JsonElement>($"/api/v1/instruments/{instrument}/booking-rules")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task OnlyInstrumentsAndFacilities_AreBookedByTheHour()
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var service = await InstrumentAsync(factory, manager, "检测服务 不可按机时预约", kind: "TestingService");
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        Assert.Equal("kind", await RuleBrokenAsync(await researcher.PostAsJsonAsync("/api/v1/bookings", Request(service, Tuesday(9), Tuesday(10)))));
        var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/bookings", Request(service, Tuesday(9), Tuesday(10)))).StatusCode);
    }

    [Fact]
    public async Task CalendarFiles_AreReadBackByACalendarLibrary()
    {
        var (manager, instrument) = await SetUpAsync("日历导出 激光粒度仪");
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        const string purpose = "样品：锂电正极材料, 共 3 组; 要求：干法分散\n备注：请准备 0.5 g 样品（粒径 1–100 µm），测试前烘干 2 小时，结果以 Excel 表格发送到课题组邮箱";
        var first = await BookAsync(researcher, Request(instrument, Tuesday(9), Tuesday(10, 30), purpose));
        var second = await BookAsync(researcher, Request(instrument, Tuesday(13), Tuesday(14)));
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsJsonAsync($"/api/v1/bookings/{second}/approve", new { })).StatusCode);

        var response = await researcher.GetAsync("/api/v1/me/bookings.ics");
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.All(text.Split("\r\n"), line => Assert.True(System.Text.Encoding.UTF8.GetByteCount(line) <= 75, line));
        var calendar = Ical.Net.Calendar.Load(text)!;
        var mine = calendar.Events.Where(e => e.Summary!.Contains("日历导出 激光粒度仪", StringComparison.Ordinal)).OrderBy(e => e.Start!.AsUtc).ToList();
        Assert.Equal(2, mine.Count);
        Assert.Equal(Tuesday(9).UtcDateTime, mine[0].Start!.AsUtc);
        Assert.Equal(Tuesday(10, 30).UtcDateTime, mine[0].End!.AsUtc);
        Assert.Equal("TENTATIVE", mine[0].Status);
        Assert.Equal("CONFIRMED", mine[1].Status);
        Assert.Contains(purpose, mine[0].Description, StringComparison.Ordinal); // commas, semicolons, a line break and folding survive
        Assert.Equal($"{first:N}@chuanyu", mine[0].Uid);
        Assert.Equal("重庆大学 A 区 分析测试中心 101", mine[0].Location);

        // The instrument's schedule: anyone sees the held time, only its managers see who holds it.
        var publicCalendar = Ical.Net.Calendar.Load(await factory.CreateClient().GetStringAsync($"/api/v1/instruments/{instrument}/schedule.ics"))!;
        Assert.Equal(2, publicCalendar.Events.Count);
        Assert.All(publicCalendar.Events, e => Assert.DoesNotContain("李娜", e.Summary, StringComparison.Ordinal));
        Assert.All(publicCalendar.Events, e => Assert.Null(e.Description));
        var managerCalendar = Ical.Net.Calendar.Load(await manager.GetStringAsync($"/api/v1/instruments/{instrument}/schedule.ics"))!;
        Assert.All(managerCalendar.Events, e => Assert.Contains("李娜", e.Summary, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DemoData_HoldsAConsistentBookingHistory()
    {
        var demo = await factory.WithDbAsync(async db => new
        {
            Bookings = await db.Set<InstrumentBooking>().AsNoTracking().ToListAsync(),
            Usage = await db.Set<UsageRecord>().AsNoTracking().ToListAsync(),
            Ratings = await db.Set<BookingRating>().AsNoTracking().CountAsync(),
        });
        Assert.True(demo.Bookings.Count(b => b.Status == BookingStatus.Completed) >= 20);
        Assert.True(demo.Ratings >= 5);
        // Every completed booking has its usage record with the same times and fee.
        foreach (var b in demo.Bookings.Where(b => b.Status == BookingStatus.Completed))
        {
            var u = Assert.Single(demo.Usage, u => u.BookingId == b.Id);
            Assert.Equal(b.CheckedInAt, u.StartedAt);
            Assert.Equal(b.FeeFen, u.FeeFen);
        }
        // No two active bookings of one instrument overlap, in the demo as everywhere.
        foreach (var group in demo.Bookings.Where(b => InstrumentBooking.Active.Contains(b.Status)).GroupBy(b => b.ResourceId))
        {
            var ordered = group.OrderBy(b => b.StartAt).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                Assert.True(ordered[i - 1].BlockedUntil <= ordered[i].StartAt);
            }
        }
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var queue = await manager.GetFromJsonAsync<JsonElement>("/api/v1/bookings/managed?status=Pending");
        Assert.True(queue.GetProperty("total").GetInt32() >= 12);
    }
}
