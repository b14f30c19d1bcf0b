using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

/// <summary>The form rules of a record: one field error for each thing to fix; the record is staged only when there is none.</summary>
public sealed partial class IntegrityRecords
{
    private sealed record Subject(string Name, string? IdNumberProtected, string? IdNumberKey, Guid? ExpertId, Guid? OrganizationId, string? CreditCode);

    /// <summary>Checks an input as a new record (<paramref name="existing"/> null) or an edit; stages a new entity, or the changes on the existing one.</summary>
    internal async Task<(IntegrityRecord? Record, FieldErrors Errors)> CheckAsync(IntegrityRecordInput input, IntegrityRecord? existing, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (input.Type is not { } type || !Enum.IsDefined(type))
        {
            errors.Add("type", new Message("Experts.IntegrityTypeRequired"));
        }
        if (input.Severity is not { } severity || !Enum.IsDefined(severity))
        {
            errors.Add("severity", new Message("Experts.IntegritySeverityRequired"));
        }
        var start = FormValues.Date(input.StartDate, "startDate", errors, new Message("Experts.IntegrityDateInvalid"));
        var end = FormValues.Date(input.EndDate, "endDate", errors, new Message("Experts.IntegrityDateInvalid"));
        if (start is null && !errors.ContainsKey("startDate"))
        {
            errors.Add("startDate", new Message("Experts.IntegrityStartRequired"));
        }
        if (start is { } s && end is { } e && e <= s)
        {
            errors.Add("endDate", new Message("Experts.IntegrityEndBeforeStart"));
        }
        var authority = input.IssuingAuthority?.Trim() ?? "";
        if (authority.Length is < 2 or > IntegrityRules.MaxAuthorityLength)
        {
            errors.Add("issuingAuthority", new Message("Experts.IntegrityAuthorityRequired", IntegrityRules.MaxAuthorityLength));
        }
        var description = input.Description?.Trim() ?? "";
        if (description.Length is < 2 or > IntegrityRules.MaxDescriptionLength)
        {
            errors.Add("description", new Message("Experts.IntegrityDescriptionRequired", IntegrityRules.MaxDescriptionLength));
        }
        // The issuing region: the caller's (the only one, or the one named); an edit keeps it.
        var region = existing?.RegionCode
            ?? (string.IsNullOrWhiteSpace(input.RegionCode) ? (EditRegions.Count == 1 ? EditRegions[0] : null) : input.RegionCode.Trim());
        if (region is null || !CanEdit(region))
        {
            errors.Add("regionCode", new Message("Experts.IntegrityRegionInvalid"));
        }
        var subject = input.SubjectKind switch
        {
            IntegritySubjectKind.Person => await PersonAsync(input, existing, errors, ct),
            IntegritySubjectKind.Organization => await OrganizationAsync(input, errors, ct),
            _ => Missing(errors),
        };
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var now = clock.GetUtcNow();
        var r = existing ?? new IntegrityRecord { Id = Guid.CreateVersion7(), CreatedAt = now, CreatedBy = me.Id, RegionCode = region! };
        r.SubjectKind = input.SubjectKind!.Value;
        r.SubjectName = subject!.Name;
        r.IdNumberProtected = subject.IdNumberProtected;
        r.IdNumberKey = subject.IdNumberKey;
        r.ExpertId = subject.ExpertId;
        r.OrganizationId = subject.OrganizationId;
        r.CreditCode = subject.CreditCode;
        r.Type = input.Type!.Value;
        r.Severity = input.Severity!.Value;
        r.StartDate = start!.Value;
        r.EndDate = end;
        r.IssuingAuthority = authority;
        r.Description = description;
        r.UpdatedAt = now;
        return (r, errors);
    }

    private static Subject? Missing(FieldErrors errors)
    {
        errors.Add("subjectKind", new Message("Experts.IntegrityKindRequired"));
        return null;
    }

    private static string? Name(IntegrityRecordInput input, FieldErrors errors, string? fallback)
    {
        var name = input.SubjectName?.Trim();
        name = string.IsNullOrEmpty(name) ? fallback : name;
        if (name is not { Length: >= 2 and <= IntegrityRules.MaxNameLength })
        {
            errors.Add("subjectName", new Message("Experts.IntegrityNameRequired", IntegrityRules.MaxNameLength));
            return null;
        }
        return name;
    }

    /// <summary>
    /// A person: the ID number (GB 11643 check), or the linked expert's when none is typed (an edit keeps the stored one);
    /// a linked expert must be the person with that number. Stored encrypted with its blind index, never in clear.
    /// </summary>
    private async Task<Subject?> PersonAsync(IntegrityRecordInput input, IntegrityRecord? existing, FieldErrors errors, CancellationToken ct)
    {
        var expert = input.ExpertId is { } expertId
            ? await db.Set<Expert>().AsNoTracking().Where(e => e.Id == expertId).Select(e => new { e.Id, e.Name, e.IdNumberProtected, e.IdNumberKey }).FirstOrDefaultAsync(ct)
            : null;
        if (input.ExpertId is not null && expert is null)
        {
            errors.Add("expertId", new Message("Experts.IntegrityExpertUnknown"));
        }
        if (!protector.CanProtect || !protector.CanIndex)
        {
            errors.Add("idNumber", new Message("Experts.IntegrityNoDataKey"));
            return null;
        }
        string? idProtected = null, key = null;
        if (!string.IsNullOrWhiteSpace(input.IdNumber))
        {
            if (ResidentIdNumber.Check(input.IdNumber) is { } idError)
            {
                errors.Add("idNumber", idError);
            }
            else
            {
                var number = ResidentIdNumber.Normalize(input.IdNumber);
                (idProtected, key) = (protector.Protect(number), protector.BlindIndex(number));
            }
        }
        else if (expert is not null)
        {
            (idProtected, key) = (expert.IdNumberProtected, expert.IdNumberKey);
        }
        else if (existing is { SubjectKind: IntegritySubjectKind.Person, IdNumberKey: not null })
        {
            (idProtected, key) = (existing.IdNumberProtected, existing.IdNumberKey);
        }
        else if (input.ExpertId is null)
        {
            errors.Add("idNumber", new Message("Experts.IntegrityIdNumberRequired"));
        }
        if (expert is not null && key is not null && key != expert.IdNumberKey)
        {
            errors.Add("expertId", new Message("Experts.IntegrityExpertMismatch"));
        }
        // The person is in the pool: link the expert (the blind index finds them without decrypting anything).
        var linked = expert?.Id ?? (key is null ? null
            : await db.Set<Expert>().AsNoTracking().Where(e => e.IdNumberKey == key).Select(e => (Guid?)e.Id).FirstOrDefaultAsync(ct));
        var name = Name(input, errors, expert?.Name);
        return name is null || key is null ? null : new Subject(name, idProtected, key, linked, null, null);
    }

    /// <summary>An organisation: the platform's (by id, its credit code kept), or a valid unified social credit code (GB 32100-2015) and a name.</summary>
    private async Task<Subject?> OrganizationAsync(IntegrityRecordInput input, FieldErrors errors, CancellationToken ct)
    {
        OrganizationRef? org = null;
        string? code = null;
        if (input.OrganizationId is { } orgId)
        {
            org = await organizations.Organizations().FirstOrDefaultAsync(o => o.Id == orgId, ct);
            if (org is null)
            {
                errors.Add("organizationId", new Message("Experts.IntegrityOrganizationUnknown"));
                return null;
            }
            code = org.CreditCode;
        }
        else if (string.IsNullOrWhiteSpace(input.CreditCode))
        {
            errors.Add("creditCode", new Message("Experts.IntegrityOrganizationRequired"));
            return null;
        }
        else if (CreditCode.Check(input.CreditCode) is { } codeError)
        {
            errors.Add("creditCode", codeError);
            return null;
        }
        else
        {
            code = CreditCode.Normalize(input.CreditCode);
            // On the platform after all: link it, so the record follows the organisation.
            org = await organizations.Organizations().FirstOrDefaultAsync(o => o.CreditCode == code, ct);
        }
        var name = org?.Name ?? Name(input, errors, null);
        return name is null ? null : new Subject(name, null, null, null, org?.Id, code);
    }
}
