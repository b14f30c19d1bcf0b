using System.ComponentModel.DataAnnotations;
using System.Text;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.UserCentre;

/// <summary>Enrols a TOTP authenticator (RFC 6238, as Identity implements it). Required for administrators outside development.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class TwoFactorModel(UserManager<AppUser> users, SignInManager<AppUser> signIn, CurrentUser me, AuditLog audit,
    IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "Validation.Required")]
    [StringLength(7, MinimumLength = 6, ErrorMessage = "Validation.TotpCode")]
    [Display(Name = "TwoFactor.Code")]
    public string Code { get; set; } = "";

    public string FormattedKey { get; private set; } = "";
    public string AuthenticatorUri { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.FindByIdAsync(me.Id!.Value.ToString());
        if (user is null)
        {
            return Challenge();
        }
        await LoadKeyAsync(user);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.FindByIdAsync(me.Id!.Value.ToString());
        if (user is null)
        {
            return Challenge();
        }
        if (!ModelState.IsValid)
        {
            await LoadKeyAsync(user);
            return Page();
        }
        var valid = await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, Code.Replace(" ", "", StringComparison.Ordinal));
        if (!valid)
        {
            ModelState.AddModelError(nameof(Code), l["TwoFactor.Invalid"]);
            await LoadKeyAsync(user);
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        await audit.RecordAsync("auth.2fa.enable", $"user:{user.Id}");
        // Sign in again so the session carries the second factor from now on.
        await signIn.SignOutAsync();
        TempData["Message"] = l["TwoFactor.EnabledSignInAgain"].Value;
        return RedirectToPage("/Accounts/Login");
    }

    private async Task LoadKeyAsync(AppUser user)
    {
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
            // A new key changes the security stamp; re-issue this session's cookie so it stays valid.
            await signIn.RefreshSignInAsync(user);
        }
        var sb = new StringBuilder();
        for (var i = 0; i < key!.Length; i += 4)
        {
            sb.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        }
        FormattedKey = sb.ToString().TrimEnd().ToLowerInvariant();
        // The issuer is the platform's registered name as the authenticator app lists it (data): the same in every UI language.
        AuthenticatorUri = $"otpauth://totp/{Uri.EscapeDataString("川渝科技资源共享服务平台")}:{Uri.EscapeDataString(user.Email!)}?secret={key}&issuer={Uri.EscapeDataString("川渝科技资源共享服务平台")}&digits=6";
    }
}
