using Chuanyu.Web.Data;
using Microsoft.AspNetCore.Identity;

namespace Chuanyu.Web.Infrastructure;

/// <summary>Identity's e-mails go to the outbox table; no mail server is contacted from a request.</summary>
public sealed class OutboxEmailSender(AppDbContext db, TimeProvider clock) : IEmailSender<AppUser>
{
    // Mail is written in Chinese, the platform's language: the recipient's own language is not stored.
    public Task SendConfirmationLinkAsync(AppUser user, string email, string confirmationLink) =>
        EnqueueAsync(email, new Message("Common.Mail.ConfirmEmail"), new Message("Common.Mail.ConfirmEmailBody", user.DisplayName, confirmationLink));

    public Task SendPasswordResetLinkAsync(AppUser user, string email, string resetLink) =>
        EnqueueAsync(email, new Message("Common.Mail.ResetPassword"), new Message("Common.Mail.ResetPasswordBody", user.DisplayName, resetLink));

    public Task SendPasswordResetCodeAsync(AppUser user, string email, string resetCode) =>
        EnqueueAsync(email, new Message("Common.Mail.ResetCode"), new Message("Common.Mail.ResetCodeBody", user.DisplayName, resetCode));

    private async Task EnqueueAsync(string to, Message subject, Message body)
    {
        var chinese = PlatformSetup.Cultures[0];
        db.Outbox.Add(OutboxMessage.Email(to, Messages.Translate(subject, chinese), Messages.Translate(body, chinese), clock.GetUtcNow()));
        await db.SaveChangesAsync();
    }
}
