using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chuanyu.Web.Features.Signatures;

/// <summary>
/// Anyone checks a downloaded document against its signature: choose the file, paste the signature value or choose
/// the .sig file, and the page says 验签通过 or 验签失败. Nothing uploaded is kept or logged.
/// The upload limit and the rate limit are endpoint metadata, so they sit on the page (Verify.cshtml), not here.
/// </summary>
[RejectOversizedUpload(SignaturesApi.MaxRequestBytes)]
[AllowAnonymous]
public sealed class VerifyModel(DocumentSigner signer) : PageModel
{
    private const int MaxSignatureFileBytes = 4096;

    [BindProperty]
    public IFormFile? Document { get; set; }

    [BindProperty]
    public IFormFile? SignatureFile { get; set; }

    [BindProperty]
    public string? Signature { get; set; }

    public IReadOnlyList<SigningKeyInfo> Keys => signer.PublicKeys;

    public SignatureCheck? Result { get; private set; }

    public string? CheckedFileName { get; private set; }

    public FieldErrors Errors { get; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Document is null || Document.Length == 0)
        {
            Errors.Add(nameof(Document), new Message("Signatures.NoFile"));
        }
        else if (Document.Length > SignaturesApi.MaxFileBytes)
        {
            Errors.Add(nameof(Document), new Message("Signatures.PageFileTooLarge", SignaturesApi.MaxFileBytes / 1024 / 1024));
            Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return Page();
        }
        var signature = Signature?.Trim();
        if (string.IsNullOrEmpty(signature) && SignatureFile is { Length: > 0 })
        {
            if (SignatureFile.Length > MaxSignatureFileBytes)
            {
                Errors.Add(nameof(SignatureFile), new Message("Signatures.SignatureFileTooLarge"));
            }
            else
            {
                using var reader = new StreamReader(SignatureFile.OpenReadStream());
                signature = (await reader.ReadToEndAsync(ct)).Trim();
            }
        }
        if (string.IsNullOrEmpty(signature) && !Errors.ContainsKey(nameof(SignatureFile)))
        {
            Errors.Add(nameof(Signature), new Message("Signatures.NoSignature"));
        }
        else if (signature?.Length > SignaturesApi.MaxSignatureChars)
        {
            Errors.Add(nameof(Signature), new Message("Signatures.SignatureTooLong", SignaturesApi.MaxSignatureChars));
        }
        if (Errors.Count > 0)
        {
            return Page();
        }
        await using var content = Document!.OpenReadStream();
        Result = signer.Check(content, signature);
        CheckedFileName = Path.GetFileName(Document.FileName);
        return Page();
    }
}

/// <summary>
/// Answers 413 (the error page then explains the limit) before the antiforgery check reads a body that the server
/// would cut off at the page's limit, which would otherwise surface as a puzzling "invalid request".
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RejectOversizedUploadAttribute(long maxBytes) : Attribute, IAuthorizationFilter, IOrderedFilter
{
    // Before the antiforgery filter (order 1000).
    public int Order => 0;

    public void OnAuthorization(AuthorizationFilterContext context)
    {
        if (context.HttpContext.Request.ContentLength > maxBytes)
        {
            context.Result = new StatusCodeResult(StatusCodes.Status413PayloadTooLarge);
        }
    }
}
