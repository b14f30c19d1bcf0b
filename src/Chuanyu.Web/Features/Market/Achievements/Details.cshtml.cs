using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Market;

/// <summary>One research result: public while published; drafts and the rest only for the owner organisation (else 404).</summary>
[AllowAnonymous]
public sealed class AchievementDetailsModel(MarketService market, MatchReactions reactions) : PageModel
{
    public AchievementDto Achievement { get; private set; } = null!;

    /// <summary>For the owner: interest and dismissal reasons from demands' match lists.</summary>
    public MatchInterest? Interest { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await market.GetAchievementAsync(id, ct) is not { } a)
        {
            return NotFound();
        }
        Achievement = a;
        Interest = a.IsOwner ? await reactions.InterestAsync(MatchSide.Demand, id, ct) : null;
        return Page();
    }
}
