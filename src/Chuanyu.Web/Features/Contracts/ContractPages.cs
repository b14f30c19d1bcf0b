using System.Globalization;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Contracts;

/// <summary>What the contract pages share: amounts as typed and shown, months, chart scales.</summary>
public static class ContractPages
{
    public static string Money(long fen) => Display.Money(fen / 100m);

    /// <summary>万元 with two decimals, as technology-market statistics are usually read.</summary>
    public static string TenThousands(long fen) => (fen / 1_000_000m).ToString("N2", CultureInfo.InvariantCulture);

    public static string MonthText(int yyyymm) => string.Create(CultureInfo.InvariantCulture, $"{yyyymm / 100}-{yyyymm % 100:00}");

    public static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An amount typed in 元 (up to two decimals, full-width digits accepted) as fen; null when blank (the rules say so), a field error when not an amount.</summary>
    public static long? Fen(string? text, string field, FieldErrors errors)
    {
        var yuan = FormValues.Number(text, field, errors, new Message("Contracts.AmountInvalid"));
        if (yuan is not { } y)
        {
            return null;
        }
        if (decimal.Round(y, 2) != y || y < 0 || y > ContractRules.MaxAmountFen / 100m)
        {
            errors.Add(field, new Message("Contracts.AmountInvalid"));
            return null;
        }
        return (long)(y * 100);
    }

    /// <summary>A number for an SVG attribute (invariant culture, one decimal).</summary>
    public static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
