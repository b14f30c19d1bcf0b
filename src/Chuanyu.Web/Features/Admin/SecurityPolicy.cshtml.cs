using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Admin;

/// <summary>The security administrator's authentication policy; bounds are checked and every change is audited.</summary>
[Authorize(Policy = Policies.SecurityAdmin)]
public sealed class SecurityPolicyModel(SecurityPolicyStore store, AppDbContext db, AuditLog audit, CurrentUser me, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public SecurityPolicy Policy { get; set; } = new();

    public FieldErrors Errors { get; private set; } = new();

    public void OnGet() => Policy = store.Current;

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Errors = await store.SaveAsync(Policy, db, audit, me, ct);
        if (Errors.Count > 0)
        {
            return Page();
        }
        TempData["Message"] = l["Settings.Saved"].Value;
        return RedirectToPage();
    }
}
