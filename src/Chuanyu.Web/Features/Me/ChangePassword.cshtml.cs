using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.UserCentre;

[Authorize(Policy = Policies.SignedIn)]
public sealed class ChangePasswordModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, CurrentUser me, AuditLog audit,
    IStringLocalizer<SharedResource> l) : PageModel
{
    private FieldErrors _errors = new();

    public string? Error(string field) => _errors.Message(field);

    public string Invalid(string field) => _errors.CssFor(field);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? currentPassword, string? newPassword)
    {
        var user = await users.FindByIdAsync(me.Id!.Value.ToString());
        if (user is null)
        {
            return Challenge();
        }
        var (ok, errors) = await Registration.ChangePasswordAsync(users, user, currentPassword, newPassword);
        if (!ok)
        {
            _errors = errors;
            await audit.RecordAsync("auth.password-change", $"user:{user.Id}", AuditOutcome.Failure, string.Join(",", errors.Keys));
            return Page();
        }
        await audit.RecordAsync("auth.password-change", $"user:{user.Id}");
        // The security stamp changed (other sessions end); keep this one.
        await signIn.RefreshSignInAsync(user);
        TempData["Message"] = l["ChangePassword.Done"].Value;
        return RedirectToPage("/Me/Index");
    }
}
