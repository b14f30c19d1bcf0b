using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

public sealed record BlackoutInput(string? Start, string? End, string? Reason);

/// <summary>Maintenance blackouts (维护停机): periods the managers block; bookings there are refused from then on.</summary>
public sealed partial class BookingService
{
    public async Task<(BlackoutDto? Blackout, ServiceResult Result)> AddBlackoutAsync(Guid instrumentId, BlackoutInput input, CancellationToken ct)
    {
        var (r, refused) = await BookableAsync(instrumentId, manage: true, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var e = new FieldErrors();
        var start = ParseInstant(input.Start);
        var end = ParseInstant(input.End);
        var reason = input.Reason?.Trim() ?? "";
        if (start is null)
        {
            e.Add("start", new Message("Booking.BlackoutStartFormat"));
        }
        if (end is null || (start is not null && end <= start))
        {
            e.Add("end", new Message("Booking.EndBeforeStart"));
        }
        else if (start is not null && end - start > TimeSpan.FromDays(366))
        {
            e.Add("end", new Message("Booking.BlackoutTooLong"));
        }
        if (reason.Length is < 2 or > 200)
        {
            e.Add("reason", new Message("Booking.BlackoutReason"));
        }
        if (e.Count > 0)
        {
            return (null, new ServiceResult.Invalid(e));
        }
        var blackout = new InstrumentBlackout
        {
            Id = Guid.CreateVersion7(),
            ResourceId = r!.Id,
            StartAt = start!.Value,
            EndAt = end!.Value,
            Reason = reason,
            CreatedBy = me.Id!.Value,
            CreatedAt = clock.GetUtcNow(),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(blackout);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("booking.blackout", $"resource:{r.Id}", detail: $"{r.Name} {Display.DateTime(blackout.StartAt)}–{Display.DateTime(blackout.EndAt)} {reason}", ct: ct);
        await tx.CommitAsync(ct);
        return (new BlackoutDto(blackout.Id, blackout.StartAt, blackout.EndAt, blackout.Reason), new ServiceResult.Ok());
    }

    public async Task<ServiceResult> RemoveBlackoutAsync(Guid instrumentId, Guid blackoutId, CancellationToken ct)
    {
        var (r, refused) = await BookableAsync(instrumentId, manage: true, ct);
        if (refused is not null)
        {
            return refused;
        }
        var blackout = await db.Set<InstrumentBlackout>().FirstOrDefaultAsync(b => b.Id == blackoutId && b.ResourceId == r!.Id, ct);
        if (blackout is null)
        {
            return new ServiceResult.NotFound();
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Remove(blackout);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("booking.blackout.remove", $"resource:{r!.Id}", detail: $"{r.Name} {Display.DateTime(blackout.StartAt)}–{Display.DateTime(blackout.EndAt)} {blackout.Reason}", ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }
}
