using System.Globalization;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

/// <summary>What a cell of the week view shows. Never who holds the time: only whether it is the caller's own.</summary>
public enum SlotState
{
    /// <summary>空闲</summary>
    Free,

    /// <summary>已预约 (by someone else, approved or in use)</summary>
    Taken,

    /// <summary>待审核 (someone else's request)</summary>
    Pending,

    /// <summary>我的预约</summary>
    Mine,

    /// <summary>停机</summary>
    Blackout,

    /// <summary>不可预约: free, but outside the window the rules allow (begun, within the notice period, beyond the horizon).</summary>
    Unbookable,
}

/// <summary>One cell of the week view: an increment of one day's opening window; a blackout's cell carries its reason.</summary>
public sealed record WeekCell(DateTimeOffset Start, DateTimeOffset End, SlotState State, string? Reason = null);

/// <summary>One column of the week view; a closed day has no cells.</summary>
public sealed record WeekDay(DateOnly Date, bool Open, IReadOnlyList<WeekCell> Cells);

/// <summary>The week view: rows are the increments of the opening window (minutes after midnight, China Standard Time).</summary>
public sealed record WeekView(DateOnly From, int IncrementMinutes, IReadOnlyList<int> Times, IReadOnlyList<WeekDay> Days);

/// <summary>What the booking pages share: the week view, times as the pages show and post them, the caller's organisations.</summary>
public static class BookingPages
{
    public const int WeekDays = 7;

    /// <summary>
    /// Cuts each open day's window into the rules' increment and marks every cell from the held slots and blackouts.
    /// When the caller may not book the instrument at all (<paramref name="bookable"/> false: under maintenance, not
    /// open to them …) no free cell is offered: free time shows as not bookable.
    /// </summary>
    public static WeekView Week(AvailabilityDto a, DateOnly from, DateTimeOffset now, bool bookable = true)
    {
        var opens = BookingService.ParseClock(a.Rules.OpensAt) ?? 0;
        var closes = BookingService.ParseClock(a.Rules.ClosesAt) ?? 24 * 60;
        var step = a.Rules.IncrementMinutes;
        var times = new List<int>();
        for (var m = opens; m < closes; m += step)
        {
            times.Add(m);
        }
        var days = a.Days.Select(d =>
        {
            if (!d.Open || d.Opens is not { } dayOpens)
            {
                return new WeekDay(d.Date, false, []);
            }
            var dayCloses = d.Closes ?? dayOpens;
            var cells = times.Select(m =>
            {
                var start = dayOpens.AddMinutes(m - opens);
                var end = start.AddMinutes(step) < dayCloses ? start.AddMinutes(step) : dayCloses;
                var blackout = a.Blackouts.FirstOrDefault(b => b.Start < end && b.End > start);
                var state = StateOf(a, start, end, now);
                return new WeekCell(start, end, state == SlotState.Free && !bookable ? SlotState.Unbookable : state, blackout?.Reason);
            }).ToList();
            return new WeekDay(d.Date, true, cells);
        }).ToList();
        return new WeekView(from, step, times, days);
    }

    private static SlotState StateOf(AvailabilityDto a, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now)
    {
        if (a.Blackouts.Any(b => b.Start < end && b.End > start))
        {
            return SlotState.Blackout;
        }
        var held = a.Taken.Where(t => t.Start < end && t.End > start).ToList();
        if (held.Any(t => t.Mine))
        {
            return SlotState.Mine;
        }
        if (held.Count > 0)
        {
            return held.All(t => t.Pending) ? SlotState.Pending : SlotState.Taken;
        }
        // The buffer around a booking (preparation, cleaning) is held too, though nobody booked it: the same test as
        // BookingService.CreateAsync, with the buffer the booking was made under (HeldUntil) and the current one.
        var buffer = TimeSpan.FromMinutes(a.Rules.BufferMinutes);
        if (start < now.AddMinutes(a.Rules.MinNoticeMinutes) || start > now.AddDays(a.Rules.MaxHorizonDays))
        {
            return SlotState.Unbookable;
        }
        var buffered = a.Taken.Where(t => t.Start < end + buffer && (t.HeldUntil > start || t.End + buffer > start)).ToList();
        return buffered.Count == 0 ? SlotState.Free : buffered.All(t => t.Pending) ? SlotState.Pending : SlotState.Taken;
    }

    /// <summary>The increments a booking may start at and end at, from the rules' opening window.</summary>
    public static (IReadOnlyList<string> Starts, IReadOnlyList<string> Ends) TimeChoices(BookingRulesDto rules)
    {
        var opens = BookingService.ParseClock(rules.OpensAt) ?? 0;
        var closes = BookingService.ParseClock(rules.ClosesAt) ?? 24 * 60;
        var starts = new List<string>();
        var ends = new List<string>();
        for (var m = opens; m < closes; m += rules.IncrementMinutes)
        {
            starts.Add(BookingRulesCheck.Clock(m));
            if (m + rules.IncrementMinutes <= closes)
            {
                ends.Add(BookingRulesCheck.Clock(m + rules.IncrementMinutes));
            }
        }
        return (starts, ends);
    }

    /// <summary>A date and a time of day in China Standard Time as the service takes it (2026-12-01T09:00:00+08:00); 24:00 is the next midnight.</summary>
    public static string Instant(DateOnly date, int minuteOfDay) =>
        new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), Display.ChinaStandardTime).AddMinutes(minuteOfDay)
            .ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset t) => t.ToOffset(Display.ChinaStandardTime).ToString("HH:mm", CultureInfo.InvariantCulture);

    public static string StatusBadge(BookingStatus s) => s switch
    {
        BookingStatus.Pending => "text-bg-warning",
        BookingStatus.Approved => "text-bg-success",
        BookingStatus.InUse => "text-bg-primary",
        BookingStatus.Completed => "text-bg-secondary",
        BookingStatus.Rejected => "text-bg-danger",
        BookingStatus.Cancelled => "text-bg-light border",
        _ => "text-bg-dark",
    };

    /// <summary>The organisations the caller books for: those where they hold any role (the service's rule).</summary>
    public static Task<IReadOnlyList<(Guid Id, string Name)>> MyOrganizationsAsync(OrganizationDirectory organizations, CancellationToken ct) =>
        organizations.ChoicesAsync([.. organizations.MyOrganizationIds()], ct);

    /// <summary>The people of an organisation (anyone holding a role there) other than the caller, for "book for a colleague".</summary>
    public static async Task<IReadOnlyList<(Guid Id, string Name)>> ColleaguesAsync(UserDirectory users, Guid organizationId, Guid me, CancellationToken ct)
    {
        var ids = users.MemberIds(organizationId).Where(id => id != me);
        return (await users.Users().Where(u => ids.Contains(u.Id)).OrderBy(u => u.DisplayName).Take(500)
                .Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct))
            .Select(u => (u.Id, u.DisplayName)).ToList();
    }

    /// <summary>The service's field errors under the page form's keys.</summary>
    public static FieldErrors Translate(FieldErrors serviceErrors, IReadOnlyDictionary<string, string> keys)
    {
        var errors = new FieldErrors();
        foreach (var (field, reasons) in serviceErrors)
        {
            foreach (var reason in reasons)
            {
                errors.Add(keys.GetValueOrDefault(field, field), reason);
            }
        }
        return errors;
    }
}

/// <summary>
/// The booking form as posted: a day, a start and an end chosen from the opening window's increments (China Standard
/// Time), the purpose, optionally a colleague and a repetition. The page turns the day and times into the ISO instants
/// with +08:00 the service takes; every rule is the service's.
/// </summary>
public sealed class BookingForm
{
    public string? Date { get; set; }
    public string? Start { get; set; }
    public string? End { get; set; }
    public string? Purpose { get; set; }
    public Guid? OrganizationId { get; set; }
    public Guid? OnBehalfOf { get; set; }

    /// <summary>Empty (once), Daily or Weekly.</summary>
    public string? RepeatFrequency { get; set; }
    public string? RepeatCount { get; set; }

    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
    {
        ["repeat.frequency"] = "repeatFrequency",
        ["repeat.count"] = "repeatCount",
    };

    /// <summary>The chosen day; years far outside any booking horizon count as no day (and cannot overflow the instants).</summary>
    public DateOnly? Day => DateOnly.TryParseExact(Date?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year is >= 2000 and < 3000
        ? d : null;

    /// <summary>The service's input, or the errors of a day or time that is not even one.</summary>
    public (BookingInput? Input, FieldErrors Errors) ToInput(Guid instrumentId)
    {
        var errors = new FieldErrors();
        var day = Day;
        if (day is null)
        {
            errors.Add("date", new Message("Booking.DateRequired"));
        }
        var start = BookingService.ParseClock(Start?.Trim());
        if (start is null or >= 24 * 60)
        {
            errors.Add("start", new Message("Booking.StartRequired"));
        }
        var end = BookingService.ParseClock(End?.Trim());
        if (end is null or 0)
        {
            errors.Add("end", new Message("Booking.EndRequired"));
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        BookingRepeat? repeat = null;
        if (!string.IsNullOrEmpty(RepeatFrequency))
        {
            repeat = new BookingRepeat(RepeatFrequency,
                int.TryParse(RepeatCount?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null);
        }
        return (new BookingInput(instrumentId, BookingPages.Instant(day!.Value, start!.Value), BookingPages.Instant(day.Value, end!.Value), Purpose,
            OrganizationId, OnBehalfOf, repeat), errors);
    }

    public static FieldErrors Translate(FieldErrors serviceErrors) => BookingPages.Translate(serviceErrors, Keys);
}

/// <summary>
/// The rules form as posted. Numbers arrive as text so that "abc" is a field error in the reader's language beside its input rather
/// than a silent null; the ranges and the rules between fields are <see cref="BookingService.SetRulesAsync"/>'s. Error
/// keys are the service's (<c>minMinutes</c>, <c>opensAt</c> …).
/// </summary>
public sealed class BookingRulesForm
{
    public string? MinMinutes { get; set; }
    public string? MaxMinutes { get; set; }
    public string? IncrementMinutes { get; set; }
    public string? MinNoticeMinutes { get; set; }
    public string? MaxHorizonDays { get; set; }
    public string? BufferMinutes { get; set; }
    public string? OpensAt { get; set; }
    public string? ClosesAt { get; set; }
    public List<int> OpenDays { get; set; } = [];
    public bool ApprovalRequired { get; set; }
    public bool QualificationRequired { get; set; }
    public List<FeeUserType> AllowedUserTypes { get; set; } = [];
    public string? CancelDeadlineHours { get; set; }
    public string? LateCancelFee { get; set; }
    public string? NoShowFee { get; set; }
    public string? CheckInGraceMinutes { get; set; }
    public string? UserQuotaHoursPerMonth { get; set; }
    public string? OrganizationQuotaHoursPerMonth { get; set; }
    public int? Version { get; set; }

    public static BookingRulesForm From(BookingRulesDto r) => new()
    {
        MinMinutes = Text(r.MinMinutes),
        MaxMinutes = Text(r.MaxMinutes),
        IncrementMinutes = Text(r.IncrementMinutes),
        MinNoticeMinutes = Text(r.MinNoticeMinutes),
        MaxHorizonDays = Text(r.MaxHorizonDays),
        BufferMinutes = Text(r.BufferMinutes),
        OpensAt = r.OpensAt,
        ClosesAt = r.ClosesAt,
        OpenDays = [.. r.OpenDays],
        ApprovalRequired = r.ApprovalRequired,
        QualificationRequired = r.QualificationRequired,
        AllowedUserTypes = [.. r.AllowedUserTypes],
        CancelDeadlineHours = Text(r.CancelDeadlineHours),
        LateCancelFee = r.LateCancelFee.ToString("0.00", CultureInfo.InvariantCulture),
        NoShowFee = r.NoShowFee.ToString("0.00", CultureInfo.InvariantCulture),
        CheckInGraceMinutes = Text(r.CheckInGraceMinutes),
        UserQuotaHoursPerMonth = r.UserQuotaHoursPerMonth is { } u ? Text(u) : null,
        OrganizationQuotaHoursPerMonth = r.OrganizationQuotaHoursPerMonth is { } o ? Text(o) : null,
        Version = r.Version,
    };

    public (BookingRulesInput? Input, FieldErrors Errors) ToInput()
    {
        var errors = new FieldErrors();
        int? Int(string? text, string field)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }
            var normal = text.Trim().Normalize(System.Text.NormalizationForm.FormKC);
            if (int.TryParse(normal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            {
                return v;
            }
            errors.Add(field, new Message("Booking.WholeNumber"));
            return null;
        }
        decimal? Money(string? text, string field)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return 0m;
            }
            var normal = text.Trim().Normalize(System.Text.NormalizationForm.FormKC).Replace(",", "", StringComparison.Ordinal).Replace("¥", "", StringComparison.Ordinal).Trim();
            if (decimal.TryParse(normal, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            {
                return v;
            }
            errors.Add(field, new Message("Booking.AmountFormat"));
            return null;
        }
        var input = new BookingRulesInput(
            Int(MinMinutes, "minMinutes"), Int(MaxMinutes, "maxMinutes"), Int(IncrementMinutes, "incrementMinutes"), Int(MinNoticeMinutes, "minNoticeMinutes"),
            Int(MaxHorizonDays, "maxHorizonDays"), Int(BufferMinutes, "bufferMinutes"), OpensAt?.Trim(), ClosesAt?.Trim(), OpenDays, ApprovalRequired,
            QualificationRequired, AllowedUserTypes, Int(CancelDeadlineHours, "cancelDeadlineHours"), Money(LateCancelFee, "lateCancelFee"),
            Money(NoShowFee, "noShowFee"), Int(CheckInGraceMinutes, "checkInGraceMinutes"), Int(UserQuotaHoursPerMonth, "userQuotaHoursPerMonth"),
            Int(OrganizationQuotaHoursPerMonth, "organizationQuotaHoursPerMonth"), Version);
        return errors.Count > 0 ? (null, errors) : (input, errors);
    }

    private static string Text(int v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A blackout as the form posts it: start and end as the browser's date-time inputs give them (China Standard Time), the reason.</summary>
public sealed class BlackoutForm
{
    public string? Start { get; set; }
    public string? End { get; set; }
    public string? Reason { get; set; }

    public (BlackoutInput? Input, FieldErrors Errors) ToInput()
    {
        var errors = new FieldErrors();
        var start = Local(Start);
        var end = Local(End);
        if (start is null)
        {
            errors.Add("start", new Message("Booking.BlackoutStartRequired"));
        }
        if (end is null)
        {
            errors.Add("end", new Message("Booking.BlackoutEndRequired"));
        }
        return errors.Count > 0 ? (null, errors) : (new BlackoutInput(start, end, Reason), errors);
    }

    /// <summary>"2026-12-01T09:00" (a datetime-local input, or typed with a space) as an instant at +08:00.</summary>
    private static string? Local(string? text) =>
        DateTime.TryParseExact(text?.Trim(), ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) &&
        t.Year is >= 2000 and < 3000
            ? new DateTimeOffset(t, Display.ChinaStandardTime).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)
            : null;
}

/// <summary>A training record as the form posts it: the user's e-mail and an optional expiry date.</summary>
public sealed class QualificationForm
{
    public string? Email { get; set; }
    public string? ExpiresOn { get; set; }

    public (QualificationInput? Input, FieldErrors Errors) ToInput()
    {
        var errors = new FieldErrors();
        DateOnly? expires = null;
        if (!string.IsNullOrWhiteSpace(ExpiresOn))
        {
            if (DateOnly.TryParseExact(ExpiresOn.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                expires = d;
            }
            else
            {
                errors.Add("expiresOn", new Message("Booking.ExpiresOnFormat"));
            }
        }
        return errors.Count > 0 ? (null, errors) : (new QualificationInput(Email, expires), errors);
    }
}
