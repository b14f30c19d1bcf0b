using System.Globalization;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.ServiceOrders;

/// <summary>What the service-order pages share: badges, the fee lines as the service prices them, the requester's user types, number display.</summary>
public static class ServiceOrderPages
{
    /// <summary>Sample rows the order form offers.</summary>
    public const int SampleRows = 5;

    public static string StatusBadge(ServiceOrderStatus s) => s switch
    {
        ServiceOrderStatus.Submitted => "text-bg-warning",
        ServiceOrderStatus.Quoted => "text-bg-info",
        ServiceOrderStatus.Accepted => "text-bg-primary",
        ServiceOrderStatus.InProgress => "text-bg-primary",
        ServiceOrderStatus.Reported => "text-bg-warning",
        ServiceOrderStatus.Completed => "text-bg-success",
        ServiceOrderStatus.Rejected => "text-bg-danger",
        _ => "text-bg-light border",
    };

    /// <summary>The fee schedule as <see cref="ServiceOrderService.Price"/> takes it.</summary>
    public static IReadOnlyList<FeeRef> Fees(ResourceDto r) =>
        r.Fees.Select(f => new FeeRef { ResourceId = r.Id, UserType = f.UserType, PriceFen = (long)Math.Round(f.Price * 100m), Unit = f.Unit, Note = f.Note }).ToList();

    /// <summary>The caller's organisations with the fee user type each would order as (the service's classification).</summary>
    public static async Task<IReadOnlyList<(Guid Id, string Name, FeeUserType UserType)>> RequesterTypesAsync(OrganizationDirectory organizations,
        ResourceDto r, CancellationToken ct)
    {
        var ids = organizations.MyOrganizationIds();
        if (ids.Count == 0)
        {
            return [];
        }
        var orgs = await organizations.Organizations().Where(o => ids.Contains(o.Id)).OrderBy(o => o.Name)
            .Select(o => new { o.Id, o.Name, o.Kind, o.RegionCode }).ToListAsync(ct);
        return orgs.Select(o => (o.Id, o.Name, BookingRulesCheck.Classify(o.Id == r.OrganizationId, o.Kind == OrganizationKind.Enterprise, o.RegionCode == r.RegionCode)))
            .ToList();
    }

    public static string Format(double v) => v.ToString("#,0.#", CultureInfo.InvariantCulture);

    public static string Format(decimal v) => v.ToString("#,0.##", CultureInfo.InvariantCulture);
}

public sealed class SampleRow
{
    public string? Name { get; set; }
    public string? Quantity { get; set; }
}

/// <summary>The order form as posted: items one per line, sample rows (blank rows ignored), purpose, organisation.</summary>
public sealed class ServiceOrderForm
{
    public string? Items { get; set; }
    public List<SampleRow> Samples { get; set; } = [];
    public string? Purpose { get; set; }
    public Guid? OrganizationId { get; set; }

    public IReadOnlyList<string> ItemLines => (Items ?? "").Split('\n').Select(x => x.Trim()).Where(x => x.Length > 0).ToList();

    /// <summary>The service's input, with the form row of each sample so the service's <c>samples[i]</c> errors land on the right row.</summary>
    public (ServiceOrderInput? Input, List<int> Rows, FieldErrors Errors) ToInput(Guid serviceId)
    {
        var errors = new FieldErrors();
        var rows = new List<int>();
        var samples = new List<SampleInput>();
        for (var i = 0; i < Samples.Count; i++)
        {
            var s = Samples[i];
            if (string.IsNullOrWhiteSpace(s.Name) && string.IsNullOrWhiteSpace(s.Quantity))
            {
                continue;
            }
            int? quantity = null;
            if (!string.IsNullOrWhiteSpace(s.Quantity))
            {
                if (int.TryParse(s.Quantity.Trim().Normalize(System.Text.NormalizationForm.FormKC), NumberStyles.None, CultureInfo.InvariantCulture, out var q))
                {
                    quantity = q;
                }
                else
                {
                    errors.Add($"samples[{i}].quantity", new Message("ServiceOrders.SampleQuantityNotInteger"));

                    continue;
                }
            }
            rows.Add(i);
            samples.Add(new SampleInput(s.Name, quantity));
        }
        return errors.Count > 0 ? (null, rows, errors) : (new ServiceOrderInput(serviceId, ItemLines, samples, Purpose, OrganizationId), rows, errors);
    }

    /// <summary>The service's errors with <c>samples[k]</c> (k-th sample sent) turned into the form row it came from.</summary>
    public static FieldErrors Translate(FieldErrors serviceErrors, List<int> rows)
    {
        var errors = new FieldErrors();
        foreach (var (field, reasons) in serviceErrors)
        {
            var key = field;
            if (field.StartsWith("samples[", StringComparison.Ordinal) && field.IndexOf(']', StringComparison.Ordinal) is var end and > 8 &&
                int.TryParse(field.AsSpan(8, end - 8), CultureInfo.InvariantCulture, out var k) && k < rows.Count)
            {
                key = $"samples[{rows[k]}]{field[(end + 1)..]}";
            }
            foreach (var reason in reasons)
            {
                errors.Add(key, reason);
            }
        }
        return errors;
    }
}
