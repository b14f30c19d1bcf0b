using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Experts;

/// <summary>What an administrator sends to create or edit a review activity (评审活动).</summary>
public sealed record ReviewActivityInput(string? Title, ReviewKind? Kind, string? Description, string? RegionCode, IReadOnlyList<string>? Disciplines,
    int? PanelSize, int? Alternates, int? MinSeniorPercent, int? MinOtherRegion, bool? OnePerInstitution, int? CoolDownDays,
    DateTimeOffset? ReviewStartsAt, DateTimeOffset? ReviewEndsAt, DateTimeOffset? ResponseDeadline, int? Version = null);

/// <summary>A person named on an item: the ID number is only turned into its blind index, never stored.</summary>
public sealed record ReviewPersonInput(string? Name, string? IdNumber);

public sealed record ReviewItemInput(string? Title, Guid? ApplicantOrganizationId, IReadOnlyList<ReviewPersonInput>? Persons);

/// <summary>An exclusion on request: by the applicant of an item (at most three per item) or by the administrator.</summary>
public sealed record ReviewExclusionInput(Guid? ItemId, Guid? ExpertId, ExclusionSource? Source, string? Reason);

public sealed record ExpertRelationInput(ExpertRelationKind? Kind, Guid? OrganizationId, string? PersonName, string? PersonIdNumber, DateOnly? EndedOn, string? Note);

/// <summary>An invited expert's answer: accept, decline (with a reason) or declare a conflict of interest.</summary>
public enum InvitationAnswer
{
    Accept,
    Decline,
    DeclareConflict,
}

public sealed record InvitationAnswerInput(InvitationAnswer? Answer, string? Reason, int? Version);

/// <summary>
/// The rules of review activities and their panels, with their sources. The avoidance rules the draw applies itself are
/// in <see cref="ReviewDraws"/> (each with its source).
/// </summary>
public static class ReviewRules
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 2000;
    public const int MaxItems = 5000;
    public const int MaxPersonsPerItem = 20;
    public const int MaxPanelSize = 49;
    public const int MaxAlternates = 20;
    public const int MaxCoolDownDays = 3650;

    /// <summary>
    /// 国家自然科学基金条例 第二十条 (and the practice of most funding programmes): an applicant may name at most three
    /// experts who should not review the application.
    /// </summary>
    public const int MaxApplicantExclusionsPerItem = 3;

    /// <summary>
    /// 政府采购法实施条例 第九条: a labour relation with the supplier within the three years before the procurement is a
    /// conflict of interest; the platform applies the same window to former employers and other declared relations.
    /// </summary>
    public const int RelationYears = 3;

    /// <summary>
    /// Project and award reviews decide: their panels have an odd number of at least five members, as 招标投标法 第三十七条
    /// sets for 评标委员会 (五人以上单数) and the provincial review rules follow; evaluations and consultations need three.
    /// </summary>
    public static int MinPanelSize(ReviewKind kind) => kind is ReviewKind.ProjectReview or ReviewKind.AwardReview ? 5 : 3;

    public static bool MustBeOdd(ReviewKind kind) => kind is ReviewKind.ProjectReview or ReviewKind.AwardReview;

    /// <summary>The senior members the panel needs: the share rounded up.</summary>
    public static int MinSenior(int panelSize, int percent) => (int)Math.Ceiling(panelSize * percent / 100m);

    /// <summary>Checks the fields of an activity; the discipline codes come back parsed.</summary>
    public static IReadOnlyList<string> Check(FieldErrors errors, ReviewActivityInput input, DateTimeOffset now, bool creating)
    {
        var title = input.Title?.Trim() ?? "";
        if (title.Length is 0 or > MaxTitleLength)
        {
            errors.Add("title", new Message("Reviews.TitleRequired", MaxTitleLength));
        }
        if (input.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            errors.Add("kind", new Message("Reviews.KindRequired"));
            kind = ReviewKind.Consulting;
        }
        if (input.Description is { Length: > MaxDescriptionLength })
        {
            errors.Add("description", new Message("Experts.TooLong", MaxDescriptionLength));
        }
        var size = input.PanelSize ?? 0;
        if (size < MinPanelSize(kind) || size > MaxPanelSize || (MustBeOdd(kind) && size % 2 == 0))
        {
            errors.Add("panelSize", new Message(MustBeOdd(kind) ? "Reviews.PanelSizeOdd" : "Reviews.PanelSizeRange", MinPanelSize(kind), MaxPanelSize));
        }
        if (input.Alternates is not (>= 0 and <= MaxAlternates))
        {
            errors.Add("alternates", new Message("Reviews.AlternatesRange", MaxAlternates));
        }
        if (input.MinSeniorPercent is not (>= 0 and <= 100))
        {
            errors.Add("minSeniorPercent", new Message("Reviews.PercentRange"));
        }
        if (input.MinOtherRegion is not { } other || other < 0 || (size > 0 && other > size))
        {
            errors.Add("minOtherRegion", new Message("Reviews.OtherRegionRange"));
        }
        if (input.CoolDownDays is { } cool && (cool < 0 || cool > MaxCoolDownDays))
        {
            errors.Add("coolDownDays", new Message("Reviews.CoolDownRange", MaxCoolDownDays));
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
                errors.Add("disciplines", new Message("Experts.DisciplineUnknown", code));
            }
            else if (!codes.Contains(code))
            {
                codes.Add(code);
            }
        }
        if (codes.Count > 10)
        {
            errors.Add("disciplines", new Message("Reviews.TooManyDisciplines", 10));
        }
        else if (codes.Count == 0 && !errors.ContainsKey("disciplines"))
        {
            // A panel is drawn from the experts of its field (评审专业): without one, every expert of the pool would be a
            // candidate for a review none of them is chosen for.
            errors.Add("disciplines", new Message("Reviews.DisciplinesRequired"));
        }
        if (input.ReviewStartsAt is not { } start || input.ReviewEndsAt is not { } end || end <= start)
        {
            errors.Add("reviewEndsAt", new Message("Reviews.WindowInvalid"));
        }
        else
        {
            if (creating && start <= now)
            {
                errors.Add("reviewStartsAt", new Message("Reviews.StartInPast"));
            }
            if (input.ResponseDeadline is not { } deadline || deadline > start || (creating && deadline <= now))
            {
                errors.Add("responseDeadline", new Message("Reviews.DeadlineInvalid"));
            }
            if (end - start > TimeSpan.FromDays(366))
            {
                errors.Add("reviewEndsAt", new Message("Reviews.WindowTooLong"));
            }
        }
        return codes;
    }
}
