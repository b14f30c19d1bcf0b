using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

public sealed record QualificationInput(string? Email, DateOnly? ExpiresOn);

public sealed record QualificationDto(Guid Id, Guid UserId, string UserName, string MaskedEmail, DateOnly? ExpiresOn, DateTimeOffset GrantedAt);

/// <summary>Training records (上机培训合格): the managers record, renew and revoke them; required when the rules say so.</summary>
public sealed partial class BookingService
{
    public async Task<(List<QualificationDto>? List, ServiceResult Result)> ListQualificationsAsync(Guid instrumentId, CancellationToken ct)
    {
        var (r, refused) = await BookableAsync(instrumentId, manage: true, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var rows = await (from q in db.Set<InstrumentQualification>().AsNoTracking()
                          join u in users.Users() on q.UserId equals u.Id
                          where q.ResourceId == r!.Id
                          orderby u.DisplayName
                          select new { q, u.DisplayName, u.Email }).ToListAsync(ct);
        return (rows.Select(x => new QualificationDto(x.q.Id, x.q.UserId, x.DisplayName, Masking.Email(x.Email), x.q.ExpiresOn, x.q.GrantedAt)).ToList(), new ServiceResult.Ok());
    }

    /// <summary>Records (or renews) a user's training for an instrument, found by the e-mail they signed up with.</summary>
    public async Task<(QualificationDto? Qualification, ServiceResult Result)> GrantQualificationAsync(Guid instrumentId, QualificationInput input, CancellationToken ct)
    {
        var (r, refused) = await BookableAsync(instrumentId, manage: true, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var e = new FieldErrors();
        var email = input.Email?.Trim();
        var user = string.IsNullOrEmpty(email) ? null : await users.FindByEmailAsync(email, ct);
        if (user is null)
        {
            e.Add("email", new Message("Booking.NoUserWithEmail"));
        }
        // A training record is renewed within five years at the latest (instrument safety training is typically 1–3 years).
        var today = ChinaTime.Today(clock);
        if (input.ExpiresOn is { } expires && (expires < today || expires > today.AddYears(5)))
        {
            e.Add("expiresOn", new Message("Booking.ExpiresOnOutOfRange", today, today.AddYears(5)));
        }
        if (e.Count > 0)
        {
            return (null, new ServiceResult.Invalid(e));
        }
        var now = clock.GetUtcNow();
        var record = await db.Set<InstrumentQualification>().FirstOrDefaultAsync(q => q.ResourceId == r!.Id && q.UserId == user!.Id, ct);
        if (record is null)
        {
            record = new InstrumentQualification { Id = Guid.CreateVersion7(), ResourceId = r!.Id, UserId = user!.Id };
            db.Add(record);
        }
        record.ExpiresOn = input.ExpiresOn;
        record.GrantedBy = me.Id!.Value;
        record.GrantedAt = now;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        // The audit detail is the record's own text, kept in the platform's language like the rest of the chain.
        await audit.RecordAsync("booking.qualification", $"resource:{r!.Id}", detail: $"{r.Name} {user!.DisplayName} 至 {input.ExpiresOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "长期"}", ct: ct);
        await tx.CommitAsync(ct);
        return (new QualificationDto(record.Id, user.Id, user.DisplayName, Masking.Email(user.Email), record.ExpiresOn, now), new ServiceResult.Ok());
    }

    public async Task<ServiceResult> RevokeQualificationAsync(Guid instrumentId, Guid qualificationId, CancellationToken ct)
    {
        var (r, refused) = await BookableAsync(instrumentId, manage: true, ct);
        if (refused is not null)
        {
            return refused;
        }
        var record = await db.Set<InstrumentQualification>().FirstOrDefaultAsync(q => q.Id == qualificationId && q.ResourceId == r!.Id, ct);
        if (record is null)
        {
            return new ServiceResult.NotFound();
        }
        var name = await users.Users().Where(u => u.Id == record.UserId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Remove(record);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("booking.qualification.revoke", $"resource:{r!.Id}", detail: $"{r.Name} {name}", ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }
}
