using System.Globalization;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Evaluation;

/// <summary>
/// 开放共享评价: a completed run (unless <c>?run=</c>, the latest of the last complete year, else the latest), its
/// scheme, the summary drawn server-side as SVG (grades, the regions side by side, the score histogram), the
/// instruments' and the organisations' rankings within the caller's scope, and the .xlsx export. The platform
/// administrator also starts runs and sees their progress; the page refreshes itself every 3 s while one is queued or
/// running. Whoever has no scope (<see cref="EvaluationService.CanView"/>) gets 403.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class EvaluationModel(EvaluationService evaluation, TimeProvider clock, IStringLocalizer<SharedResource> l, LinkGenerator links) : PageModel
{
    public const int PageSize = 20;
    public const string OrganizationsTab = "organizations";

    [BindProperty(SupportsGet = true)] public Guid? Run { get; set; }
    [BindProperty(SupportsGet = true)] public string? Region { get; set; }
    [BindProperty(SupportsGet = true)] public EvaluationGrade? Grade { get; set; }
    [BindProperty(SupportsGet = true)] public EvaluationSort Sort { get; set; } = EvaluationSort.Rank;
    [BindProperty(SupportsGet = true)] public string? Tab { get; set; }

    /// <summary>The year to evaluate (the start form), as typed.</summary>
    [BindProperty] public string? Year { get; set; }

    public bool CanRun => evaluation.CanRun;
    public IReadOnlyList<EvaluationRunDto> Runs { get; private set; } = [];
    public EvaluationRunDto? Selected { get; private set; }
    public EvaluationSummary? Summary { get; private set; }
    public PagedList<EvaluationResultDto>? Instruments { get; private set; }
    public PagedList<EvaluationOrganizationDto>? Organizations { get; private set; }
    public bool ShowOrganizations => Tab == OrganizationsTab;
    public int ThisYear { get; private set; }

    /// <summary>The year the report opens with and the start form proposes: the last one that has ended.</summary>
    public int LastCompleteYear { get; private set; }
    public FieldErrors Errors { get; private set; } = new();
    public string? ActionError { get; private set; }

    /// <summary>Why the selected run's results cannot be shown (not completed yet, failed).</summary>
    public string? RunNotice { get; private set; }

    /// <summary>A run is queued or running: the page reloads itself every 3 seconds.</summary>
    public bool Refresh => Runs.Any(r => r.Status is EvaluationRunStatus.Queued or EvaluationRunStatus.Running);

    public Pager Pager => new(Pager.RequestedPage(Request), PageSize, ShowOrganizations ? Organizations?.Total ?? 0 : Instruments?.Total ?? 0, Request);

    /// <summary>The selected run's instruments as .xlsx, for the region filtered on (shown only with a selected run).</summary>
    public string ExportUrl => links.EndpointPath(HttpContext, EvaluationApi.InstrumentsXlsxEndpoint, new { id = Selected?.Id, region = Region });

    /// <summary>This page with some query values changed (null removes one); back to page 1.</summary>
    public string With(string? region = "", EvaluationGrade? grade = null, bool keepGrade = true, EvaluationSort? sort = null, string? tab = "")
    {
        return Url.PagePath("/Evaluation/Evaluation", new
        {
            run = Selected?.Id,
            tab = tab == "" ? Tab : tab,
            region = region == "" ? Region : region,
            grade = keepGrade ? Grade : grade,
            sort = (sort ?? Sort) == EvaluationSort.Rank ? (EvaluationSort?)null : sort ?? Sort,
        });
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!evaluation.CanView)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        return await LoadAsync(ct) ?? Page();
    }

    public async Task<IActionResult> OnPostStartAsync(CancellationToken ct)
    {
        if (!evaluation.CanRun)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        int? year = int.TryParse(Year?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var y) ? y : null;
        var (run, result) = await evaluation.StartAsync(new EvaluationRunInput(year), ct);
        switch (result)
        {
            case ServiceResult.Ok:
                TempData["Message"] = l["Eval.Started", run!.Year].Value;
                return RedirectToPage("/Evaluation/Evaluation", new { run = run.Id });
            case ServiceResult.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            case ServiceResult.Invalid invalid:
                Errors = invalid.Errors;
                break;
            default:
                ActionError = result.FailureMessage;
                Response.StatusCode = result is ServiceResult.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
                break;
        }
        Run = null;
        return await LoadAsync(ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        ThisYear = ChinaTime.Today(clock).Year;
        LastCompleteYear = EvaluationRunner.LastCompleteYear(clock);
        Runs = await evaluation.ListRunsAsync(ct) ?? [];
        var id = Run ?? await evaluation.DefaultRunAsync(ct);
        if (id is null)
        {
            return null;
        }
        Selected = await evaluation.GetRunAsync(id.Value, ct);
        if (Selected is null)
        {
            return NotFound();
        }
        if (Selected.Status != EvaluationRunStatus.Completed)
        {
            RunNotice = Selected.Status == EvaluationRunStatus.Failed
                ? l["Eval.RunFailed", Selected.Error ?? ""].Value
                : l["Eval.RunPending", Messages.Label(Selected.Status).ToString(), Selected.Progress].Value;
            return null;
        }
        var (summary, summaryResult) = await evaluation.SummaryAsync(Selected.Id, ct);
        if (summary is null)
        {
            return Refused(summaryResult);
        }
        Summary = summary;
        var page = Pager.RequestedPage(Request);
        ServiceResult listResult;
        if (ShowOrganizations)
        {
            (Organizations, listResult) = await evaluation.OrganizationsAsync(Selected.Id, Region, Grade, Sort, page, PageSize, ct);
        }
        else
        {
            (Instruments, listResult) = await evaluation.InstrumentsAsync(Selected.Id, Region, null, Grade, Sort, page, PageSize, ct);
        }
        return listResult is ServiceResult.Ok ? null : Refused(listResult);
    }

    private StatusCodeResult Refused(ServiceResult result) => result switch
    {
        ServiceResult.Forbidden => StatusCode(StatusCodes.Status403Forbidden),
        ServiceResult.NotFound => NotFound(),
        _ => StatusCode(StatusCodes.Status409Conflict),
    };
}
