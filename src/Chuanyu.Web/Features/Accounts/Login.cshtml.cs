using System.ComponentModel.DataAnnotations;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Accounts;

public sealed class LoginModel(SignInManager<AppUser> signIn, UserManager<AppUser> users, AuditLog audit,
    IStringLocalizer<SharedResource> l, IConfiguration configuration, IHostEnvironment env) : PageModel
{
    public sealed class InputModel
    {
        [Required(ErrorMessage = "Validation.Required")]
        [EmailAddress(ErrorMessage = "Validation.Email")]
        [Display(Name = "Field.Email")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Validation.Required")]
        [DataType(DataType.Password)]
        [Display(Name = "Field.Password")]
        public string Password { get; set; } = "";

        public bool RememberMe { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool ShowDemoAccounts => DemoData.ShouldSeed(configuration, env);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var user = await users.FindByEmailAsync(Input.Email.Trim());
        if (user is null)
        {
            await audit.RecordAsync("auth.login", $"email:{Input.Email.Trim()}", AuditOutcome.Failure, "unknown account", actorName: Input.Email.Trim());
            ModelState.AddModelError("", l["Login.Invalid"]);
            return Page();
        }
        var result = await signIn.PasswordSignInAsync(user, Input.Password, Input.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            await audit.RecordAsync("auth.login", $"user:{user.Id}", AuditOutcome.Success, "web", user.Id, user.Email);
            return LocalRedirect(SafeReturnUrl(ReturnUrl));
        }
        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("/Accounts/LoginWith2fa", new { ReturnUrl, Input.RememberMe });
        }
        if (result.IsLockedOut)
        {
            await audit.RecordAsync("auth.login", $"user:{user.Id}", AuditOutcome.Failure, "locked out", user.Id, user.Email);
            ModelState.AddModelError("", l["Login.LockedOut"]);
            return Page();
        }
        await audit.RecordAsync("auth.login", $"user:{user.Id}", AuditOutcome.Failure, "wrong password", user.Id, user.Email);
        ModelState.AddModelError("", l["Login.Invalid"]);
        return Page();
    }

    internal static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is not null && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/Me";
}
