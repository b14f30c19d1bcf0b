using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>A password hash a person used before; new passwords may not repeat the last few (等保 identity control).</summary>
public sealed class PasswordHistoryEntry
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public string PasswordHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class PasswordHistoryEntryConfiguration : IEntityTypeConfiguration<PasswordHistoryEntry>
{
    public void Configure(EntityTypeBuilder<PasswordHistoryEntry> b)
    {
        b.ToTable("password_history");
        b.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.UserId, x.CreatedAt });
    }
}

/// <summary>
/// Records the outgoing hash and the change time whenever a password changes (change, reset): one place, whichever
/// path changed it. The history row is saved by the same store update as the new hash. Registration sets the time.
/// Its password and lockout options are the security administrator's current policy.
/// </summary>
public sealed class AppUserManager : UserManager<AppUser>
{
    private readonly AppDbContext db;
    private readonly TimeProvider clock;

    public AppUserManager(
        IUserStore<AppUser> store, IOptions<IdentityOptions> optionsAccessor, IPasswordHasher<AppUser> passwordHasher,
        IEnumerable<IUserValidator<AppUser>> userValidators, IEnumerable<IPasswordValidator<AppUser>> passwordValidators,
        ILookupNormalizer keyNormalizer, IdentityErrorDescriber errors, IServiceProvider services, ILogger<UserManager<AppUser>> logger,
        AppDbContext db, TimeProvider clock, SecurityPolicyStore policy)
        : base(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
    {
        this.db = db;
        this.clock = clock;
        Options = policy.Current.Apply(optionsAccessor.Value);
    }

    /// <summary>
    /// Identity counts a failed sign-in by saving the account under its concurrency stamp; when two failures on one
    /// account save at once, the loser's count is dropped, so guesses sent in parallel slipped under the lockout. The
    /// count is read again and the failure counted again until it is recorded.
    /// </summary>
    public override async Task<IdentityResult> AccessFailedAsync(AppUser user)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await base.AccessFailedAsync(user);
            if (result.Succeeded || attempt >= 50 || result.Errors.All(e => e.Code != nameof(IdentityErrorDescriber.ConcurrencyFailure)))
            {
                return result;
            }
            await db.Entry(user).ReloadAsync();
        }
    }

    // Change and reset go through a private overload of UpdatePasswordHash, so the hook is the save: the tracked
    // user still knows the hash it was loaded with.
    protected override Task<IdentityResult> UpdateUserAsync(AppUser user)
    {
        var entry = db.Entry(user);
        if (entry.State != EntityState.Detached)
        {
            var previous = entry.Property(u => u.PasswordHash).OriginalValue;
            if (!string.Equals(previous, user.PasswordHash, StringComparison.Ordinal))
            {
                if (previous is not null)
                {
                    db.Set<PasswordHistoryEntry>().Add(new PasswordHistoryEntry { Id = Guid.CreateVersion7(), UserId = user.Id, PasswordHash = previous, CreatedAt = clock.GetUtcNow() });
                }
                user.PasswordChangedAt = clock.GetUtcNow();
                // A password the person chose (change or reset) replaces the administrator's initial one.
                user.MustChangePassword = false;
            }
        }
        return base.UpdateUserAsync(user);
    }
}

public sealed class PasswordHistoryValidator(AppDbContext db, IPasswordHasher<AppUser> hasher, SecurityPolicyStore policy) : IPasswordValidator<AppUser>
{
    public async Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        if (password is null || user.PasswordHash is null)
        {
            return IdentityResult.Success;
        }
        var keep = policy.Current.PasswordHistory;
        var recent = await db.Set<PasswordHistoryEntry>().AsNoTracking().Where(h => h.UserId == user.Id)
            .OrderByDescending(h => h.CreatedAt).Take(keep).Select(h => h.PasswordHash).ToListAsync();
        var used = recent.Prepend(user.PasswordHash)
            .Any(hash => hasher.VerifyHashedPassword(user, hash, password) != PasswordVerificationResult.Failed);
        return used
            ? IdentityResult.Failed(new IdentityError { Code = "PasswordReused", Description = $"新密码不能与当前密码或最近 {keep} 次使用过的密码相同。" })
            : IdentityResult.Success;
    }
}
