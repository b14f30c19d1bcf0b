using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>
/// The authentication policy the security administrator sets (等保 identity controls): password complexity, history and
/// expiry, lockout, idle timeout and absolute session lifetime. The "Security" configuration section gives the
/// defaults; the administrator's version is stored in <c>platform_settings</c> and overrides them on every instance.
/// </summary>
public sealed record SecurityPolicy : IValidatedSetting
{
    public int PasswordMinLength { get; init; } = 10;
    public bool RequireDigit { get; init; } = true;
    public bool RequireLowercase { get; init; } = true;
    public bool RequireUppercase { get; init; } = true;
    public bool RequireNonAlphanumeric { get; init; }

    /// <summary>How many previous passwords (besides the current one) may not be reused.</summary>
    public int PasswordHistory { get; init; } = 5;

    /// <summary>Days a password stays valid; 0 turns expiry off.</summary>
    public int PasswordMaxAgeDays { get; init; } = 90;
    public int MaxFailedAccessAttempts { get; init; } = 5;
    public int LockoutMinutes { get; init; } = 15;

    /// <summary>Minutes without a request after which a session ends.</summary>
    public int IdleTimeoutMinutes { get; init; } = 30;

    /// <summary>Hours after sign-in after which a session ends however active it is.</summary>
    public int AbsoluteSessionHours { get; init; } = 12;

    /// <summary>The bounds a level-3 system keeps whatever an administrator types (GB/T 22239-2019 8.1.4.1).</summary>
    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        Check(errors, "passwordMinLength", PasswordMinLength, 8, 64, new Message("Accounts.PolicyPasswordMinLength"));
        Check(errors, "passwordHistory", PasswordHistory, 0, 24, new Message("Accounts.PolicyPasswordHistory"));
        Check(errors, "passwordMaxAgeDays", PasswordMaxAgeDays, 0, 365, new Message("Accounts.PolicyPasswordMaxAge"));
        Check(errors, "maxFailedAccessAttempts", MaxFailedAccessAttempts, 3, 10, new Message("Accounts.PolicyMaxFailedAttempts"));
        Check(errors, "lockoutMinutes", LockoutMinutes, 1, 1440, new Message("Accounts.PolicyLockoutMinutes"));
        Check(errors, "idleTimeoutMinutes", IdleTimeoutMinutes, 5, 120, new Message("Accounts.PolicyIdleTimeout"));
        Check(errors, "absoluteSessionHours", AbsoluteSessionHours, 1, 24, new Message("Accounts.PolicyAbsoluteSession"));
        if ((RequireDigit ? 1 : 0) + (RequireLowercase ? 1 : 0) + (RequireUppercase ? 1 : 0) + (RequireNonAlphanumeric ? 1 : 0) < 3)
        {
            errors.Add("requireDigit", new Message("Accounts.PolicyCharacterClasses"));
        }
        return errors;
    }

    private static void Check(FieldErrors errors, string field, int value, int min, int max, Message message)
    {
        if (value < min || value > max)
        {
            errors.Add(field, message);
        }
    }

    /// <summary>Identity's options for one request: a copy of the configured ones with this policy's values.</summary>
    public IdentityOptions Apply(IdentityOptions configured) => new()
    {
        ClaimsIdentity = configured.ClaimsIdentity,
        User = configured.User,
        SignIn = configured.SignIn,
        Tokens = configured.Tokens,
        Stores = configured.Stores,
        Password = new PasswordOptions
        {
            RequiredLength = PasswordMinLength,
            RequireDigit = RequireDigit,
            RequireLowercase = RequireLowercase,
            RequireUppercase = RequireUppercase,
            RequireNonAlphanumeric = RequireNonAlphanumeric,
            RequiredUniqueChars = configured.Password.RequiredUniqueChars,
        },
        Lockout = new LockoutOptions
        {
            AllowedForNewUsers = configured.Lockout.AllowedForNewUsers,
            MaxFailedAccessAttempts = MaxFailedAccessAttempts,
            DefaultLockoutTimeSpan = TimeSpan.FromMinutes(LockoutMinutes),
        },
    };
}

/// <summary>The security policy in force (key <c>security-policy</c>; defaults from the "Security" section).</summary>
public sealed class SecurityPolicyStore(IConfiguration configuration, IServiceScopeFactory scopes, TimeProvider clock)
    : SettingStore<SecurityPolicy>("security-policy", "config.security-policy", configuration.GetSection("Security").Get<SecurityPolicy>() ?? new SecurityPolicy(), scopes, clock);
