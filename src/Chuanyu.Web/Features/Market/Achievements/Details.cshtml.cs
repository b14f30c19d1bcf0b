using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Market;

/// <summary>One research result: public while published; drafts and the rest only for the owner organisation (else 404).</summary>
[AllowAnonymous]
public sealed class AchievementDetailsModel(MarketService market) : PageModel
{
    public AchievementDto Achievement { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await market.GetAchievementAsync(id, ct) is not { } a)
        {
            return NotFound();
        }
        Achievement = a;
        return Page();
    }
}
