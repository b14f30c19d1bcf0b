namespace Chuanyu.Web.Infrastructure;

/// <summary>Field name (camelCase, as the API and the form use) → reasons, as messages said in the reader's language.</summary>
public sealed class FieldErrors : Dictionary<string, Message[]>
{
    public FieldErrors() : base(StringComparer.Ordinal) { }

    public void Add(string field, Message reason) => this[field] = TryGetValue(field, out var r) ? [.. r, reason] : [reason];

    /// <summary>The reasons for one field as the form shows them (in the current culture), or null.</summary>
    public string? Message(string field) => TryGetValue(field, out var reasons) ? string.Join(" ", reasons.Select(r => r.ToString())) : null;

    /// <summary>Every field's reasons in the current culture, as ProblemDetails' <c>errors</c> carries them.</summary>
    public Dictionary<string, string[]> Translated() =>
        this.ToDictionary(e => e.Key, e => e.Value.Select(m => m.ToString()).ToArray(), StringComparer.Ordinal);

    /// <summary>Every field's reasons as their stable keys, for clients that act on them (<c>errorCodes</c>).</summary>
    public Dictionary<string, string[]> Codes() =>
        this.ToDictionary(e => e.Key, e => e.Value.Select(m => m.Key).ToArray(), StringComparer.Ordinal);

    /// <summary>Bootstrap's invalid marker for one field's input.</summary>
    public string CssFor(string field) => ContainsKey(field) ? "is-invalid" : "";
}

/// <summary>
/// What a feature's service answers for an action: done, or why not. The API turns it into a status
/// (<see cref="ApiResults.ToHttp"/>), a page into a message; neither decides the outcome itself.
/// </summary>
public abstract record ServiceResult
{
    /// <summary>What a page says when the action did not happen (null when it did); 404/403 are the caller's to return.</summary>
    public string? FailureMessage => this switch
    {
        Invalid i => string.Join(" ", i.Errors.SelectMany(e => e.Value).Select(m => m.ToString())),
        Conflict c => c.Reason.ToString(),
        RuleBroken r => r.Reason.ToString(),
        _ => null,
    };

    public sealed record Ok : ServiceResult;
    public sealed record NotFound : ServiceResult;
    public sealed record Forbidden : ServiceResult;
    public sealed record Invalid(FieldErrors Errors) : ServiceResult;

    /// <summary>The action clashes with the record's current state (409); the reason's key is the API's <c>code</c>.</summary>
    public sealed record Conflict(Message Reason) : ServiceResult;

    /// <summary>Well-formed, but a business rule says no (422): <paramref name="Rule"/> names the rule for clients.</summary>
    public sealed record RuleBroken(string Rule, Message Reason) : ServiceResult;
}

/// <summary>One page of a list, as every list endpoint answers.</summary>
public sealed record PagedList<T>(int Total, int PageNumber, int PageSize, IReadOnlyList<T> Items);

/// <summary>The one paging rule of every list: pages 1–<see cref="MaxPage"/>, 1–<see cref="MaxPageSize"/> rows a page.</summary>
public static class Paging
{
    public const int MaxPage = 10_000;
    public const int MaxPageSize = 200;
    public static readonly Message Reason = new("Common.PageOutOfRange", MaxPage, MaxPageSize);

    /// <summary>The errors of a page request (empty when it is valid).</summary>
    public static FieldErrors Errors(int page, int pageSize)
    {
        var errors = new FieldErrors();
        if (page is < 1 or > MaxPage)
        {
            errors.Add("page", Reason);
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            errors.Add("pageSize", Reason);
        }
        return errors;
    }

    /// <summary>400 naming the bad field, or null when the page request is valid.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem? Check(int page, int pageSize) =>
        Errors(page, pageSize) is { Count: > 0 } errors ? ApiProblem.Validation(errors) : null;
}

/// <summary>How a <see cref="ServiceResult"/> is answered over HTTP, the same for every feature.</summary>
public static class ApiResults
{
    public static IResult ToHttp(ServiceResult result, int okStatus = StatusCodes.Status204NoContent) => result switch
    {
        ServiceResult.Ok => TypedResults.StatusCode(okStatus),
        ServiceResult.NotFound => TypedResults.NotFound(),
        ServiceResult.Forbidden => ApiProblem.Result(403, "forbidden", new Message("Common.NotYourOrganization")),
        ServiceResult.Invalid i => ApiProblem.Validation(i.Errors),
        ServiceResult.Conflict c => ApiProblem.Result(409, c.Reason.Key, c.Reason, titleCode: "conflict"),
        ServiceResult.RuleBroken r => ApiProblem.Result(422, r.Reason.Key, r.Reason, titleCode: "ruleBroken",
            extensions: new Dictionary<string, object?> { ["rule"] = r.Rule }),
        _ => throw new InvalidOperationException(result.GetType().Name),
    };

    /// <summary>200 with the value, or the result's status when there is none.</summary>
    public static IResult Respond<T>((T? Value, ServiceResult Result) outcome) where T : class =>
        outcome.Value is { } v ? Results.Ok(v) : ToHttp(outcome.Result);
}

/// <summary>The platform's clock as people in both regions read it: China Standard Time.</summary>
public static class ChinaTime
{
    /// <summary>Today in China Standard Time.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(Display.ChinaStandardTime).DateTime);
}
