using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>
/// Registration that does not reveal who already has an account: a taken address gets the same answer as a new one
/// (accepted, "check your mailbox"), and its owner is told by e-mail that someone tried to register with it. A new
/// account gets a welcome e-mail, so the outbox looks the same either way. Invalid input (a weak password, a malformed
/// address) is still refused with the field named: that says nothing about existing accounts.
/// </summary>
public sealed class SelfRegistration(UserManager<AppUser> users, AuditLog audit, AppDbContext db, TimeProvider clock)
{
    /// <summary>What the caller is told in both cases.</summary>
    public const string AcceptedMessage = "注册申请已受理。我们已向该邮箱发送一封邮件；如果这是新邮箱，账号已经创建，请用该邮箱和密码登录。";

    /// <summary>Null errors mean accepted (new account or taken address, indistinguishably); otherwise the field errors.</summary>
    public async Task<(AppUser? Created, FieldErrors? Errors)> RegisterAsync(string email, string password, string displayName, string channel)
    {
        var (user, errors) = await Registration.CreateUserAsync(users, email, password, displayName, clock);
        var now = clock.GetUtcNow();
        if (user is not null)
        {
            await audit.RecordAsync("account.register", $"user:{user.Id}", actorId: user.Id, actorName: user.Email, detail: $"privacy notice accepted ({channel})");
            db.Outbox.Add(OutboxMessage.Email(user.Email!, "注册成功",
                $"{user.DisplayName}，您好：\n\n您已使用本邮箱注册川渝科技资源共享服务平台账号，现在可以登录使用。\n\n如非本人操作，请通过登录页的“忘记密码”重置密码并联系平台运维。", now));
            await db.SaveChangesAsync();
            return (user, null);
        }
        if (errors.Keys.All(k => k == "email") && await users.FindByEmailAsync(email.Trim()) is { } owner)
        {
            await audit.RecordAsync("account.register.taken", $"user:{owner.Id}", AuditOutcome.Failure, channel, actorName: email.Trim());
            db.Outbox.Add(OutboxMessage.Email(owner.Email!, "有人尝试用您的邮箱注册",
                $"{owner.DisplayName}，您好：\n\n有人刚刚尝试用您的邮箱注册平台账号。您已经有账号，无需再次注册，可直接登录；忘记密码时请使用登录页的“忘记密码”。\n\n如非本人操作，请忽略本邮件，您的账号不受影响。", now));
            await db.SaveChangesAsync();
            return (null, null);
        }
        return (null, errors);
    }
}
