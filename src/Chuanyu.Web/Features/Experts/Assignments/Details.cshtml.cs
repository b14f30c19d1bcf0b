using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Experts;

/// <summary>One bulk assignment run: status and progress (the page refreshes itself until it is done), the figures, the proposals with their experts, the download.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class AssignmentRunModel(AssignmentRuns runs) : PageModel
{
    public const int PageSize = 50;

    /// <summary>Seconds between refreshes while the run is queued or running.</summary>
    public const int RefreshSeconds = 3;

    public AssignmentRunDto Run { get; private set; } = null!;
    public PagedList<AssignmentResultRow>? Results { get; private set; }
    public Pager Pager => new(Results?.PageNumber ?? 1, PageSize, Results?.Total ?? 0, Request);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await runs.GetAsync(id, ct) is not { } run)
        {
            return NotFound();
        }
        Run = run;
        if (run.Status == AssignmentRunStatus.Done)
        {
            Results = await runs.ResultAsync(id, Pager.RequestedPage(Request), PageSize, ct);
        }
        return Page();
    }
}
