using System.Globalization;
using System.Net;
using AngleSharp.Html.Parser;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Evaluation;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Evaluation;

/// <summary>
/// The evaluation pages: the platform administrator starts a run through the page and the test computes it with the
/// runner (the background poller is slowed down so it does not race the test); the results within each viewer's
/// scope; the scheme editor's field errors.
/// </summary>
public sealed class EvaluationPagesTests(EvaluationPagesTests.Factory factory) : IClassFixture<EvaluationPagesTests.Factory>
{
    /// <summary>The platform with the background evaluation runner effectively off: the tests run the runner themselves.</summary>
    public sealed class Factory : ChuanyuFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Evaluation:PollSeconds", "86400");
        }
    }

    private static readonly int LastYear = DateTimeOffset.UtcNow.ToOffset(Display.ChinaStandardTime).Year - 1;

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

    /// <summary>A completed run of last year: started through the admin's page and computed here, once per class.</summary>
    private async Task<Guid> CompletedRunAsync()
    {
        var done = await factory.WithDbAsync(db => db.Set<EvaluationRun>().Where(r => r.Status == EvaluationRunStatus.Completed)
            .Select(r => (Guid?)r.Id).FirstOrDefaultAsync());
        if (done is { } id)
        {
            return id;
        }
        var admin = await SignedInAsync(Demo.SystemAdmin);
        var started = await admin.SubmitAsync("/Evaluation", new Dictionary<string, string> { ["Year"] = LastYear.ToString(CultureInfo.InvariantCulture) },
            "form[data-testid=start-form]");
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var run = Guid.Parse(started.Headers.Location!.OriginalString["/Evaluation?run=".Length..]);
        Assert.Equal(run, await RunNextAsync());
        return run;
    }

    [Fact]
    public async Task PlatformAdmin_StartsARun_SeesItsProgress_ThenTheResultsChartsAndRankings()
    {
        var admin = await SignedInAsync(Demo.SystemAdmin);
        var (_, before) = await admin.GetAsync("/Evaluation");
        Assert.NotNull(before.QuerySelector("form[data-testid=start-form]"));
        Assert.NotNull(before.QuerySelector("[data-testid=nav-evaluation]"));

        // A year in the future is a field error in Chinese.
        var future = await admin.SubmitAsync("/Evaluation", new Dictionary<string, string> { ["Year"] = (LastYear + 5).ToString(CultureInfo.InvariantCulture) },
            "form[data-testid=start-form]");
        Assert.Equal(HttpStatusCode.OK, future.StatusCode);
        Assert.Contains("评价年度须为", new HtmlParser().ParseDocument(await future.Content.ReadAsStringAsync()).QuerySelector("[data-testid=error-year]")!.TextContent,
            StringComparison.Ordinal);

        var started = await admin.SubmitAsync("/Evaluation", new Dictionary<string, string> { ["Year"] = LastYear.ToString(CultureInfo.InvariantCulture) },
            "form[data-testid=start-form]");
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var location = started.Headers.Location!.OriginalString;
        var run = Guid.Parse(location["/Evaluation?run=".Length..]);

        // Queued: the run's progress, and the page refreshes itself every 3 seconds.
        var queued = await admin.FollowAsync(started);
        var row = queued.QuerySelector($"[data-testid=runs] tr[data-run-id='{run}']")!;
        Assert.Equal("排队中", row.QuerySelector("[data-testid=run-status]")!.TextContent.Trim());
        Assert.Equal("0%", row.QuerySelector("[data-testid=run-progress]")!.TextContent.Trim());
        Assert.Equal("3", queued.QuerySelector("head meta[http-equiv=refresh]")!.GetAttribute("content"));
        Assert.Contains("排队中", queued.QuerySelector("[data-testid=run-notice]")!.TextContent, StringComparison.Ordinal);
        // A second run while one waits is refused with the service's reason.
        var second = await admin.SubmitAsync("/Evaluation", new Dictionary<string, string> { ["Year"] = LastYear.ToString(CultureInfo.InvariantCulture) },
            "form[data-testid=start-form]");
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("已有评价正在计算", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(run, await RunNextAsync());
        var (response, doc) = await admin.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(doc.QuerySelector("meta[http-equiv=refresh]"));
        Assert.Equal($"{LastYear} 年度", doc.QuerySelector("[data-testid=run-year]")!.TextContent.Trim());
        Assert.Equal("已完成", doc.QuerySelector($"[data-testid=runs] tr[data-run-id='{run}'] [data-testid=run-status]")!.TextContent.Trim());

        // The scheme of the run with Chinese names and the thresholds.
        Assert.Equal("运行机时", doc.QuerySelector("[data-testid=run-scheme] tr[data-code=runningHours] td")!.TextContent.Trim());
        Assert.Contains("优秀 ≥ 85", doc.QuerySelector("[data-testid=thresholds]")!.TextContent, StringComparison.Ordinal);

        // The charts agree with the figures: every evaluated instrument is in one grade and one score band.
        var instruments = await factory.WithDbAsync(db => db.Set<EvaluationResult>().CountAsync(r => r.RunId == run));
        Assert.True(instruments > 0);
        var grades = doc.QuerySelectorAll("[data-testid=grade-chart] g[data-grade]");
        Assert.Equal(["Excellent", "Good", "Pass", "Poor"], grades.Select(g => g.GetAttribute("data-grade")!).ToArray());
        Assert.Equal(["优秀", "良好", "合格", "较差"], grades.Select(g => g.QuerySelector("text")!.TextContent).ToArray());
        Assert.Equal(instruments, grades.Sum(g => int.Parse(g.GetAttribute("data-count")!, CultureInfo.InvariantCulture)));
        var bands = doc.QuerySelectorAll("[data-testid=histogram] g[data-band]");
        Assert.Equal(10, bands.Length);
        Assert.Equal(instruments, bands.Sum(g => int.Parse(g.GetAttribute("data-count")!, CultureInfo.InvariantCulture)));
        Assert.Equal(["500000", "510000"], doc.QuerySelectorAll("[data-testid=regions] thead th[data-region]").Select(th => th.GetAttribute("data-region")!).ToArray());
        Assert.Equal(5, doc.QuerySelectorAll("[data-testid=regions] tbody tr").Length);

        // The ranking in rank order, both regions, and the export link.
        var ranks = doc.QuerySelectorAll("[data-testid=instrument-ranking] tbody tr td:first-child").Select(td => int.Parse(td.TextContent, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Math.Min(instruments, EvaluationModel.PageSize), ranks.Count);
        Assert.Equal(ranks.Order().ToList(), ranks);
        Assert.Equal($"/api/v1/evaluation/runs/{run}/instruments.xlsx", doc.QuerySelector("[data-testid=export-link]")!.GetAttribute("href"));
        var (_, filtered) = await admin.GetAsync($"/Evaluation?run={run}&region=500000&sort=Hours");
        Assert.All(filtered.QuerySelectorAll("[data-testid=instrument-ranking] tbody tr"), tr => Assert.Equal("500000", tr.GetAttribute("data-region")));
        Assert.Equal($"/api/v1/evaluation/runs/{run}/instruments.xlsx?region=500000", filtered.QuerySelector("[data-testid=export-link]")!.GetAttribute("href"));
        var export = await admin.Client.GetAsync(filtered.QuerySelector("[data-testid=export-link]")!.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", export.Content.Headers.ContentType!.MediaType);
        var (_, organizations) = await admin.GetAsync($"/Evaluation?run={run}&tab=organizations");
        Assert.NotEmpty(organizations.QuerySelectorAll("[data-testid=organization-ranking] tbody tr"));
        Assert.Null(organizations.QuerySelector("[data-testid=instrument-ranking]"));
    }

    [Fact]
    public async Task RegionAdmin_SeesOnlyHisRegion_AndAResearcherIsRefused()
    {
        var run = await CompletedRunAsync();
        var sichuan = await SignedInAsync(Demo.SichuanAdmin);
        var (response, doc) = await sichuan.GetAsync($"/Evaluation?run={run}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(doc.QuerySelector("form[data-testid=start-form]"));
        var rows = doc.QuerySelectorAll("[data-testid=instrument-ranking] tbody tr");
        Assert.NotEmpty(rows);
        Assert.All(rows, tr => Assert.Equal("510000", tr.GetAttribute("data-region")));
        // The comparison sets his region beside the other as totals (DemoEvaluationTests); everything else is Sichuan's.
        Assert.Equal(["500000", "510000"], doc.QuerySelectorAll("[data-testid=regions] thead th[data-region]").Select(th => th.GetAttribute("data-region")!).ToArray());
        Assert.Equal(["", "510000"], doc.QuerySelectorAll("select#region option").Select(o => o.GetAttribute("value")!).ToArray());
        var sichuanCount = await factory.WithDbAsync(db => db.Set<EvaluationResult>().CountAsync(r => r.RunId == run && r.RegionCode == "510000"));
        Assert.Equal(sichuanCount, doc.QuerySelectorAll("[data-testid=grade-chart] g[data-grade]").Sum(g => int.Parse(g.GetAttribute("data-count")!, CultureInfo.InvariantCulture)));
        // Asking for the other region is refused.
        Assert.Equal(HttpStatusCode.Forbidden, (await sichuan.GetAsync($"/Evaluation?run={run}&region=500000")).Response.StatusCode);

        var researcher = await SignedInAsync(Demo.ScuResearcher);
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.GetAsync("/Evaluation")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.GetAsync($"/Evaluation?run={run}")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.GetAsync("/Evaluation/Scheme")).Response.StatusCode);
        Assert.Null((await researcher.GetAsync("/Me/ServiceOrders")).Document.QuerySelector("[data-testid=nav-evaluation]"));
    }

    [Fact]
    public async Task Scheme_RefusesWeightsThatDoNotAddUpTo100_ShowsTheErrors_AndSavesAValidScheme()
    {
        // A region admin reads the scheme without a form.
        var (_, readOnly) = await (await SignedInAsync(Demo.ChongqingAdmin)).GetAsync("/Evaluation/Scheme");
        Assert.Null(readOnly.QuerySelector("form[data-testid=scheme-form]"));
        Assert.NotEmpty(readOnly.QuerySelectorAll("[data-testid=scheme] tbody tr"));

        var admin = await SignedInAsync(Demo.SystemAdmin);
        var (_, page) = await admin.GetAsync("/Evaluation/Scheme");
        Assert.Equal(SchemeForm.Rows, page.QuerySelectorAll("[data-testid=indicator-rows] tbody tr").Length);
        var version = page.QuerySelector("input[name='Form.Version']")!.GetAttribute("value")!;

        // Weights 35 + 20 + 25 + 15 + 4 = 99.
        var wrongSum = await admin.SubmitAsync("/Evaluation/Scheme", new Dictionary<string, string> { ["Form.Indicators[4].Weight"] = "4" }, "form[data-testid=scheme-form]");
        Assert.Equal(HttpStatusCode.OK, wrongSum.StatusCode);
        var doc = new HtmlParser().ParseDocument(await wrongSum.Content.ReadAsStringAsync());
        Assert.Equal("各项权重之和须为 100，现为 99。", doc.QuerySelector("[data-testid=error-indicators]")!.TextContent.Trim());
        Assert.Equal("4", doc.QuerySelector("#weight-4")!.GetAttribute("value"));

        // A weight that is not a number, and thresholds out of order, beside their fields.
        var bad = await admin.SubmitAsync("/Evaluation/Scheme", new Dictionary<string, string>
        {
            ["Form.Indicators[1].Weight"] = "二十",
            ["Form.GoodFrom"] = "90",
        }, "form[data-testid=scheme-form]");
        var badDoc = new HtmlParser().ParseDocument(await bad.Content.ReadAsStringAsync());
        Assert.Equal("权重须为数字，例如 20。", badDoc.QuerySelector("[data-testid='error-indicators[1].weight']")!.TextContent.Trim());
        var negative = await admin.SubmitAsync("/Evaluation/Scheme", new Dictionary<string, string>
        {
            ["Form.Indicators[2].Weight"] = "-25",
            ["Form.GoodFrom"] = "90",
        }, "form[data-testid=scheme-form]");
        var negativeDoc = new HtmlParser().ParseDocument(await negative.Content.ReadAsStringAsync());
        Assert.Equal("权重须大于 0、不超过 100。", negativeDoc.QuerySelector("[data-testid='error-indicators[2].weight']")!.TextContent.Trim());
        Assert.Contains("0 < 合格 < 良好 < 优秀", negativeDoc.QuerySelector("[data-testid=error-thresholds]")!.TextContent, StringComparison.Ordinal);

        // A valid scheme (a sixth indicator, weights moved) is saved; the page read before that is now stale.
        var saved = await admin.SubmitAsync("/Evaluation/Scheme", new Dictionary<string, string>
        {
            ["Form.Indicators[0].Weight"] = "30",
            ["Form.Indicators[5].Code"] = "rating",
            ["Form.Indicators[5].Weight"] = "5",
            ["Form.Indicators[5].Target"] = "5",
        }, "form[data-testid=scheme-form]");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var after = await admin.FollowAsync(saved);
        Assert.Equal("rating", ((AngleSharp.Html.Dom.IHtmlSelectElement)after.QuerySelector("#code-5")!).Value);
        var scheme = await factory.WithDbAsync(async db => EvaluationScheme.FromJson((await db.Set<EvaluationSchemeRow>().SingleAsync()).Json));
        Assert.Equal(6, scheme.Indicators.Count);
        Assert.Equal(100, scheme.Indicators.Sum(i => i.Weight));

        var stale = await admin.SubmitAsync("/Evaluation/Scheme", new Dictionary<string, string> { ["Form.Version"] = version }, "form[data-testid=scheme-form]");
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("刚刚被他人修改", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
