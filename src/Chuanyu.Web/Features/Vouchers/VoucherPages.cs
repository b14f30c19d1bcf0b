using System.Globalization;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>
/// What the voucher pages share: money typed in 元 and ratios typed as percentages (both turned into the services'
/// integers exactly: fen, and a reduced fraction), the way a percentage or an amount is shown, and how a page answers a
/// refusal of the services (404 and 403 as such; anything else as the page's message).
/// </summary>
public static class VoucherPages
{
    /// <summary>A percentage is typed with at most two decimals: the fraction's denominator before reducing.</summary>
    public const int PercentDen = 10_000;

    /// <summary>An amount typed in 元 (thousand separators and full-width digits allowed, at most 2 decimals) as fen; null when blank.</summary>
    public static long? Fen(string? text, string field, FieldErrors errors)
    {
        var invalid = new Message("VoucherPages.MoneyInvalid");
        var yuan = FormValues.Number(text, field, errors, invalid);
        if (yuan is not { } v)
        {
            return null;
        }
        var fen = v * 100m;
        if (v < 0 || fen != decimal.Truncate(fen))
        {
            errors.Add(field, invalid);
            return null;
        }
        return (long)fen;
    }

    /// <summary>A percentage (above 0, at most 100, at most 2 decimals) as a reduced fraction; null when blank.</summary>
    public static (int Num, int Den)? Ratio(string? text, string field, FieldErrors errors)
    {
        var invalid = new Message("VoucherPages.PercentInvalid");
        var percent = FormValues.Number(text, field, errors, invalid);
        if (percent is not { } p)
        {
            return null;
        }
        var hundredths = p * 100m;
        if (p <= 0 || p > 100 || hundredths != decimal.Truncate(hundredths))
        {
            errors.Add(field, invalid);
            return null;
        }
        return VoucherProgrammes.Reduce((int)hundredths, PercentDen);
    }

    /// <summary>Face values typed in 元, one per line or separated by spaces, 、 or ；, as fen.</summary>
    public static List<long> FaceValues(string? text, string field, FieldErrors errors)
    {
        var values = new List<long>();
        foreach (var part in (text ?? "").Split(['\n', '\r', ' ', '\t', '、', ';', '；', '，'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (Fen(part, field, errors) is { } fen)
            {
                values.Add(fen);
            }
        }
        return values;
    }

    /// <summary>A date as the pages show dates: 2026-12-31.</summary>
    public static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An amount in fen as the pages show money: ¥50,000.00.</summary>
    public static string Money(long fen) => Display.Money(fen / 100m);

    /// <summary>An amount in fen as a form field holds it, in 元: 50000 or 50000.5.</summary>
    public static string YuanText(long? fen) => fen is { } f ? (f / 100m).ToString("0.##", CultureInfo.InvariantCulture) : "";

    /// <summary>A ratio as a percentage: 1/3 → 33.33 (rounded to 2 decimals for display only).</summary>
    public static string PercentText(int num, int den) => Math.Round(num * 100m / den, 2).ToString("0.##", CultureInfo.InvariantCulture);

    public static string Percent(int num, int den) => PercentText(num, den) + " %";

    /// <summary>Categories as a list said in the reader's language.</summary>
    public static string Categories(IEnumerable<VoucherServiceCategory> list) =>
        string.Join(new Message("Search.ListSeparator").ToString(), list.Select(c => Messages.Label(c).ToString()));

    /// <summary>The label key of a region code (the two regions the platform serves).</summary>
    public static string RegionKey(string code) => $"Search.Region.{code}";

    public static string StatusBadge(VoucherRedemptionStatus s) => s switch
    {
        VoucherRedemptionStatus.Reserved => "text-bg-info",
        VoucherRedemptionStatus.Submitted => "text-bg-warning",
        VoucherRedemptionStatus.Approved => "text-bg-primary",
        VoucherRedemptionStatus.Paid => "text-bg-success",
        VoucherRedemptionStatus.Rejected => "text-bg-danger",
        _ => "text-bg-light border",
    };

    /// <summary>The content type of a stored proof by its name (PDF or an image).</summary>
    public static string ContentType(string fileName) =>
        new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider().TryGetContentType(fileName, out var type) ? type : "application/octet-stream";

    public static string StatusBadge(VoucherStatus s) => s == VoucherStatus.Active ? "text-bg-success" : "text-bg-light border";

    public static string StatusBadge(VoucherProgrammeStatus s) => s switch
    {
        VoucherProgrammeStatus.Open => "text-bg-success",
        VoucherProgrammeStatus.Draft => "text-bg-secondary",
        _ => "text-bg-light border",
    };

    public static string StatusBadge(VoucherApplicationStatus s) => s switch
    {
        VoucherApplicationStatus.Approved => "text-bg-success",
        VoucherApplicationStatus.Drawn => "text-bg-info",
        VoucherApplicationStatus.Submitted => "text-bg-warning",
        VoucherApplicationStatus.Rejected => "text-bg-danger",
        _ => "text-bg-light border",
    };

    public static string StatusBadge(VoucherProviderStatus s) => s switch
    {
        VoucherProviderStatus.Approved => "text-bg-success",
        VoucherProviderStatus.Pending => "text-bg-warning",
        VoucherProviderStatus.Rejected => "text-bg-danger",
        _ => "text-bg-light border",
    };
}

/// <summary>A programme's terms as the form holds them: money in 元, ratios in percent, dates as yyyy-MM-dd.</summary>
public sealed class VoucherProgrammeForm
{
    public string? Code { get; set; }
    public string? Name { get; set; }
    public string? IssuerDivisionCode { get; set; }
    public int? Year { get; set; }
    public VoucherMode? Mode { get; set; }
    public string? FaceValues { get; set; }
    public string? Ratio { get; set; }
    public string? NetworkMemberRatio { get; set; }
    public string? ScienceProjectRatio { get; set; }
    public string? PerClaimCap { get; set; }
    public string? AnnualCap { get; set; }
    public int? VouchersPerEnterprise { get; set; }
    public List<VoucherServiceCategory> Categories { get; set; } = [];
    public bool AllowOtherRegion { get; set; }
    public VoucherAllocation? Allocation { get; set; }
    public string? ApplyFrom { get; set; }
    public string? ApplyUntil { get; set; }
    public string? UseUntil { get; set; }
    public string? RedeemUntil { get; set; }
    public int? Version { get; set; }

    /// <summary>The form of an existing programme (to edit it).</summary>
    public static VoucherProgrammeForm Of(VoucherProgrammeDto p)
    {
        string? RuleText(VoucherRatioCondition c) =>
            p.RatioRules.FirstOrDefault(r => r.Condition == c) is { } r ? VoucherPages.PercentText(r.RatioNum, r.RatioDen) : null;
        return new VoucherProgrammeForm
        {
            Code = p.Code,
            Name = p.Name,
            IssuerDivisionCode = p.IssuerDivisionCode,
            Year = p.Year,
            Mode = p.Mode,
            FaceValues = string.Join(" ", p.FaceValuesFen.Select(f => VoucherPages.YuanText(f))),
            Ratio = VoucherPages.PercentText(p.RatioNum, p.RatioDen),
            NetworkMemberRatio = RuleText(VoucherRatioCondition.NetworkMember),
            ScienceProjectRatio = RuleText(VoucherRatioCondition.MunicipalScienceProject),
            PerClaimCap = VoucherPages.YuanText(p.PerClaimCapFen),
            AnnualCap = VoucherPages.YuanText(p.AnnualCapFen),
            VouchersPerEnterprise = p.VouchersPerEnterprise,
            Categories = [.. p.Categories],
            AllowOtherRegion = p.AllowOtherRegion,
            Allocation = p.Allocation,
            ApplyFrom = VoucherPages.Day(p.ApplyFrom),
            ApplyUntil = VoucherPages.Day(p.ApplyUntil),
            UseUntil = VoucherPages.Day(p.UseUntil),
            RedeemUntil = VoucherPages.Day(p.RedeemUntil),
            Version = p.Version,
        };
    }

    /// <summary>The service's input, or the errors of what could not be read (named as the service names its fields).</summary>
    public (VoucherProgrammeInput? Input, FieldErrors Errors) ToInput()
    {
        var errors = new FieldErrors();
        var faces = VoucherPages.FaceValues(FaceValues, "faceValuesFen", errors);
        var ratio = VoucherPages.Ratio(Ratio, "ratio", errors);
        var network = VoucherPages.Ratio(NetworkMemberRatio, "networkMemberRatio", errors);
        var science = VoucherPages.Ratio(ScienceProjectRatio, "scienceProjectRatio", errors);
        var perClaim = VoucherPages.Fen(PerClaimCap, "perClaimCapFen", errors);
        var annual = VoucherPages.Fen(AnnualCap, "annualCapFen", errors);
        var dateInvalid = new Message("VoucherPages.DateInvalid");
        var applyFrom = FormValues.Date(ApplyFrom, "applyUntil", errors, dateInvalid);
        var applyUntil = FormValues.Date(ApplyUntil, "applyUntil", errors, dateInvalid);
        var useUntil = FormValues.Date(UseUntil, "useUntil", errors, dateInvalid);
        var redeemUntil = FormValues.Date(RedeemUntil, "redeemUntil", errors, dateInvalid);
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new VoucherProgrammeInput(Code, Name, string.IsNullOrWhiteSpace(IssuerDivisionCode) ? null : IssuerDivisionCode, Year, Mode, faces,
            ratio?.Num, ratio?.Den, perClaim, annual, VouchersPerEnterprise, Categories, AllowOtherRegion, Allocation,
            applyFrom, applyUntil, useUntil, redeemUntil, network?.Num, network?.Den, science?.Num, science?.Den, Version), errors);
    }
}

/// <summary>The programme form as the partial _ProgrammeForm renders it: the values, their errors, the divisions the region may issue to.</summary>
public sealed record VoucherProgrammeFormView(VoucherProgrammeForm Form, FieldErrors Errors, string RegionCode, IReadOnlyList<(string Code, string Name)> Divisions,
    string Handler, string Submit);
