using Microsoft.AspNetCore.Antiforgery;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// Cross-site request forgery on the API. A browser sends the sign-in cookie with any request to this site, also one
/// that another site's page starts, so a state-changing API call (anything but GET, HEAD, OPTIONS, TRACE) that is
/// authenticated by the cookie must carry the antiforgery token — in the <c>RequestVerificationToken</c> header, as
/// htmx sends it from the page's <c>&lt;meta name="request-verification-token"&gt;</c>, or as the
/// <c>__RequestVerificationToken</c> form field. Bearer tokens and signed requests are never sent by a browser on its
/// own, so they need no token. One check for every endpoint under <c>/api</c>; docs/security.md.
/// </summary>
public static class ApiAntiforgery
{
    public const string HeaderName = "RequestVerificationToken";

    public static IApplicationBuilder UseApiAntiforgery(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (NeedsToken(context) && !await IsValidAsync(context))
        {
            await ApiProblem.Result(StatusCodes.Status400BadRequest, "antiforgery", new Message("Common.AntiforgeryMissing", HeaderName))
                .ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    private static async Task<bool> IsValidAsync(HttpContext context)
    {
        try
        {
            return await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context);
        }
        catch (InvalidDataException)
        {
            // A form body that is not valid multipart/urlencoded carries no token either.
            return false;
        }
    }

    private static bool NeedsToken(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api")
        && !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
             || HttpMethods.IsOptions(context.Request.Method) || HttpMethods.IsTrace(context.Request.Method))
        // Authenticated, and not by a bearer token or a signature (both travel in the Authorization header, which a
        // cross-site page cannot set without a CORS preflight this site never grants): by the cookie.
        && context.User.Identity?.IsAuthenticated == true
        && context.Request.Headers.Authorization.Count == 0;
}
