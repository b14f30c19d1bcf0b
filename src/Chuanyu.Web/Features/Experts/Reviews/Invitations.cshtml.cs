using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Experts;

/// <summary>我的评审邀请: an expert's own invitations and the answer to each (accept, decline or declare a conflict, with a reason).</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class ReviewInvitationsModel(ReviewDraws draws, IStringLocalizer<SharedResource> l) : PageModel
{
    public IReadOnlyList<InvitationDto> Invitations { get; private set; } = [];
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }
    public Guid? FailedSeat { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Invitations = await draws.MineAsync(ct);

    public async Task<IActionResult> OnPostAsync(Guid seatId, InvitationAnswer? answer, string? reason, int? version, CancellationToken ct)
    {
        var result = await draws.AnswerAsync(seatId, new InvitationAnswerInput(answer, reason, version), ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["Reviews.Answered"].Value;
            return RedirectToPage();
        }
        if (PageResults.Refused(this, result, out var errors, out var failure) is { } refused)
        {
            return refused;
        }
        (Errors, Failure, FailedSeat) = (errors, failure, seatId);
        if (errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Invitations = await draws.MineAsync(ct);
        return Page();
    }
}
