using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Evaluation;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.ServiceOrders;

/// <summary>What the service-order and evaluation pages share: badges, the fee lines as the service prices them, number parsing.</summary>
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

    public static string GradeBadge(EvaluationGrade g) => g switch
    {
        EvaluationGrade.Excellent => "text-bg-success",
        EvaluationGrade.Good => "text-bg-primary",
        EvaluationGrade.Pass => "text-bg-warning",
        _ => "text-bg-danger",
    };

    /// <summary>Bar colours of the grade chart (SVG presentation attributes, allowed by the CSP unlike inline styles).</summary>
    public static string GradeColour(EvaluationGrade g) => g switch
    {
        EvaluationGrade.Excellent => "#198754",
        EvaluationGrade.Good => "#0d6efd",
        EvaluationGrade.Pass => "#ffc107",
        _ => "#dc3545",
    };

    /// <summary>The fee schedule as <see cref="ServiceOrderService.Price"/> takes it.</summary>
    public static IReadOnlyList<ResourceFee> Fees(ResourceDto r) =>
        r.Fees.Select(f => new ResourceFee { UserType = f.UserType, PriceFen = (long)Math.Round(f.Price * 100m), Unit = f.Unit, Note = f.Note }).ToList();

    /// <summary>The caller's organisations with the fee user type each would order as (the service's classification).</summary>
    public static async Task<IReadOnlyList<(Guid Id, string Name, FeeUserType UserType)>> RequesterTypesAsync(AppDbContext db, CurrentUser me,
        ResourceDto r, CancellationToken ct)
    {
        var ids = me.Grants.Where(g => g.OrganizationId is not null).Select(g => g.OrganizationId!.Value).Distinct().ToList();
        if (ids.Count == 0)
        {
            return [];
        }
        var orgs = await db.Organizations.AsNoTracking().Where(o => ids.Contains(o.Id)).OrderBy(o => o.Name)
            .Select(o => new { o.Id, o.Name, o.Kind, o.RegionCode }).ToListAsync(ct);
        return orgs.Select(o => (o.Id, o.Name, BookingRulesCheck.Classify(o.Id == r.OrganizationId, o.Kind == OrganizationKind.Enterprise, o.RegionCode == r.RegionCode)))
            .ToList();
    }

    /// <summary>A number typed in a form (full-width digits allowed); null when blank, the error added when not a number.</summary>
    public static decimal? Number(string? text, string field, FieldErrors errors, string message)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var normal = text.Trim().Normalize(System.Text.NormalizationForm.FormKC).Replace(",", "", StringComparison.Ordinal);
        if (decimal.TryParse(normal, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) &&
            Math.Abs(v) < 1e12m)
        {
            return v;
        }
        errors.Add(field, message);
        return null;
    }

    public static DateOnly? Date(string? text, string field, FieldErrors errors, string message)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year is >= 2000 and < 3000)
        {
            return d;
        }
        errors.Add(field, message);
        return null;
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
                    errors.Add($"samples[{i}].quantity", "样品数量须为整数。");
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

/// <summary>The scheme form: up to ten indicator rows (a blank code skips the row), the grade thresholds, the version read.</summary>
public sealed class SchemeForm
{
    public const int Rows = 10;

    public string? Name { get; set; }
    public List<IndicatorRow> Indicators { get; set; } = [];
    public string? ExcellentFrom { get; set; }
    public string? GoodFrom { get; set; }
    public string? PassFrom { get; set; }
    public int? Version { get; set; }

    public sealed class IndicatorRow
    {
        public string? Code { get; set; }
        public string? Weight { get; set; }
        public string? Target { get; set; }
    }

    public static SchemeForm From(SchemeDto dto)
    {
        var s = dto.Scheme;
        var form = new SchemeForm
        {
            Name = s.Name,
            ExcellentFrom = Text(s.ExcellentFrom),
            GoodFrom = Text(s.GoodFrom),
            PassFrom = Text(s.PassFrom),
            Version = dto.Version,
        };
        form.Indicators.AddRange(s.Indicators.Select(i => new IndicatorRow { Code = i.Code, Weight = Text(i.Weight), Target = Text(i.Target) }));
        form.Pad();
        return form;
    }

    /// <summary>Fills the form up to <see cref="Rows"/> rows.</summary>
    public void Pad()
    {
        while (Indicators.Count < Rows)
        {
            Indicators.Add(new IndicatorRow());
        }
    }

    private static string Text(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    public (SchemeInput? Input, List<int> Rows, FieldErrors Errors) ToInput()
    {
        var errors = new FieldErrors();
        var rows = new List<int>();
        var indicators = new List<EvaluationIndicator>();
        for (var i = 0; i < Math.Min(Indicators.Count, Rows); i++)
        {
            var x = Indicators[i];
            if (string.IsNullOrWhiteSpace(x.Code))
            {
                continue;
            }
            var weight = ServiceOrderPages.Number(x.Weight, $"indicators[{i}].weight", errors, "权重须为数字，例如 20。");
            var target = ServiceOrderPages.Number(x.Target, $"indicators[{i}].target", errors, "满分值须为数字，例如 1400。");
            if (weight is null && !errors.ContainsKey($"indicators[{i}].weight"))
            {
                errors.Add($"indicators[{i}].weight", "请填写权重。");
            }
            if (target is null && !errors.ContainsKey($"indicators[{i}].target"))
            {
                errors.Add($"indicators[{i}].target", "请填写满分值。");
            }
            rows.Add(i);
            indicators.Add(new EvaluationIndicator(x.Code.Trim(), (double)(weight ?? 0), (double)(target ?? 0)));
        }
        double Threshold(string? text, string field) => (double)(ServiceOrderPages.Number(text, field, errors, "分数线须为数字。") ?? 0);
        var excellent = Threshold(ExcellentFrom, "thresholds");
        var good = Threshold(GoodFrom, "thresholds");
        var pass = Threshold(PassFrom, "thresholds");
        if (errors.Count > 0)
        {
            return (null, rows, errors);
        }
        return (new SchemeInput(new EvaluationScheme(Name ?? "", indicators, excellent, good, pass), Version), rows, errors);
    }

    /// <summary>The service's <c>indicators[k]</c> (k-th indicator sent) as the form row it came from.</summary>
    public static FieldErrors Translate(FieldErrors serviceErrors, List<int> rows)
    {
        var errors = new FieldErrors();
        foreach (var (field, reasons) in serviceErrors)
        {
            var key = field;
            if (field.StartsWith("indicators[", StringComparison.Ordinal) && field.IndexOf(']', StringComparison.Ordinal) is var end and > 11 &&
                int.TryParse(field.AsSpan(11, end - 11), CultureInfo.InvariantCulture, out var k) && k < rows.Count)
            {
                key = $"indicators[{rows[k]}]{field[(end + 1)..]}";
            }
            foreach (var reason in reasons)
            {
                errors.Add(key, reason);
            }
        }
        return errors;
    }
}
