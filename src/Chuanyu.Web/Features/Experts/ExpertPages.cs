using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

/// <summary>What the expert pages share: how a status, a region and a discipline are shown.</summary>
public static class ExpertPages
{
    /// <summary>Rows a form offers for discipline codes (the first filled one is the primary unless another is chosen).</summary>
    public const int DisciplineRows = 6;

    /// <summary>The two pools (GB/T 2260 province codes).</summary>
    public static readonly IReadOnlyList<string> Regions = ["500000", "510000"];

    /// <summary>The label key of a region code (the two regions the platform serves).</summary>
    public static string RegionKey(string code) => $"Search.Region.{code}";

    /// <summary>"43025 材料科学 › 材料检测与分析技术".</summary>
    public static string Discipline(string code) => $"{code} {DisciplineCodes.Label(code)}";

    public static string StatusBadge(ExpertStatus s) => s switch
    {
        ExpertStatus.Active => "text-bg-success",
        ExpertStatus.Suspended => "text-bg-warning",
        _ => "text-bg-secondary",
    };

    /// <summary>
    /// A refused form: 404 and 403 returned as such; field errors merged into <paramref name="errors"/> (400) and any other
    /// refusal said through <paramref name="failure"/> (409 or 422), for the page to show itself again.
    /// </summary>
    public static IActionResult? Refused(PageModel page, ServiceResult result, FieldErrors errors, Action<string> failure)
    {
        if (result is ServiceResult.NotFound)
        {
            return page.NotFound();
        }
        if (result is ServiceResult.Forbidden)
        {
            return page.StatusCode(StatusCodes.Status403Forbidden);
        }
        if (result is ServiceResult.Invalid { Errors: var invalid })
        {
            foreach (var (field, reasons) in invalid)
            {
                Array.ForEach(reasons, r => errors.Add(field, r));
            }
            page.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            failure(result.FailureMessage ?? "");
            page.Response.StatusCode = result is ServiceResult.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
        }
        return null;
    }

    /// <summary>The verified organisations an expert may work at, by region and name: the choices of the form.</summary>
    public static async Task<IReadOnlyList<OrganizationRef>> InstitutionsAsync(OrganizationDirectory organizations, CancellationToken ct) =>
        (await organizations.Organizations().Where(o => o.Status == OrganizationStatus.Verified).Take(MaxInstitutions).ToListAsync(ct))
            .OrderBy(o => o.RegionCode, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("zh-CN"), false)).ToList();

    /// <summary>Most organisations the form offers.</summary>
    public const int MaxInstitutions = 5_000;

    /// <summary>The fields of a list kept as text separated by 、, as one line for a table.</summary>
    public static string Abbreviate(string? list, int max = 40) => list is null ? "" : list.Length <= max ? list : list[..max] + "…";
}

/// <summary>The region administrators' expert form as the partial _ExpertForm renders it.</summary>
public sealed record ExpertFormView(ExpertForm Form, FieldErrors Errors, IReadOnlyList<OrganizationRef> Organizations, bool IsNew, string? Failure);

/// <summary>Discipline codes as a form holds them: a code per row and which row is the primary.</summary>
public sealed class ExpertDisciplinesForm
{
    public List<string?> Codes { get; set; } = [];
    public int? Primary { get; set; }

    public static ExpertDisciplinesForm Of(IReadOnlyList<ExpertDisciplineDto> disciplines) => new()
    {
        Codes = [.. disciplines.Select(d => (string?)d.Code)],
        Primary = disciplines.ToList().FindIndex(d => d.IsPrimary) is var i && i >= 0 ? i : null,
    };

    /// <summary>The codes typed (blank rows left out) and the primary one (the chosen row's code, else the first).</summary>
    public (List<string> Codes, string? Primary) Read()
    {
        var codes = Codes.Select(c => c?.Trim()).Where(c => !string.IsNullOrEmpty(c)).Select(c => c!).ToList();
        var chosen = Primary is { } p && p >= 0 && p < Codes.Count ? Codes[p]?.Trim() : null;
        return (codes, string.IsNullOrEmpty(chosen) ? codes.FirstOrDefault() : chosen);
    }

    /// <summary>The rows to show: the codes and blank rows up to <see cref="ExpertPages.DisciplineRows"/>.</summary>
    public IReadOnlyList<string?> Rows => [.. Codes, .. Enumerable.Repeat<string?>(null, Math.Max(0, ExpertPages.DisciplineRows - Codes.Count))];
}

/// <summary>The discipline rows as the partial _ExpertDisciplines renders them.</summary>
public sealed record ExpertDisciplinesView(ExpertDisciplinesForm Form, FieldErrors Errors, string Prefix);

/// <summary>An expert as the region administrators' form holds it; numbers as typed (full-width digits allowed).</summary>
public sealed class ExpertForm
{
    public string? Name { get; set; }
    public ExpertGender? Gender { get; set; }
    public string? BirthYear { get; set; }
    public TitleLevel? TitleLevel { get; set; }
    public string? Position { get; set; }
    public Guid? OrganizationId { get; set; }
    public ExpertCategory? Category { get; set; }
    public ExpertEntryRoute? EntryRoute { get; set; }
    public string? YearsInField { get; set; }
    public bool HighLevel { get; set; }
    public ExpertDisciplinesForm Disciplines { get; set; } = new();
    public string? IndustryFields { get; set; }
    public string? Keywords { get; set; }
    public string? Languages { get; set; }
    public ExpertAvailability? Availability { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? IdNumber { get; set; }
    public int? Version { get; set; }

    /// <summary>The form of an existing expert: contact data and ID number left blank (blank keeps what is stored).</summary>
    public static ExpertForm Of(ExpertAdminDto e) => new()
    {
        Name = e.Name,
        Gender = e.Gender,
        BirthYear = e.BirthYear.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TitleLevel = e.TitleLevel,
        Position = e.Position,
        OrganizationId = e.OrganizationId,
        Category = e.Category,
        EntryRoute = e.EntryRoute,
        YearsInField = e.YearsInField.ToString(System.Globalization.CultureInfo.InvariantCulture),
        HighLevel = e.HighLevel,
        Disciplines = ExpertDisciplinesForm.Of(e.Disciplines),
        IndustryFields = e.IndustryFields,
        Keywords = e.Keywords,
        Languages = e.Languages,
        Availability = e.Availability,
        Version = e.Version,
    };

    /// <summary>The service's input, or the errors of numbers that could not be read (named as the service names its fields).</summary>
    public (ExpertInput? Input, FieldErrors Errors) ToInput()
    {
        var errors = new FieldErrors();
        var birthYear = FormValues.Number(BirthYear, "birthYear", errors, new Message("ExpertForms.NumberInvalid"));
        var years = FormValues.Number(YearsInField, "yearsInField", errors, new Message("ExpertForms.NumberInvalid"));
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var (codes, primary) = Disciplines.Read();
        return (new ExpertInput(Name, Gender, Whole(birthYear), TitleLevel, Position, OrganizationId, null, Category, EntryRoute, Whole(years), HighLevel,
            codes, primary, IndustryFields, Keywords, Languages, Availability, Blank(Phone), Blank(Email), Blank(IdNumber), Version), errors);
    }

    private static int? Whole(decimal? n) => n is { } v && v == decimal.Truncate(v) && v is >= int.MinValue and <= int.MaxValue ? (int)v : null;

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

/// <summary>The fields the expert keeps, as the /Me/Expert form holds them.</summary>
public sealed class ExpertSelfForm
{
    public string? Position { get; set; }
    public ExpertDisciplinesForm Disciplines { get; set; } = new();
    public string? IndustryFields { get; set; }
    public string? Keywords { get; set; }
    public string? Languages { get; set; }
    public ExpertAvailability? Availability { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public int? Version { get; set; }

    public static ExpertSelfForm Of(ExpertAdminDto e) => new()
    {
        Position = e.Position,
        Disciplines = ExpertDisciplinesForm.Of(e.Disciplines),
        IndustryFields = e.IndustryFields,
        Keywords = e.Keywords,
        Languages = e.Languages,
        Availability = e.Availability,
        Version = e.Version,
    };

    public ExpertSelfInput ToInput()
    {
        var (codes, primary) = Disciplines.Read();
        return new ExpertSelfInput(Position, codes, primary, IndustryFields, Keywords, Languages, Availability,
            string.IsNullOrWhiteSpace(Phone) ? null : Phone, string.IsNullOrWhiteSpace(Email) ? null : Email, Version);
    }
}
