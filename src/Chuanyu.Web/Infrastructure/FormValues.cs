using System.Globalization;

namespace Chuanyu.Web.Infrastructure;

/// <summary>Numbers and dates typed in a page's form, read the one way every feature's pages read them.</summary>
public static class FormValues
{
    /// <summary>A number typed in a form (full-width digits allowed); null when blank, the error added when not a number.</summary>
    public static decimal? Number(string? text, string field, FieldErrors errors, Message message)
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

    /// <summary>A date typed as yyyy-MM-dd (years 2000–2999); null when blank, the error added when not such a date.</summary>
    public static DateOnly? Date(string? text, string field, FieldErrors errors, Message message)
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
}
