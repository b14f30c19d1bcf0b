using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>
/// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet (digits and capitals without
/// I, O, Z, S, V). Positions 3–8 are the GB/T 2260 division code; the 18th is a check character over the first 17
/// with weights 3^(i) mod 31.
/// </summary>
public static class CreditCode
{
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    public static string Normalize(string? code) => (code ?? "").Trim().ToUpperInvariant();

    /// <summary>Null when valid, otherwise the reason in the current UI culture (shown to the person who typed it).</summary>
    public static string? Validate(string? code) => Check(code)?.ToString();

    /// <summary>Null when valid, otherwise the reason.</summary>
    public static Message? Check(string? code)
    {
        var c = Normalize(code);
        if (c.Length != 18)
        {
            return new Message("Accounts.CreditCodeLength");
        }
        foreach (var ch in c)
        {
            if (!Alphabet.Contains(ch, StringComparison.Ordinal))
            {
                return new Message("Accounts.CreditCodeCharacter", ch);
            }
        }
        for (var i = 2; i < 8; i++)
        {
            if (!char.IsAsciiDigit(c[i]))
            {
                return new Message("Accounts.CreditCodeDivision");
            }
        }
        return c[17] == CheckCharacter(c.AsSpan(0, 17)) ? null : new Message("Accounts.CreditCodeCheck");
    }

    public static bool IsValid(string? code) => Validate(code) is null;

    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += Alphabet.IndexOf(first17[i], StringComparison.Ordinal) * Weights[i];
        }
        var check = 31 - (sum % 31);
        return Alphabet[check == 31 ? 0 : check];
    }

    /// <summary>Completes a 17-character prefix with its check character (demo data and tests).</summary>
    public static string Complete(string first17) => first17 + CheckCharacter(first17);
}
