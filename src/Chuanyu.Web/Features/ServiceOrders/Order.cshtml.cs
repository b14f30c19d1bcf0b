using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features.ServiceOrders;

/// <summary>
/// Ordering testing (送样检测下单) from a published testing service or instrument: the fee schedule, the form (test
/// items one per line, sample rows, purpose, the organisation when the caller has several) and the estimated fee when
/// the schedule charges per sample or item. Field errors stand beside their inputs; a broken rule is an alert (422).
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class ServiceOrderCreateModel(OrganizationDirectory organizations, ServiceOrderService orders, CatalogService catalog,
    IStringLocalizer<SharedResource> l, VoucherHoldings vouchers) : PageModel
{
    private static readonly HashSet<string> FormFields = ["items", "samples", "purpose", "organizationId"];

    [BindProperty] public ServiceOrderForm Form { get; set; } = new();

    public ResourceDto Resource { get; private set; } = null!;
    public IReadOnlyList<FeeRef> Fees { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name, FeeUserType UserType)> Organizations { get; private set; } = [];
    public FieldErrors Errors { get; private set; } = new();
    public string? Failure { get; private set; }

    /// <summary>The fee user type the order would be placed as (the chosen or only organisation), if known.</summary>
    public FeeUserType? UserType
    {
        get
        {
            var chosen = Form.OrganizationId is { } o ? Organizations.Where(x => x.Id == o).ToList() : Organizations.Count == 1 ? [Organizations[0]] : [];
            return chosen.Count == 1 ? chosen[0].UserType : null;
        }
    }

    /// <summary>The fee line for <see cref="UserType"/>.</summary>
    public FeeRef? Line => UserType is { } t ? ServiceOrderService.PriceLine(Fees, t) : null;

    /// <summary>The estimated fee for the samples and items in the form (null when hourly, or nothing is typed yet).</summary>
    public OrderPrice? Estimate
    {
        get
        {
            if (UserType is not { } t || Line is not { } line || BookingRulesCheck.IsHourly(line.Unit))
            {
                return null;
            }
            var samples = Form.Samples.Sum(s => int.TryParse(s.Quantity, out var q) && q > 0 ? q : 0);
            var items = Form.ItemLines.Count;
            return samples == 0 ? null : ServiceOrderService.Price(Fees, t, samples, Math.Max(items, 1), null);
        }
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        Form.Samples = [.. Enumerable.Range(0, ServiceOrderPages.SampleRows).Select(_ => new SampleRow())];
        return Page();
    }

    /// <summary>Recomputes the estimate for what is typed, without ordering.</summary>
    public async Task<IActionResult> OnPostEstimateAsync(Guid id, CancellationToken ct)
    {
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        Pad();
        if (Estimate is { FeeFen: > 0 } estimate && (Form.OrganizationId ?? (Organizations.Count == 1 ? Organizations[0].Id : null)) is { } organization)
        {
            // vredeem: what the best voucher the organisation holds would pay of the estimate, before the user orders.
            var best = await vouchers.EstimatesAsync(Resource.Id, VoucherServiceCategory.Testing, estimate.FeeFen, organization, ct);
            VoucherEstimate = best is [var first, ..] ? first : new VoucherEstimate(null, estimate.FeeFen, 0, estimate.FeeFen);
        }
        return Page();
    }

    /// <summary>What the best voucher the organisation holds would pay of <see cref="Estimate"/> (after "estimate").</summary>
    public VoucherEstimate? VoucherEstimate { get; private set; }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var refused = await LoadAsync(id, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (Resource.SharingStatus == SharingStatus.UnderMaintenance)
        {
            // The page says why (once) and offers no form; a post sent anyway changes nothing.
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        Pad();
        var (input, rows, parseErrors) = Form.ToInput(id);
        if (input is null)
        {
            Errors = parseErrors;
            return Page();
        }
        var (created, result) = await orders.CreateAsync(input, ct);
        switch (result)
        {
            case ServiceResult.Ok:
                TempData["Message"] = l["Order.Created", created!.Number].Value;
                return RedirectToPage("/ServiceOrders/ServiceOrder", new { id = created.Id });
            case ServiceResult.NotFound:
                return NotFound();
            case ServiceResult.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            case ServiceResult.Invalid invalid:
                Errors = ServiceOrderForm.Translate(invalid.Errors, rows);
                var elsewhere = Errors.Where(e => !FormFields.Contains(e.Key) && !e.Key.StartsWith("samples[", StringComparison.Ordinal))
                    .SelectMany(e => e.Value).ToList();
                Failure = elsewhere.Count > 0 ? string.Join(" ", elsewhere) : null;
                break;
            default:
                Failure = result.FailureMessage;
                Response.StatusCode = result is ServiceResult.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
                break;
        }
        return Page();
    }

    private void Pad()
    {
        while (Form.Samples.Count < ServiceOrderPages.SampleRows)
        {
            Form.Samples.Add(new SampleRow());
        }
        if (Form.Samples.Count > ServiceOrderService.MaxLines + 1)
        {
            Form.Samples = Form.Samples.Take(ServiceOrderService.MaxLines + 1).ToList();
        }
    }

    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        var resource = await catalog.GetAsync(id, ct);
        if (resource is null || !ServiceOrderService.IsOrderable(resource.Kind))
        {
            return NotFound();
        }
        Resource = resource;
        Fees = ServiceOrderPages.Fees(resource);
        Organizations = await ServiceOrderPages.RequesterTypesAsync(organizations, resource, ct);
        return null;
    }
}
