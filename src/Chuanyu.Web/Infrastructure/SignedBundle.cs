using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// A signed document, its signature as <c>{file}.sig</c> and a README.txt on how to check them, in one zip
/// (docs/audit-and-signatures.md): what a person downloads from a page, since a browser keeps the file but drops the
/// response header that carries the signature.
/// </summary>
public static class SignedBundle
{
    public const string ContentType = "application/zip";

    /// <summary>Why a <c>bundle</c> value is refused (field <c>bundle</c>).</summary>
    public static readonly Message Invalid = new("Signatures.BundleInvalid");

    /// <summary>
    /// Reads an export's <c>bundle</c> query value: nothing (the bare file) or <c>zip</c>; anything else is refused
    /// (<see cref="Invalid"/>), to answer before anything is exported.
    /// </summary>
    public static bool TryParse(string? bundle, out bool zip)
    {
        var value = (bundle ?? "").Trim().ToLowerInvariant();
        zip = value == "zip";
        return value is "" or "zip";
    }

    /// <summary>The README travels with the file to whoever checks it, in Chinese whatever the downloader's language.</summary>
    private static readonly CultureInfo FileCulture = CultureInfo.GetCultureInfo("zh-CN");

    /// <summary>
    /// The zip (a temporary file at position 0, deleted when disposed) of <paramref name="document"/> (read from its
    /// current position), its signature when there is one, and the README: what <paramref name="title"/> is, what the
    /// file holds (<paramref name="contents"/>), and how to verify it or why it is unsigned.
    /// </summary>
    public static async Task<Stream> ZipAsync(Stream document, string fileName, string? signature, Message title, Message contents,
        string? unsignedReason, DateTimeOffset now, CancellationToken ct)
    {
        var zip = XlsxStream.TempFile();
        try
        {
            using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
            {
                var entry = archive.CreateEntry(fileName, CompressionLevel.Optimal);
                entry.LastWriteTime = now;
                await using (var to = entry.Open())
                {
                    await document.CopyToAsync(to, ct);
                }
                if (signature is not null)
                {
                    AddText(archive, fileName + ".sig", signature + "\n", now, bom: false);
                }
                AddText(archive, "README.txt", Readme(fileName, signature, title, contents, unsignedReason), now, bom: true);
            }
            zip.Position = 0;
            return zip;
        }
        catch
        {
            await zip.DisposeAsync();
            throw;
        }
    }

    /// <summary>The README's text (CRLF line ends, for Notepad).</summary>
    public static string Readme(string fileName, string? signature, Message title, Message contents, string? unsignedReason)
    {
        var lines = new List<string>
        {
            T(new Message("Signatures.Bundle.Title", T(title))),
            "",
            T(new Message("Signatures.Bundle.Contents", fileName, T(contents))),
        };
        if (signature is null)
        {
            lines.Add(T(new Message("Signatures.Bundle.Unsigned", unsignedReason ?? "")));
        }
        else
        {
            // algorithm:keyId:value (DocumentSigner's format).
            var parts = signature.Split(':');
            lines.Add(T(new Message("Signatures.Bundle.Signature", fileName, parts[0], parts.Length > 1 ? parts[1] : "")));
            lines.Add("");
            lines.Add(T(new Message("Signatures.Bundle.HowTo")));
        }
        return string.Join('\n', lines).ReplaceLineEndings("\r\n") + "\r\n";
    }

    private static string T(Message m) => Messages.Translate(m, FileCulture);

    private static void AddText(ZipArchive archive, string name, string text, DateTimeOffset now, bool bom)
    {
        var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = now;
        using var to = entry.Open();
        if (bom)
        {
            to.Write(Encoding.UTF8.Preamble);
        }
        to.Write(new UTF8Encoding(false).GetBytes(text));
    }
}
