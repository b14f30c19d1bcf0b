using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Booking;

public sealed record BookingRepeat(string? Frequency, int? Count);

/// <summary>A booking request. Times are ISO 8601 with an offset (2026-12-01T09:00:00+08:00): a time without one is refused.</summary>
public sealed record BookingInput(Guid? InstrumentId, string? Start, string? End, string? Purpose,
    Guid? OrganizationId = null, Guid? OnBehalfOf = null, BookingRepeat? Repeat = null);

public sealed record BookingOccurrence(Guid Id, DateTimeOffset Start, DateTimeOffset End, BookingStatus Status);

public sealed record BookingCreated(Guid Id, BookingStatus Status, Guid? SeriesId, IReadOnlyList<BookingOccurrence> Occurrences);

/// <summary>
/// Whether the caller may book an instrument at all (<see cref="BookingService.EligibilityAsync"/>): if not, the rule
/// (<c>sharingStatus</c>, <c>status</c>, <c>organization</c>, <c>userTypes</c> …) and the reason to show instead of the
/// offer; if so, the user type the caller books as (null when not signed in).
/// </summary>
public sealed record BookingEligibility(bool MayBook, string? Rule, Message? Reason, FeeUserType? UserType)
{
    public static BookingEligibility Refused(ServiceResult refusal) => refusal switch
    {
        ServiceResult.RuleBroken r => new(false, r.Rule, r.Reason, null),
        ServiceResult.Invalid i => new(false, i.Errors.Keys.First(), i.Errors.Values.First()[0], null),
        _ => new(false, null, null, null),
    };
}

/// <summary>
/// Booking an instrument: the request is checked (input, the instrument, who asks for whom, the rules, training,
/// blackouts, quotas) and inserted only if no active booking holds the time; the managers and the user are told.
/// </summary>
public sealed partial class BookingService
{
    public const int MaxRepeat = 52;

    /// <summary>The first key of the PostgreSQL advisory locks that queue the bookings of one instrument ("Bk").</summary>
    private const int BookingLockClass = 0x426B;

    public async Task<(BookingCreated? Created, ServiceResult Result)> CreateAsync(BookingInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var start = ParseInstant(input.Start);
        var end = ParseInstant(input.End);
        if (input.InstrumentId is null)
        {
            errors.Add("instrumentId", new Message("Booking.InstrumentRequired"));
        }
        if (start is null)
        {
            errors.Add("start", new Message("Booking.StartFormat"));
        }
        if (end is null)
        {
            errors.Add("end", new Message("Booking.EndFormat"));
        }
        else if (start is not null && end <= start)
        {
            errors.Add("end", new Message("Booking.EndBeforeStart"));
        }
        var purpose = input.Purpose?.Trim() ?? "";
        if (purpose.Length < 2)
        {
            errors.Add("purpose", new Message("Booking.PurposeRequired"));
        }
        else if (purpose.Length > 500)
        {
            errors.Add("purpose", new Message("Booking.PurposeTooLong"));
        }
        var step = TimeSpan.Zero;
        var count = 1;
        if (input.Repeat is { } repeat)
        {
            step = repeat.Frequency switch { "Daily" => TimeSpan.FromDays(1), "Weekly" => TimeSpan.FromDays(7), _ => TimeSpan.Zero };
            if (step == TimeSpan.Zero)
            {
                errors.Add("repeat.frequency", new Message("Booking.RepeatFrequency"));
            }
            if (repeat.Count is not { } n || n < 2 || n > MaxRepeat)
            {
                errors.Add("repeat.count", new Message("Booking.RepeatCount", MaxRepeat));
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
        // Known without a read: the organisation the booking is for (and that pays) comes from the caller's grants, held
        // with the session; whom it is for from the request.
        var action = new Message("Booking.ActionBook");
        var (chosenOrganization, organizationRefusal) = ChooseOrganization(input.OrganizationId, action);
        var colleague = input.OnBehalfOf is { } other && other != me.Id ? other : (Guid?)null;
        var userId = colleague ?? me.Id!.Value;
        var slots = Enumerable.Range(0, count).Select(i => (Start: start!.Value + step * i, End: end!.Value + step * i)).ToList();
        var first = slots[0].Start;
        var last = slots[^1].End;
        // The request's reads and writes share one connection instead of taking it from the pool each time.
        await db.Database.OpenConnectionAsync(ct);
        // Everything the checks before the transaction need, in one read: the instrument, its rules (no row: the
        // defaults), the organisation, the user's training record, the blackouts over the requested time and the
        // managers' addresses for the notification. All joins on keys, so it is one statement on both engines.
        var loaded = await (
            from r in catalog.Instruments()
            where r.Id == input.InstrumentId
            join b in db.Set<BookingRules>() on r.Id equals b.ResourceId into ruleRows
            from b in ruleRows.DefaultIfEmpty()
            join q in db.Set<InstrumentQualification>() on new { ResourceId = r.Id, UserId = userId } equals new { q.ResourceId, q.UserId } into trained
            from q in trained.DefaultIfEmpty()
            join o in organizations.Organizations() on chosenOrganization equals (Guid?)o.Id into chosen
            from o in chosen.DefaultIfEmpty()
            select new
            {
                Resource = r,
                Rules = b,
                Qualification = q,
                // A left join with the parameter (a subquery here would need APPLY, which SQLite lacks); null columns when none was chosen.
                OrganizationId = (Guid?)o.Id,
                OrganizationName = o.Name,
                OrganizationKind = (OrganizationKind?)o.Kind,
                OrganizationRegion = o.RegionCode,
                OrganizationDistrict = o.DistrictCode,
                OrganizationStatus = (OrganizationStatus?)o.Status,
                Blackouts = db.Set<InstrumentBlackout>().Where(x => x.ResourceId == r.Id && x.StartAt < last && x.EndAt > first).ToList(),
                Managers = users.Managers().Where(m => m.OrganizationId == r.OrganizationId).ToList(),
            }).AsNoTracking().AsSingleQuery().FirstOrDefaultAsync(ct);
        var resource = loaded?.Resource;
        if (resource is null || !catalog.CanSee(resource))
        {
            return (null, new ServiceResult.NotFound());
        }
        var rules = loaded!.Rules ?? BookingRules.Defaults(resource.Id);
        // The same checks, in the same order, as the pages ask before they offer a booking (EligibilityAsync).
        var organization = loaded.OrganizationId is { } id
            ? new OrganizationRef
            {
                Id = id,
                Name = loaded.OrganizationName!,
                Kind = loaded.OrganizationKind!.Value,
                RegionCode = loaded.OrganizationRegion!,
                DistrictCode = loaded.OrganizationDistrict!,
                Status = loaded.OrganizationStatus!.Value,
            }
            : null;
        var (userType, refusal) = Admit(resource, rules, organization, organizationRefusal, action);
        if (refusal is not null)
        {
            return (null, refusal);
        }
        var organizationId = chosenOrganization!.Value;
        // The user's name and address for the notification: the caller's are held with the session; a colleague's are
        // read with the check that they belong to the organisation.
        var user = new UserRef { Id = userId, DisplayName = me.DisplayName ?? "", Email = me.Email };
        if (colleague is { } colleagueId)
        {
            if (await users.ColleagueAsync(colleagueId, organizationId, ct) is not { } found)
            {
                errors.Add("onBehalfOf", new Message("Booking.OnlyColleagues"));
                return (null, new ServiceResult.Invalid(errors));
            }
            user = found;
        }
        var now = clock.GetUtcNow();
        foreach (var (slot, i) in slots.Select((s, i) => (s, i)))
        {
            if (BookingRulesCheck.CheckTime(rules, slot.Start, slot.End, now, Occurrence(count, i, slot.Start)) is { } broken)
            {
                return (null, new ServiceResult.RuleBroken(broken.Rule, broken.Message));
            }
        }
        if (count > 1 && slots[0].End + TimeSpan.FromMinutes(rules.BufferMinutes) > slots[1].Start)
        {
            return (null, new ServiceResult.RuleBroken("repeat", new Message("Booking.RepeatOverlaps")));
        }
        if (rules.QualificationRequired && QualificationProblem(loaded.Qualification, slots[^1].Start) is { } unqualified)
        {
            return (null, unqualified);
        }
        if (BlackoutProblem(loaded.Blackouts, slots) is { } blackout)
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
                return (null, new ServiceResult.Conflict(new Message("Booking.SlotTaken", Occurrence(count, i, b.StartAt), Display.Range(taken.StartAt, taken.EndAt))));
            }
        }
        db.AddRange(bookings);
        NotifyCreated(resource, bookings, user, loaded.Managers);
        // No audit row for a request: the booking itself says who asked for what and when; decisions are audited.
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (IsOverlap(e))
        {
            // Another request took the slot between our check and our insert; the database refused ours.
            return (null, new ServiceResult.Conflict(new Message("Booking.SlotJustTaken")));
        }
        return (new BookingCreated(bookings[0].Id, status, seriesId,
            bookings.Select(b => new BookingOccurrence(b.Id, b.StartAt, b.EndAt, b.Status)).ToList()), new ServiceResult.Ok());
    }

    /// <summary>
    /// Whether the caller may book the instrument at all, whatever the time: asked once before a page offers a booking
    /// (the detail page's button, the week's free slots, the form), with the checks <see cref="CreateAsync"/> runs —
    /// the instrument's state (kind, published, maintenance), then, for someone signed in, the organisation they book
    /// for (a member, verified, within the sharing scope) and the user types the rules accept. Someone in several
    /// organisations may book when any of them may; anonymous visitors when the instrument may be booked at all (they
    /// sign in first). Null when the caller may not see the instrument.
    /// </summary>
    public async Task<BookingEligibility?> EligibilityAsync(Guid instrumentId, CancellationToken ct)
    {
        var loaded = await catalog.Instruments().Where(r => r.Id == instrumentId)
            .Select(r => new { Resource = r, Rules = db.Set<BookingRules>().FirstOrDefault(b => b.ResourceId == r.Id) })
            .FirstOrDefaultAsync(ct);
        if (loaded is null || !catalog.CanSee(loaded.Resource))
        {
            return null;
        }
        var resource = loaded.Resource;
        var rules = loaded.Rules ?? BookingRules.Defaults(resource.Id);
        if (!me.IsAuthenticated)
        {
            return RefuseResource(resource) is { } refused ? BookingEligibility.Refused(refused) : new BookingEligibility(true, null, null, null);
        }
        var mine = organizations.MyOrganizationIds();
        BookingEligibility? first = null;
        // One organisation (or none) answers for itself; of several, any that may book will do.
        IEnumerable<Guid?> choices = mine.Count > 1 ? [.. mine.Select(id => (Guid?)id)] : [null];
        foreach (var organizationId in choices)
        {
            var (_, userType, refusal) = await MayBookAsync(resource, rules, organizationId, ct);
            if (refusal is null)
            {
                return new BookingEligibility(true, null, null, userType);
            }
            first ??= BookingEligibility.Refused(refusal);
        }
        return first!;
    }

    /// <summary>
    /// The checks of a request that do not depend on its time: the instrument's state, the requester
    /// (<see cref="RequesterAsync"/>) and the user types the rules accept.
    /// </summary>
    private async Task<(OrganizationRef? Organization, FeeUserType UserType, ServiceResult? Refused)> MayBookAsync(
        InstrumentRef resource, BookingRules rules, Guid? organizationId, CancellationToken ct)
    {
        if (RefuseResource(resource) is { } refused)
        {
            return (null, default, refused);
        }
        var action = new Message("Booking.ActionBook");
        var (chosen, notChosen) = ChooseOrganization(organizationId, action);
        var organization = notChosen is null ? await organizations.Organizations().FirstAsync(o => o.Id == chosen, ct) : null;
        var (userType, refusal) = Admit(resource, rules, organization, notChosen, action);
        return refusal is null ? (organization, userType, null) : (null, default, refusal);
    }

    /// <summary>
    /// The checks of a request that do not depend on its time, over what was read, in this order: the instrument's state,
    /// the organisation (why none could be chosen, or whether the one chosen may ask, <see cref="CheckRequester"/>), the
    /// user types the rules accept.
    /// </summary>
    private static (FeeUserType UserType, ServiceResult? Refused) Admit(InstrumentRef resource, BookingRules rules, OrganizationRef? organization,
        ServiceResult? notChosen, Message action)
    {
        if (RefuseResource(resource) is { } refused)
        {
            return (default, refused);
        }
        if (notChosen is not null)
        {
            return (default, notChosen);
        }
        var (userType, refusedRequester) = CheckRequester(organization ?? throw new InvalidOperationException("The organisation chosen was not found."), resource, action);
        if (refusedRequester is not null)
        {
            return (default, refusedRequester);
        }
        return rules.Allows(userType) ? (userType, null)
            : (default, new ServiceResult.RuleBroken("userTypes", new Message("Booking.UserTypeNotAllowed", Messages.Label(userType))));
    }

    /// <summary>The same 32-bit key for an instrument on every instance (string and object hash codes are per process).</summary>
    public static int LockKey(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return BitConverter.ToInt32(bytes[..4]) ^ BitConverter.ToInt32(bytes[4..8]) ^ BitConverter.ToInt32(bytes[8..12]) ^ BitConverter.ToInt32(bytes[12..]);
    }

    /// <summary>What opens a message about one booking of a repeated request: which one it is; nothing for a single booking.</summary>
    private static object Occurrence(int count, int index, DateTimeOffset start) =>
        count > 1 ? new Message("Booking.Occurrence", index + 1, Display.Date(start)) : "";

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
            var label = from.ToOffset(Display.ChinaStandardTime).DateTime; // said as the month ({1:yyyy 年 M 月}, {1:MMMM yyyy})
            if (rules.UserQuotaHoursPerMonth is { } userHours &&
                booked.Where(b => b.UserId == userId).Sum(b => (b.EndAt - b.StartAt).TotalMinutes) + asked > userHours * 60)
            {
                return new ServiceResult.RuleBroken("userQuota", new Message("Booking.UserQuota", userHours, label));
            }
            if (rules.OrganizationQuotaHoursPerMonth is { } orgHours &&
                booked.Where(b => b.UserOrganizationId == organizationId).Sum(b => (b.EndAt - b.StartAt).TotalMinutes) + asked > orgHours * 60)
            {
                return new ServiceResult.RuleBroken("organizationQuota", new Message("Booking.OrganizationQuota", orgHours, label));
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

    /// <summary>Queues the e-mails of a new request: to the instrument's managers and to the user (read with the request, no read here).</summary>
    private void NotifyCreated(InstrumentRef r, List<InstrumentBooking> bookings, UserRef user, IEnumerable<ManagerRef> managers)
    {
        var first = bookings[0];
        var when = bookings.Count == 1 ? Slot(first) : Mail(new Message("Booking.Mail.Series", Slot(first), bookings.Count));
        var emails = managers.Where(m => m.Id != user.Id && m.Email != null).Select(m => m.Email!).Distinct().ToList();
        var pending = first.Status == BookingStatus.Pending;
        foreach (var email in emails)
        {
            Enqueue(email, Mail(new Message(pending ? "Booking.Mail.RequestSubject" : "Booking.Mail.BookedSubject", r.Name)),
                Mail(new Message("Booking.Mail.Booked", user.DisplayName, r.Name, when)) + "\n" + Mail(new Message("Booking.Mail.Purpose", first.Purpose)) + "\n" +
                Mail(new Message(pending ? "Booking.Mail.PleaseDecide" : "Booking.Mail.AutoConfirmed")));
        }
        if (user.Email is { } to)
        {
            Enqueue(to, Mail(new Message(pending ? "Booking.Mail.SubmittedSubject" : "Booking.Mail.ConfirmedSubject", r.Name)),
                Mail(new Message(pending ? "Booking.Mail.Submitted" : "Booking.Mail.Confirmed", r.Name, when)));
        }
    }
}
