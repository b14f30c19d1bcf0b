using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.UserCentre;

[Authorize(Policy = Policies.SignedIn)]
public sealed class SessionsModel(SessionService sessions, IStringLocalizer<SharedResource> l) : PageModel
{
    public IReadOnlyList<SessionDto> Sessions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Sessions = await sessions.ListAsync(ct);

    public async Task<IActionResult> OnPostAsync(Guid sessionId, CancellationToken ct)
    {
        var result = await sessions.RevokeAsync(sessionId, ct);
        TempData["Message"] = result is ServiceResult.Ok ? l["Sessions.Revoked"].Value : l["Error.NotFound"].Value;
        return RedirectToPage();
    }
}
