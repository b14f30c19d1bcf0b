using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>What the voucher pages share: badges, amounts typed in 元, a service answer turned into a page answer.</summary>
public static class VoucherPages
{
    public static string StatusBadge(VoucherRedemptionStatus s) => s switch
    {
        VoucherRedemptionStatus.Reserved => "text-bg-info",
        VoucherRedemptionStatus.Submitted => "text-bg-warning",
        VoucherRedemptionStatus.Approved => "text-bg-primary",
        VoucherRedemptionStatus.Paid => "text-bg-success",
        VoucherRedemptionStatus.Rejected => "text-bg-danger",
        _ => "text-bg-light border",
    };

    /// <summary>The content type of a stored proof by its name (PDF or an image).</summary>
    public static string ContentType(string fileName) =>
        new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider().TryGetContentType(fileName, out var type) ? type : "application/octet-stream";

    public static string StatusBadge(VoucherStatus s) => s == VoucherStatus.Active ? "text-bg-success" : "text-bg-light border";

    /// <summary>Fen as 元 for people: ¥1,234.50.</summary>
    public static string Money(long fen) => Display.Money(fen / 100m);

    /// <summary>
    /// An amount typed in 元 (full-width digits and thousands commas allowed) as exact fen; null when blank. More than two
    /// decimals is an error, never rounded.
    /// </summary>
    public static long? Fen(string? yuan, string field, FieldErrors errors)
    {
        var before = errors.Count;
        var v = FormValues.Number(yuan, field, errors, new Message("Vouchers.Page.AmountNotANumber"));
        if (v is null || errors.Count > before)
        {
            return null;
        }
        var fen = v.Value * 100m;
        if (fen != decimal.Truncate(fen))
        {
            errors.Add(field, new Message("Vouchers.Page.AmountCents"));
            return null;
        }
        return (long)fen;
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
}
