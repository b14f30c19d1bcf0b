using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>
/// A password sign-in that tells an outsider nothing about which accounts exist: an unknown e-mail, a wrong password
/// and a locked account get the same answer (<see cref="SignInResult.Failed"/>) after the same work — the password is
/// hashed in every case (against a dummy hash for an unknown account, against the account's own while it is locked,
/// where Identity would answer before hashing). The owner of an account learns that it was locked by e-mail through
/// the outbox, once, when the lock begins. Used by the sign-in page and <c>POST /api/v1/auth/login</c> alike.
/// </summary>
public sealed class SignInAttempts(UserManager<AppUser> users, SignInManager<AppUser> signIn, AuditLog audit, AppDbContext db, TimeProvider clock)
{
    // A hash made once by the platform's own hasher, so verifying against it costs what verifying a real one costs.
    private static string? _dummyHash;

    /// <summary>The outcome; <see cref="User"/> is set only when the password was right (signed in or second factor due).</summary>
    public sealed record Outcome(SignInResult Result, AppUser? User);

    public async Task<Outcome> PasswordSignInAsync(string email, string password, bool persistent, string channel)
    {
        var address = email.Trim();
        var user = await users.FindByEmailAsync(address);
        if (user is null)
        {
            SpendAHash(password);
            await audit.RecordAsync("auth.login", $"email:{address}", AuditOutcome.Failure, $"unknown account ({channel})", actorName: address);
            return new(SignInResult.Failed, null);
        }
        if (await users.IsLockedOutAsync(user))
        {
            // Identity answers a locked account before it hashes anything: hash anyway, so the time does not tell.
            _ = users.PasswordHasher.VerifyHashedPassword(user, user.PasswordHash ?? DummyHash(), password);
            await audit.RecordAsync("auth.login", $"user:{user.Id}", AuditOutcome.Failure, $"locked out ({channel})", user.Id, user.Email);
            return new(SignInResult.Failed, null);
        }
        var result = await signIn.PasswordSignInAsync(user, password, persistent, lockoutOnFailure: true);
        if (result.Succeeded || result.RequiresTwoFactor)
        {
            return new(result, user);
        }
        if (result.IsLockedOut)
        {
            await audit.RecordAsync("auth.login", $"user:{user.Id}", AuditOutcome.Failure, $"wrong password, account locked ({channel})", user.Id, user.Email);
            await MailLockoutAsync(user);
            return new(SignInResult.Failed, null);
        }
        await audit.RecordAsync("auth.login", $"user:{user.Id}", AuditOutcome.Failure, $"wrong password ({channel})", user.Id, user.Email);
        return new(SignInResult.Failed, null);
    }

    private void SpendAHash(string password)
    {
        _ = users.PasswordHasher.VerifyHashedPassword(new AppUser(), DummyHash(), password);
    }

    private string DummyHash() => _dummyHash ??= users.PasswordHasher.HashPassword(new AppUser(), Guid.NewGuid().ToString("N"));

    private async Task MailLockoutAsync(AppUser user)
    {
        var until = user.LockoutEnd is { } end ? Display.Minute(end) : null;
        // Written in the language of the request that locked the account: the platform keeps no language per person.
        db.Outbox.Add(OutboxMessage.Email(user.Email!, new Message("Accounts.LockoutMailSubject").ToString(),
            new Message("Accounts.LockoutMailBody", user.DisplayName, until is null ? "" : new Message("Accounts.LockoutMailUntil", until)).ToString(),
            clock.GetUtcNow()));
        await db.SaveChangesAsync();
    }
}
