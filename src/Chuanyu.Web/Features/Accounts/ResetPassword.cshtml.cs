using System.ComponentModel.DataAnnotations;
using System.Text;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Accounts;

[AllowAnonymous]
public sealed class ResetPasswordModel(UserManager<AppUser> users, AuditLog audit, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Email { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string Code { get; set; } = "";

    [BindProperty]
    [Required(ErrorMessage = "Validation.Required")]
    [DataType(DataType.Password)]
    [Display(Name = "Reset.NewPassword")]
    public string Password { get; set; } = "";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var user = await users.FindByEmailAsync(Email);
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(Code));
        }
        catch (FormatException)
        {
            token = "";
        }
        if (user is null || token.Length == 0)
        {
            ModelState.AddModelError("", l["Reset.InvalidLink"]);
            return Page();
        }
        var result = await users.ResetPasswordAsync(user, token, Password);
        if (!result.Succeeded)
        {
            foreach (var e in result.Errors)
            {
                ModelState.AddModelError(e.Code.Contains("Password", StringComparison.Ordinal) ? nameof(Password) : "", e.Description);
            }
            return Page();
        }
        // A reset ends every other session: the security stamp changed, so old cookies and tokens stop working.
        await users.ResetAccessFailedCountAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        await audit.RecordAsync("auth.password-reset", $"user:{user.Id}", actorId: user.Id, actorName: user.Email);
        TempData["Message"] = l["Reset.Done"].Value;
        return RedirectToPage("/Accounts/Login");
    }
}
