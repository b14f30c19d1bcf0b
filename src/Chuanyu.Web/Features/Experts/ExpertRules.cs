using System.Net.Mail;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Experts;

/// <summary>What a region administrator (or an import row) gives for an expert. On update, phone, e-mail and ID number left empty stay as stored.</summary>
public sealed record ExpertInput(
    string? Name = null,
    ExpertGender? Gender = null,
    int? BirthYear = null,
    TitleLevel? TitleLevel = null,
    string? Position = null,
    Guid? OrganizationId = null,
    string? RegionCode = null,
    ExpertCategory? Category = null,
    ExpertEntryRoute? EntryRoute = null,
    int? YearsInField = null,
    bool? HighLevel = null,
    IReadOnlyList<string>? Disciplines = null,
    string? PrimaryDiscipline = null,
    string? IndustryFields = null,
    string? Keywords = null,
    string? Languages = null,
    ExpertAvailability? Availability = null,
    string? Phone = null,
    string? Email = null,
    string? IdNumber = null,
    int? Version = null);

/// <summary>What an expert keeps up themselves: how to reach them, what they know, when they can serve.</summary>
public sealed record ExpertSelfInput(
    string? Position = null,
    IReadOnlyList<string>? Disciplines = null,
    string? PrimaryDiscipline = null,
    string? IndustryFields = null,
    string? Keywords = null,
    string? Languages = null,
    ExpertAvailability? Availability = null,
    string? Phone = null,
    string? Email = null,
    int? Version = null);

/// <summary>The checked and normalised values of an input.</summary>
public sealed record CheckedDisciplines(IReadOnlyList<string> Codes, string Primary);

/// <summary>
/// The entry conditions of the expert pool and the form rules. Sources: 重庆市科学技术局《重庆市科技专家库管理办法》
/// (渝科局发〔2023〕68号) — at least 5 years in the field, age normally at most 65 and at most 70 for high-level experts,
/// no integrity, credit or criminal record (<see cref="IExpertIntegrityCheck"/>), the four categories and the three
/// entry routes.
/// </summary>
public static class ExpertRules
{
    public const int MaxNameLength = 50;
    public const int MaxPositionLength = 100;
    public const int MaxListLength = 500;
    public const int MaxLanguagesLength = 200;
    public const int MaxDisciplines = 10;
    public const int MaxReasonLength = 500;

    /// <summary>渝科局发〔2023〕68号: 从事相关专业领域工作满5年.</summary>
    public const int MinYearsInField = 5;

    /// <summary>渝科局发〔2023〕68号: 年龄一般不超过65周岁.</summary>
    public const int MaxAge = 65;

    /// <summary>渝科局发〔2023〕68号: 高层次专家可放宽至70周岁.</summary>
    public const int MaxAgeHighLevel = 70;

    /// <summary>The youngest age the form accepts at all (a birth year that makes a child an expert is a typo).</summary>
    public const int MinAge = 22;

    /// <summary>The age in the year of <paramref name="currentYear"/> (China Standard Time): the rules count whole years from the birth year.</summary>
    public static int AgeIn(int currentYear, int birthYear) => currentYear - birthYear;

    /// <summary>The field errors of the entry conditions that depend on age and experience.</summary>
    public static void CheckEntry(FieldErrors errors, int currentYear, int? birthYear, int? yearsInField, bool highLevel)
    {
        if (birthYear is not { } born || AgeIn(currentYear, born) < MinAge || born < currentYear - 100)
        {
            errors.Add("birthYear", new Message("Experts.BirthYearInvalid", currentYear - 100, currentYear - MinAge));
        }
        else
        {
            var age = AgeIn(currentYear, born);
            var limit = highLevel ? MaxAgeHighLevel : MaxAge;
            if (age > limit)
            {
                errors.Add("birthYear", new Message(highLevel ? "Experts.TooOldHighLevel" : "Experts.TooOld", age, limit));
            }
        }
        if (yearsInField is not { } years || years < 0 || (birthYear is { } b && years > AgeIn(currentYear, b)))
        {
            errors.Add("yearsInField", new Message("Experts.YearsInvalid"));
        }
        else if (years < MinYearsInField)
        {
            errors.Add("yearsInField", new Message("Experts.YearsTooFew", MinYearsInField));
        }
    }

    /// <summary>The codes (trimmed, distinct, each in GB/T 13745) and the primary one (given, or the first).</summary>
    public static CheckedDisciplines? CheckDisciplines(FieldErrors errors, IReadOnlyList<string>? input, string? primary)
    {
        var codes = (input ?? []).Select(c => c?.Trim() ?? "").Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (codes.Count is 0 or > MaxDisciplines)
        {
            errors.Add("disciplines", new Message("Experts.DisciplinesRequired", MaxDisciplines));
            return null;
        }
        var unknown = codes.Where(c => DisciplineCodes.Find(c) is null).ToList();
        if (unknown.Count > 0)
        {
            errors.Add("disciplines", new Message("Experts.DisciplineUnknown", string.Join(", ", unknown)));
            return null;
        }
        var main = string.IsNullOrWhiteSpace(primary) ? codes[0] : primary.Trim();
        if (!codes.Contains(main))
        {
            errors.Add("primaryDiscipline", new Message("Experts.PrimaryDisciplineInvalid"));
            return null;
        }
        return new CheckedDisciplines(codes, main);
    }

    /// <summary>A short list typed with 、，, ; or new lines, kept as 「a、b、c」; null (and a field error) when too long.</summary>
    public static string? List(FieldErrors errors, string field, string? input, int max)
    {
        var items = (input ?? "").Split(['、', ',', '，', ';', '；', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal);
        var joined = string.Join('、', items);
        if (joined.Length > max)
        {
            errors.Add(field, new Message("Experts.TooLong", max));
            return null;
        }
        return joined;
    }

    /// <summary>An e-mail address (trimmed) or null for none; a field error when it is not one.</summary>
    public static string? Email(FieldErrors errors, string? input)
    {
        var value = input?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        if (value.Length > 200 || !MailAddress.TryCreate(value, out var parsed) || parsed.Address != value)
        {
            errors.Add("email", new Message("Experts.EmailInvalid"));
            return null;
        }
        return value;
    }

    /// <summary>A mainland mobile number or null for none (the accounts' rule, <see cref="PersonalInfo.NormalizeMobile"/>).</summary>
    public static string? Phone(FieldErrors errors, string? input)
    {
        var (value, ok) = PersonalInfo.NormalizeMobile(input);
        if (!ok)
        {
            errors.Add("phone", PersonalInfo.MobileFormat);
        }
        return value;
    }
}

/// <summary>
/// The entry condition 「无科研诚信、信用或违法犯罪不良记录」 (渝科局发〔2023〕68号): creating, importing or updating an expert
/// with an active integrity record is refused with the message it returns. Implemented by <see cref="IntegrityRecords"/>.
/// </summary>
public interface IExpertIntegrityCheck
{
    /// <summary>Why the person with this ID number (its blind index) may not enter the pool, or null.</summary>
    Task<Message?> BlockingRecordAsync(string idNumberKey, CancellationToken ct);
}
