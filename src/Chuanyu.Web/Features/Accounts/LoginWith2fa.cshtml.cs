using System.ComponentModel.DataAnnotations;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Accounts;

[AllowAnonymous]
public sealed class LoginWith2faModel(SignInManager<AppUser> signIn, AuditLog audit, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "Validation.Required")]
    [StringLength(7, MinimumLength = 6, ErrorMessage = "Validation.TotpCode")]
    [Display(Name = "TwoFactor.Code")]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool RememberMe { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Accounts/Login") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return RedirectToPage("/Accounts/Login");
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var result = await signIn.TwoFactorAuthenticatorSignInAsync(Code.Replace(" ", "", StringComparison.Ordinal), RememberMe, rememberClient: false);
        if (result.Succeeded)
        {
            await audit.RecordAsync("auth.login", $"user:{user.Id}", AuditOutcome.Success, "web+totp", user.Id, user.Email);
            return LoginModel.SafeReturnUrl(ReturnUrl) is { } returnUrl ? LocalRedirect(returnUrl) : RedirectToPage("/Me/Index");
        }
        await audit.RecordAsync("auth.login", $"user:{user.Id}", AuditOutcome.Failure, result.IsLockedOut ? "locked out (totp)" : "wrong totp code", user.Id, user.Email);
        ModelState.AddModelError("", result.IsLockedOut ? l["Login.LockedOut"] : l["TwoFactor.Invalid"]);
        return Page();
    }
}
