using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Experts;

/// <summary>What the record form posts: text as typed, checked by the service's one rule.</summary>
public sealed class IntegrityRecordForm
{
    public IntegritySubjectKind? SubjectKind { get; set; } = IntegritySubjectKind.Person;
    public string? SubjectName { get; set; }
    public string? IdNumber { get; set; }
    public string? CreditCode { get; set; }
    public IntegrityRecordType? Type { get; set; }
    public IntegritySeverity? Severity { get; set; }
    public string? StartDate { get; set; }
    public string? EndDate { get; set; }
    public string? IssuingAuthority { get; set; }
    public string? Description { get; set; }
    public string? RegionCode { get; set; }
    public int? Version { get; set; }

    public IntegrityRecordInput ToInput() => new(SubjectKind, SubjectName, IdNumber, null, null, CreditCode, Type, Severity, StartDate, EndDate,
        IssuingAuthority, Description, RegionCode, Version);

    public static IntegrityRecordForm Of(IntegrityRecordDto r) => new()
    {
        SubjectKind = r.SubjectKind,
        SubjectName = r.SubjectName,
        CreditCode = r.CreditCode,
        Type = r.Type,
        Severity = r.Severity,
        StartDate = IntegrityRecords.Iso(r.StartDate),
        EndDate = r.EndDate is { } end ? IntegrityRecords.Iso(end) : null,
        IssuingAuthority = r.IssuingAuthority,
        Description = r.Description,
        RegionCode = r.RegionCode,
        Version = r.Version,
    };
}

/// <summary>A new record for the caller's region, or an edit of one of its records (the ID number left empty stays as stored).</summary>
[Authorize(Policy = Policies.RegionOrSecurityAdmin)]
public sealed class IntegrityRecordEditModel(IntegrityRecords records, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public IntegrityRecordForm Form { get; set; } = new();

    public IntegrityRecordDto? Existing { get; private set; }
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }
    public IReadOnlyList<string> Regions => records.EditRegions;

    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }
        Form = Existing is null ? new IntegrityRecordForm { RegionCode = Regions[0] } : IntegrityRecordForm.Of(Existing);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid? id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }
        Guid target;
        ServiceResult result;
        if (id is { } existing)
        {
            (target, result) = (existing, await records.UpdateAsync(existing, Form.ToInput(), ct));
        }
        else
        {
            var (created, outcome) = await records.CreateAsync(Form.ToInput(), ct);
            (target, result) = (created?.Id ?? Guid.Empty, outcome);
        }
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["Integrity.Saved"].Value;
            return RedirectToPage("/Experts/IntegrityRecord", new { id = target });
        }
        if (PageResults.Refused(this, result, out var errors, out var failure) is { } answer)
        {
            return answer;
        }
        (Errors, Failure) = (errors, failure);
        return Page();
    }

    /// <summary>Only the issuing region's administrators edit a record (the other region's: 403); creating needs a region to administer.</summary>
    private async Task<IActionResult?> LoadAsync(Guid? id, CancellationToken ct)
    {
        if (Regions.Count == 0)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        if (id is not { } recordId)
        {
            return null;
        }
        var (record, result) = await records.GetAsync(recordId, ct);
        if (record is null)
        {
            return result is ServiceResult.Forbidden ? StatusCode(StatusCodes.Status403Forbidden) : NotFound();
        }
        if (!record.CanEdit)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        Existing = record;
        return null;
    }
}
