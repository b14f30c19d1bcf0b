using Chuanyu.Web.Data;
using Microsoft.AspNetCore.Identity;

namespace Chuanyu.Web.Infrastructure;

/// <summary>Identity's e-mails go to the outbox table; no mail server is contacted from a request.</summary>
public sealed class OutboxEmailSender(AppDbContext db, TimeProvider clock) : IEmailSender<AppUser>
{
    public Task SendConfirmationLinkAsync(AppUser user, string email, string confirmationLink) =>
        EnqueueAsync(email, "川渝科技资源共享服务平台：请确认您的邮箱",
            $"{user.DisplayName}，您好：\n\n请打开以下链接确认邮箱：\n{confirmationLink}\n\n如非本人操作，请忽略本邮件。");

    public Task SendPasswordResetLinkAsync(AppUser user, string email, string resetLink) =>
        EnqueueAsync(email, "重置密码",
            $"{user.DisplayName}，您好：\n\n请在 24 小时内打开以下链接重置密码：\n{resetLink}\n\n如非本人操作，请忽略本邮件，您的密码不会改变。");

    public Task SendPasswordResetCodeAsync(AppUser user, string email, string resetCode) =>
        EnqueueAsync(email, "重置密码验证码",
            $"{user.DisplayName}，您好：\n\n您的密码重置码为：\n{resetCode}\n\n如非本人操作，请忽略本邮件。");

    private async Task EnqueueAsync(string to, string subject, string body)
    {
        db.Outbox.Add(OutboxMessage.Email(to, subject, body, clock.GetUtcNow()));
        await db.SaveChangesAsync();
    }
}
