using System.IO.Compression;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chuanyu.Web.Infrastructure;

/// <summary>What a feature accepts as an upload.</summary>
public enum UploadKind
{
    /// <summary>.xlsx (Office Open XML) or .csv: catalogue and other bulk imports.</summary>
    Spreadsheet,

    /// <summary>.jpg/.jpeg or .png: instrument photos.</summary>
    Image,

    /// <summary>.pdf: test reports, certificates.</summary>
    Document,

    /// <summary>.pdf, .jpg/.jpeg, .png or .docx: the papers of a negotiation (an NDA, a term sheet, photos of a signed page).</summary>
    WorkingDocument,
}

/// <summary>An upload that passed: its safe display name and its extension (lower case, with the dot).</summary>
public sealed record CheckedUpload(string FileName, string Extension, long Length);

/// <summary>
/// Upload type and size checks (等保 intrusion prevention): the size is capped, the name is reduced to a plain file
/// name, the extension must be one the feature accepts, and the content must really be of that type — the first
/// bytes (and for .xlsx the package's own parts) are checked, so a renamed executable or archive is refused whatever
/// its name says. Every feature that takes a file goes through <see cref="CheckAsync"/> before reading it.
/// </summary>
public static class Uploads
{
    public const int MaxFileNameLength = 200;

    private static readonly Dictionary<UploadKind, string[]> Extensions = new()
    {
        [UploadKind.Spreadsheet] = [".xlsx", ".csv"],
        [UploadKind.Image] = [".jpg", ".jpeg", ".png"],
        [UploadKind.Document] = [".pdf"],
        [UploadKind.WorkingDocument] = [".pdf", ".jpg", ".jpeg", ".png", ".docx"],
    };

    /// <summary>The content type a checked upload is served with, by its extension.</summary>
    public static string ContentTypeOf(string extension) => extension switch
    {
        ".pdf" => "application/pdf",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx" => XlsxStream.ContentType,
        ".csv" => "text/csv",
        _ => "application/octet-stream",
    };

    /// <summary>
    /// Reads the multipart form of an API upload after its checks: the declared size, antiforgery for cookie callers (a
    /// browser session's cookie is sent by forms of the same site; bearer-token callers are not exposed to cross-site
    /// requests), and the content type. Returns the form, or the response that refuses it.
    /// </summary>
    public static async Task<(IFormCollection? Form, IResult? Refused)> ReadFormAsync(HttpRequest request, IAntiforgery antiforgery, long maxRequestBytes,
        IResult tooLarge, CancellationToken ct)
    {
        if (request.ContentLength > maxRequestBytes)
        {
            return (null, tooLarge);
        }
        if (request.Headers.Authorization.Count == 0 && !await antiforgery.IsRequestValidAsync(request.HttpContext))
        {
            return (null, ApiProblem.Result(StatusCodes.Status400BadRequest, "antiforgery", new Message("Common.AntiforgeryInvalid")));
        }
        if (!request.HasFormContentType)
        {
            return (null, FileProblem(new Message("Common.Upload.NotMultipart")));
        }
        try
        {
            return (await request.ReadFormAsync(ct), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, tooLarge);
        }
        catch (InvalidDataException)
        {
            return (null, FileProblem(new Message("Common.Upload.BadMultipart")));
        }
    }

    /// <summary>A 400 ProblemDetails naming the <c>file</c> field.</summary>
    public static ValidationProblem FileProblem(Message reason)
    {
        var errors = new FieldErrors();
        errors.Add("file", reason);
        return ApiProblem.Validation(errors);
    }

    /// <summary>Checks a file; returns the checked upload, or the reason for the form field. The stream is rewound.</summary>
    public static async Task<(CheckedUpload? Upload, Message? Error)> CheckAsync(string? fileName, Stream content, long length, UploadKind kind, long maxBytes,
        CancellationToken ct = default)
    {
        if (length <= 0)
        {
            return (null, new Message("Common.Upload.Empty"));
        }
        if (length > maxBytes)
        {
            return (null, new Message("Common.Upload.TooLarge", Megabytes(length), Megabytes(maxBytes)));
        }
        var name = SafeFileName(fileName);
        if (name is null)
        {
            return (null, new Message("Common.Upload.BadName"));
        }
        var extension = Path.GetExtension(name).ToLowerInvariant();
        var allowed = Extensions[kind];
        if (!allowed.Contains(extension))
        {
            return (null, new Message("Common.Upload.UnsupportedType", extension, string.Join(", ", allowed)));
        }
        var head = new byte[8];
        var read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        content.Position = 0;
        var matches = extension switch
        {
            ".xlsx" => IsOfficePackage(head.AsSpan(0, read), content, "xl/workbook.xml"),
            ".docx" => IsOfficePackage(head.AsSpan(0, read), content, "word/document.xml"),
            ".csv" => await IsTextAsync(content, ct),
            ".png" => head.AsSpan(0, read).StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }),
            ".jpg" or ".jpeg" => head.AsSpan(0, read).StartsWith(new byte[] { 0xFF, 0xD8, 0xFF }),
            ".pdf" => head.AsSpan(0, read).StartsWith("%PDF-"u8),
            _ => false,
        };
        content.Position = 0;
        return matches
            ? (new CheckedUpload(name, extension, length), null)
            : (null, new Message("Common.Upload.ContentMismatch", extension));
    }

    /// <summary>The last path segment of a client-supplied name, without control characters; null when nothing usable is left.</summary>
    public static string? SafeFileName(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return null;
        }
        var last = fileName.Replace('\\', '/').Split('/')[^1].Trim();
        if (last.Length == 0 || last.Length > MaxFileNameLength || last.Any(char.IsControl) || last is "." or ".." || last.StartsWith('.'))
        {
            return null;
        }
        return last;
    }

    // An Office Open XML workbook (document) is a ZIP package with [Content_Types].xml and xl/workbook.xml
    // (word/document.xml). Only the central directory is read (nothing is inflated), so a ZIP bomb costs nothing here.
    private static bool IsOfficePackage(ReadOnlySpan<byte> head, Stream content, string mainPart)
    {
        if (!head.StartsWith("PK\u0003\u0004"u8))
        {
            return false;
        }
        try
        {
            using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            return zip.GetEntry("[Content_Types].xml") is not null && zip.GetEntry(mainPart) is not null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException) // a truncated package (a few bytes after "PK") throws IOException seeking before the start
        {
            return false;
        }
    }

    // Text: no NUL byte in the first 64 KB (UTF-8 and GB18030, which Excel uses for Chinese CSV, never contain one).
    private static async Task<bool> IsTextAsync(Stream content, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var read = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        return read > 0 && !buffer.AsSpan(0, read).Contains((byte)0);
    }

    private static string Megabytes(long bytes) => $"{bytes / 1024d / 1024d:0.#} MB";
}
