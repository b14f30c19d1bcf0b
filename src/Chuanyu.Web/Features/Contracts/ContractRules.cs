using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Contracts;

/// <summary>A party's region as the registration form names it: a province-level GB/T 2260 code, or abroad.</summary>
public sealed record ContractRegion(string Code, string Name, string EnglishName)
{
    /// <summary>The name in the reader's language (the data file carries both).</summary>
    public string Display => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? EnglishName : Name;
}

/// <summary>The regions a buyer may be in (Data/Reference/contract-regions.csv) and the two that register contracts.</summary>
public static class ContractRegions
{
    public const string Chongqing = "500000";
    public const string Sichuan = "510000";

    /// <summary>A buyer outside China's mainland, Hong Kong, Macao and Taiwan: the platform's own code (GB/T 2260 has none; the 登记表 says 其它).</summary>
    public const string Abroad = "990000";

    /// <summary>The regions whose administrators register contracts (the seller is always in one of them).</summary>
    public static readonly IReadOnlyList<string> Registering = [Chongqing, Sichuan];

    public static IReadOnlyList<ContractRegion> All { get; } = Load();

    private static readonly Dictionary<string, ContractRegion> ByCode = All.ToDictionary(r => r.Code, StringComparer.Ordinal);

    public static ContractRegion? Find(string? code) => code is not null && ByCode.TryGetValue(code, out var r) ? r : null;

    public static string Name(string code) => Find(code)?.Display ?? code;

    /// <summary>The other of the two regions (川↔渝), or null for any other code.</summary>
    public static string? Partner(string code) => code == Chongqing ? Sichuan : code == Sichuan ? Chongqing : null;

    private static List<ContractRegion> Load()
    {
        using var stream = typeof(ContractRegions).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.contract-regions.csv")
            ?? throw new InvalidOperationException("contract-regions.csv is not embedded.");
        using var reader = new StreamReader(stream);
        _ = reader.ReadLine();
        var rows = new List<ContractRegion>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Split(',') is [var code, var name, var english])
            {
                rows.Add(new ContractRegion(code.Trim(), name.Trim(), english.Trim()));
            }
        }
        return rows;
    }
}

/// <summary>
/// The rules of a registration (docs/contracts.md): parties with valid credit codes, the seller in a region the caller
/// administers, amounts (transaction ≤ contract), dates in order, a known field, and the registration number in the
/// registering region's format.
/// </summary>
public static class ContractRules
{
    public const int RegistrationNumberLength = 14;
    public const int MaxNameLength = 200;
    public const int MaxReasonLength = 500;

    /// <summary>¥100亿 in fen: far above any one technology contract, far from overflow when summed.</summary>
    public const long MaxAmountFen = 1_000_000_000_000L;

    public const long MaxFileBytes = 20L << 20;
    public const long MaxFileRequestBytes = MaxFileBytes + (1L << 20);

    /// <summary>
    /// 合同登记编号 as the model technology contracts of 科学技术部 explain it (填写说明 of the 技术开发合同 form): 14 digits —
    /// the year's last two digits, the province (2), the prefecture (2), the registration office (2), and a 6-digit
    /// serial, short parts padded with zeros, division codes per GB/T 2260. Checked here: digits only; the year is the
    /// registration date's; the province is the seller's (the registering region); the prefecture exists in that
    /// province (Sichuan: a prefecture of divisions.csv; Chongqing: 01 市辖区 or 02 县, its two GB/T 2260 groups); the office
    /// and the serial are not zero.
    /// </summary>
    public static Message? CheckRegistrationNumber(string number, string sellerRegion, DateOnly registeredOn)
    {
        if (number.Length != RegistrationNumberLength || !number.All(char.IsAsciiDigit))
        {
            return new Message("Contracts.NumberFormat", RegistrationNumberLength);
        }
        if (int.Parse(number.AsSpan(0, 2), CultureInfo.InvariantCulture) != registeredOn.Year % 100)
        {
            return new Message("Contracts.NumberYear", (registeredOn.Year % 100).ToString("00", CultureInfo.InvariantCulture));
        }
        if (!sellerRegion.StartsWith(number[2..4], StringComparison.Ordinal))
        {
            return new Message("Contracts.NumberProvince", sellerRegion[..2]);
        }
        var prefecture = number[4..6];
        var known = sellerRegion == ContractRegions.Chongqing
            ? prefecture is "01" or "02"
            : ReferenceData.NameOf(number[2..6] + "00").Length > 0;
        if (!known)
        {
            return new Message("Contracts.NumberPrefecture", number[2..6] + "00");
        }
        if (number[6..8] == "00" || number[8..] == "000000")
        {
            return new Message("Contracts.NumberSerial");
        }
        return null;
    }

    /// <summary>
    /// The registration division of a unified social credit code (its 3rd–8th characters, GB 32100-2015): a seller whose
    /// code was issued in Sichuan or Chongqing must be in that region. Codes issued elsewhere (national registrations such
    /// as 中国科学院's institutes) say nothing about where the seller is, so they pass.
    /// </summary>
    public static bool CodeIssuedInOtherRegion(string creditCode, string sellerRegion) =>
        creditCode.Length == 18 && creditCode[2..4] is "50" or "51" && !sellerRegion.StartsWith(creditCode[2..4], StringComparison.Ordinal);

    /// <summary>Checks an input; returns the errors (empty when valid). <paramref name="regions"/> are those the caller administers.</summary>
    public static FieldErrors Check(TechContractInput input, IEnumerable<string> regions, DateOnly today)
    {
        var errors = new FieldErrors();
        Required(errors, "title", input.Title);
        if (input.Type is null)
        {
            errors.Add("type", new Message("Contracts.TypeRequired"));
        }
        Party(errors, "seller", input.SellerName, input.SellerCreditCode, input.SellerType, abroad: false);
        Party(errors, "buyer", input.BuyerName, input.BuyerCreditCode, input.BuyerType, abroad: input.BuyerRegion == ContractRegions.Abroad);
        var seller = input.SellerRegion;
        if (seller is null || !ContractRegions.Registering.Contains(seller))
        {
            errors.Add("sellerRegion", new Message("Contracts.SellerRegionUnknown"));
        }
        else if (!regions.Contains(seller))
        {
            // 技术合同认定登记管理办法: the contract is registered where the seller is; an administrator registers only their region's.
            errors.Add("sellerRegion", new Message("Contracts.SellerOutsideRegion", ContractRegions.Name(seller)));
        }
        else if (CreditCode.Check(input.SellerCreditCode) is null && CodeIssuedInOtherRegion(CreditCode.Normalize(input.SellerCreditCode), seller))
        {
            errors.Add("sellerCreditCode", new Message("Contracts.SellerCodeOtherRegion"));
        }
        if (ContractRegions.Find(input.BuyerRegion) is null)
        {
            errors.Add("buyerRegion", new Message("Contracts.BuyerRegionUnknown"));
        }
        if (input.ContractAmountFen is not { } contract || contract <= 0 || contract > MaxAmountFen)
        {
            errors.Add("contractAmountFen", new Message("Contracts.AmountInvalid"));
        }
        if (input.TransactionAmountFen is not { } transaction || transaction < 0 || transaction > MaxAmountFen)
        {
            errors.Add("transactionAmountFen", new Message("Contracts.AmountInvalid"));
        }
        else if (input.ContractAmountFen is { } c && transaction > c)
        {
            // 技术交易额 is the part of the contract amount approved as technology: never more than the contract amount.
            errors.Add("transactionAmountFen", new Message("Contracts.TransactionAboveContract"));
        }
        Dates(errors, input, today);
        if (DisciplineCodes.Find(input.Field) is null)
        {
            errors.Add("field", new Message("Contracts.FieldUnknown"));
        }
        var number = input.RegistrationNumber?.Trim() ?? "";
        if (number.Length == 0)
        {
            errors.Add("registrationNumber", new Message("Contracts.NumberRequired"));
        }
        else if (input.RegisteredOn is { } on && seller is not null && ContractRegions.Registering.Contains(seller)
            && CheckRegistrationNumber(number, seller, on) is { } numberError)
        {
            errors.Add("registrationNumber", numberError);
        }
        return errors;
    }

    private static void Required(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, new Message("Contracts.Required"));
        }
        else if (value.Trim().Length > MaxNameLength)
        {
            errors.Add(field, new Message("Contracts.TooLong", MaxNameLength));
        }
    }

    private static void Party(FieldErrors errors, string side, string? name, string? creditCode, ContractPartyType? type, bool abroad)
    {
        Required(errors, side + "Name", name);
        if (!abroad && CreditCode.Check(creditCode) is { } reason)
        {
            errors.Add(side + "CreditCode", reason);
        }
        if (type is null)
        {
            errors.Add(side + "Type", new Message("Contracts.PartyTypeRequired"));
        }
    }

    private static readonly DateOnly Latest = new(2100, 12, 31);

    private static void Dates(FieldErrors errors, TechContractInput input, DateOnly today)
    {
        var label = new Message("Contracts.DateLabel");
        foreach (var (field, value) in new[] { ("signedOn", input.SignedOn), ("startsOn", input.StartsOn), ("endsOn", input.EndsOn), ("registeredOn", input.RegisteredOn) })
        {
            if (value is not { } d)
            {
                errors.Add(field, new Message("Contracts.DateRequired"));
            }
            else if (DateLimits.Outside(d, DateLimits.Earliest, field is "signedOn" or "registeredOn" ? today : Latest, label) is { } outside)
            {
                errors.Add(field, outside);
            }
        }
        if (input.StartsOn is { } start && input.EndsOn is { } end && end < start)
        {
            errors.Add("endsOn", new Message("Contracts.EndBeforeStart"));
        }
        if (input.SignedOn is { } signed && input.RegisteredOn is { } registered && registered < signed)
        {
            errors.Add("registeredOn", new Message("Contracts.RegisteredBeforeSigned"));
        }
    }
}
