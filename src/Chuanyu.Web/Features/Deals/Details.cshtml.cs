using Chuanyu.Web.Features.Contracts;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Deals;

/// <summary>
/// One deal for its readers (others: 404): the stages' timeline, notes and documents; for its manager one step forward
/// or closing with a coded reason (both confirmed), a note and a document at the current stage.
/// </summary>
public sealed class DealDetailsModel(DealPipeline deals, IStringLocalizer<SharedResource> l) : PageModel
{
    public DealDetailsDto Details { get; private set; } = null!;
    public DealDto Deal => Details.Deal;
    public DealStage? Next => DealRules.Next(Deal.Stage);
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    [BindProperty] public bool Confirm { get; set; }
    [BindProperty] public int Version { get; set; }
    [BindProperty] public Guid? ContractId { get; set; }
    [BindProperty] public DealCloseReason? Reason { get; set; }
    [BindProperty] public string? Note { get; set; }
    [BindProperty] public string? Text { get; set; }
    [BindProperty] public IFormFile? Upload { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await deals.GetAsync(id, ct) is not { } d)
        {
            return NotFound();
        }
        Details = d;
        return Page();
    }

    public async Task<IActionResult> OnGetDocumentAsync(Guid id, Guid documentId, CancellationToken ct)
    {
        var (doc, _) = await deals.DocumentAsync(id, documentId, ct);
        if (doc is null)
        {
            return NotFound();
        }
        Response.Headers.XContentTypeOptions = "nosniff";
        return File(doc.Content, doc.ContentType, doc.FileName);
    }

    public Task<IActionResult> OnPostAdvanceAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, true, d => deals.AdvanceAsync(id, new DealAdvanceInput(DealRules.Next(d.Deal.Stage), Version, ContractId), ct), "DealPages.Advanced", ct);

    public Task<IActionResult> OnPostCloseAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, true, _ => deals.CloseAsync(id, new DealCloseInput(Reason, Note, Version), ct), "DealPages.ClosedMessage", ct);

    public Task<IActionResult> OnPostNoteAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, false, _ => deals.AddNoteAsync(id, new DealNoteInput(Text), ct), "DealPages.NoteAdded", ct);

    public async Task<IActionResult> OnPostDocumentAsync(Guid id, CancellationToken ct)
    {
        if (Upload is null)
        {
            return await ActAsync(id, false, _ => Task.FromResult<ServiceResult>(new ServiceResult.Invalid(new FieldErrors { { "file", [new Message("Deals.FileMissing")] } })), "", ct);
        }
        await using var content = Upload.OpenReadStream();
        return await ActAsync(id, false, _ => deals.AddDocumentAsync(id, new UploadedFile(Upload.FileName, content, Upload.Length), ct), "DealPages.DocumentAdded", ct);
    }

    private async Task<IActionResult> ActAsync(Guid id, bool confirmed, Func<DealDetailsDto, Task<ServiceResult>> act, string done, CancellationToken ct)
    {
        if (await deals.GetAsync(id, ct) is not { } d)
        {
            return NotFound();
        }
        Details = d;
        if (confirmed && !Confirm)
        {
            Errors.Add("confirm", new Message("Deals.ConfirmRequired"));
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var result = await act(d);
        if (result is ServiceResult.Ok)
        {
            TempData["Message"] = l[done].Value;
            return RedirectToPage("/Deals/Details", new { id });
        }
        if (PageResults.Refused(this, result, Errors, e => Failure = e) is { } answer)
        {
            return answer;
        }
        return Page();
    }
}
