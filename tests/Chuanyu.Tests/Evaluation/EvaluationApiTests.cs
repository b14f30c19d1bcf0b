using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Evaluation;
using Chuanyu.Web.Features.Usage;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NPOI.XSSF.UserModel;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.Evaluation;

/// <summary>
/// The annual open-sharing evaluation of 2030, on a clock set in January 2032 (so the demo's own history, its last
/// complete year 2031 and the eight weeks before today, stays out of 2030): usage records, training records and
/// registered results written for two new instruments give figures and scores the test computes by hand from the
/// default scheme (running hours 35 of 1,400 h, training 20 of 10 people, results 25 of 5, income 15 of 50,000 元,
/// functions 5 of 1).
/// </summary>
public sealed class EvaluationApiTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2032, 1, 10, 10, 0, 0, Cst);
    private readonly ChuanyuFactory _factory = new();
    private readonly WebApplicationFactory<Program> _host;

    public EvaluationApiTests()
    {
        _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(new ManualClock(Now))));
    }

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }

    private Task<HttpClient> ClientAsync(string email) => SignedInAsync(_host, email);

    /// <summary>Starts a run of 2030 and computes it here (the runner's timer never fires on the test's clock).</summary>
    private async Task<Guid> EvaluateAsync(HttpClient admin)
    {
        var started = await admin.PostAsJsonAsync("/api/v1/evaluation/runs", new { year = 2030 });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.ReadJsonAsync()).GetProperty("id").GetGuid();
        using (var scope = _host.Services.CreateScope())
        {
            Assert.Equal(id, await scope.ServiceProvider.GetRequiredService<EvaluationRunner>().RunNextAsync(TimeSpan.FromMinutes(5), CancellationToken.None));
        }
        var run = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/evaluation/runs/{id}");
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        Assert.Equal(100, run.GetProperty("progress").GetInt32());
        return id;
    }

    private static UsageRecord Use(Guid resource, Guid owner, Guid user, Guid userOrg, DateTimeOffset start, int minutes, long feeFen) => new()
    {
        Id = Guid.CreateVersion7(),
        ResourceId = resource,
        OwnerOrganizationId = owner,
        UserId = user,
        UserOrganizationId = userOrg,
        UserType = owner == userOrg ? FeeUserType.Internal : FeeUserType.OtherRegion,
        External = owner != userOrg,
        StartedAt = start.ToUniversalTime(),
        EndedAt = start.AddMinutes(minutes).ToUniversalTime(),
        Minutes = minutes,
        FeeFen = feeFen,
    };

    private static JsonElement Find(JsonElement page, Guid resource) =>
        page.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("resourceId").GetGuid() == resource);

    [Fact]
    public async Task Year2030_FiguresScoresGradesAndRanks_ComeFromTheRecords_WithinEachViewersScope()
    {
        var manager = await ClientAsync(Demo.CquInstrumentManager);
        var busy = await InstrumentAsync(_host, manager, "评价 繁忙的 X 射线衍射仪");
        var idle = await InstrumentAsync(_host, manager, "评价 清闲的 红外光谱仪");
        var cqu = await OrgAsync(_host, "重庆大学");
        var scu = await OrgAsync(_host, "四川大学");
        var (researcher, colleague) = await WithDbAsync(_host, async db => (
            await db.Users.Where(u => u.Email == Demo.ScuResearcher).Select(u => u.Id).FirstAsync(),
            await db.Users.Where(u => u.Email == Demo.CquInstrumentManager).Select(u => u.Id).FirstAsync()));

        await WithDbAsync(_host, async db =>
        {
            var day = new DateTimeOffset(2030, 3, 1, 9, 0, 0, Cst);
            // busy: 700 uses of 2 h = 1,400 h; 500 of them by 四川大学 (external, 600 元 each), 200 internal (200 元 each).
            for (var i = 0; i < 700; i++)
            {
                var external = i < 500;
                db.Add(Use(busy, cqu, external ? researcher : colleague, external ? scu : cqu, day.AddHours(i * 10), 120, external ? 60_000 : 20_000));
            }
            // idle: 100 h internal at 300 元/h, the last one ending the year at 23:30 Beijing time, and uses outside the year.
            for (var i = 0; i < 49; i++)
            {
                db.Add(Use(idle, cqu, colleague, cqu, day.AddDays(i), 120, 60_000));
            }
            db.Add(Use(idle, cqu, colleague, cqu, new DateTimeOffset(2030, 12, 31, 21, 30, 0, Cst), 120, 60_000));
            db.Add(Use(idle, cqu, colleague, cqu, new DateTimeOffset(2031, 1, 1, 0, 10, 0, Cst), 120, 60_000)); // 2030-12-31 16:10 UTC, but 2031 in Chongqing
            db.Add(Use(idle, cqu, colleague, cqu, new DateTimeOffset(2029, 12, 31, 23, 0, 0, Cst), 120, 60_000));
            // 5 people trained on busy in 2030, one in 2029 (not counted).
            for (var i = 0; i < 6; i++)
            {
                db.Add(new InstrumentQualification
                {
                    Id = Guid.NewGuid(),
                    ResourceId = busy,
                    UserId = Guid.NewGuid(),
                    GrantedBy = colleague,
                    GrantedAt = (i < 5 ? day.AddDays(i) : new DateTimeOffset(2029, 6, 1, 9, 0, 0, Cst)).ToUniversalTime(),
                });
            }
            return await db.SaveChangesAsync();
        });
        // Results registered through the API: 5 results and a function development in 2030, one paper of 2029.
        foreach (var (kind, on) in new[] { ("Paper", "2030-02-01"), ("Paper", "2030-05-01"), ("Patent", "2030-06-01"), ("Award", "2030-09-01"),
                     ("Standard", "2030-11-30"), ("FunctionDevelopment", "2030-07-01"), ("Paper", "2029-12-31") })
        {
            var added = await manager.PostAsJsonAsync($"/api/v1/instruments/{busy}/achievements", new { kind, title = $"{kind} {on} 基于 XRD 的相变研究", achievedOn = on });
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }
        await (await manager.PostAsJsonAsync($"/api/v1/instruments/{busy}/achievements", new { kind = "Paper", title = "未来的论文", achievedOn = "2032-06-01" }))
            .AssertFieldErrorAsync("achievedOn");
        var outsider = await ClientAsync(Demo.ScuResearcher);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PostAsJsonAsync($"/api/v1/instruments/{busy}/achievements",
            new { kind = "Paper", title = "冒名登记的成果", achievedOn = "2030-03-01" })).StatusCode);

        // Only the platform administrator evaluates, a year that has begun, one run at a time.
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync("/api/v1/evaluation/runs", new { year = 2030 })).StatusCode);
        var admin = await ClientAsync(Demo.SystemAdmin);
        await (await admin.PostAsJsonAsync("/api/v1/evaluation/runs", new { year = 2033 })).AssertFieldErrorAsync("year");
        var runId = await EvaluateAsync(admin);

        var all = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/evaluation/runs/{runId}/instruments?organizationId={cqu}&pageSize=100");
        var b = Find(all, busy);
        Assert.Equal(1400.0, b.GetProperty("effectiveHours").GetDouble());
        Assert.Equal(1000.0, b.GetProperty("externalHours").GetDouble());
        Assert.Equal(71.4, b.GetProperty("sharingRate").GetDouble());
        Assert.Equal(1, b.GetProperty("externalUsers").GetInt32());
        Assert.Equal(1, b.GetProperty("externalOrganizations").GetInt32());
        Assert.Equal(300_000m, b.GetProperty("incomeExternal").GetDecimal());
        Assert.Equal(40_000m, b.GetProperty("incomeInternal").GetDecimal());
        Assert.Equal(5, b.GetProperty("trainees").GetInt32());
        Assert.Equal(5, b.GetProperty("results").GetInt32());
        Assert.Equal(1, b.GetProperty("functions").GetInt32());
        Assert.Equal([35.0, 10.0, 25.0, 15.0, 5.0], b.GetProperty("indicatorScores").EnumerateArray().Select(x => x.GetDouble()).ToArray());
        Assert.Equal(90.0, b.GetProperty("score").GetDouble());
        Assert.Equal("Excellent", b.GetProperty("grade").GetString());
        var i = Find(all, idle);
        Assert.Equal(100.0, i.GetProperty("effectiveHours").GetDouble()); // 50 uses of 2 h in 2030 Beijing time, not the two outside it
        Assert.Equal(0.0, i.GetProperty("sharingRate").GetDouble());
        Assert.Equal(11.5, i.GetProperty("score").GetDouble()); // 35 × 100/1400 = 2.5; income 30,000 元 → 15 × 0.6 = 9
        Assert.Equal("Poor", i.GetProperty("grade").GetString());
        Assert.True(b.GetProperty("rank").GetInt32() < i.GetProperty("rank").GetInt32());
        Assert.Equal(1, b.GetProperty("regionRank").GetInt32()); // nobody in Chongqing scores more than 90 in the demo's 2030

        // The organisation's row adds its instruments up.
        var orgs = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/evaluation/runs/{runId}/organizations?region=500000&pageSize=100");
        var cquRow = orgs.GetProperty("items").EnumerateArray().Single(o => o.GetProperty("organizationId").GetGuid() == cqu);
        Assert.True(cquRow.GetProperty("effectiveHours").GetDouble() >= 1500);
        Assert.True(cquRow.GetProperty("excellent").GetInt32() >= 1);

        // Scope: Sichuan's administrator sees none of Chongqing's instruments; Chongqing's does; a researcher sees nothing.
        var sichuan = await ClientAsync(Demo.SichuanAdmin);
        var seen = await sichuan.GetFromJsonAsync<JsonElement>($"/api/v1/evaluation/runs/{runId}/instruments?organizationId={cqu}");
        Assert.Equal(0, seen.GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await sichuan.GetAsync($"/api/v1/evaluation/runs/{runId}/instruments?region=500000")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sichuan.GetAsync($"/api/v1/evaluation/runs/{runId}/instruments.xlsx?region=500000")).StatusCode);
        var chongqing = await ClientAsync(Demo.ChongqingAdmin);
        Assert.Equal(90.0, Find(await chongqing.GetFromJsonAsync<JsonElement>($"/api/v1/evaluation/runs/{runId}/instruments?organizationId={cqu}&pageSize=100"), busy)
            .GetProperty("score").GetDouble());
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/api/v1/evaluation/runs/{runId}/instruments")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/api/v1/evaluation/runs/{runId}/summary")).StatusCode);

        // The summary's grades count the instruments the viewer may see.
        var summary = await chongqing.GetFromJsonAsync<JsonElement>($"/api/v1/evaluation/runs/{runId}/summary");
        var visible = (await chongqing.GetFromJsonAsync<JsonElement>($"/api/v1/evaluation/runs/{runId}/instruments")).GetProperty("total").GetInt32();
        Assert.Equal(visible, summary.GetProperty("grades").EnumerateObject().Sum(g => g.Value.GetInt32()));
        Assert.Equal(visible, summary.GetProperty("scoreBands").EnumerateArray().Sum(x => x.GetInt32()));
        Assert.Equal("500000", Assert.Single(summary.GetProperty("regions").EnumerateArray()).GetProperty("regionCode").GetString());

        // The export, read back by NPOI: the busy instrument's row with its score and grade.
        var xlsx = await chongqing.GetAsync($"/api/v1/evaluation/runs/{runId}/instruments.xlsx?region=500000");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        var workbook = new XSSFWorkbook(await xlsx.Content.ReadAsStreamAsync());
        var sheet = workbook.GetSheetAt(0);
        Assert.Equal(visible + 1, sheet.LastRowNum); // a title row, the header, then one row per instrument
        var header = sheet.GetRow(1);
        var nameColumn = Enumerable.Range(0, header.LastCellNum).First(c => header.GetCell(c).StringCellValue == "仪器名称");
        var row = Enumerable.Range(2, visible).Select(sheet.GetRow).Single(r => r.GetCell(nameColumn).StringCellValue == "评价 繁忙的 X 射线衍射仪");
        Assert.Equal(90.0, row.GetCell(header.LastCellNum - 2).NumericCellValue);
        Assert.Equal("优秀", row.GetCell(header.LastCellNum - 1).StringCellValue);
    }

    [Fact]
    public async Task TheScheme_IsValidated_EditedByThePlatformAdmin_AndARunKeepsTheOneItUsed()
    {
        var admin = await ClientAsync(Demo.SystemAdmin);
        var scheme = await admin.GetFromJsonAsync<JsonElement>("/api/v1/evaluation/scheme");
        Assert.Equal(100.0, scheme.GetProperty("scheme").GetProperty("indicators").EnumerateArray().Sum(x => x.GetProperty("weight").GetDouble()));
        Assert.Equal(1400.0, scheme.GetProperty("scheme").GetProperty("indicators")[0].GetProperty("target").GetDouble());
        var first = await EvaluateAsync(admin);

        var version = scheme.GetProperty("version").GetInt32();
        object Body(double runningWeight, string code = "runningHours", double pass = 60) => new
        {
            version,
            scheme = new
            {
                name = "川渝共享平台年度评价（试行）",
                indicators = new object[]
                {
                    new { code, weight = runningWeight, target = 700 },
                    new { code = "sharingRate", weight = 30, target = 50 },
                    new { code = "rating", weight = 10, target = 5 },
                    new { code = "income", weight = 20, target = 50_000 },
                },
                excellentFrom = 85,
                goodFrom = 70,
                passFrom = pass,
            },
        };
        await (await admin.PutAsJsonAsync("/api/v1/evaluation/scheme", Body(35))).AssertFieldErrorAsync("indicators");
        await (await admin.PutAsJsonAsync("/api/v1/evaluation/scheme", Body(40, "hoursOfFun"))).AssertFieldErrorAsync("indicators[0].code");
        await (await admin.PutAsJsonAsync("/api/v1/evaluation/scheme", Body(40, pass: 90))).AssertFieldErrorAsync("thresholds");
        var manager = await ClientAsync(Demo.CquInstrumentManager);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PutAsJsonAsync("/api/v1/evaluation/scheme", Body(40))).StatusCode);
        var saved = await admin.PutAsJsonAsync("/api/v1/evaluation/scheme", Body(40));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        await (await admin.PutAsJsonAsync("/api/v1/evaluation/scheme", Body(40))).AssertProblemAsync(409); // the version moved on

        var second = await EvaluateAsync(admin);
        var old = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/evaluation/runs/{first}");
        var now = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/evaluation/runs/{second}");
        Assert.Equal(5, old.GetProperty("scheme").GetProperty("indicators").GetArrayLength());
        Assert.Equal("sharingRate", now.GetProperty("scheme").GetProperty("indicators")[1].GetProperty("code").GetString());
        // Every result of the second run has four indicator scores, adding up to its score.
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/evaluation/runs/{second}/instruments?pageSize=100");
        Assert.True(page.GetProperty("total").GetInt32() > 0);
        foreach (var r in page.GetProperty("items").EnumerateArray())
        {
            var parts = r.GetProperty("indicatorScores").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            Assert.Equal(4, parts.Length);
            Assert.Equal(Math.Round(parts.Sum(), 1), r.GetProperty("score").GetDouble(), 1);
        }
        var audited = await WithDbAsync(_host, db => db.AuditEntries.CountAsync(a => a.Action == "evaluation.scheme"));
        Assert.Equal(1, audited);
    }
}
