using System.Text;
using System.Text.RegularExpressions;

namespace Chuanyu.Web.Features.Catalog;

/// <summary>
/// A record's public contact (联系方式), shown to everyone on its page and in the catalogue API: the shared phone of a
/// lab or service desk and its mailbox, which the manager sets — not a person's private number (the form says so).
/// The phone is one number as China writes them; the mailbox an ordinary address. Full-width characters typed with a
/// Chinese input method (０２３－６５１０００００) are read as their ASCII forms, and stored so.
/// </summary>
public static partial class PublicContact
{
    /// <summary>The value as stored: trimmed, full-width forms folded (NFKC); null when empty.</summary>
    public static string? Normalize(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim().Normalize(NormalizationForm.FormKC);

    /// <summary>
    /// One Chinese phone number: a landline with its area code (010, 023, 028, 0816 …; 7- or 8-digit local number;
    /// an extension after -, 转 or ext), an 11-digit mobile number (1[3-9]…, +86 allowed), or a 400/800 service line.
    /// </summary>
    public static bool IsPhone(string value) => Phone().IsMatch(value);

    /// <summary>An ordinary mailbox: ASCII local part and a dotted domain (RFC 5321's lengths: 64 and 254).</summary>
    public static bool IsEmail(string value)
    {
        if (value.Length > 254 || !Email().IsMatch(value))
        {
            return false;
        }
        var local = value[..value.IndexOf('@', StringComparison.Ordinal)];
        return local.Length <= 64 && !local.StartsWith('.') && !local.EndsWith('.') && !local.Contains("..", StringComparison.Ordinal);
    }

    /// <summary>A <c>tel:</c> link for a valid number (RFC 3966: digits, the extension as <c>;ext=</c>), so a phone dials it.</summary>
    public static string? TelUri(string? phone)
    {
        if (phone is null || Phone().Match(phone) is not { Success: true } m)
        {
            return null;
        }
        var digits = new string([.. m.Groups["number"].Value.Where(c => char.IsAsciiDigit(c) || c == '+')]);
        return m.Groups["ext"].Success ? $"tel:{digits};ext={m.Groups["ext"].Value}" : $"tel:{digits}";
    }

    [GeneratedRegex("""
        ^(?<number>
            (?:\+86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}
          | (?:\(0[0-9]{2,3}\)[ ]?|0[0-9]{2,3}[ -]?)[0-9]{3,4}[ -]?[0-9]{4}
          | [48]00[ -]?[0-9]{3}[ -]?[0-9]{4}
        )(?:[ ]?(?:-|转|ext\.?|分机)[ ]?(?<ext>[0-9]{1,6}))?$
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Phone();

    [GeneratedRegex(@"^[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex Email();
}
