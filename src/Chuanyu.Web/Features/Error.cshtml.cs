using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features;

[IgnoreAntiforgeryToken]
[AllowAnonymous]
public sealed class ErrorModel(IStringLocalizer<SharedResource> l) : PageModel
{
    public string Heading { get; private set; } = "";
    public string Text { get; private set; } = "";

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        // After an exception the status is already set (413 for a body over the limit) but no ?code= is given.
        code ??= Response.StatusCode >= 400 ? Response.StatusCode : null;
        var key = code switch
        {
            413 => "TooLarge",
            404 => "NotFound",
            403 => "Forbidden",
            400 => "BadRequest",
            429 => "TooMany",
            _ => "Server",
        };
        Heading = l[$"Error.{key}"];
        Text = l[$"Error.{key}.Text"];
    }
}
