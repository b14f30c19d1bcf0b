using System.ComponentModel.DataAnnotations;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Seeding;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Accounts;

[AllowAnonymous]
public sealed class LoginModel(SignInAttempts attempts, AuditLog audit,
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
        // Unknown account, wrong password and locked account answer alike (SignInAttempts says why).
        var (result, user) = await attempts.PasswordSignInAsync(Input.Email, Input.Password, Input.RememberMe, channel: "web");
        if (result.Succeeded)
        {
            await audit.RecordAsync("auth.login", $"user:{user!.Id}", AuditOutcome.Success, "web", user.Id, user.Email);
            return SafeReturnUrl(ReturnUrl) is { } returnUrl ? LocalRedirect(returnUrl) : RedirectToPage("/Me/Index");
        }
        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("/Accounts/LoginWith2fa", new { ReturnUrl, Input.RememberMe });
        }
        ModelState.AddModelError("", l["Login.Invalid"]);
        return Page();
    }

    /// <summary>The return URL when it is a local path; null (go to the user centre) otherwise.</summary>
    internal static string? SafeReturnUrl(string? returnUrl) =>
        returnUrl is not null && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : null;
}
