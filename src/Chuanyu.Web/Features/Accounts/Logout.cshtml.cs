using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>Sign-out is a POST (with antiforgery) so a link on another site cannot sign people out.</summary>
[AllowAnonymous]
public sealed class LogoutModel(SignInManager<AppUser> signIn, AuditLog audit, CurrentUser me) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (me.IsAuthenticated)
        {
            await audit.RecordAsync("auth.logout", $"user:{me.Id}");
        }
        await signIn.SignOutAsync();
        return RedirectToPage("/Index");
    }
}
