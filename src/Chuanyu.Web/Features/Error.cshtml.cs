using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Chuanyu.Web.Features;

[IgnoreAntiforgeryToken]
public sealed class ErrorModel(IStringLocalizer<SharedResource> l) : PageModel
{
    public string Heading { get; private set; } = "";
    public string Text { get; private set; } = "";

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        var key = code switch
        {
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
