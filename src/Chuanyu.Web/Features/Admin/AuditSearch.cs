using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Admin;

/// <summary>The audit filters as typed (query string of the API and of the page); <see cref="AuditSearch.Validate"/> reads them.</summary>
public sealed record AuditQuery(string? From, string? To, string? Actor, string? Action, string? Target, string? Outcome, string? Ip)
{
    public static readonly AuditQuery None = new(null, null, null, null, null, null, null);

    /// <summary>The filters that were given, as <c>name=value</c> pairs: what the audit of the audit records.</summary>
    public string Describe()
    {
        var parts = new[] { ("from", From), ("to", To), ("actor", Actor), ("action", Action), ("target", Target), ("outcome", Outcome), ("ip", Ip) }
            .Where(p => !string.IsNullOrWhiteSpace(p.Item2))
            .Select(p => $"{p.Item1}={p.Item2!.Trim()}")
            .ToList();
        // Written into the audit row and the export's watermark, which stay Chinese (a record and a file format).
        return parts.Count == 0 ? "（无筛选条件）" : string.Join("; ", parts);
    }
}

/// <summary>A validated filter: instants in UTC, <see cref="ToExclusive"/> already past the last included moment.</summary>
public sealed record AuditFilter(
    DateTimeOffset? From, DateTimeOffset? ToExclusive, Guid? ActorId, string? Actor, string? Action, string? Target,
    AuditOutcome? Outcome, string? Ip, AuditQuery Query);

public sealed record AuditEntryDto(
    long Seq, DateTimeOffset At, Guid? ActorId, string? ActorName, string Action, string? Target, AuditOutcome Outcome,
    string? Detail, string? IpAddress, string PrevHash, string HashAlgorithm, string Hash);

public sealed record AuditSearchPage(int Total, int Page, int PageSize, IReadOnlyList<AuditEntryDto> Items);

/// <summary>
/// Searching the audit chain, for the audit administrator only (三员: the system and security administrators do not
/// read it). Every search is itself an audit row (<c>audit.search</c>), so who looked at what is on record too.
/// Dates without an offset are Beijing time: a date alone is the whole day, a time to the minute includes that minute.
/// </summary>
public sealed class AuditSearch(AppDbContext db, AuditLog audit)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = Paging.MaxPageSize;
    public const int MaxPage = Paging.MaxPage;

    private static readonly (string Format, TimeSpan Precision)[] BeijingFormats =
    [
        ("yyyy-MM-dd", TimeSpan.FromDays(1)),
        ("yyyy-MM-ddTHH:mm", TimeSpan.FromMinutes(1)),
        ("yyyy-MM-dd HH:mm", TimeSpan.FromMinutes(1)),
        ("yyyy-MM-ddTHH:mm:ss", TimeSpan.FromSeconds(1)),
        ("yyyy-MM-dd HH:mm:ss", TimeSpan.FromSeconds(1)),
    ];

    private static readonly (string Format, TimeSpan Precision)[] OffsetFormats =
    [
        ("yyyy-MM-ddTHH:mmK", TimeSpan.FromMinutes(1)),
        ("yyyy-MM-ddTHH:mm:ssK", TimeSpan.FromSeconds(1)),
    ];

    /// <summary>Checks the filters; on success <paramref name="filter"/> is set and the errors are empty.</summary>
    public static FieldErrors Validate(AuditQuery q, out AuditFilter? filter)
    {
        var errors = new FieldErrors();
        filter = null;
        var from = ParseInstant(q.From, isEnd: false, "from", new Message("Admin.FilterFrom"), errors);
        var to = ParseInstant(q.To, isEnd: true, "to", new Message("Admin.FilterTo"), errors);
        if (from is not null && to is not null && from >= to)
        {
            errors.Add("to", new Message("Admin.ToBeforeFrom"));
        }
        var actor = Text(q.Actor, 256, "actor", new Message("Admin.FilterActor"), errors);
        var action = Text(q.Action, 100, "action", new Message("Admin.FilterAction"), errors);
        var target = Text(q.Target, 200, "target", new Message("Admin.FilterTarget"), errors);
        var ip = Text(q.Ip, 64, "ip", new Message("Admin.FilterIp"), errors);
        AuditOutcome? outcome = null;
        if (!string.IsNullOrWhiteSpace(q.Outcome))
        {
            // The Chinese words are accepted input, as typed on the page, not text shown.
            outcome = q.Outcome.Trim() switch
            {
                var o when o.Equals("success", StringComparison.OrdinalIgnoreCase) || o == "成功" => AuditOutcome.Success,
                var o when o.Equals("failure", StringComparison.OrdinalIgnoreCase) || o == "失败" => AuditOutcome.Failure,
                _ => null,
            };
            if (outcome is null)
            {
                errors.Add("outcome", new Message("Admin.OutcomeInvalid"));
            }
        }
        if (errors.Count > 0)
        {
            return errors;
        }
        Guid? actorId = Guid.TryParse(actor, out var id) ? id : null;
        filter = new AuditFilter(from, to, actorId, actor?.ToLowerInvariant(), action?.ToLowerInvariant(),
            target?.ToLowerInvariant(), outcome, ip, q);
        return errors;
    }

    public static FieldErrors ValidatePaging(string? page, string? pageSize, out int pageNumber, out int size)
    {
        var errors = new FieldErrors();
        pageNumber = 1;
        size = DefaultPageSize;
        if (!string.IsNullOrWhiteSpace(page) && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out pageNumber) || pageNumber < 1 || pageNumber > MaxPage))
        {
            errors.Add("page", Paging.Reason);
        }
        if (!string.IsNullOrWhiteSpace(pageSize) && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > MaxPageSize))
        {
            errors.Add("pageSize", Paging.Reason);
        }
        return errors;
    }

    // ToLower() here is SQL lower() on both engines (EF cannot translate ToLowerInvariant); no .NET culture applies.
#pragma warning disable CA1304, CA1311
    public IQueryable<AuditEntry> Query(AuditFilter f)
    {
        var q = db.AuditEntries.AsNoTracking();
        if (f.From is { } from)
        {
            q = q.Where(e => e.At >= from);
        }
        if (f.ToExclusive is { } to)
        {
            q = q.Where(e => e.At < to);
        }
        if (f.Actor is { } actor)
        {
            // Part of the name (e-mail), lower-cased on both sides so SQLite and PostgreSQL agree; an account id
            // finds that account's rows too.
            var actorId = f.ActorId;
            q = q.Where(e => (e.ActorName != null && e.ActorName.ToLower().Contains(actor)) || (actorId != null && e.ActorId == actorId));
        }
        if (f.Action is { } action)
        {
            // A prefix: "auth" finds auth.login and auth.logout; a full name from the list finds exactly that action.
            q = q.Where(e => e.Action.StartsWith(action));
        }
        if (f.Target is { } target)
        {
            q = q.Where(e => e.Target != null && e.Target.ToLower().Contains(target));
        }
        if (f.Outcome is { } outcome)
        {
            q = q.Where(e => e.Outcome == outcome);
        }
        if (f.Ip is { } ip)
        {
            q = q.Where(e => e.IpAddress != null && e.IpAddress.StartsWith(ip));
        }
        return q;
    }
#pragma warning restore CA1304, CA1311

    /// <summary>Newest first; paging by sequence number, so rows written meanwhile never shift a row onto two pages' ends unseen.</summary>
    public async Task<AuditSearchPage> SearchAsync(AuditFilter filter, int page, int pageSize, CancellationToken ct)
    {
        var q = Query(filter);
        var total = await q.CountAsync(ct);
        var items = await q.OrderByDescending(e => e.Seq).Skip((page - 1) * pageSize).Take(pageSize)
            .Select(e => new AuditEntryDto(e.Seq, e.At, e.ActorId, e.ActorName, e.Action, e.Target, e.Outcome, e.Detail, e.IpAddress, e.PrevHash, e.HashAlgorithm, e.Hash))
            .ToListAsync(ct);
        // Recorded after the read, so the results show the audit as it stood when the search was made.
        await audit.RecordAsync("audit.search", null, AuditOutcome.Success,
            $"{filter.Query.Describe()}; page={page}; pageSize={pageSize}; total={total}", ct: ct);
        return new AuditSearchPage(total, page, pageSize, items);
    }

    /// <summary>The distinct action names, for the filter's list.</summary>
    public async Task<IReadOnlyList<string>> ActionsAsync(CancellationToken ct) =>
        await db.AuditEntries.AsNoTracking().Select(e => e.Action).Distinct().OrderBy(a => a).ToListAsync(ct);

    private static string? Text(string? value, int max, string field, Message label, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var trimmed = value.Trim();
        if (trimmed.Length > max)
        {
            errors.Add(field, new Message("Admin.FilterTooLong", label, max));
            return null;
        }
        return trimmed;
    }

    private static DateTimeOffset? ParseInstant(string? value, bool isEnd, string field, Message label, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var s = value.Trim();
        foreach (var (format, precision) in BeijingFormats)
        {
            if (DateTime.TryParseExact(s, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            {
                // Checked before it becomes an instant: 0001-01-01 in Beijing time lies before DateTimeOffset.MinValue in UTC.
                if (local < DateLimits.EarliestInstant.DateTime || local > DateLimits.LatestInstant.DateTime)
                {
                    return InRange(DateTimeOffset.MinValue, TimeSpan.Zero, field, label, errors);
                }
                return InRange(new DateTimeOffset(local, Display.ChinaStandardTime), isEnd ? precision : TimeSpan.Zero, field, label, errors);
            }
        }
        foreach (var (format, precision) in OffsetFormats)
        {
            if (DateTimeOffset.TryParseExact(s, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var exact))
            {
                return InRange(exact, isEnd ? precision : TimeSpan.Zero, field, label, errors);
            }
        }
        if (s.Length <= 40 && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var iso) && s.Contains('T', StringComparison.Ordinal) &&
            (s.EndsWith('Z') || s.LastIndexOfAny(['+', '-']) > s.IndexOf('T', StringComparison.Ordinal)))
        {
            // A full ISO 8601 instant with fractions and an offset: exactly that instant, inclusive.
            return InRange(iso, isEnd ? TimeSpan.FromTicks(1) : TimeSpan.Zero, field, label, errors);
        }
        errors.Add(field, new Message("Admin.DateFormat", label));
        return null;
    }

    private static DateTimeOffset? InRange(DateTimeOffset t, TimeSpan add, string field, Message label, FieldErrors errors)
    {
        if (t < DateLimits.EarliestInstant || t > DateLimits.LatestInstant)
        {
            errors.Add(field, new Message("Admin.DateRange", label));
            return null;
        }
        return (t + add).ToUniversalTime();
    }
}
