using System.Net;
using System.Text;

namespace Chuanyu.Web.Features.Search;

/// <summary>
/// Marks the words of a query in a text: the text is HTML-encoded and each matched stretch wrapped in
/// <c>&lt;mark&gt;</c>, so the result is safe to insert as HTML. Matching is on the analyser's terms (pairs of CJK
/// characters, whole Latin words, model numbers without their hyphens), after the same normalisation (full-width =
/// half-width, case folded).
/// </summary>
public sealed class Highlighter(IReadOnlyList<IReadOnlyList<string>> alternatives)
{
    private readonly string[] _terms = alternatives.SelectMany(a => a).Distinct(StringComparer.Ordinal).OrderByDescending(t => t.Length).ToArray();

    public string Mark(string text)
    {
        // A compact, normalised copy (letters, digits and CJK only) with the index of each of its characters in the original.
        var compact = new StringBuilder(text.Length);
        var origin = new List<int>(text.Length);
        // breakBefore[k]: a word boundary precedes compact character k (a space or punctuation, or a change between
        // Latin and CJK), so "d8" does not match inside "d80" nor "jem2100f" inside "jem2100fx".
        var breakBefore = new List<bool>(text.Length);
        var pendingBreak = true;
        for (var i = 0; i < text.Length; i++)
        {
            var width = char.IsSurrogatePair(text, i) ? 2 : 1;
            var n = char.IsSurrogate(text[i]) && width == 1 ? "" : ChineseAnalyzer.Normalize(text.Substring(i, width));
            for (var j = 0; j < n.Length; j++)
            {
                if (char.IsLetterOrDigit(n, j) || char.IsSurrogatePair(n, j))
                {
                    breakBefore.Add(pendingBreak || compact.Length == 0 || IsLatinChar(compact[^1]) != IsLatinChar(n[j]));
                    pendingBreak = false;
                    compact.Append(n[j]);
                    origin.Add(i + width - 1);
                }
                else
                {
                    pendingBreak = true;
                }
            }
            i += width - 1;
        }
        var marked = new bool[text.Length];
        var haystack = compact.ToString();
        foreach (var term in _terms)
        {
            for (var at = haystack.IndexOf(term, StringComparison.Ordinal); at >= 0; at = haystack.IndexOf(term, at + 1, StringComparison.Ordinal))
            {
                // Latin terms only as whole words of the compact text (no "d8" inside "d80").
                if (IsLatin(term) && (!breakBefore[at] || at + term.Length < haystack.Length && !breakBefore[at + term.Length]))
                {
                    continue;
                }
                var first = origin[at];
                first -= first > 0 && char.IsSurrogatePair(text, first - 1) ? 1 : 0;
                for (var k = first; k <= origin[at + term.Length - 1]; k++)
                {
                    marked[k] = true;
                }
            }
        }
        var sb = new StringBuilder(text.Length + 32);
        var open = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (marked[i] && !open)
            {
                sb.Append("<mark>");
                open = true;
            }
            else if (!marked[i] && open)
            {
                sb.Append("</mark>");
                open = false;
            }
            if (char.IsSurrogatePair(text, i))
            {
                sb.Append(text, i, 2);
                i++;
                continue;
            }
            sb.Append(WebUtility.HtmlEncode(text[i].ToString()));
        }
        if (open)
        {
            sb.Append("</mark>");
        }
        return sb.ToString();
    }

    private static bool IsLatin(string term) => term.All(IsLatinChar);

    private static bool IsLatinChar(char c) => char.IsAsciiLetterOrDigit(c);
}
