using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.Contracts;

/// <summary>What the registration form posts: text as typed (amounts in 元), read into a <see cref="TechContractInput"/>.</summary>
public sealed class ContractForm
{
    public string? RegistrationNumber { get; set; }
    public string? Title { get; set; }
    public ContractType? Type { get; set; }
    public string? SellerName { get; set; }
    public string? SellerCreditCode { get; set; }
    public string? SellerRegion { get; set; }
    public ContractPartyType? SellerType { get; set; }
    public string? BuyerName { get; set; }
    public string? BuyerCreditCode { get; set; }
    public string? BuyerRegion { get; set; }
    public ContractPartyType? BuyerType { get; set; }
    public string? ContractAmount { get; set; }
    public string? TransactionAmount { get; set; }
    public string? SignedOn { get; set; }
    public string? StartsOn { get; set; }
    public string? EndsOn { get; set; }
    public string? RegisteredOn { get; set; }
    public string? Field { get; set; }
    public int? Version { get; set; }

    /// <summary>The input, and the errors of what could not be read (they replace the service's for the same field).</summary>
    public (TechContractInput Input, FieldErrors Errors) Read()
    {
        var errors = new FieldErrors();
        var bad = new Message("Contracts.DateRequired");
        var input = new TechContractInput(RegistrationNumber, Title, Type, SellerName, SellerCreditCode, SellerRegion, SellerType, null,
            BuyerName, BuyerCreditCode, BuyerRegion, BuyerType, null,
            ContractPages.Fen(ContractAmount, "contractAmountFen", errors), ContractPages.Fen(TransactionAmount, "transactionAmountFen", errors),
            FormValues.Date(SignedOn, "signedOn", errors, bad), FormValues.Date(StartsOn, "startsOn", errors, bad),
            FormValues.Date(EndsOn, "endsOn", errors, bad), FormValues.Date(RegisteredOn, "registeredOn", errors, bad),
            Field?.Trim(), Version: Version);
        return (input, errors);
    }

    public static ContractForm Of(TechContractDto c) => new()
    {
        RegistrationNumber = c.RegistrationNumber,
        Title = c.Title,
        Type = c.Type,
        SellerName = c.SellerName,
        SellerCreditCode = c.SellerCreditCode,
        SellerRegion = c.SellerRegion,
        SellerType = c.SellerType,
        BuyerName = c.BuyerName,
        BuyerCreditCode = c.BuyerCreditCode,
        BuyerRegion = c.BuyerRegion,
        BuyerType = c.BuyerType,
        ContractAmount = (c.ContractAmountFen / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
        TransactionAmount = (c.TransactionAmountFen / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
        SignedOn = ContractPages.Iso(c.SignedOn),
        StartsOn = ContractPages.Iso(c.StartsOn),
        EndsOn = ContractPages.Iso(c.EndsOn),
        RegisteredOn = ContractPages.Iso(c.RegisteredOn),
        Field = c.Field,
        Version = c.Version,
    };
}

/// <summary>Registers a contract of the administrator's region with its file (PDF), or corrects one (<c>id</c>): every field marked in Chinese on error.</summary>
[Authorize(Policy = Policies.AnyRegionAdmin)]
public sealed class ContractRegisterModel(TechContracts contracts, TimeProvider clock, IStringLocalizer<SharedResource> l) : PageModel
{
    [BindProperty] public ContractForm Form { get; set; } = new();
    [BindProperty] public IFormFile? Upload { get; set; }

    public TechContractDto? Existing { get; private set; }
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }
    public IReadOnlyList<string> Regions => contracts.ManagedRegions;

    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }
        var today = ContractPages.Iso(ChinaTime.Today(clock));
        Form = Existing is null ? new ContractForm { SellerRegion = Regions[0], RegisteredOn = today } : ContractForm.Of(Existing);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid? id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }
        var (input, formErrors) = Form.Read();
        ServiceResult result;
        Guid target;
        if (id is { } existing)
        {
            (target, result) = (existing, await contracts.CorrectAsync(existing, input, ct));
        }
        else if (Upload is null)
        {
            // The page registers a contract with its file; the API may attach it afterwards.
            var errors = new FieldErrors();
            errors.Add("file", new Message("Contracts.FileMissing"));
            (target, result) = (Guid.Empty, new ServiceResult.Invalid(errors));
        }
        else
        {
            await using var content = Upload.OpenReadStream();
            var (created, outcome) = await contracts.RegisterAsync(input, new UploadedFile(Upload.FileName, content, Upload.Length), ct);
            (target, result) = (created?.Id ?? Guid.Empty, outcome);
        }
        if (result is ServiceResult.Ok && formErrors.Count == 0)
        {
            TempData["Message"] = l[id is null ? "ContractPages.Registered" : "ContractPages.Corrected"].Value;
            return RedirectToPage("/Contracts/Details", new { id = target });
        }
        if (PageResults.Refused(this, result, out var serviceErrors, out var failure) is { } answer)
        {
            return answer;
        }
        foreach (var (field, reasons) in formErrors)
        {
            serviceErrors[field] = reasons;
        }
        if (serviceErrors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        (Errors, Failure) = (serviceErrors, failure);
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(Guid? id, CancellationToken ct)
    {
        if (Regions.Count == 0)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        if (id is not { } contractId)
        {
            return null;
        }
        var c = await contracts.GetAsync(contractId, ct);
        if (c is null)
        {
            return NotFound();
        }
        if (!c.CanManage || c.Status != TechContractStatus.Registered)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        Existing = c;
        return null;
    }
}
