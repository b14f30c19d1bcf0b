using System.Globalization;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>What the catalogue pages share: the caller's managed organisations, the district and class choices, money as shown.</summary>
public static class CatalogPages
{
    /// <summary>Whether to show the manager's links (nav, "my resources").</summary>
    public static bool IsManager(CurrentUser me) => me.ManagedOrganizations.Count > 0;

    /// <summary>An original value as national sharing statistics state it: 万元, up to four decimals (so whole yuan survive).</summary>
    public static string TenThousandYuan(decimal yuan) => (yuan / 10_000m).ToString("#,0.####", CultureInfo.InvariantCulture);

    public static string Yuan(decimal yuan) => yuan.ToString("#,0.00", CultureInfo.InvariantCulture);

    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);


    /// <summary>One choosable district: county-level divisions of both regions, grouped by region (and prefecture in Sichuan).</summary>
    public sealed record DistrictChoice(string Code, string Name, string Group);

    public static async Task<IReadOnlyList<DistrictChoice>> DistrictChoicesAsync(RegionDirectory divisions, CancellationToken ct)
    {
        var regions = await divisions.Regions().OrderBy(r => r.SortOrder).ToListAsync(ct);
        var all = await divisions.Districts().ToListAsync(ct);
        var names = all.ToDictionary(d => d.Code, d => d.Name);
        return all.Where(d => d.Level == DistrictLevel.County)
            .Select(d =>
            {
                var region = regions.First(r => r.Code == d.RegionCode);
                var group = d.ParentCode is { } p && names.TryGetValue(p, out var parent) ? $"{region.Name} · {parent}" : region.Name;
                return (Order: region.SortOrder, Choice: new DistrictChoice(d.Code, d.Name, group));
            })
            .OrderBy(x => x.Order).ThenBy(x => x.Choice.Code, StringComparer.Ordinal)
            .Select(x => x.Choice).ToList();
    }

    /// <summary>"重庆市 › 沙坪坝区" or "四川省 › 成都市 › 武侯区".</summary>
    public static async Task<string> PlaceAsync(RegionDirectory divisions, string regionCode, string districtCode, CancellationToken ct)
    {
        var region = await divisions.Regions().Where(r => r.Code == regionCode).Select(r => r.Name).FirstOrDefaultAsync(ct) ?? regionCode;
        var district = await divisions.Districts().FirstOrDefaultAsync(d => d.Code == districtCode, ct);
        if (district is null)
        {
            return region;
        }
        var parent = district.ParentCode is { } p ? await divisions.Districts().Where(d => d.Code == p).Select(d => d.Name).FirstOrDefaultAsync(ct) : null;
        return parent is null ? $"{region} › {district.Name}" : $"{region} › {parent} › {district.Name}";
    }
}

/// <summary>One fee row of the form: one per user type, left empty when that user type has no published fee.</summary>
public sealed class FeeRowForm
{
    public FeeUserType UserType { get; set; }
    public string? Price { get; set; }
    public string? Unit { get; set; }
    public string? Note { get; set; }
}

/// <summary>
/// The resource form as posted. Numbers and dates arrive as text and are parsed here, so a wrong value is a field
/// error beside its input (in the reader's language) rather than a silent null; the rules themselves are <see cref="CatalogService"/>'s.
/// Error keys are the service's (<c>name</c>, <c>originalValue</c> …), with fee and certificate rows keyed by their
/// user type or certificate type (<c>fee.Enterprise.price</c>, <c>cmaNumber</c>) because the form has one row each.
/// </summary>
public sealed class ResourceForm
{
    public ResourceKind? Kind { get; set; }
    public string? Name { get; set; }
    public string? EnglishName { get; set; }
    public Guid? OrganizationId { get; set; }
    public string? DistrictCode { get; set; }
    public string? Address { get; set; }
    public SharingStatus? SharingStatus { get; set; }
    public string? CategoryCode { get; set; }
    public string? Model { get; set; }
    public string? Manufacturer { get; set; }
    public string? CountryOfOrigin { get; set; }
    public string? OriginalValue { get; set; }
    public string? PurchaseDate { get; set; }
    public string? TechnicalIndicators { get; set; }
    public string? MainFunctions { get; set; }
    public string? ApplicationFields { get; set; }
    public string? Keywords { get; set; }
    public string? ContactName { get; set; }
    public string? ContactPhone { get; set; }
    public string? ContactEmail { get; set; }
    public List<FeeRowForm> Fees { get; set; } = [];
    public string? CmaNumber { get; set; }
    public string? CmaExpiresOn { get; set; }
    public string? CnasNumber { get; set; }
    public string? CnasExpiresOn { get; set; }
    public int? Version { get; set; }

    public static ResourceForm Blank(Guid? organizationId, string? districtCode) => new()
    {
        Kind = ResourceKind.Instrument,
        SharingStatus = Catalog.SharingStatus.OpenToAll,
        OrganizationId = organizationId,
        DistrictCode = districtCode,
        Fees = Enum.GetValues<FeeUserType>().Select(t => new FeeRowForm { UserType = t }).ToList(),
    };

    public static ResourceForm From(ResourceDto r)
    {
        var cma = r.Certifications.FirstOrDefault(c => c.Type == CertificationType.Cma);
        var cnas = r.Certifications.FirstOrDefault(c => c.Type == CertificationType.Cnas);
        return new()
        {
            Kind = r.Kind,
            Name = r.Name,
            EnglishName = r.EnglishName,
            OrganizationId = r.OrganizationId,
            DistrictCode = r.DistrictCode,
            Address = r.Address,
            SharingStatus = r.SharingStatus,
            CategoryCode = r.CategoryCode,
            Model = r.Model,
            Manufacturer = r.Manufacturer,
            CountryOfOrigin = r.CountryOfOrigin,
            OriginalValue = r.OriginalValue?.ToString("0.##", CultureInfo.InvariantCulture),
            PurchaseDate = r.PurchaseDate is { } d ? CatalogPages.Date(d) : null,
            TechnicalIndicators = r.TechnicalIndicators,
            MainFunctions = r.MainFunctions,
            ApplicationFields = r.ApplicationFields,
            Keywords = r.Keywords,
            ContactName = r.ContactName,
            ContactPhone = r.ContactPhone,
            ContactEmail = r.ContactEmail,
            Fees = Enum.GetValues<FeeUserType>().Select(t => r.Fees.FirstOrDefault(f => f.UserType == t) is { } f
                ? new FeeRowForm { UserType = t, Price = f.Price.ToString("0.00", CultureInfo.InvariantCulture), Unit = f.Unit, Note = f.Note }
                : new FeeRowForm { UserType = t }).ToList(),
            CmaNumber = cma?.Number,
            CmaExpiresOn = cma?.ExpiresOn is { } ce ? CatalogPages.Date(ce) : null,
            CnasNumber = cnas?.Number,
            CnasExpiresOn = cnas?.ExpiresOn is { } ne ? CatalogPages.Date(ne) : null,
            Version = r.Version,
        };
    }

    /// <summary>The fee row of a user type (the form always shows all four).</summary>
    public FeeRowForm Fee(FeeUserType type)
    {
        var row = Fees.FirstOrDefault(f => f.UserType == type);
        if (row is null)
        {
            row = new FeeRowForm { UserType = type };
            Fees.Add(row);
        }
        return row;
    }

    /// <summary>The service's input, or the field errors of values that are not even numbers or dates.</summary>
    public (ResourceInput? Input, FieldErrors Errors, Func<string, string> ErrorKey) ToInput()
    {
        var errors = new FieldErrors();
        var value = ParseMoney(OriginalValue, "originalValue", new Message("Catalog.OriginalValueNotNumber"), errors);
        var purchased = ParseDate(PurchaseDate, "purchaseDate", new Message("Catalog.PurchaseDateFormat"), errors);

        var feeTypes = new List<FeeUserType>();
        var fees = new List<FeeInput>();
        foreach (var row in Enum.GetValues<FeeUserType>().Select(Fee))
        {
            if (Blank(row.Price) && Blank(row.Unit) && Blank(row.Note))
            {
                continue;
            }
            var price = ParseMoney(row.Price, $"fee.{row.UserType}.price", new Message("Catalog.PriceNotNumber"), errors);
            feeTypes.Add(row.UserType);
            fees.Add(new FeeInput(row.UserType, price, row.Unit, row.Note));
        }

        var certTypes = new List<CertificationType>();
        var certs = new List<CertificationInput>();
        foreach (var (type, number, expires) in new[] { (CertificationType.Cma, CmaNumber, CmaExpiresOn), (CertificationType.Cnas, CnasNumber, CnasExpiresOn) })
        {
            if (Blank(number) && Blank(expires))
            {
                continue;
            }
            var on = ParseDate(expires, $"{CertPrefix(type)}ExpiresOn", new Message("Catalog.ExpiryDateFormat"), errors);
            certTypes.Add(type);
            certs.Add(new CertificationInput(type, number, on));
        }

        string Key(string serviceKey)
        {
            // fees[1].price → fee.SameRegion.price; certifications[0].number → cmaNumber
            if (TryRow(serviceKey, "fees[", out var i, out var rest) && i < feeTypes.Count)
            {
                return $"fee.{feeTypes[i]}{rest}";
            }
            if (TryRow(serviceKey, "certifications[", out i, out rest) && i < certTypes.Count)
            {
                return rest switch
                {
                    ".number" => $"{CertPrefix(certTypes[i])}Number",
                    ".expiresOn" => $"{CertPrefix(certTypes[i])}ExpiresOn",
                    _ => "certifications",
                };
            }
            return serviceKey;
        }

        if (errors.Count > 0)
        {
            return (null, errors, Key);
        }
        return (new ResourceInput(Kind, Name, EnglishName, OrganizationId, DistrictCode, Address, SharingStatus, CategoryCode, Model, Manufacturer,
            CountryOfOrigin, value, purchased, TechnicalIndicators, MainFunctions, ApplicationFields, Keywords, ContactName, ContactPhone, ContactEmail,
            fees, certs, Version), errors, Key);
    }

    /// <summary>The service's errors under the form's keys.</summary>
    public static FieldErrors Translate(FieldErrors serviceErrors, Func<string, string> key)
    {
        var errors = new FieldErrors();
        foreach (var (field, reasons) in serviceErrors)
        {
            foreach (var reason in reasons)
            {
                errors.Add(key(field), reason);
            }
        }
        return errors;
    }

    private static bool TryRow(string key, string prefix, out int index, out string rest)
    {
        index = -1;
        rest = "";
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var close = key.IndexOf(']', StringComparison.Ordinal);
        if (close < 0 || !int.TryParse(key.AsSpan(prefix.Length, close - prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out index))
        {
            return false;
        }
        rest = key[(close + 1)..];
        return true;
    }

    private static string CertPrefix(CertificationType type) => type == CertificationType.Cma ? "cma" : "cnas";

    private static bool Blank(string? s) => string.IsNullOrWhiteSpace(s);

    private static decimal? ParseMoney(string? text, string field, Message message, FieldErrors errors)
    {
        if (Blank(text))
        {
            return null;
        }
        // Full-width digits and separators (１２３，５) are what a Chinese IME often types.
        var normal = text!.Trim().Normalize(System.Text.NormalizationForm.FormKC).Replace(",", "", StringComparison.Ordinal).Replace("¥", "", StringComparison.Ordinal).Trim();
        if (decimal.TryParse(normal, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }
        errors.Add(field, message);
        return null;
    }

    private static DateOnly? ParseDate(string? text, string field, Message message, FieldErrors errors)
    {
        if (Blank(text))
        {
            return null;
        }
        if (DateOnly.TryParseExact(text!.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }
        errors.Add(field, message);
        return null;
    }
}

/// <summary>What the shared form partial needs.</summary>
public sealed record ResourceFormView(
    ResourceForm Form, FieldErrors Errors, IReadOnlyList<CatalogPages.DistrictChoice> Districts,
    IReadOnlyList<(Guid Id, string Name)>? Organizations, string? OrganizationName)
{
    public string Invalid(string field) => Errors.CssFor(field);

    public string? Error(string field) => Errors.Message(field);
}
