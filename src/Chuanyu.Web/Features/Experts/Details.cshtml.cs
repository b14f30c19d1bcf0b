using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Experts;

/// <summary>An active expert's public profile: no phone, e-mail, ID number or birth year; the region's administrators get a link to manage it.</summary>
[AllowAnonymous]
public sealed class ExpertDetailsModel(ExpertPool pool) : PageModel
{
    public ExpertPublicDto Expert { get; private set; } = null!;
    public bool CanManage { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await pool.PublicGetAsync(id, ct) is not { } e)
        {
            return NotFound();
        }
        Expert = e;
        CanManage = pool.CanManage(e.RegionCode);
        return Page();
    }
}
