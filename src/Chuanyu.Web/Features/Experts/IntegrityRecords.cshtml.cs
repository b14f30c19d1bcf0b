using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Experts;

/// <summary>科研诚信记录: every record of both regions for the region administrators and the security administrator, filtered; active ones highlighted.</summary>
[Authorize(Policy = Policies.RegionOrSecurityAdmin)]
public sealed class IntegrityRecordsModel(IntegrityRecords records) : PageModel
{
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true)] public IntegritySubjectKind? SubjectKind { get; set; }
    [BindProperty(SupportsGet = true)] public IntegrityRecordType? Type { get; set; }
    [BindProperty(SupportsGet = true)] public IntegrityState? State { get; set; }
    [BindProperty(SupportsGet = true)] public string? Region { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }

    public PagedList<IntegrityRecordDto> Items { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);
    public bool CanCreate => records.EditRegions.Count > 0;
    public static IReadOnlyList<string> Regions { get; } = ["500000", "510000"];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var (list, result) = await records.ListAsync(new IntegrityQuery(SubjectKind, Type, State, Region, Q), Pager.RequestedPage(Request), PageSize, ct);
        if (list is null)
        {
            return StatusCode(result is ServiceResult.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest);
        }
        Items = list;
        return Page();
    }
}
