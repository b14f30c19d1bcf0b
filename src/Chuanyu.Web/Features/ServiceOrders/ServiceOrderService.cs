using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Usage;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.ServiceOrders;

public sealed record SampleInput(string? Name, int? Quantity);

/// <summary>An order for testing: the service (a testing service or an instrument), the test items and the samples.</summary>
public sealed record ServiceOrderInput(Guid? ServiceId, IReadOnlyList<string>? Items, IReadOnlyList<SampleInput>? Samples, string? Purpose,
    Guid? OrganizationId = null);

/// <summary>The provider's quote: <c>hours</c> only when the fee schedule charges by the hour.</summary>
public sealed record QuoteInput(decimal? Hours, string? Note, DateOnly? PromisedOn, int? Version = null);

public sealed record SampleDto(string Name, int Quantity);

public sealed record ServiceOrderDto(
    Guid Id, string Number, Guid ServiceId, string ServiceName, Guid OwnerOrganizationId, string OwnerOrganizationName,
    Guid RequesterId, string RequesterName, Guid RequesterOrganizationId, string RequesterOrganizationName, FeeUserType UserType,
    ServiceOrderStatus Status, IReadOnlyList<string> Items, IReadOnlyList<SampleDto> Samples, int SampleCount, string Purpose,
    string? PriceUnit, decimal? UnitPrice, decimal? Quantity, decimal? Quote, string? QuoteNote, DateOnly? PromisedOn, int? MachineMinutes,
    string? ReportFileName, string? DecisionNote, DateTimeOffset CreatedAt, DateTimeOffset? QuotedAt, DateTimeOffset? AcceptedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? ReportedAt, DateTimeOffset? CompletedAt, DateTimeOffset? ClosedAt,
    bool CanQuote, bool CanReject, bool CanAccept, bool CanCancel, bool CanStart, bool CanReport, bool CanComplete, int Version);

/// <summary>What a quote would be: the fee schedule's line for the customer's type, the billable quantity and the fee.</summary>
public sealed record OrderPrice(string Unit, long UnitPriceFen, decimal Quantity, long FeeFen);

/// <summary>
/// Service orders (送样检测): a customer orders testing with samples and items; the provider's managers quote from the
/// fee schedule, receive the samples, upload the report with the machine time the work took; the customer accepts
/// the report and the order is completed, which records the machine time and the fee as a usage record. A report not
/// accepted within <see cref="AcceptanceDays"/> days is completed by the booking job.
/// </summary>
public sealed class ServiceOrderService(AppDbContext db, CurrentUser me, CatalogDirectory catalog, OrganizationDirectory organizations, UserDirectory users,
    UsageLog usage, BookingService bookings, AuditLog audit, TimeProvider clock)
{
    /// <summary>
    /// An order's number: SO, the day it was placed (China time), and the last ten hex digits of its id (40 random bits of
    /// a version-7 uuid). Six digits (24 bits) collided: at a few thousand orders a day two of them share a number about
    /// once a month, and the demo's year of orders failed its unique index about once in a hundred starts.
    /// </summary>
    public static string NumberOf(Guid id, DateTimeOffset placedAt) =>
        $"SO{placedAt.ToOffset(Display.ChinaStandardTime):yyyyMMdd}-{id.ToString("N")[^10..].ToUpperInvariant()}";

    public const int MaxLines = 20;
    public const int MaxQuantity = 1000;
    public const int AcceptanceDays = 14;
    public const long MaxReportBytes = 20L * 1024 * 1024;
    public const long MaxReportRequestBytes = MaxReportBytes + 64 * 1024;

    public static bool IsOrderable(ResourceKind kind) => kind is ResourceKind.TestingService or ResourceKind.Instrument;

    public async Task<(ServiceOrderDto? Created, ServiceResult Result)> CreateAsync(ServiceOrderInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (input.ServiceId is null)
        {
            errors.Add("serviceId", new Message("ServiceOrders.ServiceRequired"));
        }
        var items = (input.Items ?? []).Select(Line).Where(x => x.Length > 0).ToList();
        if (items.Count == 0)
        {
            errors.Add("items", new Message("ServiceOrders.ItemsRequired"));
        }
        else if (items.Count > MaxLines || items.Any(x => x.Length > 100))
        {
            errors.Add("items", new Message("ServiceOrders.ItemsTooMany", MaxLines));
        }
        else if (items.Distinct().Count() != items.Count)
        {
            errors.Add("items", new Message("ServiceOrders.ItemsDuplicated"));
        }
        var samples = new List<SampleDto>();
        foreach (var (s, i) in (input.Samples ?? []).Select((s, i) => (s, i)))
        {
            var name = Line(s.Name);
            if (name.Length is < 1 or > 100)
            {
                errors.Add($"samples[{i}].name", new Message("ServiceOrders.SampleNameLength"));
            }
            if (s.Quantity is not (>= 1 and <= MaxQuantity))
            {
                errors.Add($"samples[{i}].quantity", new Message("ServiceOrders.SampleQuantityRange", MaxQuantity));
            }
            samples.Add(new SampleDto(name, s.Quantity ?? 0));
        }
        if (samples.Count == 0)
        {
            errors.Add("samples", new Message("ServiceOrders.SamplesRequired"));
        }
        else if (samples.Count > MaxLines)
        {
            errors.Add("samples", new Message("ServiceOrders.SamplesTooMany", MaxLines));
        }
        var purpose = input.Purpose?.Trim() ?? "";
        if (purpose.Length is < 2 or > 500)
        {
            errors.Add("purpose", new Message("ServiceOrders.PurposeRequired"));
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        if (await catalog.FindWithFeesAsync(input.ServiceId!.Value, ct) is not (var resource, var fees) || !catalog.CanSee(resource))
        {
            return (null, new ServiceResult.NotFound());
        }
        if (!IsOrderable(resource.Kind))
        {
            return (null, new ServiceResult.RuleBroken("kind", new Message("ServiceOrders.NotOrderable")));
        }
        if (resource.Status != ResourceStatus.Published || resource.SharingStatus == SharingStatus.UnderMaintenance)
        {
            return (null, new ServiceResult.RuleBroken("status", new Message("ServiceOrders.NotAcceptingOrders")));
        }
        // The action's name is woven into Booking's sentences: Booking's API, said in Chinese until Booking takes a message.
        var (organization, userType, refused) = await bookings.RequesterAsync(input.OrganizationId, resource, new Message("ServiceOrders.ActionSubmitSamples"), ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        if (PriceLine(fees, userType) is null)
        {
            return (null, new ServiceResult.RuleBroken("noPrice", new Message("ServiceOrders.NoPriceForCustomer", Messages.Label(userType))));
        }
        var now = clock.GetUtcNow();
        var order = new ServiceOrder
        {
            Id = Guid.CreateVersion7(),
            ResourceId = resource.Id,
            OwnerOrganizationId = resource.OrganizationId,
            RequesterId = me.Id!.Value,
            RequesterOrganizationId = organization!.Id,
            UserType = userType,
            Status = ServiceOrderStatus.Submitted,
            Items = string.Join('\n', items),
            ItemCount = items.Count,
            Samples = string.Join('\n', samples.Select(s => $"{s.Name}\t{s.Quantity}")),
            SampleCount = samples.Sum(s => s.Quantity),
            Purpose = purpose,
            CreatedAt = now,
        };
        order.Number = NumberOf(order.Id, now);
        db.Add(order);
        var managers = await ManagerEmailsAsync(resource.OrganizationId, ct);
        foreach (var email in managers)
        {
            Enqueue(email, resource, new Message("ServiceOrders.Mail.NewOrder"),
                new Message("ServiceOrders.Mail.NewOrderBody", me.DisplayName, organization.Name, order.Number, order.ItemCount, order.SampleCount));
        }
        await db.SaveChangesAsync(ct);
        return ((await ToDtosAsync([order], ct))[0], new ServiceResult.Ok());
    }

    /// <summary>A single line of user text: trimmed, control characters (tabs, line breaks) replaced by spaces.</summary>
    private static string Line(string? text) =>
        new((text ?? "").Trim().Select(c => char.IsControl(c) ? ' ' : c).ToArray());

    /// <summary>The fee schedule's line for a user type, if it has one.</summary>
    public static FeeRef? PriceLine(IEnumerable<FeeRef> fees, FeeUserType type) => fees.FirstOrDefault(f => f.UserType == type);

    /// <summary>
    /// The price of an order from the fee schedule: per hour (hours given by the provider), per item (每项: samples ×
    /// items), otherwise per sample (样品/样/次 …: the number of samples). Null when the schedule has no line for the type,
    /// or charges by the hour and no hours are given.
    /// </summary>
    public static OrderPrice? Price(IEnumerable<FeeRef> fees, FeeUserType type, int samples, int items, decimal? hours)
    {
        var line = PriceLine(fees, type);
        if (line is null)
        {
            return null;
        }
        decimal quantity;
        if (BookingRulesCheck.IsHourly(line.Unit))
        {
            if (hours is not { } h)
            {
                return null;
            }
            quantity = h;
        }
        else
        {
            quantity = line.Unit.Contains('项', StringComparison.Ordinal) ? samples * items : samples;
        }
        return new OrderPrice(line.Unit, line.PriceFen, quantity, (long)Math.Round(line.PriceFen * quantity, MidpointRounding.AwayFromZero));
    }

    // ---- reading -------------------------------------------------------------------------------------------------

    private bool IsRequester(ServiceOrder o) => o.RequesterId == me.Id;

    private bool CanSee(ServiceOrder o, InstrumentRef r) =>
        IsRequester(o) || catalog.CanManage(o.OwnerOrganizationId) || me.IsSystemAdmin || me.HasInRegion(PlatformRole.RegionAdmin, r.RegionCode);

    public async Task<ServiceOrderDto?> GetAsync(Guid id, CancellationToken ct)
    {
        var o = await db.Set<ServiceOrder>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (o is null)
        {
            return null;
        }
        var r = await catalog.Instruments().FirstAsync(x => x.Id == o.ResourceId, ct);
        return CanSee(o, r) ? (await ToDtosAsync([o], ct))[0] : null;
    }

    public async Task<PagedList<ServiceOrderDto>> ListMineAsync(ServiceOrderStatus? status, int page, int pageSize, CancellationToken ct)
    {
        var id = me.Id!.Value;
        return await PageAsync(db.Set<ServiceOrder>().Where(o => o.RequesterId == id), status, page, pageSize, ct);
    }

    /// <summary>Orders for the services the caller's organisations provide (resource managers and organisation admins).</summary>
    public async Task<PagedList<ServiceOrderDto>> ListManagedAsync(ServiceOrderStatus? status, int page, int pageSize, CancellationToken ct)
    {
        var managed = me.ManagedOrganizations;
        return await PageAsync(db.Set<ServiceOrder>().Where(o => managed.Contains(o.OwnerOrganizationId)), status, page, pageSize, ct);
    }

    private async Task<PagedList<ServiceOrderDto>> PageAsync(IQueryable<ServiceOrder> query, ServiceOrderStatus? status, int page, int pageSize, CancellationToken ct)
    {
        query = query.AsNoTracking();
        if (status is not null)
        {
            query = query.Where(o => o.Status == status);
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(o => o.CreatedAt).ThenBy(o => o.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<ServiceOrderDto>(total, page, pageSize, await ToDtosAsync(items, ct));
    }

    public async Task<List<ServiceOrderDto>> ToDtosAsync(IReadOnlyList<ServiceOrder> list, CancellationToken ct)
    {
        var resourceIds = list.Select(o => o.ResourceId).Distinct().ToList();
        var names = await catalog.Instruments().Where(r => resourceIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        var orgs = await organizations.NamesAsync(list.SelectMany(o => new[] { o.OwnerOrganizationId, o.RequesterOrganizationId }), ct);
        var people = await users.NamesAsync(list.Select(o => o.RequesterId), ct);
        return list.Select(o =>
        {
            var manager = catalog.CanManage(o.OwnerOrganizationId);
            var requester = IsRequester(o);
            return new ServiceOrderDto(o.Id, o.Number, o.ResourceId, names.GetValueOrDefault(o.ResourceId, ""), o.OwnerOrganizationId,
                orgs.GetValueOrDefault(o.OwnerOrganizationId, ""), o.RequesterId, people.GetValueOrDefault(o.RequesterId) ?? new Message("ServiceOrders.DeletedUser").ToString(),
                o.RequesterOrganizationId, orgs.GetValueOrDefault(o.RequesterOrganizationId, ""), o.UserType, o.Status,
                o.Items.Split('\n', StringSplitOptions.RemoveEmptyEntries), ParseSamples(o.Samples), o.SampleCount, o.Purpose,
                o.PriceUnit, o.UnitPriceFen / 100m, o.Quantity, o.QuoteFen / 100m, o.QuoteNote, o.PromisedOn, o.MachineMinutes, o.ReportFileName,
                o.DecisionNote, o.CreatedAt, o.QuotedAt, o.AcceptedAt, o.StartedAt, o.ReportedAt, o.CompletedAt, o.ClosedAt,
                CanQuote: manager && o.Status is ServiceOrderStatus.Submitted or ServiceOrderStatus.Quoted,
                CanReject: manager && o.Status is ServiceOrderStatus.Submitted or ServiceOrderStatus.Quoted or ServiceOrderStatus.Accepted,
                CanAccept: requester && o.Status == ServiceOrderStatus.Quoted,
                CanCancel: requester && o.Status is ServiceOrderStatus.Submitted or ServiceOrderStatus.Quoted or ServiceOrderStatus.Accepted,
                CanStart: manager && o.Status == ServiceOrderStatus.Accepted,
                CanReport: manager && o.Status is ServiceOrderStatus.InProgress or ServiceOrderStatus.Reported,
                CanComplete: requester && o.Status == ServiceOrderStatus.Reported,
                o.Version);
        }).ToList();
    }

    private static List<SampleDto> ParseSamples(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split('\t')).Select(p => new SampleDto(p[0], p.Length > 1 && int.TryParse(p[1], CultureInfo.InvariantCulture, out var n) ? n : 1)).ToList();

    /// <summary>The report's file, for whoever may see the order.</summary>
    public async Task<ServiceOrderReport?> ReportAsync(Guid id, CancellationToken ct)
    {
        var o = await db.Set<ServiceOrder>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (o is null)
        {
            return null;
        }
        var r = await catalog.Instruments().FirstAsync(x => x.Id == o.ResourceId, ct);
        return CanSee(o, r) ? await db.Set<ServiceOrderReport>().AsNoTracking().FirstOrDefaultAsync(x => x.OrderId == id, ct) : null;
    }

    // ---- state changes -------------------------------------------------------------------------------------------

    private async Task<(ServiceOrder? Order, (InstrumentRef Instrument, IReadOnlyList<FeeRef> Fees) Resource, ServiceResult? Refused)> LoadAsync(
        Guid id, int? version, CancellationToken ct)
    {
        var o = await db.Set<ServiceOrder>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (o is null)
        {
            return (null, default, new ServiceResult.NotFound());
        }
        var r = (await catalog.FindWithFeesAsync(o.ResourceId, ct))!.Value;
        if (!CanSee(o, r.Instrument))
        {
            return (null, default, new ServiceResult.NotFound());
        }
        return version is { } v && v != o.Version ? (null, default, new ServiceResult.Conflict(ChangedMeanwhile)) : (o, r, null);
    }

    private ServiceResult? Refuse(ServiceOrder o, bool manager, params ServiceOrderStatus[] allowed)
    {
        if (manager ? !catalog.CanManage(o.OwnerOrganizationId) : !IsRequester(o))
        {
            return new ServiceResult.Forbidden();
        }
        return allowed.Contains(o.Status) ? null : new ServiceResult.Conflict(new Message("ServiceOrders.WrongStatus", o.Status));
    }

    /// <summary>Quote (or re-quote) an order from the fee schedule; the provider gives the hours when it charges by the hour.</summary>
    public async Task<ServiceResult> QuoteAsync(Guid id, QuoteInput input, CancellationToken ct)
    {
        var (o, r, refused) = await LoadAsync(id, input.Version, ct);
        if ((refused ?? Refuse(o!, true, ServiceOrderStatus.Submitted, ServiceOrderStatus.Quoted)) is { } no)
        {
            return no;
        }
        var errors = new FieldErrors();
        var line = PriceLine(r.Fees, o!.UserType);
        if (line is not null && BookingRulesCheck.IsHourly(line.Unit) && input.Hours is not (>= 0.5m and <= 1000m))
        {
            errors.Add("hours", new Message("ServiceOrders.HoursRequired"));
        }
        var note = input.Note?.Trim();
        if (note is { Length: > 500 })
        {
            errors.Add("note", new Message("ServiceOrders.QuoteNoteTooLong"));
        }
        // A promise is for the coming year at most: testing takes days or weeks, not decades.
        var today = ChinaTime.Today(clock);
        if (input.PromisedOn is { } promised && (promised < today || promised > today.AddYears(1)))
        {
            errors.Add("promisedOn", new Message("ServiceOrders.PromisedOnOutside", today, today.AddYears(1)));
        }
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        var price = Price(r.Fees, o.UserType, o.SampleCount, o.ItemCount, input.Hours);
        if (price is null)
        {
            return new ServiceResult.RuleBroken("noPrice", new Message("ServiceOrders.NoPriceToQuote", Messages.Label(o.UserType)));
        }
        o.PriceUnit = price.Unit;
        o.UnitPriceFen = price.UnitPriceFen;
        o.Quantity = price.Quantity;
        o.QuoteFen = price.FeeFen;
        o.QuoteNote = string.IsNullOrEmpty(note) ? null : note;
        o.PromisedOn = input.PromisedOn;
        o.Status = ServiceOrderStatus.Quoted;
        o.QuotedAt = clock.GetUtcNow();
        await NotifyRequesterAsync(o, r.Instrument, new Message("ServiceOrders.Mail.Quoted"), new Message("ServiceOrders.Mail.QuotedBody",
            o.Number, Display.Money(price.FeeFen / 100m), Display.Money(price.UnitPriceFen / 100m), price.Unit, price.Quantity), ct);
        return await SaveAsync("service-order.quote", o, $"报价 {Display.Money(price.FeeFen / 100m)}", ct);
    }

    public async Task<ServiceResult> RejectAsync(Guid id, string? note, CancellationToken ct)
    {
        var (o, r, refused) = await LoadAsync(id, null, ct);
        if ((refused ?? Refuse(o!, true, ServiceOrderStatus.Submitted, ServiceOrderStatus.Quoted, ServiceOrderStatus.Accepted)) is { } no)
        {
            return no;
        }
        var reason = note?.Trim();
        if (reason is not { Length: >= 2 and <= 500 })
        {
            var e = new FieldErrors();
            e.Add("note", new Message("ServiceOrders.RejectReasonRequired"));
            return new ServiceResult.Invalid(e);
        }
        o!.Status = ServiceOrderStatus.Rejected;
        o.DecisionNote = reason;
        o.ClosedAt = clock.GetUtcNow();
        await NotifyRequesterAsync(o, r.Instrument, new Message("ServiceOrders.Mail.Rejected"), new Message("ServiceOrders.Mail.RejectedBody", o.Number, reason), ct);
        return await SaveAsync("service-order.reject", o, reason, ct);
    }

    public async Task<ServiceResult> AcceptAsync(Guid id, int? version, CancellationToken ct)
    {
        var (o, r, refused) = await LoadAsync(id, version, ct);
        if ((refused ?? Refuse(o!, false, ServiceOrderStatus.Quoted)) is { } no)
        {
            return no;
        }
        o!.Status = ServiceOrderStatus.Accepted;
        o.AcceptedAt = clock.GetUtcNow();
        await NotifyManagersAsync(o, r.Instrument, new Message("ServiceOrders.Mail.QuoteAccepted"), new Message("ServiceOrders.Mail.QuoteAcceptedBody", o.Number), ct);
        return await SaveAsync("service-order.accept", o, $"确认报价 {Display.Money((o.QuoteFen ?? 0) / 100m)}", ct);
    }

    public async Task<ServiceResult> CancelAsync(Guid id, string? note, CancellationToken ct)
    {
        var (o, r, refused) = await LoadAsync(id, null, ct);
        if ((refused ?? Refuse(o!, false, ServiceOrderStatus.Submitted, ServiceOrderStatus.Quoted, ServiceOrderStatus.Accepted)) is { } no)
        {
            return no;
        }
        o!.Status = ServiceOrderStatus.Cancelled;
        o.DecisionNote = note?.Trim() is { Length: > 0 and <= 500 } n ? n : null;
        o.ClosedAt = clock.GetUtcNow();
        await NotifyManagersAsync(o, r.Instrument, new Message("ServiceOrders.Mail.Cancelled"), new Message("ServiceOrders.Mail.CancelledBody", o.Number), ct);
        return await SaveAsync(null, o, "", ct);
    }

    /// <summary>The samples arrived: the work begins.</summary>
    public async Task<ServiceResult> StartAsync(Guid id, CancellationToken ct)
    {
        var (o, r, refused) = await LoadAsync(id, null, ct);
        if ((refused ?? Refuse(o!, true, ServiceOrderStatus.Accepted)) is { } no)
        {
            return no;
        }
        o!.Status = ServiceOrderStatus.InProgress;
        o.StartedAt = clock.GetUtcNow();
        await NotifyRequesterAsync(o, r.Instrument, new Message("ServiceOrders.Mail.SamplesReceived"), new Message("ServiceOrders.Mail.SamplesReceivedBody", o.Number), ct);
        return await SaveAsync(null, o, "", ct);
    }

    /// <summary>Upload (or replace) the report, a PDF, with the machine time the work took.</summary>
    public async Task<ServiceResult> ReportAsync(Guid id, string? fileName, Stream content, long length, int? machineMinutes, CancellationToken ct)
    {
        var (o, r, refused) = await LoadAsync(id, null, ct);
        if ((refused ?? Refuse(o!, true, ServiceOrderStatus.InProgress, ServiceOrderStatus.Reported)) is { } no)
        {
            return no;
        }
        var errors = new FieldErrors();
        if (machineMinutes is not (>= 1 and <= 100_000))
        {
            errors.Add("machineMinutes", new Message("ServiceOrders.MachineMinutesRequired"));
        }
        var (upload, problem) = await Uploads.CheckAsync(fileName, content, length, UploadKind.Document, MaxReportBytes, ct);
        if (upload is null)
        {
            // The kernel's upload check still answers Chinese text (Infrastructure/Uploads.cs): the transitional overload until it answers a Message.
            errors.Add("file", problem!);
        }
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        var now = clock.GetUtcNow();
        var report = await db.Set<ServiceOrderReport>().FirstOrDefaultAsync(x => x.OrderId == o!.Id, ct);
        if (report is null)
        {
            db.Add(report = new ServiceOrderReport { OrderId = o!.Id });
        }
        report.FileName = upload!.FileName;
        report.Content = buffer.ToArray();
        report.UploadedBy = me.Id!.Value;
        report.UploadedAt = now;
        o!.Status = ServiceOrderStatus.Reported;
        o.ReportFileName = upload.FileName;
        o.MachineMinutes = machineMinutes;
        o.ReportedAt = now;
        await NotifyRequesterAsync(o, r.Instrument, new Message("ServiceOrders.Mail.Reported"), new Message("ServiceOrders.Mail.ReportedBody", o.Number, AcceptanceDays), ct);
        return await SaveAsync("service-order.report", o, $"{upload.FileName}，机时 {machineMinutes} 分钟", ct);
    }

    /// <summary>The customer accepts the report: the order is completed and its machine time and fee recorded.</summary>
    public async Task<ServiceResult> CompleteAsync(Guid id, CancellationToken ct)
    {
        var (o, _, refused) = await LoadAsync(id, null, ct);
        if ((refused ?? Refuse(o!, false, ServiceOrderStatus.Reported)) is { } no)
        {
            return no;
        }
        usage.Add(Complete(o!, clock.GetUtcNow()));
        return await SaveAsync("service-order.complete", o!, $"验收完成，费用 {Display.Money((o!.QuoteFen ?? 0) / 100m)}", ct);
    }

    /// <summary>
    /// Completes the reports nobody accepted within <see cref="AcceptanceDays"/> (the oldest <paramref name="batch"/>) as
    /// reported, with their usage records; the caller's save writes them (the booking job). Returns how many.
    /// </summary>
    public async Task<int> CompleteUnacceptedAsync(DateTimeOffset now, int batch, CancellationToken ct)
    {
        var acceptBy = now - TimeSpan.FromDays(AcceptanceDays);
        var unaccepted = await db.Set<ServiceOrder>().Where(o => o.Status == ServiceOrderStatus.Reported && o.ReportedAt < acceptBy)
            .OrderBy(o => o.ReportedAt).Take(batch).ToListAsync(ct);
        foreach (var o in unaccepted)
        {
            usage.Add(Complete(o, now));
        }
        return unaccepted.Count;
    }

    /// <summary>Completes a reported order at <paramref name="at"/> and returns the use of its work for the usage log (also the job's and the demo's way).</summary>
    public static UsageEntry Complete(ServiceOrder o, DateTimeOffset at)
    {
        o.Status = ServiceOrderStatus.Completed;
        o.CompletedAt = at;
        o.Version++;
        var started = o.StartedAt ?? o.ReportedAt ?? at;
        return new UsageEntry(null, o.Id, o.ResourceId, o.OwnerOrganizationId, o.RequesterId, o.RequesterOrganizationId, o.UserType,
            started, o.ReportedAt ?? at, o.MachineMinutes ?? 0, o.QuoteFen ?? 0);
    }

    /// <summary>Saves the order and records the action; the audit detail is a record (hash-chained), kept in Chinese, not a message.</summary>
    private async Task<ServiceResult> SaveAsync(string? action, ServiceOrder o, string detail, CancellationToken ct)
    {
        if (o.Status != ServiceOrderStatus.Completed)
        {
            o.Version++;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ServiceResult.Conflict(ChangedMeanwhile);
        }
        if (action is not null)
        {
            await audit.RecordAsync(action, $"service-order:{o.Id}", detail: $"{o.Number} {detail}", ct: ct);
        }
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    private static readonly Message ChangedMeanwhile = new("ServiceOrders.ChangedMeanwhile");

    // ---- notifications (outbox) ----------------------------------------------------------------------------------

    private Task<List<string>> ManagerEmailsAsync(Guid organizationId, CancellationToken ct)
    {
        var managers = users.ManagerIds(organizationId);
        return users.Users().Where(u => u.Email != null && managers.Contains(u.Id)).Select(u => u.Email!).Distinct().ToListAsync(ct);
    }

    private async Task NotifyManagersAsync(ServiceOrder o, InstrumentRef r, Message subject, Message body, CancellationToken ct)
    {
        foreach (var email in await ManagerEmailsAsync(o.OwnerOrganizationId, ct))
        {
            Enqueue(email, r, subject, body);
        }
    }

    private async Task NotifyRequesterAsync(ServiceOrder o, InstrumentRef r, Message subject, Message body, CancellationToken ct)
    {
        if (await users.Users().Where(u => u.Id == o.RequesterId).Select(u => u.Email).FirstOrDefaultAsync(ct) is { } email)
        {
            Enqueue(email, r, subject, body);
        }
    }

    /// <summary>
    /// An e-mail goes to someone other than the person acting, whose language the platform does not know: it is said in
    /// the platform's language (Chinese), not the actor's.
    /// </summary>
    private void Enqueue(string to, InstrumentRef r, Message subject, Message body)
    {
        var culture = PlatformSetup.Cultures[0];
        db.Outbox.Add(OutboxMessage.Email(to, Messages.Translate(new Message("ServiceOrders.Mail.Subject", subject, r.Name), culture),
            Messages.Translate(body, culture), clock.GetUtcNow()));
    }

}
