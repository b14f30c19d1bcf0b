using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

/// <summary>Creating, editing and revoking records and adding their documents: the issuing region's administrators only, every change audited.</summary>
public sealed partial class IntegrityRecords
{
    public async Task<(IntegrityRecordDto? Created, ServiceResult Result)> CreateAsync(IntegrityRecordInput input, CancellationToken ct)
    {
        if (EditRegions.Count == 0)
        {
            return (null, new ServiceResult.Forbidden());
        }
        var (r, errors) = await CheckAsync(input, null, ct);
        if (r is null)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        db.Add(r);
        var result = await SaveAsync("integrity.create", r, ct);
        return result is ServiceResult.Ok ? ((await DtosAsync([r], ct))[0], result) : (null, result);
    }

    public async Task<ServiceResult> UpdateAsync(Guid id, IntegrityRecordInput input, CancellationToken ct)
    {
        var (r, refused) = await ForChangeAsync(id, "integrity.update", input.Version, ct);
        if (refused is not null)
        {
            return refused;
        }
        var (_, errors) = await CheckAsync(input, r, ct);
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        r!.Version++;
        return await SaveAsync("integrity.update", r, ct);
    }

    /// <summary>Revoking (撤销) keeps the record with the reason, who and when: it no longer counts anywhere. Final.</summary>
    public async Task<ServiceResult> RevokeAsync(Guid id, IntegrityRevokeInput input, CancellationToken ct)
    {
        var (r, refused) = await ForChangeAsync(id, "integrity.revoke", input.Version, ct);
        if (refused is not null)
        {
            return refused;
        }
        var reason = input.Reason?.Trim();
        if (reason is not { Length: >= 2 and <= IntegrityRules.MaxReasonLength })
        {
            return new ServiceResult.Invalid(new FieldErrors { { "reason", [new Message("Experts.IntegrityReasonRequired", IntegrityRules.MaxReasonLength)] } });
        }
        var now = clock.GetUtcNow();
        r!.RevokedAt = now;
        r.RevokedBy = me.Id;
        r.RevokedByName = me.Email;
        r.RevokedReason = reason;
        r.UpdatedAt = now;
        r.Version++;
        return await SaveAsync("integrity.revoke", r, ct);
    }

    public async Task<(IntegrityDocumentDto? Document, ServiceResult Result)> AddDocumentAsync(Guid id, string? fileName, Stream content, long length, CancellationToken ct)
    {
        var (r, refused) = await ForChangeAsync(id, "integrity.document", null, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var (upload, problem) = await Uploads.CheckAsync(fileName, content, length, UploadKind.Document, IntegrityRules.MaxDocumentBytes, ct);
        if (upload is null)
        {
            return (null, new ServiceResult.Invalid(new FieldErrors { { "file", [problem!] } }));
        }
        if (await db.Set<IntegrityDocument>().CountAsync(d => d.RecordId == id, ct) >= IntegrityRules.MaxDocuments)
        {
            return (null, new ServiceResult.Invalid(new FieldErrors { { "file", [new Message("Experts.IntegrityTooManyDocuments", IntegrityRules.MaxDocuments)] } }));
        }
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        var now = clock.GetUtcNow();
        var d = new IntegrityDocument
        {
            Id = Guid.CreateVersion7(),
            RecordId = id,
            FileName = upload.FileName,
            Size = buffer.Length,
            Content = buffer.ToArray(),
            UploadedBy = me.Id,
            UploadedAt = now,
        };
        db.Add(d);
        r!.UpdatedAt = now;
        r.Version++;
        var result = await SaveAsync("integrity.document", r, ct, $" document={d.Id:N} size={d.Size}");
        return result is ServiceResult.Ok ? (new IntegrityDocumentDto(d.Id, d.FileName, d.Size, d.UploadedAt), result) : (null, result);
    }

    /// <summary>A document's bytes, for whoever reads the records (both regions).</summary>
    public async Task<(IntegrityDocument? Document, ServiceResult Result)> DocumentAsync(Guid id, Guid documentId, CancellationToken ct)
    {
        if (!CanRead)
        {
            return (null, new ServiceResult.Forbidden());
        }
        var d = await db.Set<IntegrityDocument>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == documentId && x.RecordId == id, ct);
        return d is null ? (null, new ServiceResult.NotFound()) : (d, new ServiceResult.Ok());
    }

    /// <summary>
    /// The record to change, tracked, or why not: unknown (404), not a reader (403), another region's (403 and a refused
    /// audit row: one region altering the other's records is the attack issue 16 names), revoked (409), changed meanwhile (409).
    /// </summary>
    private async Task<(IntegrityRecord? Record, ServiceResult? Refused)> ForChangeAsync(Guid id, string action, int? version, CancellationToken ct)
    {
        if (!CanRead)
        {
            return (null, new ServiceResult.Forbidden());
        }
        var r = await db.Set<IntegrityRecord>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (r is null)
        {
            return (null, new ServiceResult.NotFound());
        }
        if (!CanEdit(r.RegionCode))
        {
            await audit.RecordAsync(action, $"integrity:{id}", AuditOutcome.Failure, detail: $"refused: issued by region {r.RegionCode}", ct: ct);
            return (null, new ServiceResult.Forbidden());
        }
        if (r.RevokedAt is not null)
        {
            return (null, new ServiceResult.Conflict(new Message("Experts.IntegrityIsRevoked")));
        }
        if (version is { } v && v != r.Version)
        {
            return (null, new ServiceResult.Conflict(new Message("Experts.IntegrityChangedMeanwhile")));
        }
        return (r, null);
    }

    private async Task<ServiceResult> SaveAsync(string action, IntegrityRecord r, CancellationToken ct, string? more = null)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return new ServiceResult.Conflict(new Message("Experts.IntegrityChangedMeanwhile"));
        }
        // Never the ID number: which record, whose, what kind, and its dates.
        await audit.RecordAsync(action, $"integrity:{r.Id}",
            detail: $"region={r.RegionCode} subject={r.SubjectKind} expert={r.ExpertId:N} organization={r.OrganizationId:N} type={r.Type} severity={r.Severity} "
                + $"start={Iso(r.StartDate)} end={(r.EndDate is { } e ? Iso(e) : "-")} revoked={r.RevokedAt is not null}{more}", ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }
}
