using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// A list as an argument of a <see cref="Message"/>: its items joined by the separator message, said in the culture the
/// message is said in (<c>、</c> between Chinese items, <c>, </c> between English ones).
/// </summary>
public sealed record SpokenList(Message Separator, IReadOnlyList<string> Items) : IFormattable
{
    public string ToString(string? format, IFormatProvider? formatProvider) =>
        string.Join(Messages.Translate(Separator, formatProvider as CultureInfo ?? CultureInfo.CurrentUICulture), Items);

    public override string ToString() => string.Join(Separator.ToString(), Items);
}

/// <summary>Problems whose title says more than their status's (<see cref="ApiProblem.Result"/> gives the status's).</summary>
public static class ProblemTitles
{
    /// <summary>The problem with its own title, said in the request's language; code and detail stay as they are.</summary>
    public static ProblemHttpResult Titled(this ProblemHttpResult problem, Message title)
    {
        problem.ProblemDetails.Title = title.ToString();
        return problem;
    }
}
