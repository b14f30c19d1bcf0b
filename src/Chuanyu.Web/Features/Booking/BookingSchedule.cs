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

/// <summary>A held slot as anyone may see it: when, and whether it is the caller's own; never who booked it.</summary>
public sealed record TakenSlot(DateTimeOffset Start, DateTimeOffset End, DateTimeOffset HeldUntil, bool Pending, bool Mine);

public sealed record BlackoutDto(Guid Id, DateTimeOffset Start, DateTimeOffset End, string Reason);

public sealed record OpeningDay(DateOnly Date, bool Open, DateTimeOffset? Opens, DateTimeOffset? Closes);

public sealed record AvailabilityDto(Guid InstrumentId, string InstrumentName, string TimeZone, BookingRulesDto Rules,
    IReadOnlyList<OpeningDay> Days, IReadOnlyList<TakenSlot> Taken, IReadOnlyList<BlackoutDto> Blackouts, bool CanManage);

public sealed record BlackoutInput(string? Start, string? End, string? Reason);

public sealed record QualificationInput(string? Email, DateOnly? ExpiresOn);

public sealed record QualificationDto(Guid Id, Guid UserId, string UserName, string MaskedEmail, DateOnly? ExpiresOn, DateTimeOffset GrantedAt);

public sealed partial class BookingService
{
    public const int MaxAvailabilityDays = 31;

    private async Task<(Resource? Resource, ServiceResult? Refused)> BookableAsync(Guid instrumentId, bool manage, CancellationToken ct)
    {
        var r = await db.Set<Resource>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == instrumentId, ct);
        if (r is null || !catalog.CanSee(r) || !IsBookable(r.Kind))
        {
            return (null, new ServiceResult.NotFound());
        }
        return manage && !catalog.CanManage(r.OrganizationId) ? (null, new ServiceResult.Forbidden()) : (r, null);
    }

    /// <summary>Free and held time of an instrument for some days from a date (China Standard Time), without others' names.</summary>
    public async Task<(AvailabilityDto? Availability, ServiceResult Result)> AvailabilityAsync(Guid instrumentId, DateOnly from, int days, CancellationToken ct)
    {
        if (days is < 1 or > MaxAvailabilityDays)
        {
            var e = new FieldErrors();
            e.Add("days", $"一次最多查看 {MaxAvailabilityDays} 天。");
            return (null, new ServiceResult.Invalid(e));
        }
        var today = ChinaTime.Today(clock);
        if (from < today.AddYears(-1) || from > today.AddYears(1))
        {
            var e = new FieldErrors();
            e.Add("from", "只能查看前后一年以内的排期。");
            return (null, new ServiceResult.Invalid(e));
        }
        var (r, refused) = await BookableAsync(instrumentId, manage: false, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var rules = await RulesAsync(r!.Id, ct);
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), Display.ChinaStandardTime).ToUniversalTime();
        var end = start.AddDays(days);
        var meId = me.Id;
        var taken = await db.Set<InstrumentBooking>().AsNoTracking()
            .Where(b => b.ResourceId == r.Id && InstrumentBooking.Active.Contains(b.Status) && b.StartAt < end && b.BlockedUntil > start)
            .OrderBy(b => b.StartAt)
            .Select(b => new TakenSlot(b.StartAt, b.EndAt, b.BlockedUntil, b.Status == BookingStatus.Pending, meId != null && (b.UserId == meId || b.BookedBy == meId)))
            .ToListAsync(ct);
        var blackouts = await db.Set<InstrumentBlackout>().AsNoTracking()
            .Where(b => b.ResourceId == r.Id && b.StartAt < end && b.EndAt > start).OrderBy(b => b.StartAt)
            .Select(b => new BlackoutDto(b.Id, b.StartAt, b.EndAt, b.Reason)).ToListAsync(ct);
        var opening = Enumerable.Range(0, days).Select(i =>
        {
            var day = from.AddDays(i);
            var midnight = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Display.ChinaStandardTime);
            return rules.IsOpenOn(day.DayOfWeek)
                ? new OpeningDay(day, true, midnight.AddMinutes(rules.OpensAtMinute), midnight.AddMinutes(rules.ClosesAtMinute))
                : new OpeningDay(day, false, null, null);
        }).ToList();
        return (new AvailabilityDto(r.Id, r.Name, "Asia/Shanghai", BookingRulesDto.From(rules), opening, taken, blackouts,
            catalog.CanManage(r.OrganizationId)), new ServiceResult.Ok());
    }

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
        int Need(int? value, string field, int min, int max, string label)
        {
            if (value is not { } v || v < min || v > max)
            {
                e.Add(field, $"{label}须为 {min}–{max} 之间的整数。");
                return min;
            }
            return v;
        }
        int? Optional(int? value, string field, int max, string label)
        {
            if (value is { } v && (v < 1 || v > max))
            {
                e.Add(field, $"{label}须为 1–{max} 之间的整数，不限请留空。");
            }
            return value;
        }
        long Money(decimal? value, string field, string label)
        {
            if (value is not { } v || v < 0 || v > 1_000_000 || decimal.Round(v, 2) != v)
            {
                e.Add(field, $"{label}须为 0–1000000 元，最多两位小数。");
                return 0;
            }
            return (long)(v * 100);
        }
        var rules = new BookingRules
        {
            ResourceId = r!.Id,
            MinMinutes = Need(input.MinMinutes, "minMinutes", 5, 24 * 60, "最短时长（分钟）"),
            MaxMinutes = Need(input.MaxMinutes, "maxMinutes", 5, 24 * 60, "最长时长（分钟）"),
            IncrementMinutes = Need(input.IncrementMinutes, "incrementMinutes", 5, 24 * 60, "时间单位（分钟）"),
            MinNoticeMinutes = Need(input.MinNoticeMinutes, "minNoticeMinutes", 0, 60 * 24 * 30, "最少提前（分钟）"),
            MaxHorizonDays = Need(input.MaxHorizonDays, "maxHorizonDays", 1, 366, "最多提前（天）"),
            BufferMinutes = Need(input.BufferMinutes, "bufferMinutes", 0, 24 * 60, "间隔时间（分钟）"),
            ApprovalRequired = input.ApprovalRequired ?? true,
            QualificationRequired = input.QualificationRequired ?? false,
            CancelDeadlineHours = Need(input.CancelDeadlineHours, "cancelDeadlineHours", 0, 24 * 30, "免费取消截止（小时）"),
            LateCancelFeeFen = Money(input.LateCancelFee, "lateCancelFee", "逾期取消费"),
            NoShowFeeFen = Money(input.NoShowFee, "noShowFee", "爽约费"),
            CheckInGraceMinutes = Need(input.CheckInGraceMinutes, "checkInGraceMinutes", 0, 24 * 60, "签到宽限（分钟）"),
            UserQuotaHoursPerMonth = Optional(input.UserQuotaHoursPerMonth, "userQuotaHoursPerMonth", 744, "每人每月限额（小时）"),
            OrganizationQuotaHoursPerMonth = Optional(input.OrganizationQuotaHoursPerMonth, "organizationQuotaHoursPerMonth", 744, "每单位每月限额（小时）"),
            UpdatedBy = me.Id,
            UpdatedAt = clock.GetUtcNow(),
        };
        rules.OpensAtMinute = ParseClock(input.OpensAt) ?? -1;
        rules.ClosesAtMinute = ParseClock(input.ClosesAt) ?? -1;
        if (rules.OpensAtMinute < 0 || rules.OpensAtMinute >= 24 * 60)
        {
            e.Add("opensAt", "开放时间须为 HH:mm，例如 08:00。");
        }
        if (rules.ClosesAtMinute <= 0)
        {
            e.Add("closesAt", "关闭时间须为 HH:mm，例如 18:00（全天开放填 24:00）。");
        }
        else if (rules.OpensAtMinute >= 0 && rules.ClosesAtMinute <= rules.OpensAtMinute)
        {
            e.Add("closesAt", "关闭时间须晚于开放时间。");
        }
        if (input.OpenDays is not { Count: > 0 } days || days.Any(d => d is < 1 or > 7))
        {
            e.Add("openDays", "请至少选择一个开放日（1 表示星期一，7 表示星期日）。");
        }
        else
        {
            rules.OpenDays = days.Aggregate(0, (m, d) => m | (1 << (d - 1)));
        }
        if (input.AllowedUserTypes is not { Count: > 0 } types || types.Any(t => !Enum.IsDefined(t)))
        {
            e.Add("allowedUserTypes", "请至少选择一类可预约的用户。");
        }
        else
        {
            rules.AllowedUserTypes = types.Aggregate(0, (m, t) => m | (1 << (int)t));
        }
        if (!e.ContainsKey("minMinutes") && !e.ContainsKey("maxMinutes") && rules.MaxMinutes < rules.MinMinutes)
        {
            e.Add("maxMinutes", "最长时长不能小于最短时长。");
        }
        if (!e.ContainsKey("incrementMinutes") && !e.ContainsKey("minMinutes") && rules.MinMinutes % rules.IncrementMinutes != 0)
        {
            e.Add("minMinutes", "最短时长须是时间单位的整数倍。");
        }
        if (input.Version is null)
        {
            e.Add("version", "请提交读取规则时的 version（首次设置为 0）。");
        }
        if (e.Count > 0)
        {
            return (null, new ServiceResult.Invalid(e));
        }
        var existing = await db.Set<BookingRules>().FirstOrDefaultAsync(x => x.ResourceId == r.Id, ct);
        if ((existing?.Version ?? 0) != input.Version)
        {
            return (null, new ServiceResult.Conflict("预约规则已被他人修改，请刷新后重新编辑。"));
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
            return (null, new ServiceResult.Conflict("预约规则已被他人修改，请刷新后重新编辑。"));
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
            e.Add("start", "开始时间须为带时区的 ISO 8601 时间。");
        }
        if (end is null || (start is not null && end <= start))
        {
            e.Add("end", "结束时间须晚于开始时间。");
        }
        else if (start is not null && end - start > TimeSpan.FromDays(366))
        {
            e.Add("end", "一次停机最长一年。");
        }
        if (reason.Length is < 2 or > 200)
        {
            e.Add("reason", "请填写停机原因（2–200 字），预约者会看到。");
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

    public async Task<(List<QualificationDto>? List, ServiceResult Result)> ListQualificationsAsync(Guid instrumentId, CancellationToken ct)
    {
        var (r, refused) = await BookableAsync(instrumentId, manage: true, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var rows = await (from q in db.Set<InstrumentQualification>().AsNoTracking()
                          join u in db.Users.AsNoTracking() on q.UserId equals u.Id
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
        var email = input.Email?.Trim().ToUpperInvariant();
        var user = string.IsNullOrEmpty(email) ? null : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == email, ct);
        if (user is null)
        {
            e.Add("email", "没有使用该邮箱注册的用户。");
        }
        // A training record is renewed within five years at the latest (instrument safety training is typically 1–3 years).
        var today = ChinaTime.Today(clock);
        if (input.ExpiresOn is { } expires && DateLimits.Outside(expires, today, today.AddYears(5), "有效期") is { } expiresError)
        {
            e.Add("expiresOn", expiresError);
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
        var name = await db.Users.AsNoTracking().Where(u => u.Id == record.UserId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Remove(record);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("booking.qualification.revoke", $"resource:{r!.Id}", detail: $"{r.Name} {name}", ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>The caller's bookings (as user or booker) from 90 days back to a year ahead, as an iCalendar file.</summary>
    public async Task<string> MyCalendarAsync(CancellationToken ct)
    {
        var id = me.Id!.Value;
        var now = clock.GetUtcNow();
        var from = now.AddDays(-90);
        var to = now.AddDays(366);
        var list = await db.Set<InstrumentBooking>().AsNoTracking()
            .Where(b => (b.UserId == id || b.BookedBy == id) && b.StartAt >= from && b.StartAt < to && b.Status != BookingStatus.Rejected)
            .OrderBy(b => b.StartAt).Take(2000).ToListAsync(ct);
        var resourceIds = list.Select(b => b.ResourceId).Distinct().ToList();
        var resources = await db.Set<Resource>().AsNoTracking().Where(r => resourceIds.Contains(r.Id))
            .Select(r => new { r.Id, r.Name, r.Model, r.Address }).ToDictionaryAsync(r => r.Id, ct);
        return ICalendar.Write("我的仪器预约", list.Select(b =>
        {
            var r = resources[b.ResourceId];
            return new CalendarEvent($"{b.Id:N}@chuanyu", b.StartAt, b.EndAt, $"{r.Name}（{StatusLabel(b.Status)}）", r.Address,
                $"仪器：{r.Name}{(r.Model is null ? "" : " " + r.Model)}\n使用目的：{b.Purpose}\n预约号：{b.Id}", ICalendar.StatusOf(b.Status), b.CreatedAt);
        }));
    }

    /// <summary>
    /// An instrument's held time from 30 days back to 90 days ahead as an iCalendar file: "已预约" for everyone, the user and
    /// organisation only for the instrument's managers.
    /// </summary>
    public async Task<(string? Calendar, ServiceResult Result)> InstrumentCalendarAsync(Guid instrumentId, CancellationToken ct)
    {
        var (r, refused) = await BookableAsync(instrumentId, manage: false, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var now = clock.GetUtcNow();
        var from = now.AddDays(-30);
        var to = now.AddDays(90);
        var list = await db.Set<InstrumentBooking>().AsNoTracking()
            .Where(b => b.ResourceId == r!.Id && InstrumentBooking.Active.Contains(b.Status) && b.StartAt >= from && b.StartAt < to)
            .OrderBy(b => b.StartAt).Take(5000).ToListAsync(ct);
        var manager = catalog.CanManage(r!.OrganizationId);
        var names = new Dictionary<Guid, string>();
        if (manager)
        {
            names = (await ToDtosAsync(list, ct)).ToDictionary(d => d.Id, d => $"{d.UserName}（{d.UserOrganizationName}）");
        }
        var blackouts = await db.Set<InstrumentBlackout>().AsNoTracking()
            .Where(b => b.ResourceId == r.Id && b.EndAt > from && b.StartAt < to).ToListAsync(ct);
        var events = list.Select(b => new CalendarEvent($"{b.Id:N}@chuanyu", b.StartAt, b.EndAt,
                (b.Status == BookingStatus.Pending ? "待审核" : "已预约") + (names.TryGetValue(b.Id, out var who) ? "：" + who : ""),
                r.Address, manager ? "使用目的：" + b.Purpose : null, ICalendar.StatusOf(b.Status), b.CreatedAt))
            .Concat(blackouts.Select(b => new CalendarEvent($"{b.Id:N}@chuanyu", b.StartAt, b.EndAt, "停机：" + b.Reason, r.Address, null, "CONFIRMED", b.CreatedAt)))
            .OrderBy(e => e.Start);
        return (ICalendar.Write($"{r.Name} 预约排期", events), new ServiceResult.Ok());
    }
}
