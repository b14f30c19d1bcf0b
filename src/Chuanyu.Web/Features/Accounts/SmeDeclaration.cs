using System.Text;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Chuanyu.Web.Features.Accounts;

public enum SmeDeclarationStatus
{
    Declared,
    Confirmed,
    Rejected,
    Revoked,
}

/// <summary>
/// An enterprise's declaration that it is a 科技型中小企业 for a year (科技型中小企业评价办法, 国科发政〔2017〕115号: the
/// enterprise registers in the national SME database and receives an 入库登记编号 for that year), confirmed by the
/// administrator of its region. Only a confirmed enterprise may hold innovation vouchers (issue 15).
/// </summary>
public sealed class OrganizationSmeDeclaration
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public int Year { get; set; }

    /// <summary>入库登记编号, as <see cref="SmeRegistrationNumber.Normalize"/> leaves it.</summary>
    public string RegistrationNumber { get; set; } = "";

    public SmeDeclarationStatus Status { get; set; }
    public Guid DeclaredBy { get; set; }
    public DateTimeOffset DeclaredAt { get; set; }
    public Guid? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? Note { get; set; }
    public int Version { get; set; }
}

/// <summary>A declaration as other features see it (<see cref="OrganizationDirectory.Smes"/>); built with an object initialiser so a query on it stays SQL.</summary>
public sealed record SmeRef
{
    public Guid OrganizationId { get; init; }
    public int Year { get; init; }
    public string RegistrationNumber { get; init; } = "";
    public SmeDeclarationStatus Status { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
}

/// <summary>The 入库登记编号 of the national SME database: digits, capitals and hyphens, 10 to 40 of them.</summary>
public static class SmeRegistrationNumber
{
    public const int MinLength = 10;
    public const int MaxLength = 40;

    /// <summary>Trimmed, full-width forms folded (an IME's ２０２６), upper case; empty for none.</summary>
    public static string Normalize(string? input) => (input ?? "").Trim().Normalize(NormalizationForm.FormKC).ToUpperInvariant();

    /// <summary>Null when <paramref name="input"/> normalises to a valid number, otherwise the reason.</summary>
    public static Message? Check(string? input)
    {
        var n = Normalize(input);
        if (n.Length == 0)
        {
            return new Message("Accounts.SmeNumberRequired");
        }
        return n.Length is < MinLength or > MaxLength || !n.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c) || c == '-')
            ? new Message("Accounts.SmeNumberFormat", MinLength, MaxLength)
            : null;
    }
}

/// <summary>
/// 公民身份号码 (GB 11643-1999): 17 digits and a check character (0–9 or X, ISO 7064 MOD 11-2). The legal
/// representative's number is personal data: stored encrypted, found by its blind index, shown masked.
/// </summary>
public static class ResidentIdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>Trimmed, full-width forms folded, upper case (a lower-case x is the same number).</summary>
    public static string Normalize(string? input) => (input ?? "").Trim().Normalize(NormalizationForm.FormKC).ToUpperInvariant();

    /// <summary>Null when <paramref name="input"/> normalises to a valid number, otherwise the reason.</summary>
    public static Message? Check(string? input)
    {
        var n = Normalize(input);
        if (n.Length == 0)
        {
            return new Message("Accounts.IdNumberRequired");
        }
        if (n.Length != 18 || n.AsSpan(0, 17).ContainsAnyExceptInRange('0', '9') || !(char.IsAsciiDigit(n[17]) || n[17] == 'X'))
        {
            return new Message("Accounts.IdNumberFormat");
        }
        return n[17] == CheckCharacter(n.AsSpan(0, 17)) ? null : new Message("Accounts.IdNumberCheck");
    }

    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }
        return CheckCharacters[sum % 11];
    }

    /// <summary>Completes 17 digits with their check character (demo data and tests).</summary>
    public static string Complete(string first17) => first17 + CheckCharacter(first17);
}

internal sealed class OrganizationSmeDeclarationConfiguration : IEntityTypeConfiguration<OrganizationSmeDeclaration>
{
    public void Configure(EntityTypeBuilder<OrganizationSmeDeclaration> b)
    {
        b.ToTable("organization_sme_declarations");
        b.Property(x => x.RegistrationNumber).HasMaxLength(SmeRegistrationNumber.MaxLength);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.Note).HasMaxLength(500);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Organization>().WithMany().HasForeignKey(x => x.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        // One declaration per enterprise and year: declaring again replaces it (and puts it back to Declared).
        b.HasIndex(x => new { x.OrganizationId, x.Year }).IsUnique();
        b.HasIndex(x => new { x.Status, x.Year });
    }
}
