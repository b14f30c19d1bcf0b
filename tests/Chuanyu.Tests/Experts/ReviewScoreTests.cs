using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Experts;
using ClosedXML.Excel;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;
using static Chuanyu.Tests.Experts.ExpertTestData;

namespace Chuanyu.Tests.Experts;

/// <summary>
/// Scoring of review activities on a fixed clock: criteria, a member's scores inside the window only, the aggregation per
/// item with its ranking and export, the administrators' ratings and the no-shows that remove an expert at the second.
/// The pool is in 考古学 (780), which no demo expert has.
/// </summary>
public sealed class ReviewScoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 10, 0, 0, Cst);
    private static readonly DateTimeOffset InWindow = T0.AddDays(10).AddHours(2);
    private static readonly string[] Archaeology = ["78010"];
    private static readonly string[] Archaeology3 = ["780"];
    private static readonly string[] CriterionNames = ["创新性", "可行性"];
    private static readonly int[] Scores4060 = [40, 60];
    private static readonly int[] Scores4595 = [45, 95];
    private static readonly int[] Scores3080 = [30, 80];
    private static readonly int[] Scores3180 = [31, 80];
    private static readonly int[] TiedRanks = [1, 1, 3];
    private static readonly string[] FourInstitutions = ["西南大学", "重庆医科大学", "四川大学", "西南交通大学"];
    private static readonly string[] FiveInstitutions = ["西南大学", "重庆医科大学", "四川大学", "西南交通大学", "西南石油大学"];

    private readonly ChuanyuFactory _factory = new();
    private readonly WebApplicationFactory<Program> _host;
    private readonly ManualClock _clock = new(T0);

    public ReviewScoreTests()
    {
        _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));
    }

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }

    private async Task<List<Guid>> PoolAsync(HttpClient cq, HttpClient sc, IEnumerable<string> orgs)
    {
        var ids = new List<Guid>();
        foreach (var name in orgs)
        {
            var expert = Expert(await OrgAsync(_host, name), disciplines: Archaeology, name: "考古专家" + ids.Count);
            ids.Add(await CreatedAsync(name.StartsWith("西南大学", StringComparison.Ordinal) || name.StartsWith("重庆", StringComparison.Ordinal) ? cq : sc, expert));
        }
        return ids;
    }

    /// <summary>A draft of panel 5 without alternates: with exactly five candidates, every one of them is drawn.</summary>
    private async Task<Guid> ActivityAsync(HttpClient cq, int items = 1, int startsInDays = 10)
    {
        var starts = T0.AddDays(startsInDays);
        var response = await cq.PostAsJsonAsync("/api/v1/review-activities", new Dictionary<string, object?>
        {
            ["title"] = "2027年度考古学项目评审",
            ["kind"] = "ProjectReview",
            ["disciplines"] = Archaeology3,
            ["panelSize"] = 5,
            ["alternates"] = 0,
            ["minSeniorPercent"] = 60,
            ["minOtherRegion"] = 1,
            ["onePerInstitution"] = true,
            ["coolDownDays"] = 0,
            ["reviewStartsAt"] = starts,
            ["reviewEndsAt"] = starts.AddDays(2),
            ["responseDeadline"] = starts.AddDays(-3),
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
        var applicant = await OrgAsync(_host, "重庆大学");
        for (var n = 1; n <= items; n++)
        {
            var item = await cq.PostAsJsonAsync($"/api/v1/review-activities/{id}/items", new { title = $"巴蜀遗址考古研究{n}", applicantOrganizationId = applicant });
            Assert.True(item.IsSuccessStatusCode, await item.Content.ReadAsStringAsync());
        }
        return id;
    }

    private async Task<List<ReviewSeat>> DrawAndAcceptAsync(HttpClient cq, Guid activity)
    {
        var drawn = await cq.PostAsync($"/api/v1/review-activities/{activity}/draw", null);
        Assert.True(drawn.IsSuccessStatusCode, await drawn.Content.ReadAsStringAsync());
        await WithDbAsync(_host, db => db.Set<ReviewSeat>().Where(s => s.ActivityId == activity)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SeatStatus.Accepted)));
        return await WithDbAsync(_host, db => db.Set<ReviewSeat>().AsNoTracking().Where(s => s.ActivityId == activity).OrderBy(s => s.Position).ToListAsync());
    }

    private Task<List<Guid>> ItemIdsAsync(Guid activity) =>
        WithDbAsync(_host, db => db.Set<ReviewItem>().Where(i => i.ActivityId == activity).OrderBy(i => i.Position).Select(i => i.Id).ToListAsync());

    /// <summary>Moves the clock and signs the Chongqing administrator in again (a sign-in does not outlive a jump of days).</summary>
    private Task<HttpClient> NowAsync(DateTimeOffset now)
    {
        _clock.Set(now);
        return SignedInAsync(_host, "cq.admin@chuanyu.demo");
    }

    private static void HasError(JsonElement problem, string field) =>
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} in {problem}");

    [Fact]
    public async Task Criteria_AreCheckedFieldByField_OnlyInDraft_AndNotForTheOtherRegion()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var sc = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        var activity = await ActivityAsync(cq);

        var implied = await cq.GetFromJsonAsync<JsonElement>($"/api/v1/review-activities/{activity}/criteria");
        Assert.True(implied.GetProperty("implied").GetBoolean());
        Assert.Equal("综合评价", implied.GetProperty("criteria")[0].GetProperty("name").GetString());
        Assert.Equal(100, implied.GetProperty("criteria")[0].GetProperty("maxScore").GetInt32());

        var bad = await cq.PutAsJsonAsync($"/api/v1/review-activities/{activity}/criteria", new
        {
            criteria = new object[]
            {
                new { name = "", maxScore = 40, weight = 1 },
                new { name = "可行性", maxScore = 0, weight = 1 },
                new { name = "预期效益", maxScore = 30, weight = 0 },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.ReadJsonAsync();
        HasError(problem, "criteria[0].name");
        HasError(problem, "criteria[1].maxScore");
        HasError(problem, "criteria[2].weight");
        Assert.Equal(3, problem.GetProperty("errors").EnumerateObject().Count());
        Assert.Equal(0, await WithDbAsync(_host, db => db.Set<ReviewCriterion>().CountAsync()));

        var version = (await cq.GetFromJsonAsync<JsonElement>($"/api/v1/review-activities/{activity}")).GetProperty("version").GetInt32();
        var good = await cq.PutAsJsonAsync($"/api/v1/review-activities/{activity}/criteria", new
        {
            criteria = new object[] { new { name = "创新性", maxScore = 50, weight = 2 }, new { name = "可行性", maxScore = 100, weight = 1 } },
            version,
        });
        Assert.True(good.IsSuccessStatusCode, await good.Content.ReadAsStringAsync());
        // The version as read is now stale.
        Assert.Equal(HttpStatusCode.Conflict, (await cq.PutAsJsonAsync($"/api/v1/review-activities/{activity}/criteria",
            new { criteria = Array.Empty<object>(), version })).StatusCode);
        var set = await cq.GetFromJsonAsync<JsonElement>($"/api/v1/review-activities/{activity}/criteria");
        Assert.False(set.GetProperty("implied").GetBoolean());
        Assert.Equal(CriterionNames, set.GetProperty("criteria").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray());
        Assert.Contains(await WithDbAsync(_host, db => db.AuditEntries.AsNoTracking().Where(e => e.Action == "review.criteria").Select(e => e.Target).ToListAsync()),
            t => t == $"review:{activity}");

        // The other region's administrators do not see the activity.
        Assert.Equal(HttpStatusCode.NotFound, (await sc.GetAsync($"/api/v1/review-activities/{activity}/criteria")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sc.PutAsJsonAsync($"/api/v1/review-activities/{activity}/criteria", new { criteria = Array.Empty<object>() })).StatusCode);

        // After the draw the criteria are what the panel scores on.
        await PoolAsync(cq, sc, FiveInstitutions);
        await DrawAndAcceptAsync(cq, activity);
        Assert.Equal(HttpStatusCode.Conflict, (await cq.PutAsJsonAsync($"/api/v1/review-activities/{activity}/criteria",
            new { criteria = new object[] { new { name = "创新性", maxScore = 10, weight = 1 } } })).StatusCode);
    }

    [Fact]
    public async Task AMember_ScoresOnlyTheirOwnAcceptedSeat_InsideTheWindow_WithinTheMaxima_AndWithACommentAtTheExtremes()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var sc = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        var expert1 = await SignedInAsync(_host, "expert1@chuanyu.demo");
        var me = await expert1.GetFromJsonAsync<JsonElement>("/api/v1/experts/me");
        var put = await expert1.PutAsJsonAsync("/api/v1/experts/me", new { disciplines = Archaeology, primaryDiscipline = "78010", availability = "Available" });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        await PoolAsync(cq, sc, FourInstitutions);
        var activity = await ActivityAsync(cq, items: 2);
        Assert.True((await cq.PutAsJsonAsync($"/api/v1/review-activities/{activity}/criteria", new
        {
            criteria = new object[] { new { name = "创新性", maxScore = 50, weight = 2 }, new { name = "可行性", maxScore = 100, weight = 1 } },
        })).IsSuccessStatusCode);
        Assert.True((await cq.PostAsync($"/api/v1/review-activities/{activity}/draw", null)).IsSuccessStatusCode);
        var seat = (await expert1.GetFromJsonAsync<JsonElement>("/api/v1/experts/me/invitations"))[0].GetProperty("seatId").GetGuid();
        var items = await ItemIdsAsync(activity);
        var scoresUrl = $"/api/v1/experts/me/invitations/{seat}/scores";

        // Not accepted yet: as if the sheet did not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await expert1.GetAsync(scoresUrl)).StatusCode);
        Assert.True((await expert1.PostAsJsonAsync($"/api/v1/experts/me/invitations/{seat}/answer", new { answer = "Accept" })).IsSuccessStatusCode);
        var sheet = await expert1.GetFromJsonAsync<JsonElement>(scoresUrl);
        Assert.False(sheet.GetProperty("open").GetBoolean());
        Assert.Equal(2, sheet.GetProperty("items").GetArrayLength());

        // Before the window: refused.
        var early = await expert1.PutAsJsonAsync($"{scoresUrl}/{items[0]}", new { scores = Scores4060 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, early.StatusCode);

        _clock.Set(InWindow);
        expert1 = await SignedInAsync(_host, "expert1@chuanyu.demo");
        cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var expert2 = await SignedInAsync(_host, "expert2@chuanyu.demo");

        // Someone else — another expert, the administrator — finds nothing there.
        Assert.Equal(HttpStatusCode.NotFound, (await expert2.GetAsync(scoresUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await expert2.PutAsJsonAsync($"{scoresUrl}/{items[0]}", new { scores = Scores4060 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cq.PutAsJsonAsync($"{scoresUrl}/{items[0]}", new { scores = Scores4060 })).StatusCode);
        // An item of no activity of this seat.
        Assert.Equal(HttpStatusCode.NotFound, (await expert1.PutAsJsonAsync($"{scoresUrl}/{Guid.NewGuid()}", new { scores = Scores4060 })).StatusCode);

        // Above the maximum, and a missing score: each named by its field.
        var over = await expert1.PutAsJsonAsync($"{scoresUrl}/{items[0]}", new { scores = new int?[] { 51, null }, comment = "创新性突出" });
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        var problem = await over.ReadJsonAsync();
        HasError(problem, "scores[0]");
        HasError(problem, "scores[1]");

        // (2·45 + 95) / (2·50 + 100) × 100 = 92.5: above 90, so a comment is required.
        var high = await expert1.PutAsJsonAsync($"{scoresUrl}/{items[0]}", new { scores = Scores4595 });
        Assert.Equal(HttpStatusCode.BadRequest, high.StatusCode);
        HasError(await high.ReadJsonAsync(), "comment");
        Assert.True((await expert1.PutAsJsonAsync($"{scoresUrl}/{items[0]}", new { scores = Scores4595, comment = "研究基础扎实，方案可行。" })).IsSuccessStatusCode);
        // (2·30 + 80) / 200 × 100 = 70: no comment needed; a revision replaces the scores (version 1 as read).
        Assert.True((await expert1.PutAsJsonAsync($"{scoresUrl}/{items[0]}", new { scores = Scores3080, version = 1 })).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await expert1.PutAsJsonAsync($"{scoresUrl}/{items[0]}", new { scores = Scores3080, version = 1 })).StatusCode);
        // A conflict on the second item instead of scores.
        Assert.True((await expert1.PutAsJsonAsync($"{scoresUrl}/{items[1]}", new { conflictDeclared = true, comment = "曾与申请人合作" })).IsSuccessStatusCode);

        sheet = await expert1.GetFromJsonAsync<JsonElement>(scoresUrl);
        var first = sheet.GetProperty("items")[0];
        Assert.Equal(70, first.GetProperty("total").GetDouble());
        Assert.Equal(Scores3080, first.GetProperty("scores").EnumerateArray().Select(s => s.GetInt32()).ToArray());
        Assert.True(sheet.GetProperty("items")[1].GetProperty("conflictDeclared").GetBoolean());

        var results = await cq.GetFromJsonAsync<JsonElement>($"/api/v1/review-activities/{activity}/results");
        Assert.False(results.GetProperty("sealed").GetBoolean());
        var byItem = results.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("itemId").GetGuid());
        Assert.Equal(1, byItem[items[0]].GetProperty("count").GetInt32());
        Assert.Equal(70, byItem[items[0]].GetProperty("mean").GetDouble());
        Assert.Equal(0, byItem[items[1]].GetProperty("count").GetInt32());
        Assert.Equal(1, byItem[items[1]].GetProperty("conflicts").GetInt32());
        Assert.Equal(JsonValueKind.Null, byItem[items[1]].GetProperty("rank").ValueKind);

        // Marked absent by the administrator: no more scores from this seat, the sheet as it was.
        Assert.True((await cq.PutAsJsonAsync($"/api/v1/review-activities/{activity}/seats/{seat}/no-show", new { absent = true })).IsSuccessStatusCode);
        var absentScore = await expert1.PutAsJsonAsync($"{scoresUrl}/{items[0]}", new { scores = Scores3180 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, absentScore.StatusCode);
        Assert.Equal((double?)70, await WithDbAsync(_host, db => db.Set<ReviewScoreSheet>().Where(s => s.ItemId == items[0]).Select(s => s.Total).SingleAsync()));
        Assert.True((await cq.PutAsJsonAsync($"/api/v1/review-activities/{activity}/seats/{seat}/no-show", new { absent = false })).IsSuccessStatusCode);

        // The scoring page in Chinese, linked from the invitations.
        Assert.Contains("评审打分", await expert1.GetStringAsync("/Me/Invitations"), StringComparison.Ordinal);
        var page = await expert1.GetStringAsync($"/Me/Invitations/{seat}/Scores");
        Assert.Contains("创新性", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await expert2.GetAsync($"/Me/Invitations/{seat}/Scores")).StatusCode);

        // After the window: refused.
        _clock.Set(T0.AddDays(12));
        expert1 = await SignedInAsync(_host, "expert1@chuanyu.demo");
        var late = await expert1.PutAsJsonAsync($"{scoresUrl}/{items[0]}", new { scores = Scores3180 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, late.StatusCode);
        Assert.Equal((double?)70, await WithDbAsync(_host, db => db.Set<ReviewScoreSheet>().Where(s => s.ItemId == items[0]).Select(s => s.Total).SingleAsync()));
        Assert.Equal(me.GetProperty("id").GetGuid(), await WithDbAsync(_host, db => db.Set<ReviewSeat>().Where(s => s.Id == seat).Select(s => s.ExpertId).SingleAsync()));
    }

    [Fact]
    public async Task Results_AggregateKnownTotals_RankWithTies_LeaveConflictsOut_AndExportToXlsx()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var sc = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        await PoolAsync(cq, sc, FiveInstitutions);
        var activity = await ActivityAsync(cq, items: 3);
        var seats = await DrawAndAcceptAsync(cq, activity);
        var items = await ItemIdsAsync(activity);
        // Item 1: five totals, trimmed mean drops 60 and 100. Item 2: five totals, trimmed 80 but mean 78.
        // Item 3: four totals (the fifth member declared a conflict): no trimming, mean 80 — ties item 1.
        double?[][] totals = [[60, 70, 80, 90, 100], [50, 80, 80, 80, 100], [70, 70, 80, 100, null]];
        await WithDbAsync(_host, async db =>
        {
            for (var i = 0; i < 3; i++)
            {
                for (var s = 0; s < 5; s++)
                {
                    var t = totals[i][s];
                    db.Add(new ReviewScoreSheet
                    {
                        Id = Guid.CreateVersion7(),
                        ActivityId = activity,
                        SeatId = seats[s].Id,
                        ItemId = items[i],
                        Scores = t is null ? "" : $"{t}",
                        Total = t,
                        ConflictDeclared = t is null,
                        Comment = "测试",
                        UpdatedAt = T0.ToUniversalTime(),
                        Version = 1,
                    });
                }
            }
            return await db.SaveChangesAsync();
        });

        var results = await cq.GetFromJsonAsync<JsonElement>($"/api/v1/review-activities/{activity}/results");
        var rows = results.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(new[] { items[0], items[2], items[1] }, rows.Select(r => r.GetProperty("itemId").GetGuid()).ToArray());
        Assert.Equal(TiedRanks, rows.Select(r => r.GetProperty("rank").GetInt32()).ToArray());
        var one = rows[0];
        Assert.Equal(5, one.GetProperty("count").GetInt32());
        Assert.Equal(80, one.GetProperty("mean").GetDouble());
        Assert.Equal(80, one.GetProperty("trimmedMean").GetDouble());
        Assert.Equal(60, one.GetProperty("min").GetDouble());
        Assert.Equal(100, one.GetProperty("max").GetDouble());
        Assert.Equal(14.14, one.GetProperty("standardDeviation").GetDouble());
        var three = rows[1];
        Assert.Equal(4, three.GetProperty("count").GetInt32());
        Assert.Equal(80, three.GetProperty("trimmedMean").GetDouble());
        Assert.Equal(1, three.GetProperty("conflicts").GetInt32());
        var two = rows[2];
        Assert.Equal(78, two.GetProperty("mean").GetDouble());
        Assert.Equal(80, two.GetProperty("trimmedMean").GetDouble());

        // A member replaced after the fact: their work is void.
        await WithDbAsync(_host, db => db.Set<ReviewSeat>().Where(s => s.Id == seats[4].Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SeatStatus.Declined)));
        var without = await cq.GetFromJsonAsync<JsonElement>($"/api/v1/review-activities/{activity}/results");
        Assert.Equal(4, without.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("itemId").GetGuid() == items[0]).GetProperty("count").GetInt32());
        await WithDbAsync(_host, db => db.Set<ReviewSeat>().Where(s => s.Id == seats[4].Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SeatStatus.Accepted)));
        // A member marked absent: their sheets do not count either (60 left out of item 1: mean 85).
        await WithDbAsync(_host, db =>
        {
            var owner = db.Set<ReviewActivity>().Where(x => x.Id == activity).Select(x => x.OwnerId).Single();
            db.Add(new ReviewNoShow { Id = Guid.CreateVersion7(), ActivityId = activity, SeatId = seats[0].Id, ExpertId = seats[0].ExpertId, MarkedBy = owner, MarkedAt = T0.ToUniversalTime() });
            return db.SaveChangesAsync();
        });
        var absent = (await cq.GetFromJsonAsync<JsonElement>($"/api/v1/review-activities/{activity}/results"))
            .GetProperty("items").EnumerateArray().Single(r => r.GetProperty("itemId").GetGuid() == items[0]);
        Assert.Equal(4, absent.GetProperty("count").GetInt32());
        Assert.Equal(85, absent.GetProperty("mean").GetDouble());
        await WithDbAsync(_host, db => db.Set<ReviewNoShow>().Where(n => n.SeatId == seats[0].Id).ExecuteDeleteAsync());

        // The export, read back by another library.
        var xlsx = await cq.GetAsync($"/api/v1/review-activities/{activity}/results.xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        using var workbook = new XLWorkbook(await xlsx.Content.ReadAsStreamAsync());
        var sheet = workbook.Worksheet(1);
        Assert.Equal("排名", sheet.Cell(2, 1).GetString());
        Assert.Equal("去掉最高最低分后平均分", sheet.Cell(2, 6).GetString());
        Assert.Equal(1, sheet.Cell(3, 1).GetDouble());
        Assert.Equal("巴蜀遗址考古研究1", sheet.Cell(3, 3).GetString());
        Assert.Equal(80, sheet.Cell(3, 6).GetDouble());
        Assert.Equal(3, sheet.Cell(5, 1).GetDouble());
        Assert.Equal(78, sheet.Cell(5, 5).GetDouble());
        Assert.Equal(1, sheet.Cell(4, 10).GetDouble());

        // The activity page shows the table and the export link.
        var page = await cq.GetStringAsync($"/Experts/Reviews/{activity}");
        Assert.Contains("去极值平均分", page, StringComparison.Ordinal);
        Assert.Contains($"/api/v1/review-activities/{activity}/results.xlsx", page, StringComparison.Ordinal);
        // Not for the other region.
        Assert.Equal(HttpStatusCode.NotFound, (await sc.GetAsync($"/api/v1/review-activities/{activity}/results")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sc.GetAsync($"/api/v1/review-activities/{activity}/results.xlsx")).StatusCode);
    }

    [Fact]
    public async Task Ratings_AfterTheStart_FeedThePerformanceScore_AndAreAudited()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var sc = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        var pool = await PoolAsync(cq, sc, FiveInstitutions);
        var first = await ActivityAsync(cq);
        var seats1 = await DrawAndAcceptAsync(cq, first);
        var expert = pool[0];
        var seat1 = seats1.Single(s => s.ExpertId == expert);
        Assert.Equal(HttpStatusCode.UnprocessableEntity,
            (await cq.PutAsJsonAsync($"/api/v1/review-activities/{first}/seats/{seat1.Id}/rating", new { rating = 5 })).StatusCode);
        // A second activity drawn once the first review is over (a panel in progress keeps its members off other draws).
        cq = await NowAsync(T0.AddDays(13));
        var second = await ActivityAsync(cq, startsInDays: 20);
        var seat2 = (await DrawAndAcceptAsync(cq, second)).Single(s => s.ExpertId == expert);
        cq = await NowAsync(T0.AddDays(20).AddHours(2));
        var bad = await cq.PutAsJsonAsync($"/api/v1/review-activities/{first}/seats/{seat1.Id}/rating", new { rating = 6 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        HasError(await bad.ReadJsonAsync(), "rating");
        // A seat of another activity is not this activity's.
        Assert.Equal(HttpStatusCode.NotFound, (await cq.PutAsJsonAsync($"/api/v1/review-activities/{first}/seats/{seat2.Id}/rating", new { rating = 5 })).StatusCode);

        var managed = $"/api/v1/experts/managed/{expert}";
        Assert.Equal(JsonValueKind.Null, (await cq.GetFromJsonAsync<JsonElement>(managed)).GetProperty("performanceScore").ValueKind);
        Assert.True((await cq.PutAsJsonAsync($"/api/v1/review-activities/{first}/seats/{seat1.Id}/rating", new { rating = 3 })).IsSuccessStatusCode);
        // Rating again replaces the rating of that seat.
        Assert.True((await cq.PutAsJsonAsync($"/api/v1/review-activities/{first}/seats/{seat1.Id}/rating", new { rating = 5, note = "意见详实" })).IsSuccessStatusCode);
        Assert.True((await cq.PutAsJsonAsync($"/api/v1/review-activities/{second}/seats/{seat2.Id}/rating", new { rating = 2 })).IsSuccessStatusCode);
        Assert.Equal(3.5, (await cq.GetFromJsonAsync<JsonElement>(managed)).GetProperty("performanceScore").GetDouble());
        Assert.Contains("3.50", await cq.GetStringAsync($"/Admin/Experts/{expert}"), StringComparison.Ordinal);
        Assert.Equal(3, await WithDbAsync(_host, db => db.AuditEntries.CountAsync(e => e.Action == "review.rating" && e.Target == $"expert:{expert}")));

        var members = await cq.GetFromJsonAsync<JsonElement>($"/api/v1/review-activities/{first}/members");
        Assert.Equal(5, members.GetArrayLength());
        Assert.Equal(5, members.EnumerateArray().Single(m => m.GetProperty("seatId").GetGuid() == seat1.Id).GetProperty("rating").GetInt32());
        sc = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        Assert.Equal(HttpStatusCode.NotFound, (await sc.PutAsJsonAsync($"/api/v1/review-activities/{first}/seats/{seat1.Id}/rating", new { rating = 1 })).StatusCode);
    }

    [Fact]
    public async Task TwoUnexplainedNoShows_RemoveTheExpert_InformThem_AndAreAudited_WhileExplainedOnesAndRepeatsDoNotCount()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var sc = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        var pool = await PoolAsync(cq, sc, FiveInstitutions);
        var first = await ActivityAsync(cq);
        var seats1 = await DrawAndAcceptAsync(cq, first);
        var (absentee, excused) = (pool[0], pool[1]);
        var seat1 = seats1.Single(s => s.ExpertId == absentee);
        var excusedSeat = seats1.Single(s => s.ExpertId == excused);
        // The second activity is drawn once the first review is over (a panel in progress keeps its members off other draws).
        cq = await NowAsync(T0.AddDays(13));
        var second = await ActivityAsync(cq, startsInDays: 20);
        var seat2 = (await DrawAndAcceptAsync(cq, second)).Single(s => s.ExpertId == absentee);
        cq = await NowAsync(T0.AddDays(20).AddHours(2));
        Task<Expert> ExpertAsync(Guid id) => WithDbAsync(_host, db => db.Set<Expert>().AsNoTracking().SingleAsync(e => e.Id == id));

        // Explained: needs a reason, then does not count.
        var noReason = await cq.PutAsJsonAsync($"/api/v1/review-activities/{first}/seats/{excusedSeat.Id}/no-show", new { absent = true, explained = true });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        HasError(await noReason.ReadJsonAsync(), "reason");
        Assert.True((await cq.PutAsJsonAsync($"/api/v1/review-activities/{first}/seats/{excusedSeat.Id}/no-show",
            new { absent = true, explained = true, reason = "突发疾病住院" })).IsSuccessStatusCode);
        Assert.Equal(0, (await ExpertAsync(excused)).NoShowCount);

        // Unexplained, marked twice on the same seat: counted once.
        for (var n = 0; n < 2; n++)
        {
            var marked = await cq.PutAsJsonAsync($"/api/v1/review-activities/{first}/seats/{seat1.Id}/no-show", new { absent = true });
            Assert.True(marked.IsSuccessStatusCode, await marked.Content.ReadAsStringAsync());
        }
        var once = await ExpertAsync(absentee);
        Assert.Equal(1, once.NoShowCount);
        Assert.Equal(ExpertStatus.Active, once.Status);

        // The second unexplained no-show, in another activity: removed, audited, told (the repeat above wrote no audit row).
        Assert.True((await cq.PutAsJsonAsync($"/api/v1/review-activities/{second}/seats/{seat2.Id}/no-show", new { absent = true })).IsSuccessStatusCode);
        var removed = await ExpertAsync(absentee);
        Assert.Equal(2, removed.NoShowCount);
        Assert.Equal(ExpertStatus.Removed, removed.Status);
        Assert.Contains("无正当理由缺席", removed.StatusReason, StringComparison.Ordinal);
        Assert.Single(await WithDbAsync(_host, db => db.AuditEntries.AsNoTracking().Where(e => e.Action == "expert.remove" && e.Target == $"expert:{absentee}").ToListAsync()));
        Assert.Equal(2, await WithDbAsync(_host, db => db.AuditEntries.CountAsync(e => e.Action == "review.no-show" && e.Target == $"expert:{absentee}")));
        var told = await WithDbAsync(_host, db => db.Outbox.AsNoTracking().Where(m => m.Subject.Contains("专家库除名通知")).ToListAsync());
        Assert.Contains(told, m => m.Channel == "email" && m.Body.Contains("考古专家0", StringComparison.Ordinal) && m.Body.Contains("68号", StringComparison.Ordinal));
        Assert.Contains(told, m => m.Channel == ExpertInvitations.SmsChannel);

        // Taking the second mark back decrements, but does not restore the removed expert.
        Assert.True((await cq.PutAsJsonAsync($"/api/v1/review-activities/{second}/seats/{seat2.Id}/no-show", new { absent = false })).IsSuccessStatusCode);
        var after = await ExpertAsync(absentee);
        Assert.Equal(1, after.NoShowCount);
        Assert.Equal(ExpertStatus.Removed, after.Status);
        // Marking the first seat once more still changes nothing.
        Assert.True((await cq.PutAsJsonAsync($"/api/v1/review-activities/{first}/seats/{seat1.Id}/no-show", new { absent = true })).IsSuccessStatusCode);
        Assert.Equal(1, (await ExpertAsync(absentee)).NoShowCount);
        Assert.Single(await WithDbAsync(_host, db => db.AuditEntries.AsNoTracking().Where(e => e.Action == "expert.remove" && e.Target == $"expert:{absentee}").ToListAsync()));

        // The activity page offers the form in Chinese.
        Assert.Contains("无正当理由缺席", await cq.GetStringAsync($"/Experts/Reviews/{first}"), StringComparison.Ordinal);
    }
}
