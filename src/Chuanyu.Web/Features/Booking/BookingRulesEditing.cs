using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

/// <summary>The rules as the API shows and takes them: minutes, hours, yuan, named days and user types.</summary>
public sealed record BookingRulesDto(
    int MinMinutes, int MaxMinutes, int IncrementMinutes, int MinNoticeMinutes, int MaxHorizonDays, int BufferMinutes,
    string OpensAt, string ClosesAt, IReadOnlyList<int> OpenDays, bool ApprovalRequired, bool QualificationRequired,
    IReadOnlyList<FeeUserType> AllowedUserTypes, int CancelDeadlineHours, decimal LateCancelFee, decimal NoShowFee, int CheckInGraceMinutes,
    int? UserQuotaHoursPerMonth, int? OrganizationQuotaHoursPerMonth, int Version)
{
    public static BookingRulesDto From(BookingRules r) => new(r.MinMinutes, r.MaxMinutes, r.IncrementMinutes, r.MinNoticeMinutes, r.MaxHorizonDays,
        r.BufferMinutes, BookingRulesCheck.Clock(r.OpensAtMinute), BookingRulesCheck.Clock(r.ClosesAtMinute),
        Enumerable.Range(1, 7).Where(d => (r.OpenDays & (1 << (d - 1))) != 0).ToList(), r.ApprovalRequired, r.QualificationRequired,
        Enum.GetValues<FeeUserType>().Where(r.Allows).ToList(), r.CancelDeadlineHours, r.LateCancelFeeFen / 100m, r.NoShowFeeFen / 100m,
        r.CheckInGraceMinutes, r.UserQuotaHoursPerMonth, r.OrganizationQuotaHoursPerMonth, r.Version);
}

/// <summary>Days are 1 (Monday) to 7 (Sunday); times of day "HH:mm" in China Standard Time.</summary>
public sealed record BookingRulesInput(
    int? MinMinutes, int? MaxMinutes, int? IncrementMinutes, int? MinNoticeMinutes, int? MaxHorizonDays, int? BufferMinutes,
    string? OpensAt, string? ClosesAt, IReadOnlyList<int>? OpenDays, bool? ApprovalRequired, bool? QualificationRequired,
    IReadOnlyList<FeeUserType>? AllowedUserTypes, int? CancelDeadlineHours, decimal? LateCancelFee, decimal? NoShowFee, int? CheckInGraceMinutes,
    int? UserQuotaHoursPerMonth, int? OrganizationQuotaHoursPerMonth, int? Version);

/// <summary>An instrument's booking rules: read by anyone, replaced by its managers (audited, optimistic version check).</summary>
public sealed partial class BookingService
{
    public async Task<(BookingRulesDto? Rules, ServiceResult Result)> GetRulesAsync(Guid instrumentId, CancellationToken ct)
    {
        var (r, refused) = await BookableAsync(instrumentId, manage: false, ct);
        return refused is not null ? (null, refused) : (BookingRulesDto.From(await RulesAsync(r!.Id, ct)), new ServiceResult.Ok());
    }

    /// <summary>Replaces an instrument's rules (its managers); <c>version</c> must be the current one (0 for the defaults).</summary>
    public async Task<(BookingRulesDto? Rules, ServiceResult Result)> SetRulesAsync(Guid instrumentId, BookingRulesInput input, CancellationToken ct)
    {
        var (r, refused) = await BookableAsync(instrumentId, manage: true, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var e = new FieldErrors();
        int Need(int? value, string field, int min, int max, Message label)
        {
            if (value is not { } v || v < min || v > max)
            {
                e.Add(field, new Message("Booking.WholeNumberRange", label, min, max));
                return min;
            }
            return v;
        }
        int? Optional(int? value, string field, int max, Message label)
        {
            if (value is { } v && (v < 1 || v > max))
            {
                e.Add(field, new Message("Booking.WholeNumberOrBlank", label, max));
            }
            return value;
        }
        long Money(decimal? value, string field, Message label)
        {
            if (value is not { } v || v < 0 || v > 1_000_000 || decimal.Round(v, 2) != v)
            {
                e.Add(field, new Message("Booking.AmountRange", label));
                return 0;
            }
            return (long)(v * 100);
        }
        var rules = new BookingRules
        {
            ResourceId = r!.Id,
            MinMinutes = Need(input.MinMinutes, "minMinutes", 5, 24 * 60, new Message("Booking.RuleField.MinMinutes")),
            MaxMinutes = Need(input.MaxMinutes, "maxMinutes", 5, 24 * 60, new Message("Booking.RuleField.MaxMinutes")),
            IncrementMinutes = Need(input.IncrementMinutes, "incrementMinutes", 5, 24 * 60, new Message("Booking.RuleField.IncrementMinutes")),
            MinNoticeMinutes = Need(input.MinNoticeMinutes, "minNoticeMinutes", 0, 60 * 24 * 30, new Message("Booking.RuleField.MinNoticeMinutes")),
            MaxHorizonDays = Need(input.MaxHorizonDays, "maxHorizonDays", 1, 366, new Message("Booking.RuleField.MaxHorizonDays")),
            BufferMinutes = Need(input.BufferMinutes, "bufferMinutes", 0, 24 * 60, new Message("Booking.RuleField.BufferMinutes")),
            ApprovalRequired = input.ApprovalRequired ?? true,
            QualificationRequired = input.QualificationRequired ?? false,
            CancelDeadlineHours = Need(input.CancelDeadlineHours, "cancelDeadlineHours", 0, 24 * 30, new Message("Booking.RuleField.CancelDeadlineHours")),
            LateCancelFeeFen = Money(input.LateCancelFee, "lateCancelFee", new Message("Booking.RuleField.LateCancelFee")),
            NoShowFeeFen = Money(input.NoShowFee, "noShowFee", new Message("Booking.RuleField.NoShowFee")),
            CheckInGraceMinutes = Need(input.CheckInGraceMinutes, "checkInGraceMinutes", 0, 24 * 60, new Message("Booking.RuleField.CheckInGraceMinutes")),
            UserQuotaHoursPerMonth = Optional(input.UserQuotaHoursPerMonth, "userQuotaHoursPerMonth", 744, new Message("Booking.RuleField.UserQuotaHoursPerMonth")),
            OrganizationQuotaHoursPerMonth = Optional(input.OrganizationQuotaHoursPerMonth, "organizationQuotaHoursPerMonth", 744, new Message("Booking.RuleField.OrganizationQuotaHoursPerMonth")),
            UpdatedBy = me.Id,
            UpdatedAt = clock.GetUtcNow(),
        };
        rules.OpensAtMinute = ParseClock(input.OpensAt) ?? -1;
        rules.ClosesAtMinute = ParseClock(input.ClosesAt) ?? -1;
        if (rules.OpensAtMinute < 0 || rules.OpensAtMinute >= 24 * 60)
        {
            e.Add("opensAt", new Message("Booking.OpensAtFormat"));
        }
        if (rules.ClosesAtMinute <= 0)
        {
            e.Add("closesAt", new Message("Booking.ClosesAtFormat"));
        }
        else if (rules.OpensAtMinute >= 0 && rules.ClosesAtMinute <= rules.OpensAtMinute)
        {
            e.Add("closesAt", new Message("Booking.ClosesBeforeOpens"));
        }
        if (input.OpenDays is not { Count: > 0 } days || days.Any(d => d is < 1 or > 7))
        {
            e.Add("openDays", new Message("Booking.OpenDaysRequired"));
        }
        else
        {
            rules.OpenDays = days.Aggregate(0, (m, d) => m | (1 << (d - 1)));
        }
        if (input.AllowedUserTypes is not { Count: > 0 } types || types.Any(t => !Enum.IsDefined(t)))
        {
            e.Add("allowedUserTypes", new Message("Booking.UserTypesRequired"));
        }
        else
        {
            rules.AllowedUserTypes = types.Aggregate(0, (m, t) => m | (1 << (int)t));
        }
        if (!e.ContainsKey("minMinutes") && !e.ContainsKey("maxMinutes") && rules.MaxMinutes < rules.MinMinutes)
        {
            e.Add("maxMinutes", new Message("Booking.MaxBelowMin"));
        }
        if (!e.ContainsKey("incrementMinutes") && !e.ContainsKey("minMinutes") && rules.MinMinutes % rules.IncrementMinutes != 0)
        {
            e.Add("minMinutes", new Message("Booking.MinNotMultipleOfIncrement"));
        }
        if (input.Version is null)
        {
            e.Add("version", new Message("Booking.VersionRequired"));
        }
        if (e.Count > 0)
        {
            return (null, new ServiceResult.Invalid(e));
        }
        var existing = await db.Set<BookingRules>().FirstOrDefaultAsync(x => x.ResourceId == r.Id, ct);
        if ((existing?.Version ?? 0) != input.Version)
        {
            return (null, new ServiceResult.Conflict(new Message("Booking.RulesChangedMeanwhile")));
        }
        rules.Version = (existing?.Version ?? 0) + 1;
        if (existing is null)
        {
            db.Add(rules);
        }
        else
        {
            db.Entry(existing).CurrentValues.SetValues(rules);
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return (null, new ServiceResult.Conflict(new Message("Booking.RulesChangedMeanwhile")));
        }
        await audit.RecordAsync("booking.rules", $"resource:{r.Id}", detail: r.Name, ct: ct);
        await tx.CommitAsync(ct);
        return (BookingRulesDto.From(rules), new ServiceResult.Ok());
    }

    public static int? ParseClock(string? text)
    {
        if (text is not { Length: 5 } || text[2] != ':' || !int.TryParse(text.AsSpan(0, 2), out var h) || !int.TryParse(text.AsSpan(3, 2), out var m) ||
            h is < 0 or > 24 || m is < 0 or > 59 || (h == 24 && m != 0))
        {
            return null;
        }
        return h * 60 + m;
    }
}
