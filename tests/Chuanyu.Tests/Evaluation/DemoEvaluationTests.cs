using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Evaluation;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Evaluation;

/// <summary>
/// What a newcomer sees of the evaluation on the demo, on Sunday 6 December 2026 in Chongqing: the report opens on the
/// last complete year (2025), which the demo fills with a year of use graded from excellent to poor, and a region's
/// administrator compares his region with the other one.
/// </summary>
public sealed class DemoEvaluationTests(DemoEvaluationTests.Factory factory) : IClassFixture<DemoEvaluationTests.Factory>
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    /// <summary>The demo seeded and read on a clock set to 6 December 2026, 10:00 in Chongqing; the background runner off.</summary>
    public sealed class Factory : ChuanyuFactory
    {
        public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, Cst));

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Evaluation:PollSeconds", "86400");
            builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
        }
    }

    private const int LastCompleteYear = 2025;

    private async Task<PageSession> SignedInAsync(string email)
    {
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(email)).StatusCode);
        return session;
    }

    private async Task<Guid?> RunNextAsync()
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<EvaluationRunner>().RunNextAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
    }

    /// <summary>Evaluates a year now with the runner, as the background service would; the run's id.</summary>
    private async Task<Guid> EvaluateAsync(int year)
    {
        using var scope = factory.Services.CreateScope();
        var runner = scope.ServiceProvider.GetRequiredService<EvaluationRunner>();
        var run = await runner.QueueAsync(year, Guid.Empty, CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<Chuanyu.Web.Data.AppDbContext>().SaveChangesAsync();
        await runner.RunAsync(run.Id, CancellationToken.None);
        Assert.Equal(EvaluationRunStatus.Completed, run.Status);
        return run.Id;
    }

    [Fact]
    public async Task TheDemosLastCompleteYear_GradesItsInstrumentsFromExcellentToPoor_AsAnInstitutionsWould()
    {
        var run = await EvaluateAsync(LastCompleteYear);
        var results = await factory.WithDbAsync(db => db.Set<EvaluationResult>().Where(r => r.RunId == run).Select(r => new { r.RegionCode, r.Grade }).ToListAsync());
        var published = await factory.WithDbAsync(db => db.Set<Resource>().CountAsync(r => r.Kind == ResourceKind.Instrument && r.Status == ResourceStatus.Published));
        Assert.Equal(published, results.Count);

        // Every grade there is, in each region: a few excellent and some poor, most of them good or passing.
        foreach (var region in new[] { "500000", "510000" })
        {
            var grades = results.Where(r => r.RegionCode == region).Select(r => r.Grade).ToList();
            Assert.Equal(Enum.GetValues<EvaluationGrade>().Order(), grades.Distinct().Order());
            var middle = grades.Count(g => g is EvaluationGrade.Good or EvaluationGrade.Pass);
            Assert.True(middle > grades.Count / 2, $"{region}: {middle} of {grades.Count} good or passing");
            Assert.True(grades.Count(g => g == EvaluationGrade.Excellent) < grades.Count / 4, $"{region}: too many excellent");
        }
    }

    [Fact]
    public async Task TheApi_EvaluatesTheLastCompleteYear_WhenNoYearIsGiven()
    {
        var api = await factory.ApiClientAsync(Demo.SystemAdmin);
        var started = await api.PostAsJsonAsync("/api/v1/evaluation/runs", new { });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var body = await started.ReadJsonAsync();
        Assert.Equal(LastCompleteYear, body.GetProperty("year").GetInt32());
        Assert.Equal(body.GetProperty("id").GetGuid(), await RunNextAsync());
    }

    [Fact]
    public async Task TheReport_OpensOnTheLastCompleteYear_EvenWhenThisYearWasEvaluatedSince()
    {
        await EvaluateAsync(LastCompleteYear);

        // The start form proposes that year and still allows this one, which the administrator evaluates afterwards.
        var admin = await SignedInAsync(Demo.SystemAdmin);
        var (_, page) = await admin.GetAsync("/Evaluation");
        var year = page.QuerySelector("form[data-testid=start-form] input[name=Year]")!;
        Assert.Equal(LastCompleteYear.ToString(CultureInfo.InvariantCulture), year.GetAttribute("value"));
        Assert.Equal("2026", year.GetAttribute("max"));
        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        var thisYear = await admin.SubmitAsync("/Evaluation", new Dictionary<string, string> { ["Year"] = "2026" }, "form[data-testid=start-form]");
        Assert.Equal(HttpStatusCode.Redirect, thisYear.StatusCode);
        Assert.NotNull(await RunNextAsync());
        var latest = await factory.WithDbAsync(db => db.Set<EvaluationRun>().Where(r => r.Status == EvaluationRunStatus.Completed)
            .OrderByDescending(r => r.FinishedAt).Select(r => r.Year).FirstAsync());
        Assert.Equal(2026, latest);

        // Chongqing's administrator opens the report: the last complete year, not the year still running.
        var (response, report) = await (await SignedInAsync(Demo.ChongqingAdmin)).GetAsync("/Evaluation");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{LastCompleteYear} 年度", report.QuerySelector("[data-testid=run-year]")!.TextContent.Trim());
        Assert.NotEmpty(report.QuerySelectorAll("[data-testid=instrument-ranking] tbody tr"));
    }

    [Fact]
    public async Task AChongqingAdministrator_ComparesBothRegions_AsTotals_AndSeesOnlyHisOwnInstruments()
    {
        var (response, doc) = await (await SignedInAsync(Demo.ChongqingAdmin)).GetAsync("/Evaluation");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var heads = doc.QuerySelectorAll("[data-testid=regions] thead th[data-region]");
        Assert.Equal(["500000", "510000"], heads.Select(th => th.GetAttribute("data-region")!).ToArray());
        Assert.Contains("重庆", heads[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("四川", heads[1].TextContent, StringComparison.Ordinal);
        Assert.NotNull(doc.QuerySelector("[data-testid=regions-note]"));
        // Each metric compares two figures: two bars per row.
        Assert.All(doc.QuerySelectorAll("[data-testid=regions] tbody tr"), tr => Assert.Equal(2, tr.QuerySelectorAll("[data-testid=region-value]").Length));

        // The rest stays his region's: the grades, the ranking, the region filter; no organisation of Sichuan is named.
        var run = Guid.Parse(doc.QuerySelector("input[name=run]")!.GetAttribute("value")!);
        var chongqing = await factory.WithDbAsync(db => db.Set<EvaluationResult>().CountAsync(r => r.RunId == run && r.RegionCode == "500000"));
        Assert.Equal(chongqing, doc.QuerySelectorAll("[data-testid=grade-chart] g[data-grade]").Sum(g => int.Parse(g.GetAttribute("data-count")!, CultureInfo.InvariantCulture)));
        Assert.All(doc.QuerySelectorAll("[data-testid=instrument-ranking] tbody tr"), tr => Assert.Equal("500000", tr.GetAttribute("data-region")));
        Assert.Equal(["", "500000"], doc.QuerySelectorAll("select#region option").Select(o => o.GetAttribute("value")!).ToArray());
        var sichuanOrganizations = await factory.WithDbAsync(db => db.Organizations.Where(o => o.RegionCode == "510000").Select(o => o.Name).ToListAsync());
        Assert.NotEmpty(sichuanOrganizations);
        Assert.All(sichuanOrganizations, name => Assert.DoesNotContain(name, doc.Body!.TextContent, StringComparison.Ordinal));
        var (_, organizations) = await (await SignedInAsync(Demo.ChongqingAdmin)).GetAsync($"/Evaluation?run={run}&tab=organizations");
        Assert.All(organizations.QuerySelectorAll("[data-testid=organization-ranking] tbody tr"), tr => Assert.Equal("500000", tr.GetAttribute("data-region")));

        // The API keeps the scoped figures apart from the comparison.
        var api = await factory.ApiClientAsync(Demo.ChongqingAdmin);
        var summary = await api.GetFromJsonAsync<JsonElement>($"/api/v1/evaluation/runs/{run}/summary");
        Assert.Equal("500000", Assert.Single(summary.GetProperty("regions").EnumerateArray()).GetProperty("regionCode").GetString());
        Assert.Equal(["500000", "510000"], summary.GetProperty("comparison").EnumerateArray().Select(r => r.GetProperty("regionCode").GetString()!).ToArray());
    }
}
