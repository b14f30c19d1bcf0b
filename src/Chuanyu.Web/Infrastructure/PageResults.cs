using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Infrastructure;

/// <summary>How a page answers a service's <see cref="ServiceResult"/>: 404 and 403 as such, field errors marked, anything else said.</summary>
public static class PageResults
{
    /// <summary>
    /// A refused form: 404 or 403 as such (returned); otherwise null, with the field errors to mark or the reason to say
    /// (a conflict answers 409, a broken rule 422), for the page to show itself again.
    /// </summary>
    public static IActionResult? Refused(PageModel page, ServiceResult result, out FieldErrors errors, out string? failure)
    {
        errors = new FieldErrors();
        failure = null;
        switch (result)
        {
            case ServiceResult.NotFound:
                return page.NotFound();
            case ServiceResult.Forbidden:
                return page.StatusCode(StatusCodes.Status403Forbidden);
            case ServiceResult.Invalid invalid:
                errors = invalid.Errors;
                return null;
            default:
                failure = result.FailureMessage;
                page.Response.StatusCode = result is ServiceResult.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
                return null;
        }
    }

    /// <summary>
    /// A refusal of a service shown on the page: field errors into <paramref name="errors"/>, anything else as the page's
    /// error with 409 or 422; null when the answer is a redirect-worthy success or a 404/403 (returned as the result).
    /// </summary>
    public static IActionResult? Refused(PageModel page, ServiceResult result, FieldErrors errors, Action<string> error)
    {
        switch (result)
        {
            case ServiceResult.NotFound:
                return page.NotFound();
            case ServiceResult.Forbidden:
                return page.StatusCode(StatusCodes.Status403Forbidden);
            case ServiceResult.Invalid invalid:
                foreach (var (field, reasons) in invalid.Errors)
                {
                    foreach (var reason in reasons)
                    {
                        errors.Add(field, reason);
                    }
                }
                page.Response.StatusCode = StatusCodes.Status400BadRequest;
                return null;
            default:
                error(result.FailureMessage ?? "");
                page.Response.StatusCode = result is ServiceResult.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
                return null;
        }
    }

    /// <summary>
    /// A decision taken from a list: 404/403 as such; otherwise back to the page (with <paramref name="routeValues"/>),
    /// saying <paramref name="done"/> or why it was refused.
    /// </summary>
    public static IActionResult Done(PageModel page, ServiceResult result, string done, object? routeValues = null)
    {
        switch (result)
        {
            case ServiceResult.NotFound:
                return page.NotFound();
            case ServiceResult.Forbidden:
                return page.Forbid();
            default:
                if (result is ServiceResult.Ok)
                {
                    page.TempData["Message"] = done;
                }
                else
                {
                    page.TempData["Failure"] = result.FailureMessage;
                }
                return page.RedirectToPage(routeValues);
        }
    }
}
