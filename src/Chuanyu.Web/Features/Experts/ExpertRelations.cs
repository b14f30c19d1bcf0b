using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

public sealed record ExpertRelationDto(Guid Id, ExpertRelationKind Kind, Guid? OrganizationId, string? OrganizationName, string? PersonName, DateOnly? EndedOn, string? Note);

/// <summary>
/// Relations an expert declares (or the region's administrators record for them) that the draws avoid: former
/// employers and posts, collaborations, supervisors and students, kin. A person is kept only as a name and the blind index
/// of the ID number.
/// </summary>
public sealed partial class ExpertPool
{
    public const int MaxRelations = 50;

    /// <summary>The relations of an expert the caller may see: their own, or an expert of a region they administer (else null).</summary>
    public async Task<IReadOnlyList<ExpertRelationDto>?> RelationsAsync(Guid? expertId, CancellationToken ct)
    {
        if (await RelationOwnerAsync(expertId, ct) is not { } id)
        {
            return null;
        }
        var rows = await db.Set<ExpertRelation>().AsNoTracking().Where(r => r.ExpertId == id).OrderBy(r => r.CreatedAt).ToListAsync(ct);
        var names = await organizations.NamesAsync(rows.Where(r => r.OrganizationId != null).Select(r => r.OrganizationId!.Value), ct);
        return rows.Select(r => new ExpertRelationDto(r.Id, r.Kind, r.OrganizationId, r.OrganizationId is { } o ? names.GetValueOrDefault(o) : null,
            r.PersonName, r.EndedOn, r.Note)).ToList();
    }

    /// <summary>The expert whose relations the caller edits: null = the caller's own profile; another one only for its region's administrators.</summary>
    private async Task<Guid?> RelationOwnerAsync(Guid? expertId, CancellationToken ct)
    {
        if (expertId is { } id)
        {
            var region = await db.Set<Expert>().Where(e => e.Id == id).Select(e => e.RegionCode).FirstOrDefaultAsync(ct);
            return region is not null && CanManage(region) ? id : null;
        }
        return me.Id is { } user ? await db.Set<Expert>().Where(e => e.UserId == user).Select(e => (Guid?)e.Id).FirstOrDefaultAsync(ct) : null;
    }

    public async Task<(ExpertRelationDto? Created, ServiceResult Result)> AddRelationAsync(Guid? expertId, ExpertRelationInput input, CancellationToken ct)
    {
        if (await RelationOwnerAsync(expertId, ct) is not { } id)
        {
            return (null, new ServiceResult.NotFound());
        }
        var errors = new FieldErrors();
        if (input.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            errors.Add("kind", new Message("Reviews.RelationKindRequired"));
            kind = ExpertRelationKind.Other;
        }
        OrganizationRef? org = null;
        if (input.OrganizationId is { } orgId && (org = await organizations.FindAsync(orgId, ct)) is null)
        {
            errors.Add("organizationId", new Message("Experts.OrganizationUnknown"));
        }
        string? personKey = null;
        var personName = input.PersonName?.Trim();
        if (!string.IsNullOrWhiteSpace(input.PersonIdNumber))
        {
            if (ResidentIdNumber.Check(input.PersonIdNumber) is { } idError)
            {
                errors.Add("personIdNumber", idError);
            }
            else if (!protector.CanIndex)
            {
                errors.Add("personIdNumber", new Message("Experts.NoDataKey"));
            }
            else
            {
                personKey = protector.BlindIndex(ResidentIdNumber.Normalize(input.PersonIdNumber));
            }
            if (string.IsNullOrEmpty(personName) || personName.Length > ExpertRules.MaxNameLength)
            {
                errors.Add("personName", new Message("Experts.NameRequired", ExpertRules.MaxNameLength));
            }
        }
        if (input.OrganizationId is null && string.IsNullOrWhiteSpace(input.PersonIdNumber))
        {
            errors.Add("organizationId", new Message("Reviews.RelationTargetRequired"));
        }
        if (kind == ExpertRelationKind.FormerEmployer && input.EndedOn is null)
        {
            errors.Add("endedOn", new Message("Reviews.RelationEndRequired"));
        }
        if (input.EndedOn is { } ended && ended > ChinaTime.Today(clock))
        {
            errors.Add("endedOn", new Message("Reviews.RelationEndInFuture"));
        }
        if (input.Note is { Length: > ExpertRules.MaxReasonLength })
        {
            errors.Add("note", new Message("Experts.TooLong", ExpertRules.MaxReasonLength));
        }
        if (errors.Count == 0 && await db.Set<ExpertRelation>().CountAsync(r => r.ExpertId == id, ct) >= MaxRelations)
        {
            errors.Add("kind", new Message("Reviews.TooManyRelations", MaxRelations));
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var r = new ExpertRelation
        {
            Id = Guid.CreateVersion7(),
            ExpertId = id,
            Kind = kind,
            OrganizationId = org?.Id,
            PersonName = personKey is null ? null : personName,
            PersonIdNumberKey = personKey,
            EndedOn = input.EndedOn,
            Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim(),
            CreatedAt = clock.GetUtcNow(),
        };
        db.Add(r);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("expert.relation.add", $"expert:{id}", detail: $"{kind}", ct: ct);
        return (new ExpertRelationDto(r.Id, r.Kind, r.OrganizationId, org?.Name, r.PersonName, r.EndedOn, r.Note), new ServiceResult.Ok());
    }

    public async Task<ServiceResult> RemoveRelationAsync(Guid? expertId, Guid relationId, CancellationToken ct)
    {
        if (await RelationOwnerAsync(expertId, ct) is not { } id)
        {
            return new ServiceResult.NotFound();
        }
        if (await db.Set<ExpertRelation>().Where(r => r.Id == relationId && r.ExpertId == id).ExecuteDeleteAsync(ct) == 0)
        {
            return new ServiceResult.NotFound();
        }
        await audit.RecordAsync("expert.relation.remove", $"expert:{id}", detail: $"relation {relationId}", ct: ct);
        return new ServiceResult.Ok();
    }
}
