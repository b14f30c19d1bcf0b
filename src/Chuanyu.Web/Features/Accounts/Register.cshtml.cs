using System.ComponentModel.DataAnnotations;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Accounts;

[AllowAnonymous]
public sealed class RegisterModel(SelfRegistration registration, IStringLocalizer<SharedResource> l, SystemSettingsStore system) : PageModel
{
    public bool Closed => !system.Current.RegistrationOpen;

    public sealed class InputModel
    {
        [Required(ErrorMessage = "Validation.Required")]
        [StringLength(50, ErrorMessage = "Validation.MaxLength")]
        [Display(Name = "Field.DisplayName")]
        public string DisplayName { get; set; } = "";

        [Required(ErrorMessage = "Validation.Required")]
        [EmailAddress(ErrorMessage = "Validation.Email")]
        [StringLength(256, ErrorMessage = "Validation.MaxLength")]
        [Display(Name = "Field.Email")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Validation.Required")]
        [DataType(DataType.Password)]
        [StringLength(128, ErrorMessage = "Validation.MaxLength")]
        [Display(Name = "Field.Password")]
        public string Password { get; set; } = "";

        [DataType(DataType.Password)]
        [Compare(nameof(Password), ErrorMessage = "Validation.PasswordMismatch")]
        [Display(Name = "Field.ConfirmPassword")]
        public string ConfirmPassword { get; set; } = "";

        public bool AcceptTerms { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Closed)
        {
            return Page();
        }
        if (!Input.AcceptTerms)
        {
            ModelState.AddModelError("Input.AcceptTerms", l["Register.MustAccept"]);
        }
        if (!ModelState.IsValid)
        {
            return Page();
        }
        // A taken address answers exactly like a new one (SelfRegistration says why): nobody is signed in here.
        var (_, errors) = await registration.RegisterAsync(Input.Email, Input.Password, Input.DisplayName, "web");
        if (errors is not null)
        {
            foreach (var (field, reasons) in errors)
            {
                foreach (var reason in reasons.Distinct())
                {
                    ModelState.AddModelError(field == "password" ? "Input.Password" : "Input.Email", reason.ToString());
                }
            }
            return Page();
        }
        TempData["Message"] = l["Register.Accepted"].Value;
        return RedirectToPage("/Accounts/Login");
    }
}
