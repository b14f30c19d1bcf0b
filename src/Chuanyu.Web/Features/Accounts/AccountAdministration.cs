using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.AspNetCore.Identity;

namespace Chuanyu.Web.Features.Accounts;

public sealed record NewAccountRequest(string? Email, string? DisplayName, string? Mobile);

/// <summary>The account an administrator created; the initial password is shown this once and never stored in clear.</summary>
public sealed record NewAccountDto(Guid Id, string Email, string DisplayName, string InitialPassword, bool MustChangePassword);

/// <summary>
/// Accounts created by the security administrator (and by the <c>create-admin</c> command for the first
/// administrators of a new deployment): a random initial password that must be changed at the first sign-in.
/// </summary>
public sealed class AccountAdministration(UserManager<AppUser> users, AuditLog audit, TimeProvider clock, FieldProtector protector)
{
    public async Task<(NewAccountDto? Account, FieldErrors Errors)> CreateAsync(NewAccountRequest request, string? actorName = null, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.DisplayName) || request.DisplayName.Trim().Length > 50)
        {
            errors.Add("displayName", new Message("Accounts.DisplayNameRequired"));
        }
        if (string.IsNullOrWhiteSpace(request.Email) || request.Email.Length > 256 || !new EmailAddressAttribute().IsValid(request.Email))
        {
            errors.Add("email", new Message("Accounts.EmailInvalid"));
        }
        var (mobile, mobileError) = PersonalInfo.CheckMobile(request.Mobile, protector);
        if (mobileError is not null)
        {
            errors.Add("mobile", mobileError);
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var password = GenerateInitialPassword(Math.Max(16, users.Options.Password.RequiredLength));
        var (user, createErrors) = await Registration.CreateUserAsync(users, request.Email!, password, request.DisplayName!, clock, u =>
        {
            u.EmailConfirmed = true;
            u.MustChangePassword = true;
            u.MobileProtected = mobile is null ? null : protector.Protect(mobile);
        });
        if (user is null)
        {
            return (null, createErrors);
        }
        await audit.RecordAsync("account.create", $"user:{user.Id}", detail: "initial password; must change at first sign-in", actorName: actorName, ct: ct);
        return (new NewAccountDto(user.Id, user.Email!, user.DisplayName, password, true), errors);
    }

    /// <summary>Random, with every character class the policy may ask for, and long enough to be safe to hand over.</summary>
    public static string GenerateInitialPassword(int length)
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
        const string lower = "abcdefghijkmnpqrstuvwxyz";
        const string digits = "23456789";
        const string symbols = "@#%+=!?";
        var chars = new List<char>
        {
            upper[RandomNumberGenerator.GetInt32(upper.Length)],
            lower[RandomNumberGenerator.GetInt32(lower.Length)],
            digits[RandomNumberGenerator.GetInt32(digits.Length)],
            symbols[RandomNumberGenerator.GetInt32(symbols.Length)],
        };
        chars.AddRange(RandomNumberGenerator.GetString(upper + lower + digits, length - chars.Count));
        var array = chars.ToArray();
        RandomNumberGenerator.Shuffle(array.AsSpan());
        return new string(array);
    }
}

/// <summary>Personal information the platform collects beyond the e-mail: only the mobile number, optional.</summary>
public static partial class PersonalInfo
{
    public static readonly Message MobileFormat = new("Accounts.MobileFormat");
    public static readonly Message NoDataKey = new("Accounts.NoDataKey");

    /// <summary>A mainland mobile number (11 digits starting 13–19), spaces and dashes removed; empty means none.</summary>
    public static (string? Value, bool Ok) NormalizeMobile(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return (null, true);
        }
        var digits = input.Trim().Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (digits.StartsWith("+86", StringComparison.Ordinal))
        {
            digits = digits[3..];
        }
        return MobilePattern().IsMatch(digits) ? (digits, true) : (null, false);
    }

    /// <summary>The normalised number to store, or the reason (bad format, or no data key to encrypt it with).</summary>
    public static (string? Value, Message? Error) CheckMobile(string? input, FieldProtector protector)
    {
        var (value, ok) = NormalizeMobile(input);
        return !ok ? (null, MobileFormat)
            : value is not null && !protector.CanProtect ? (null, NoDataKey)
            : (value, null);
    }

    /// <summary>A stored (encrypted) mobile, decrypted only to be masked at once; one the configured keys cannot open shows as unavailable.</summary>
    public static string? MaskedMobile(FieldProtector protector, string? stored)
    {
        if (stored is null)
        {
            return null;
        }
        try
        {
            return Masking.Phone(protector.Unprotect(stored));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return new Message("Accounts.MobileUndecryptable").ToString();
        }
    }

    [GeneratedRegex("^1[3-9][0-9]{9}$")]
    private static partial Regex MobilePattern();
}
