using System.Text.RegularExpressions;
using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>What an organiser sends to create or edit a matchmaking event; instants with their offset (stored in UTC).</summary>
public sealed record MatchmakingEventInput(string? Title, IReadOnlyList<string>? Disciplines, string? Description, Guid? OrganizerOrganizationId,
    DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, bool? Online, string? Address, string? OnlineUrl, int? Capacity, DateTimeOffset? RegistrationDeadline,
    int? SlotMinutes, int? Tables, DateTimeOffset? MeetingsStartAt, DateTimeOffset? MeetingsEndAt, int? Version = null);

/// <summary>An organisation's registration: for which of the caller's organisations, the contact person, what it seeks or offers.</summary>
public sealed record RegistrationInput(Guid? OrganizationId, string? ContactName, string? ContactPhone, string? Note);

/// <summary>A request for a one-to-one meeting from one registered organisation (the caller's) to another, in a slot of the grid, optionally about an exhibit of the event.</summary>
public sealed record MeetingRequestInput(Guid? FromOrganizationId, Guid? WithOrganizationId, DateTimeOffset? SlotStart, string? Note, Guid? ExhibitId = null);

public sealed record MeetingAnswerInput(bool? Accept);

public sealed record MeetingOutcomeInput(MeetingOutcome? Outcome, string? Note);

public sealed record CancelEventInput(string? Reason);

/// <summary>The rules of matchmaking events and their meeting grid.</summary>
public static partial class MarketEventRules
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxAddressLength = 300;
    public const int MaxUrlLength = 500;
    public const int MaxNoteLength = 1000;
    public const int MaxNameLength = 50;
    public const int MaxDisciplines = 5;
    public const int MaxCapacity = 2000;
    public const int MaxTables = 200;
    public const int MinSlotMinutes = 10;
    public const int MaxSlotMinutes = 120;
    public const int MaxEventDays = 14;

    /// <summary>A mainland mobile number (11 digits from 13–19) or a landline with its area code (0xx-xxxxxxx[x]).</summary>
    [GeneratedRegex(@"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")]
    private static partial Regex PhonePattern();

    public static bool IsPhone(string phone) => PhonePattern().IsMatch(phone);

    /// <summary>Checks an event's fields; the discipline codes come back parsed.</summary>
    public static IReadOnlyList<string> Check(FieldErrors errors, MatchmakingEventInput input, DateTimeOffset now, bool creating)
    {
        var title = input.Title?.Trim() ?? "";
        if (title.Length is 0 or > MaxTitleLength)
        {
            errors.Add("title", new Message("MarketEvents.TitleRequired", MaxTitleLength));
        }
        var codes = new List<string>();
        foreach (var raw in input.Disciplines ?? [])
        {
            var code = raw?.Trim() ?? "";
            if (code.Length == 0)
            {
                continue;
            }
            if (DisciplineCodes.Find(code) is null)
            {
                errors.Add("disciplines", new Message("MarketEvents.DisciplineUnknown", code));
            }
            else if (!codes.Contains(code))
            {
                codes.Add(code);
            }
        }
        if (codes.Count is 0 or > MaxDisciplines)
        {
            errors.Add("disciplines", new Message("MarketEvents.DisciplinesRequired", MaxDisciplines));
        }
        if (input.Description is { Length: > MaxDescriptionLength })
        {
            errors.Add("description", new Message("MarketEvents.TooLong", MaxDescriptionLength));
        }
        if (input.Online == true)
        {
            if (!Uri.TryCreate(input.OnlineUrl?.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || input.OnlineUrl!.Trim().Length > MaxUrlLength)
            {
                errors.Add("onlineUrl", new Message("MarketEvents.UrlRequired", MaxUrlLength));
            }
        }
        else if ((input.Address?.Trim() ?? "").Length is 0 or > MaxAddressLength)
        {
            errors.Add("address", new Message("MarketEvents.AddressRequired", MaxAddressLength));
        }
        if (input.Capacity is not (>= 1 and <= MaxCapacity))
        {
            errors.Add("capacity", new Message("MarketEvents.CapacityRange", MaxCapacity));
        }
        if (input.SlotMinutes is not (>= MinSlotMinutes and <= MaxSlotMinutes))
        {
            errors.Add("slotMinutes", new Message("MarketEvents.SlotMinutesRange", MinSlotMinutes, MaxSlotMinutes));
        }
        if (input.Tables is not (>= 1 and <= MaxTables))
        {
            errors.Add("tables", new Message("MarketEvents.TablesRange", MaxTables));
        }
        if (input.StartsAt is not { } start || input.EndsAt is not { } end)
        {
            errors.Add("startsAt", new Message("MarketEvents.TimesRequired"));
            return codes;
        }
        if (end <= start)
        {
            errors.Add("endsAt", new Message("MarketEvents.EndBeforeStart"));
        }
        else if (end - start > TimeSpan.FromDays(MaxEventDays))
        {
            errors.Add("endsAt", new Message("MarketEvents.TooLongEvent", MaxEventDays));
        }
        if (creating && start <= now)
        {
            errors.Add("startsAt", new Message("MarketEvents.StartInPast"));
        }
        if (start < DateLimits.EarliestInstant || end > DateLimits.LatestInstant)
        {
            errors.Add("startsAt", new Message("MarketEvents.TimesRequired"));
        }
        if (input.RegistrationDeadline is not { } deadline || deadline > start)
        {
            errors.Add("registrationDeadline", new Message("MarketEvents.DeadlineAfterStart"));
        }
        else if (creating && deadline <= now)
        {
            errors.Add("registrationDeadline", new Message("MarketEvents.DeadlineInPast"));
        }
        if (input.MeetingsStartAt is not { } from || input.MeetingsEndAt is not { } to || from < start || to > end || to <= from)
        {
            errors.Add("meetingsEndAt", new Message("MarketEvents.MeetingWindowInvalid"));
        }
        else if (input.SlotMinutes is { } minutes and > 0 && (to - from).TotalMinutes < minutes)
        {
            errors.Add("meetingsEndAt", new Message("MarketEvents.MeetingWindowTooShort", minutes));
        }
        return codes;
    }

    /// <summary>The slot starts of an event's grid: from the window's start, every slot length, while a whole slot fits.</summary>
    public static IEnumerable<DateTimeOffset> Slots(MatchmakingEvent e)
    {
        var length = TimeSpan.FromMinutes(e.SlotMinutes);
        for (var t = e.MeetingsStartAt; t + length <= e.MeetingsEndAt; t += length)
        {
            yield return t;
        }
    }

    /// <summary>Why a slot start is refused (null when it is a slot of the grid): outside the window, or between two slots.</summary>
    public static Message? CheckSlot(MatchmakingEvent e, DateTimeOffset slot)
    {
        var length = TimeSpan.FromMinutes(e.SlotMinutes);
        if (slot < e.MeetingsStartAt || slot + length > e.MeetingsEndAt)
        {
            return new Message("MarketEvents.SlotOutsideWindow", Display.Range(e.MeetingsStartAt, e.MeetingsEndAt));
        }
        return (slot - e.MeetingsStartAt).Ticks % length.Ticks == 0 ? null : new Message("MarketEvents.SlotOffGrid", e.SlotMinutes);
    }
}

/// <summary>A calendar month as the public pages and the API name it (yyyy-MM, 2000–2100).</summary>
public static class EventMonth
{
    public static DateOnly? Parse(string? month) =>
        month is { Length: 7 } && DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var d) && d.Year is >= 2000 and <= 2100 ? d : null;

    public static string Format(DateOnly month) => month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}
