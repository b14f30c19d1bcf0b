using System.Globalization;
using Chuanyu.Web.Infrastructure;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Experts;

/// <summary>A review activity as its form holds it: instants typed as China time (yyyy-MM-ddTHH:mm), codes separated by spaces or commas.</summary>
public sealed class ReviewActivityForm
{
    public string? Title { get; set; }
    public ReviewKind? Kind { get; set; }
    public string? Description { get; set; }
    public string? Disciplines { get; set; }
    public int? PanelSize { get; set; }
    public int? Alternates { get; set; }
    public int? MinSeniorPercent { get; set; }
    public int? MinOtherRegion { get; set; }
    public bool OnePerInstitution { get; set; } = true;
    public int? CoolDownDays { get; set; }
    public string? ReviewStartsAt { get; set; }
    public string? ReviewEndsAt { get; set; }
    public string? ResponseDeadline { get; set; }

    public const string InstantFormat = "yyyy-MM-dd'T'HH:mm";

    public static string Typed(DateTimeOffset t) => t.ToOffset(Display.ChinaStandardTime).ToString(InstantFormat, CultureInfo.InvariantCulture);

    /// <summary>An instant typed in a datetime-local field, read as China Standard Time.</summary>
    public static DateTimeOffset? Instant(string? text, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateTime.TryParseExact(text.Trim(), [InstantFormat, "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return new DateTimeOffset(local, Display.ChinaStandardTime);
        }
        errors.Add(field, new Message("Reviews.InstantInvalid"));
        return null;
    }

    /// <summary>The service's input; the form's own parse errors (a malformed instant) beside it.</summary>
    public (ReviewActivityInput Input, FieldErrors Errors) ToInput(int? version = null)
    {
        var errors = new FieldErrors();
        var input = new ReviewActivityInput(Title, Kind, Description, null,
            (Disciplines ?? "").Split([' ', ',', '，', '、', ';', '；'], StringSplitOptions.RemoveEmptyEntries), PanelSize, Alternates, MinSeniorPercent,
            MinOtherRegion, OnePerInstitution, CoolDownDays, Instant(ReviewStartsAt, "reviewStartsAt", errors), Instant(ReviewEndsAt, "reviewEndsAt", errors),
            Instant(ResponseDeadline, "responseDeadline", errors), version);
        return (input, errors);
    }
}

/// <summary>Words the review pages share.</summary>
public static class ReviewLabels
{
    /// <summary>How many each avoidance rule kept off a draw's list ("本单位 3；诚信记录 1"), or that none was.</summary>
    public static string Exclusions(IStringLocalizer l, IReadOnlyDictionary<string, int> counts)
    {
        var kept = counts.Where(x => x.Value > 0).Select(x => $"{l["Reviews.Rule." + x.Key]} {x.Value}").ToList();
        return kept.Count == 0 ? l["Reviews.NoneExcluded"] : string.Join(" · ", kept);
    }
}
