using System.ComponentModel.DataAnnotations;
using System.Text;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>
/// Sends a reset link through the outbox. The answer is the same whether or not the address has an account,
/// so the page cannot be used to find out who is registered.
/// </summary>
[AllowAnonymous]
public sealed class ForgotPasswordModel(UserManager<AppUser> users, IEmailSender<AppUser> email, AuditLog audit,
    Chuanyu.Web.Data.AppDbContext db, TimeProvider clock, IConfiguration configuration) : PageModel
{
    [BindProperty]
    [Required(ErrorMessage = "Validation.Required")]
    [EmailAddress(ErrorMessage = "Validation.Email")]
    [Display(Name = "Field.Email")]
    public string Email { get; set; } = "";

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }
        var user = await users.FindByEmailAsync(Email.Trim());
        // Per account: at most a few reset e-mails an hour, so the form cannot be used to flood someone's mailbox.
        var perHour = configuration.GetValue("Security:PasswordResetEmailsPerHour", 3);
        var since = clock.GetUtcNow().AddHours(-1);
        // Counted from the audit rows each sent reset writes, so the cap does not depend on the e-mail's wording.
        if (user is not null && await db.AuditEntries.CountAsync(e => e.Action == "auth.password-reset.request" && e.Target == $"user:{user.Id}" && e.At > since) >= perHour)
        {
            await audit.RecordAsync("auth.password-reset.throttled", $"user:{user.Id}", AuditOutcome.Failure, actorId: user.Id, actorName: user.Email);
        }
        else if (user is not null)
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
            var link = $"{Request.Scheme}://{Request.Host}/Accounts/ResetPassword?email={Uri.EscapeDataString(user.Email!)}&code={code}";
            await email.SendPasswordResetLinkAsync(user, user.Email!, link);
            await audit.RecordAsync("auth.password-reset.request", $"user:{user.Id}", actorId: user.Id, actorName: user.Email);
        }
        Sent = true;
        return Page();
    }
}
