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
    public static readonly Message Accepted = new("Accounts.RegistrationAccepted");

    /// <summary>Null errors mean accepted (new account or taken address, indistinguishably); otherwise the field errors.</summary>
    public async Task<(AppUser? Created, FieldErrors? Errors)> RegisterAsync(string email, string password, string displayName, string channel)
    {
        var (user, errors) = await Registration.CreateUserAsync(users, email, password, displayName, clock);
        var now = clock.GetUtcNow();
        if (user is not null)
        {
            await audit.RecordAsync("account.register", $"user:{user.Id}", actorId: user.Id, actorName: user.Email, detail: $"privacy notice accepted ({channel})");
            // The mails are written in the language of the registration request: the platform keeps no language per person.
            db.Outbox.Add(OutboxMessage.Email(user.Email!, new Message("Accounts.WelcomeMailSubject").ToString(),
                new Message("Accounts.WelcomeMailBody", user.DisplayName).ToString(), now));
            await db.SaveChangesAsync();
            return (user, null);
        }
        if (errors.Keys.All(k => k == "email") && await users.FindByEmailAsync(email.Trim()) is { } owner)
        {
            await audit.RecordAsync("account.register.taken", $"user:{owner.Id}", AuditOutcome.Failure, channel, actorName: email.Trim());
            db.Outbox.Add(OutboxMessage.Email(owner.Email!, new Message("Accounts.TakenMailSubject").ToString(),
                new Message("Accounts.TakenMailBody", owner.DisplayName).ToString(), now));
            await db.SaveChangesAsync();
            return (null, null);
        }
        return (null, errors);
    }
}
