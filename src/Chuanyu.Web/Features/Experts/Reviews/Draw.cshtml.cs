using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Experts;

/// <summary>
/// 抽取结果公示与核验: what anyone may check of a drawn activity — the commitments from the draw on; after the review the
/// revealed seeds, the names drawn, the platform's own recomputation and the record to recompute elsewhere.
/// </summary>
[AllowAnonymous]
public sealed class ReviewDrawPageModel(DrawAudit audit, IStringLocalizer<SharedResource> l) : PageModel
{
    public PublishedActivityDto Activity { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await audit.PublicAsync(id, ct) is not { } a)
        {
            return NotFound();
        }
        Activity = a;
        return Page();
    }

    public string Excluded(IReadOnlyDictionary<string, int> counts) => ReviewLabels.Exclusions(l, counts);
}
