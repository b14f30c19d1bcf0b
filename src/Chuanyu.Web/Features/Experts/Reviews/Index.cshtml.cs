using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Experts;

/// <summary>评审活动: the review activities of the administrator's region and the form that creates one.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class ReviewActivitiesModel(ReviewActivities activities, TimeProvider clock) : PageModel
{
    public const int PageSize = 30;

    [BindProperty] public ReviewActivityForm Form { get; set; } = new();
    [BindProperty(SupportsGet = true)] public ReviewActivityStatus? Status { get; set; }

    public PagedList<ReviewActivityDto> Items { get; private set; } = new(0, 1, PageSize, []);
    public Pager Pager => new(Items.PageNumber, PageSize, Items.Total, Request);
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var start = ChinaTime.Today(clock).AddDays(14).ToDateTime(new TimeOnly(9, 0));
        Form = new ReviewActivityForm
        {
            Kind = ReviewKind.ProjectReview,
            PanelSize = 7,
            Alternates = 3,
            MinSeniorPercent = 60,
            MinOtherRegion = 2,
            CoolDownDays = 90,
            ReviewStartsAt = ReviewActivityForm.Typed(new DateTimeOffset(start, Display.ChinaStandardTime)),
            ReviewEndsAt = ReviewActivityForm.Typed(new DateTimeOffset(start.AddDays(2).AddHours(8), Display.ChinaStandardTime)),
            ResponseDeadline = ReviewActivityForm.Typed(new DateTimeOffset(start.AddDays(-7), Display.ChinaStandardTime)),
        };
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        var (input, parseErrors) = Form.ToInput();
        var (created, result) = parseErrors.Count > 0 ? (null, new ServiceResult.Invalid(parseErrors)) : await activities.CreateAsync(input, ct);
        if (created is not null)
        {
            return RedirectToPage("/Experts/Reviews/Activity", new { id = created.Id });
        }
        if (PageResults.Refused(this, result, out var errors, out var failure) is { } answer)
        {
            return answer;
        }
        (Errors, Failure) = (errors, failure);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Items = await activities.ListAsync(Status, Pager.RequestedPage(Request), PageSize, ct);
}
