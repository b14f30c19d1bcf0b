using System.Globalization;
using System.Text.RegularExpressions;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Usage;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

public sealed record BookingRepeat(string? Frequency, int? Count);

/// <summary>A booking request. Times are ISO 8601 with an offset (2026-12-01T09:00:00+08:00): a time without one is refused.</summary>
public sealed record BookingInput(Guid? InstrumentId, string? Start, string? End, string? Purpose,
    Guid? OrganizationId = null, Guid? OnBehalfOf = null, BookingRepeat? Repeat = null);

public sealed record BookingOccurrence(Guid Id, DateTimeOffset Start, DateTimeOffset End, BookingStatus Status);

public sealed record BookingCreated(Guid Id, BookingStatus Status, Guid? SeriesId, IReadOnlyList<BookingOccurrence> Occurrences);

public sealed record BookingDto(
    Guid Id, Guid InstrumentId, string InstrumentName, string? InstrumentModel, Guid OwnerOrganizationId, string OwnerOrganizationName,
    Guid UserId, string UserName, Guid UserOrganizationId, string UserOrganizationName, Guid BookedBy, FeeUserType UserType,
    DateTimeOffset Start, DateTimeOffset End, BookingStatus Status, string Purpose, Guid? SeriesId, DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt, string? DecisionNote, DateTimeOffset? CheckedInAt, DateTimeOffset? CheckedOutAt, DateTimeOffset? CancelledAt,
    decimal? Fee, bool CanDecide, bool CanCancel, bool CanCheckIn, bool CanCheckOut, int Version);

public sealed record BookingNoteInput(string? Note);

public sealed record RatingInput(int? Score, string? Comment);

public sealed record RatingDto(int Score, string? Comment, string UserName, DateTimeOffset CreatedAt);

/// <summary>An instrument's ratings: the average of all (null when none), their count, and the latest page.</summary>
public sealed record RatingSummary(double? Average, int Count, IReadOnlyList<RatingDto> Latest);

/// <summary>
/// Booking an instrument (仪器预约): the rules, the states (pending → approved → in use → completed, or rejected /
/// cancelled / no-show) and the one guarantee that matters most: two active bookings of an instrument never overlap.
/// PostgreSQL enforces it with an exclusion constraint (migration 0012) whatever the application does; on SQLite the
/// overlap check and the insert share one write transaction (BEGIN IMMEDIATE), which SQLite runs one at a time.
/// </summary>
public sealed partial class BookingService(AppDbContext db, CurrentUser me, CatalogService catalog, AuditLog audit, TimeProvider clock)
{
    public const int MaxRepeat = 52;

    /// <summary>The first key of the PostgreSQL advisory locks that queue the bookings of one instrument ("Bk").</summary>
    private const int BookingLockClass = 0x426B;

    public static bool IsBookable(ResourceKind kind) => kind is ResourceKind.Instrument or ResourceKind.Facility;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex InstantPattern();

    /// <summary>Parses an ISO 8601 instant that states its offset; null when it is missing, malformed or has none.</summary>
    public static DateTimeOffset? ParseInstant(string? text) =>
        text is { Length: <= 40 } && InstantPattern().IsMatch(text) &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t.ToUniversalTime() : null;

    public async Task<BookingRules> RulesAsync(Guid resourceId, CancellationToken ct) =>
        await db.Set<BookingRules>().AsNoTracking().FirstOrDefaultAsync(r => r.ResourceId == resourceId, ct) ?? BookingRules.Defaults(resourceId);

    /// <summary>Organisations the caller belongs to (any organisation-scoped role).</summary>
    private List<Guid> MyOrganizations() => me.Grants.Where(g => g.OrganizationId is not null).Select(g => g.OrganizationId!.Value).Distinct().ToList();

    public async Task<(BookingCreated? Created, ServiceResult Result)> CreateAsync(BookingInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var start = ParseInstant(input.Start);
        var end = ParseInstant(input.End);
        if (input.InstrumentId is null)
        {
            errors.Add("instrumentId", "请指定要预约的仪器。");
        }
        if (start is null)
        {
            errors.Add("start", "开始时间须为带时区的 ISO 8601 时间，例如 2026-12-01T09:00:00+08:00。");
        }
        if (end is null)
        {
            errors.Add("end", "结束时间须为带时区的 ISO 8601 时间，例如 2026-12-01T11:00:00+08:00。");
        }
        else if (start is not null && end <= start)
        {
            errors.Add("end", "结束时间须晚于开始时间。");
        }
        var purpose = input.Purpose?.Trim() ?? "";
        if (purpose.Length < 2)
        {
            errors.Add("purpose", "请填写使用目的（实验内容、样品情况），至少 2 个字。");
        }
        else if (purpose.Length > 500)
        {
            errors.Add("purpose", "使用目的最多 500 个字。");
        }
        var step = TimeSpan.Zero;
        var count = 1;
        if (input.Repeat is { } repeat)
        {
            step = repeat.Frequency switch { "Daily" => TimeSpan.FromDays(1), "Weekly" => TimeSpan.FromDays(7), _ => TimeSpan.Zero };
            if (step == TimeSpan.Zero)
            {
                errors.Add("repeat.frequency", "重复方式须为 Daily（每天）或 Weekly（每周）。");
            }
            if (repeat.Count is not { } n || n < 2 || n > MaxRepeat)
            {
                errors.Add("repeat.count", $"重复次数须为 2–{MaxRepeat} 次。");
            }
            else
            {
                count = n;
            }
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        // The request's dozen reads and writes share one connection instead of taking it from the pool each time.
        await db.Database.OpenConnectionAsync(ct);
        // The instrument and its rules in one read (no rules row: the defaults).
        var loaded = await db.Set<Resource>().AsNoTracking().Where(r => r.Id == input.InstrumentId)
            .Select(r => new { Resource = r, Rules = db.Set<BookingRules>().FirstOrDefault(b => b.ResourceId == r.Id) })
            .FirstOrDefaultAsync(ct);
        var resource = loaded?.Resource;
        if (resource is null || !catalog.CanSee(resource))
        {
            return (null, new ServiceResult.NotFound());
        }
        var refusal = RefuseResource(resource);
        if (refusal is not null)
        {
            return (null, refusal);
        }
        // The organisation the booking is for (and that pays), and the user who will come.
        var (organization, userType, refusedRequester) = await RequesterAsync(input.OrganizationId, resource, "预约", ct);
        if (refusedRequester is not null)
        {
            return (null, refusedRequester);
        }
        var organizationId = organization!.Id;
        var userId = me.Id!.Value;
        if (input.OnBehalfOf is { } colleague && colleague != userId)
        {
            var isColleague = await db.RoleGrants.AnyAsync(g => g.UserId == colleague && g.OrganizationId == organizationId, ct);
            if (!isColleague)
            {
                errors.Add("onBehalfOf", "只能为本单位的同事代为预约。");
                return (null, new ServiceResult.Invalid(errors));
            }
            userId = colleague;
        }
        var rules = loaded!.Rules ?? BookingRules.Defaults(resource.Id);
        if (!rules.Allows(userType))
        {
            return (null, new ServiceResult.RuleBroken("userTypes", $"该仪器不接受{BookingRulesCheck.UserTypeLabel(userType)}用户预约。"));
        }
        var now = clock.GetUtcNow();
        var slots = Enumerable.Range(0, count).Select(i => (Start: start!.Value + step * i, End: end!.Value + step * i)).ToList();
        foreach (var (slot, i) in slots.Select((s, i) => (s, i)))
        {
            if (BookingRulesCheck.CheckTime(rules, slot.Start, slot.End, now) is { } broken)
            {
                return (null, new ServiceResult.RuleBroken(broken.Rule, Occurrence(count, i, slot.Start) + broken.Message));
            }
        }
        if (count > 1 && slots[0].End + TimeSpan.FromMinutes(rules.BufferMinutes) > slots[1].Start)
        {
            return (null, new ServiceResult.RuleBroken("repeat", "重复的各次预约相互重叠。"));
        }
        if (rules.QualificationRequired && await QualificationProblemAsync(resource.Id, userId, slots[^1].Start, ct) is { } unqualified)
        {
            return (null, unqualified);
        }
        if (await BlackoutProblemAsync(resource.Id, slots, ct) is { } blackout)
        {
            return (null, blackout);
        }
        var buffer = TimeSpan.FromMinutes(rules.BufferMinutes);
        var seriesId = count > 1 ? Guid.CreateVersion7() : (Guid?)null;
        var status = rules.ApprovalRequired ? BookingStatus.Pending : BookingStatus.Approved;
        var bookings = slots.Select(s => new InstrumentBooking
        {
            Id = Guid.CreateVersion7(),
            ResourceId = resource.Id,
            OwnerOrganizationId = resource.OrganizationId,
            UserId = userId,
            UserOrganizationId = organizationId,
            BookedBy = me.Id!.Value,
            UserType = userType,
            StartAt = s.Start,
            EndAt = s.End,
            BlockedUntil = s.End + buffer,
            Status = status,
            Purpose = purpose,
            SeriesId = seriesId,
            CreatedAt = now,
            DecidedAt = status == BookingStatus.Approved ? now : null,
        }).ToList();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Database.AutoSavepointsEnabled = false; // one SaveChanges in this transaction: no savepoint round trips
        if (db.Database.IsNpgsql())
        {
            // Requests for one instrument queue here, so the check below sees every earlier booking and answers a clean
            // 409; the exclusion constraint stays the guarantee (a lock key shared by two instruments only queues them).
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({BookingLockClass}, {LockKey(resource.Id)})", ct);
        }
        if (await QuotaProblemAsync(rules, resource.Id, userId, organizationId, slots, ct) is { } quota)
        {
            return (null, quota);
        }
        foreach (var (b, i) in bookings.Select((b, i) => (b, i)))
        {
            // Held time overlaps, or this booking would start within the buffer after another's end (a booking made
            // before the buffer was set holds no buffer of its own).
            var earliest = b.StartAt - buffer;
            var taken = await db.Set<InstrumentBooking>().AsNoTracking()
                .Where(x => x.ResourceId == resource.Id && InstrumentBooking.Active.Contains(x.Status) && x.StartAt < b.BlockedUntil &&
                            (x.BlockedUntil > b.StartAt || x.EndAt > earliest))
                .Select(x => new { x.StartAt, x.EndAt }).FirstOrDefaultAsync(ct);
            if (taken is not null)
            {
                return (null, new ServiceResult.Conflict(Occurrence(count, i, b.StartAt) +
                    $"该时段已被预约（{Display.Range(taken.StartAt, taken.EndAt)}），请选择其他时段。"));
            }
        }
        db.AddRange(bookings);
        await NotifyCreatedAsync(resource, bookings, ct);
        // No audit row for a request: the booking itself says who asked for what and when; decisions are audited.
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (IsOverlap(e))
        {
            // Another request took the slot between our check and our insert; the database refused ours.
            return (null, new ServiceResult.Conflict("该时段刚刚被他人预约，请选择其他时段。"));
        }
        return (new BookingCreated(bookings[0].Id, status, seriesId,
            bookings.Select(b => new BookingOccurrence(b.Id, b.StartAt, b.EndAt, b.Status)).ToList()), new ServiceResult.Ok());
    }

    /// <summary>
    /// Who asks for an instrument's time or service: the organisation the request is for (chosen, or the caller's only
    /// one), which must be verified, and the user type it is to the resource, within the resource's sharing scope.
    /// </summary>
    public async Task<(Organization? Organization, FeeUserType UserType, ServiceResult? Refused)> RequesterAsync(
        Guid? chosen, Resource resource, string action, CancellationToken ct)
    {
        var mine = MyOrganizations();
        var errors = new FieldErrors();
        Guid organizationId;
        if (chosen is { } picked)
        {
            if (!mine.Contains(picked))
            {
                errors.Add("organizationId", $"您不属于该单位，不能以其名义{action}。");
                return (null, default, new ServiceResult.Invalid(errors));
            }
            organizationId = picked;
        }
        else if (mine.Count == 1)
        {
            organizationId = mine[0];
        }
        else if (mine.Count == 0)
        {
            return (null, default, new ServiceResult.RuleBroken("organization", $"{action}须以单位名义进行：请先加入一个已认证的单位。"));
        }
        else
        {
            errors.Add("organizationId", $"您属于多个单位，请选择以哪个单位的名义{action}。");
            return (null, default, new ServiceResult.Invalid(errors));
        }
        var organization = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == organizationId, ct);
        if (organization.Status != OrganizationStatus.Verified)
        {
            return (null, default, new ServiceResult.RuleBroken("organization", $"您的单位尚未通过认证，认证后即可{action}。"));
        }
        var userType = BookingRulesCheck.Classify(organizationId == resource.OrganizationId, organization.Kind == OrganizationKind.Enterprise,
            organization.RegionCode == resource.RegionCode);
        if (resource.SharingStatus == SharingStatus.InternalOnly && userType != FeeUserType.Internal)
        {
            return (null, default, new ServiceResult.RuleBroken("sharingStatus", $"该资源仅供本单位内部使用，不对外开放{action}。"));
        }
        if (resource.SharingStatus == SharingStatus.WithinRegion && userType != FeeUserType.Internal && organization.RegionCode != resource.RegionCode)
        {
            return (null, default, new ServiceResult.RuleBroken("sharingStatus", $"该资源仅向本地区的单位开放{action}。"));
        }
        return (organization, userType, null);
    }

    /// <summary>The same 32-bit key for an instrument on every instance (string and object hash codes are per process).</summary>
    public static int LockKey(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return BitConverter.ToInt32(bytes[..4]) ^ BitConverter.ToInt32(bytes[4..8]) ^ BitConverter.ToInt32(bytes[8..12]) ^ BitConverter.ToInt32(bytes[12..]);
    }

    private static string Occurrence(int count, int index, DateTimeOffset start) =>
        count > 1 ? $"第 {index + 1} 次（{Display.Date(start)}）：" : "";

    /// <summary>The PostgreSQL exclusion constraint refused an overlapping booking (SQLSTATE 23P01).</summary>
    public static bool IsOverlap(Exception e) =>
        e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.ExclusionViolation };

    private static ServiceResult.RuleBroken? RefuseResource(Resource resource)
    {
        if (!IsBookable(resource.Kind))
        {
            return new ServiceResult.RuleBroken("kind", "只有大型科研仪器和科研设施可以按机时预约；检验检测服务请提交送样订单。");
        }
        if (resource.Status != ResourceStatus.Published)
        {
            return new ServiceResult.RuleBroken("status", "该仪器尚未发布或已停用，不能预约。");
        }
        if (resource.SharingStatus == SharingStatus.UnderMaintenance)
        {
            return new ServiceResult.RuleBroken("sharingStatus", "该仪器正在维护，暂停预约。");
        }
        return null;
    }

    private async Task<ServiceResult?> QualificationProblemAsync(Guid resourceId, Guid userId, DateTimeOffset lastStart, CancellationToken ct)
    {
        var record = await db.Set<InstrumentQualification>().AsNoTracking().FirstOrDefaultAsync(q => q.ResourceId == resourceId && q.UserId == userId, ct);
        var day = DateOnly.FromDateTime(lastStart.ToOffset(Display.ChinaStandardTime).DateTime);
        return record is null ? new ServiceResult.RuleBroken("qualification", "使用该仪器须先参加上机培训并取得资格，请联系仪器管理员。")
            : record.ExpiresOn is { } expires && expires < day
                ? new ServiceResult.RuleBroken("qualification", $"您的上机资格已于 {expires:yyyy-MM-dd} 到期，请重新培训。")
                : null;
    }

    private async Task<ServiceResult?> BlackoutProblemAsync(Guid resourceId, List<(DateTimeOffset Start, DateTimeOffset End)> slots, CancellationToken ct)
    {
        var first = slots[0].Start;
        var last = slots[^1].End;
        var blackouts = await db.Set<InstrumentBlackout>().AsNoTracking()
            .Where(b => b.ResourceId == resourceId && b.StartAt < last && b.EndAt > first).ToListAsync(ct);
        foreach (var b in blackouts)
        {
            if (slots.Any(s => b.StartAt < s.End && b.EndAt > s.Start))
            {
                return new ServiceResult.RuleBroken("blackout",
                    $"{Display.Minute(b.StartAt)} 至 {Display.Minute(b.EndAt)} 仪器停机（{b.Reason}），不能预约。");
            }
        }
        return null;
    }

    private async Task<ServiceResult?> QuotaProblemAsync(BookingRules rules, Guid resourceId, Guid userId, Guid organizationId,
        List<(DateTimeOffset Start, DateTimeOffset End)> slots, CancellationToken ct)
    {
        if (rules.UserQuotaHoursPerMonth is null && rules.OrganizationQuotaHoursPerMonth is null)
        {
            return null;
        }
        foreach (var month in slots.GroupBy(s => MonthOf(s.Start)))
        {
            var (from, to) = month.Key;
            var asked = month.Sum(s => (s.End - s.Start).TotalMinutes);
            var counted = new[] { BookingStatus.Pending, BookingStatus.Approved, BookingStatus.InUse, BookingStatus.Completed };
            var booked = await db.Set<InstrumentBooking>().AsNoTracking()
                .Where(b => b.ResourceId == resourceId && counted.Contains(b.Status) && b.StartAt >= from && b.StartAt < to &&
                            (b.UserId == userId || b.UserOrganizationId == organizationId))
                .Select(b => new { b.UserId, b.UserOrganizationId, b.StartAt, b.EndAt }).ToListAsync(ct);
            var label = from.ToOffset(Display.ChinaStandardTime).ToString("yyyy 年 M 月", CultureInfo.InvariantCulture);
            if (rules.UserQuotaHoursPerMonth is { } userHours &&
                booked.Where(b => b.UserId == userId).Sum(b => (b.EndAt - b.StartAt).TotalMinutes) + asked > userHours * 60)
            {
                return new ServiceResult.RuleBroken("userQuota", $"每人每月最多预约该仪器 {userHours} 小时，{label}已超出。");
            }
            if (rules.OrganizationQuotaHoursPerMonth is { } orgHours &&
                booked.Where(b => b.UserOrganizationId == organizationId).Sum(b => (b.EndAt - b.StartAt).TotalMinutes) + asked > orgHours * 60)
            {
                return new ServiceResult.RuleBroken("organizationQuota", $"每个单位每月最多预约该仪器 {orgHours} 小时，贵单位{label}已超出。");
            }
        }
        return null;
    }

    /// <summary>The calendar month (China Standard Time) an instant falls in, as a UTC range.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) MonthOf(DateTimeOffset t)
    {
        var local = t.ToOffset(Display.ChinaStandardTime);
        var from = new DateTimeOffset(local.Year, local.Month, 1, 0, 0, 0, Display.ChinaStandardTime);
        return (from.ToUniversalTime(), from.AddMonths(1).ToUniversalTime());
    }

    // ---- reading -------------------------------------------------------------------------------------------------

    /// <summary>Who may read a booking: the user, whoever booked it, the instrument's managers, the region's admins.</summary>
    private bool CanSee(InstrumentBooking b, Resource r) =>
        b.UserId == me.Id || b.BookedBy == me.Id || catalog.CanManage(r.OrganizationId) || me.IsSystemAdmin || me.HasInRegion(PlatformRole.RegionAdmin, r.RegionCode);

    private bool IsUserSide(InstrumentBooking b) => b.UserId == me.Id || b.BookedBy == me.Id;

    public async Task<BookingDto?> GetAsync(Guid id, CancellationToken ct)
    {
        var b = await db.Set<InstrumentBooking>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (b is null)
        {
            return null;
        }
        var r = await db.Set<Resource>().AsNoTracking().FirstAsync(x => x.Id == b.ResourceId, ct);
        return CanSee(b, r) ? (await ToDtosAsync([b], ct))[0] : null;
    }

    public async Task<List<BookingDto>> ToDtosAsync(IReadOnlyList<InstrumentBooking> list, CancellationToken ct)
    {
        var resourceIds = list.Select(b => b.ResourceId).Distinct().ToList();
        var resources = await db.Set<Resource>().AsNoTracking().Where(r => resourceIds.Contains(r.Id))
            .Select(r => new { r.Id, r.Name, r.Model, r.OrganizationId }).ToDictionaryAsync(r => r.Id, ct);
        var orgIds = list.Select(b => b.UserOrganizationId).Concat(resources.Values.Select(r => r.OrganizationId)).Distinct().ToList();
        var orgs = await db.Organizations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var userIds = list.Select(b => b.UserId).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var now = clock.GetUtcNow();
        return list.Select(b =>
        {
            var r = resources[b.ResourceId];
            var manager = catalog.CanManage(r.OrganizationId);
            var userSide = IsUserSide(b);
            return new BookingDto(b.Id, b.ResourceId, r.Name, r.Model, r.OrganizationId, orgs.GetValueOrDefault(r.OrganizationId, ""),
                b.UserId, users.GetValueOrDefault(b.UserId, "（已注销）"), b.UserOrganizationId, orgs.GetValueOrDefault(b.UserOrganizationId, ""),
                b.BookedBy, b.UserType, b.StartAt, b.EndAt, b.Status, b.Purpose, b.SeriesId, b.CreatedAt, b.DecidedAt, b.DecisionNote,
                b.CheckedInAt, b.CheckedOutAt, b.CancelledAt, b.FeeFen is { } fee ? fee / 100m : null,
                CanDecide: manager && b.Status == BookingStatus.Pending,
                CanCancel: (manager || (userSide && now < b.StartAt)) && b.Status is BookingStatus.Pending or BookingStatus.Approved,
                CanCheckIn: (manager || userSide) && b.Status == BookingStatus.Approved && now >= b.StartAt.AddMinutes(-CheckInEarlyMinutes) && now < b.EndAt,
                CanCheckOut: (manager || userSide) && b.Status == BookingStatus.InUse,
                b.Version);
        }).ToList();
    }

    /// <summary>How early before the start a user may check in.</summary>
    public const int CheckInEarlyMinutes = 15;

    public async Task<PagedList<BookingDto>> ListMineAsync(BookingStatus? status, int page, int pageSize, CancellationToken ct)
    {
        var id = me.Id!.Value;
        var query = db.Set<InstrumentBooking>().AsNoTracking().Where(b => b.UserId == id || b.BookedBy == id);
        if (status is not null)
        {
            query = query.Where(b => b.Status == status);
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(b => b.StartAt).ThenBy(b => b.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<BookingDto>(total, page, pageSize, await ToDtosAsync(items, ct));
    }

    /// <summary>The bookings of the instruments the caller manages (the approval queue when <paramref name="status"/> is pending).</summary>
    public async Task<PagedList<BookingDto>> ListManagedAsync(BookingStatus? status, Guid? instrumentId, int page, int pageSize, CancellationToken ct)
    {
        var managed = me.ManagedOrganizations;
        var resources = db.Set<Resource>().Where(r => managed.Contains(r.OrganizationId)).Select(r => r.Id);
        var query = db.Set<InstrumentBooking>().AsNoTracking().Where(b => resources.Contains(b.ResourceId));
        if (instrumentId is not null)
        {
            query = query.Where(b => b.ResourceId == instrumentId);
        }
        if (status is not null)
        {
            query = query.Where(b => b.Status == status);
        }
        var total = await query.CountAsync(ct);
        var ordered = status == BookingStatus.Pending ? query.OrderBy(b => b.StartAt) : query.OrderByDescending(b => b.StartAt);
        var items = await ordered.ThenBy(b => b.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<BookingDto>(total, page, pageSize, await ToDtosAsync(items, ct));
    }

    // ---- state changes -------------------------------------------------------------------------------------------

    private async Task<(InstrumentBooking? Booking, Resource? Resource, ServiceResult? Refused)> LoadAsync(Guid id, CancellationToken ct)
    {
        var b = await db.Set<InstrumentBooking>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (b is null)
        {
            return (null, null, new ServiceResult.NotFound());
        }
        var r = await db.Set<Resource>().AsNoTracking().Include(x => x.Fees).FirstAsync(x => x.Id == b.ResourceId, ct);
        return CanSee(b, r) ? (b, r, null) : (null, null, new ServiceResult.NotFound());
    }

    /// <summary>Approve or reject a pending booking (the instrument's managers); approval checks the rules again.</summary>
    public async Task<ServiceResult> DecideAsync(Guid id, bool approve, string? note, CancellationToken ct)
    {
        var (b, r, refused) = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (!catalog.CanManage(r!.OrganizationId))
        {
            return new ServiceResult.Forbidden();
        }
        if (b!.Status != BookingStatus.Pending)
        {
            return new ServiceResult.Conflict($"该预约当前为“{StatusLabel(b.Status)}”，只有待审核的预约可以审批。");
        }
        note = note?.Trim();
        if (note is { Length: > 500 })
        {
            var e = new FieldErrors();
            e.Add("note", "审批意见最多 500 个字。");
            return new ServiceResult.Invalid(e);
        }
        if (!approve && string.IsNullOrEmpty(note))
        {
            var e = new FieldErrors();
            e.Add("note", "不予通过时请说明理由，申请人会收到。");
            return new ServiceResult.Invalid(e);
        }
        var now = clock.GetUtcNow();
        if (approve)
        {
            // What may have changed since the request: time has passed, a blackout or a training expiry came in, and
            // (on SQLite with a stale check, or after a rules change) another active booking took the time.
            if (b.StartAt <= now)
            {
                return new ServiceResult.RuleBroken("past", "预约时段已经开始，不能再批准；请驳回或由申请人重新预约。");
            }
            if (RefuseResource(r) is { } unavailable)
            {
                return unavailable; // retired or under maintenance since the request
            }
            var rules = await RulesAsync(r.Id, ct);
            if (!rules.Allows(b.UserType))
            {
                return new ServiceResult.RuleBroken("userTypes", $"该仪器的预约规则已不再接受{BookingRulesCheck.UserTypeLabel(b.UserType)}用户，请驳回并说明原因。");
            }
            if (r.SharingStatus == SharingStatus.InternalOnly && b.UserType != FeeUserType.Internal)
            {
                return new ServiceResult.RuleBroken("sharingStatus", "该仪器已改为仅供本单位内部使用，不能批准外单位的预约。");
            }
            if (rules.QualificationRequired && await QualificationProblemAsync(r.Id, b.UserId, b.StartAt, ct) is { } unqualified)
            {
                return unqualified;
            }
            if (await BlackoutProblemAsync(r.Id, [(b.StartAt, b.EndAt)], ct) is { } blackout)
            {
                return blackout;
            }
            var clash = await db.Set<InstrumentBooking>().AsNoTracking().AnyAsync(x => x.Id != b.Id && x.ResourceId == b.ResourceId &&
                (x.Status == BookingStatus.Approved || x.Status == BookingStatus.InUse) && x.StartAt < b.BlockedUntil && x.BlockedUntil > b.StartAt, ct);
            if (clash)
            {
                return new ServiceResult.Conflict("该时段已有已批准的预约，不能重复批准。");
            }
        }
        b.Status = approve ? BookingStatus.Approved : BookingStatus.Rejected;
        b.DecidedBy = me.Id;
        b.DecidedAt = now;
        b.DecisionNote = string.IsNullOrEmpty(note) ? null : note;
        b.Version++;
        await NotifyUserAsync(b, r, approve ? "预约已批准" : "预约未通过",
            approve ? $"您预约的 {r.Name}（{Slot(b)}）已批准。请按时到场签到，逾时 15 分钟未签到将视为爽约。" + (b.DecisionNote is null ? "" : $"\n管理员留言：{b.DecisionNote}")
                : $"您预约的 {r.Name}（{Slot(b)}）未通过审核。\n理由：{b.DecisionNote}", ct);
        return await SaveAsync(approve ? "booking.approve" : "booking.reject", b, $"{r.Name} {Slot(b)}", ct);
    }

    /// <summary>Cancel a pending or approved booking (the user's side or the managers); late by the user costs the rules' fee.</summary>
    public async Task<ServiceResult> CancelAsync(Guid id, string? reason, CancellationToken ct)
    {
        var (b, r, refused) = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        var manager = catalog.CanManage(r!.OrganizationId);
        if (!manager && !IsUserSide(b!))
        {
            return new ServiceResult.Forbidden();
        }
        if (b!.Status is not (BookingStatus.Pending or BookingStatus.Approved))
        {
            return new ServiceResult.Conflict($"该预约当前为“{StatusLabel(b.Status)}”，不能取消。");
        }
        if (reason is { Length: > 500 })
        {
            var e = new FieldErrors();
            e.Add("note", "取消原因最多 500 个字。");
            return new ServiceResult.Invalid(e);
        }
        var now = clock.GetUtcNow();
        if (!manager && b.StartAt <= now)
        {
            // After the start the user checks in or, failing that, is a no-show: a cancellation would dodge the no-show fee.
            return new ServiceResult.Conflict("预约时段已经开始，不能再取消；如无法到场，请联系仪器管理员。");
        }
        var rules = await RulesAsync(r.Id, ct);
        var late = IsUserSide(b) && b.Status == BookingStatus.Approved && now > b.StartAt.AddHours(-rules.CancelDeadlineHours);
        b.Status = BookingStatus.Cancelled;
        b.CancelledAt = now;
        b.DecisionNote = string.IsNullOrWhiteSpace(reason) ? b.DecisionNote : reason.Trim();
        b.FeeFen = late && rules.LateCancelFeeFen > 0 ? rules.LateCancelFeeFen : null;
        b.Version++;
        if (!IsUserSide(b))
        {
            await NotifyUserAsync(b, r, "预约已被管理员取消", $"您预约的 {r.Name}（{Slot(b)}）已被仪器管理员取消。" + (reason is null ? "" : $"\n原因：{reason}"), ct);
        }
        return await SaveAsync("booking.cancel", b, $"{r.Name} {Slot(b)}{(b.FeeFen is { } f ? $" 逾期取消费 {f / 100m:0.00} 元" : "")}", ct);
    }

    public async Task<ServiceResult> CheckInAsync(Guid id, CancellationToken ct)
    {
        var (b, r, refused) = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (!catalog.CanManage(r!.OrganizationId) && !IsUserSide(b!))
        {
            return new ServiceResult.Forbidden();
        }
        var now = clock.GetUtcNow();
        if (b!.Status != BookingStatus.Approved)
        {
            return new ServiceResult.Conflict($"该预约当前为“{StatusLabel(b.Status)}”，只有已批准的预约可以签到。");
        }
        if (now < b.StartAt.AddMinutes(-CheckInEarlyMinutes) || now >= b.EndAt)
        {
            return new ServiceResult.RuleBroken("checkInWindow", $"签到时间为预约开始前 {CheckInEarlyMinutes} 分钟至预约结束（{Slot(b)}）。");
        }
        b.Status = BookingStatus.InUse;
        b.CheckedInAt = now;
        b.Version++;
        return await SaveAsync(null, b, "", ct);
    }

    public async Task<ServiceResult> CheckOutAsync(Guid id, CancellationToken ct)
    {
        var (b, r, refused) = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (!catalog.CanManage(r!.OrganizationId) && !IsUserSide(b!))
        {
            return new ServiceResult.Forbidden();
        }
        if (b!.Status != BookingStatus.InUse)
        {
            return new ServiceResult.Conflict($"该预约当前为“{StatusLabel(b.Status)}”，只有使用中的预约可以签退。");
        }
        Complete(b, r, clock.GetUtcNow());
        return await SaveAsync(null, b, "", ct);
    }

    /// <summary>Saves a state change (refused as a conflict when someone changed the booking meanwhile) and its audit row, together.</summary>
    private async Task<ServiceResult> SaveAsync(string? action, InstrumentBooking b, string detail, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ServiceResult.Conflict("该预约刚刚被他人处理，请刷新后查看。");
        }
        catch (DbUpdateException e) when (IsOverlap(e))
        {
            return new ServiceResult.Conflict("该时段已被其他有效预约占用。");
        }
        if (action is not null)
        {
            await audit.RecordAsync(action, $"booking:{b.Id}", detail: detail, ct: ct);
        }
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>Ends a use: the booking is completed and the machine time it took becomes a usage record with its fee.</summary>
    internal void Complete(InstrumentBooking b, Resource r, DateTimeOffset at) => db.Add(CheckOut(b, r, at));

    /// <summary>
    /// Completes a booking checked out at <paramref name="at"/> (its use counted from check-in, or from the booked start)
    /// and returns its usage record, with the fee at the hourly price for the user type. Also how the demo history is made.
    /// </summary>
    public static UsageRecord CheckOut(InstrumentBooking b, Resource r, DateTimeOffset at)
    {
        var started = b.CheckedInAt ?? b.StartAt;
        var minutes = Math.Max(1, (int)Math.Ceiling((at - started).TotalMinutes));
        var fee = BookingRulesCheck.HourlyPriceFen(r.Fees, b.UserType) is { } hourly ? BookingRulesCheck.Fee(hourly, minutes) : 0;
        b.Status = BookingStatus.Completed;
        b.CheckedOutAt = at;
        b.FeeFen = fee;
        b.Version++;
        return new UsageRecord
        {
            Id = Guid.CreateVersion7(),
            BookingId = b.Id,
            ResourceId = b.ResourceId,
            OwnerOrganizationId = r.OrganizationId,
            UserId = b.UserId,
            UserOrganizationId = b.UserOrganizationId,
            UserType = b.UserType,
            External = b.UserOrganizationId != r.OrganizationId,
            StartedAt = started,
            EndedAt = at,
            Minutes = minutes,
            FeeFen = fee,
        };
    }

    /// <summary>The user's rating of a completed booking: once, 1–5, with an optional comment.</summary>
    public async Task<ServiceResult> RateAsync(Guid id, RatingInput input, CancellationToken ct)
    {
        var (b, r, refused) = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (!IsUserSide(b!))
        {
            return new ServiceResult.Forbidden();
        }
        var e = new FieldErrors();
        if (input.Score is not (>= 1 and <= 5))
        {
            e.Add("score", "评分须为 1–5 分。");
        }
        var comment = input.Comment?.Trim();
        if (comment is { Length: > 500 })
        {
            e.Add("comment", "评价最多 500 个字。");
        }
        if (e.Count > 0)
        {
            return new ServiceResult.Invalid(e);
        }
        if (b!.Status != BookingStatus.Completed)
        {
            return new ServiceResult.Conflict("使用完成后才能评价。");
        }
        if (await db.Set<BookingRating>().AnyAsync(x => x.BookingId == b.Id, ct))
        {
            return new ServiceResult.Conflict("该预约已经评价过。");
        }
        db.Add(new BookingRating
        {
            Id = Guid.CreateVersion7(),
            BookingId = b.Id,
            ResourceId = r!.Id,
            UserId = b.UserId,
            Score = input.Score!.Value,
            Comment = string.IsNullOrEmpty(comment) ? null : comment,
            CreatedAt = clock.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new ServiceResult.Conflict("该预约已经评价过。"); // a second request raced on the unique booking id
        }
        return new ServiceResult.Ok();
    }

    /// <summary>The ratings of an instrument anyone may see: average, count and the latest ten with the rater's name masked.</summary>
    public async Task<RatingSummary?> RatingsAsync(Guid instrumentId, CancellationToken ct)
    {
        var r = await db.Set<Resource>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == instrumentId, ct);
        if (r is null || !catalog.CanSee(r))
        {
            return null;
        }
        var ratings = db.Set<BookingRating>().AsNoTracking().Where(x => x.ResourceId == instrumentId);
        var count = await ratings.CountAsync(ct);
        var average = count == 0 ? (double?)null : Math.Round(await ratings.AverageAsync(x => (double)x.Score, ct), 1);
        var latest = await (from x in ratings
                            join u in db.Users.AsNoTracking() on x.UserId equals u.Id into users
                            from u in users.DefaultIfEmpty()
                            orderby x.CreatedAt descending
                            select new { x.Score, x.Comment, Name = u == null ? null : u.DisplayName, x.CreatedAt }).Take(10).ToListAsync(ct);
        return new RatingSummary(average, count, latest.Select(x => new RatingDto(x.Score, x.Comment, Masking.Name(x.Name), x.CreatedAt)).ToList());
    }

    public static string StatusLabel(BookingStatus s) => s switch
    {
        BookingStatus.Pending => "待审核",
        BookingStatus.Approved => "已批准",
        BookingStatus.InUse => "使用中",
        BookingStatus.Completed => "已完成",
        BookingStatus.Rejected => "未通过",
        BookingStatus.Cancelled => "已取消",
        _ => "爽约",
    };

    public static string Slot(InstrumentBooking b) => Display.Range(b.StartAt, b.EndAt);

    // ---- notifications (outbox) ----------------------------------------------------------------------------------

    private async Task NotifyCreatedAsync(Resource r, List<InstrumentBooking> bookings, CancellationToken ct)
    {
        var first = bookings[0];
        var when = bookings.Count == 1 ? Slot(first) : $"{Slot(first)} 起共 {bookings.Count} 次";
        // One read for the managers' addresses and the user's (who is the caller unless booked on their behalf).
        var people = await (from u in db.Users.AsNoTracking()
                            where u.Id == first.UserId || db.RoleGrants.Any(g => g.UserId == u.Id && g.OrganizationId == r.OrganizationId &&
                                                                                  (g.Role == PlatformRole.ResourceManager || g.Role == PlatformRole.OrgAdmin))
                            select new { u.Id, u.DisplayName, u.Email }).ToListAsync(ct);
        var user = people.First(p => p.Id == first.UserId);
        var emails = people.Where(p => p.Id != first.UserId && p.Email != null).Select(p => p.Email!).Distinct().ToList();
        var pending = first.Status == BookingStatus.Pending;
        foreach (var email in emails)
        {
            Enqueue(email, pending ? $"新的预约申请待审核：{r.Name}" : $"新的预约：{r.Name}",
                $"{user.DisplayName} 预约了 {r.Name}（{when}）。\n使用目的：{first.Purpose}\n" +
                (pending ? "请登录平台“预约审批”处理。" : "该仪器无需审批，预约已自动确认。"));
        }
        if (user.Email is { } to)
        {
            Enqueue(to, pending ? $"预约已提交：{r.Name}" : $"预约成功：{r.Name}",
                $"您预约的 {r.Name}（{when}）" + (pending ? "已提交，等待仪器管理员审核。" : "已确认，请按时签到。"));
        }
    }

    private async Task NotifyUserAsync(InstrumentBooking b, Resource r, string subject, string body, CancellationToken ct)
    {
        var email = await db.Users.AsNoTracking().Where(u => u.Id == b.UserId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        if (email is not null)
        {
            Enqueue(email, $"{subject}：{r.Name}", body);
        }
    }

    private void Enqueue(string to, string subject, string body) => db.Outbox.Add(OutboxMessage.Email(to, subject, body, clock.GetUtcNow()));
}
