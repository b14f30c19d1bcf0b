using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Usage;

/// <summary>
/// 仪器成果登记: the outputs credited to an instrument (仪器支撑成果: results and function developments), by year; its
/// managers add and remove them, the region's administrators read them. The route and the form's field names
/// (<c>achievementId</c>) are those the page always had. An instrument the caller may not see is 404, one they see
/// but may not read the results of is 403 (the service's answers).
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class InstrumentOutputsModel(InstrumentOutputService outputs, CatalogService catalog, TimeProvider clock, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty(SupportsGet = true)] public int? Year { get; set; }

    [BindProperty] public InstrumentOutputKind? Kind { get; set; }
    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? AchievedOn { get; set; }

    public ResourceDto Resource { get; private set; } = null!;
    public IReadOnlyList<InstrumentOutputDto> Items { get; private set; } = [];
    public bool CanWrite { get; private set; }
    public DateOnly Today { get; private set; }
    public FieldErrors Errors { get; private set; } = new();
    public string? ActionError { get; private set; }

    /// <summary>The message key FormValues gives the field (it takes the reason as text until the kernel takes messages).</summary>
    private static readonly Message AchievedOnFormat = new("Usage.AchievedOnFormat");

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var on = FormValues.Date(AchievedOn, "achievedOn", errors, AchievedOnFormat);
        var (created, result) = errors.Count > 0 ? (null, new ServiceResult.Invalid(errors))
            : await outputs.AddAsync(id, new InstrumentOutputInput(Kind, Title, on), ct);
        switch (result)
        {
            case ServiceResult.Ok:
                TempData["Message"] = l["InstrumentOutput.Added", created!.Title].Value;
                return RedirectToPage("/Usage/InstrumentOutputs", new { id });
            case ServiceResult.Invalid invalid:
                Errors = invalid.Errors;
                return await LoadAsync(id, ct) ?? Page();
            default:
                return Refused(result) ?? await FailAsync(id, result, ct);
        }
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, Guid achievementId, CancellationToken ct)
    {
        var result = await outputs.RemoveAsync(id, achievementId, ct);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l["InstrumentOutput.Removed"].Value;
            return RedirectToPage("/Usage/InstrumentOutputs", new { id, year = Year });
        }
        return Refused(result) ?? await FailAsync(id, result, ct);
    }

    private StatusCodeResult? Refused(ServiceResult result) => result switch
    {
        ServiceResult.NotFound => NotFound(),
        ServiceResult.Forbidden => StatusCode(StatusCodes.Status403Forbidden),
        _ => null,
    };

    private async Task<IActionResult> FailAsync(Guid id, ServiceResult result, CancellationToken ct)
    {
        ActionError = result.FailureMessage;
        Response.StatusCode = result is ServiceResult.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
        return await LoadAsync(id, ct) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        var (list, result) = await outputs.ListAsync(id, Year, ct);
        if (list is null)
        {
            return Refused(result) ?? NotFound();
        }
        var resource = await catalog.GetAsync(id, ct);
        if (resource is null)
        {
            return NotFound();
        }
        Resource = resource;
        Items = list;
        CanWrite = catalog.CanManage(resource.OrganizationId);
        Today = ChinaTime.Today(clock);
        return null;
    }
}
