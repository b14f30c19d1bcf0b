using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.MarketEvents;

/// <summary>One event for everyone; a signed-in member registers their organisation here or cancels its registration.</summary>
[AllowAnonymous]
public sealed class MarketEventDetailsModel(MarketEventService service, EventExhibitService exhibits, CurrentUser me) : PageModel
{
    public MatchmakingEventDto Event { get; private set; } = null!;
    public IReadOnlyList<RegistrationDto> Mine { get; private set; } = [];

    /// <summary>The live results and demands on show (what the organiser removed or what expired is not listed here).</summary>
    public IReadOnlyList<ExhibitDto> Exhibits { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Choices { get; private set; } = [];
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    [BindProperty] public Guid? OrganizationId { get; set; }
    [BindProperty] public string? ContactName { get; set; }
    [BindProperty] public string? ContactPhone { get; set; }
    [BindProperty] public string? Note { get; set; }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await service.GetAsync(id, ct) is not { } e)
        {
            return false;
        }
        Event = e;
        Exhibits = (await exhibits.ListAsync(id, ct) ?? []).Where(x => x.Live).ToList();
        if (me.IsAuthenticated)
        {
            Mine = await service.MyRegistrationsAsync(id, ct);
            Choices = (await service.MyOrganizationChoicesAsync(ct)).Where(c => Mine.All(m => m.OrganizationId != c.Id)).ToList();
        }
        return true;
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    // The page is public; its forms are for signed-in people (an anonymous POST is sent to sign in).
    public async Task<IActionResult> OnPostRegisterAsync(Guid id, CancellationToken ct)
    {
        if (!me.IsAuthenticated)
        {
            return Challenge();
        }
        var (_, result) = await service.RegisterAsync(id, new RegistrationInput(OrganizationId, ContactName, ContactPhone, Note), ct);
        switch (result)
        {
            case ServiceResult.Ok:
                return RedirectToPage(new { id });
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Invalid invalid:
                Errors = invalid.Errors;
                break;
            default:
                Failure = result.FailureMessage;
                break;
        }
        await LoadAsync(id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCancelRegistrationAsync(Guid id, Guid organizationId, CancellationToken ct)
    {
        if (!me.IsAuthenticated)
        {
            return Challenge();
        }
        var result = await service.CancelRegistrationAsync(id, organizationId, ct);
        return result is ServiceResult.NotFound ? NotFound() : RedirectToPage(new { id });
    }
}
