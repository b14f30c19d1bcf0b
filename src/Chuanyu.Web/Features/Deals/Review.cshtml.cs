using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Deals;

/// <summary>The region administrator's review of technology manager profiles of their regions (phones masked).</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class DealReviewModel(TechManagers managers, IStringLocalizer<SharedResource> l) : PageModel
{
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true)] public TechManagerStatus Status { get; set; }
    [BindProperty] public string? Note { get; set; }
    [BindProperty] public int? Version { get; set; }
    [BindProperty] public bool Approve { get; set; }

    public PagedList<TechManagerDto> Items { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);
    public string? Failure { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) =>
        Items = await managers.ForReviewAsync(Status, Pager.RequestedPage(Request), PageSize, ct) ?? Items;

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var result = await managers.ReviewAsync(id, new TechManagerReviewInput(Approve, Note, Version), ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["DealPages.Reviewed"].Value;
            return RedirectToPage("/Deals/Review");
        }
        var errors = new FieldErrors();
        if (PageResults.Refused(this, result, errors, e => Failure = e) is { } answer)
        {
            return answer;
        }
        Failure ??= string.Join(" ", errors.Values.SelectMany(v => v).Select(m => m.ToString()));
        await OnGetAsync(ct);
        return Page();
    }
}
