using Chuanyu.Web.Features.Experts;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Deals;

/// <summary>The limits and form rules of the technology managers and their deals (docs/deals.md).</summary>
public static class DealRules
{
    public const int MaxName = 100;
    public const int MaxTitle = 200;
    public const int MaxCertificate = 40;
    public const int MaxCodes = 5;
    public const int MaxCodesText = 60;
    public const int MaxNote = 2000;

    /// <summary>A stage document: PDF, JPEG/PNG or .docx, up to 10 MB (checked by <see cref="Uploads.CheckAsync"/> on the first bytes).</summary>
    public const long MaxDocumentBytes = 10L << 20;

    public const long MaxDocumentRequestBytes = MaxDocumentBytes + (64 << 10);

    /// <summary>The two regions whose administrators review managers.</summary>
    public static readonly string[] Regions = ["500000", "510000"];

    /// <summary>The next stage of an open deal, or null (registered and closed deals do not move).</summary>
    public static DealStage? Next(DealStage stage) => stage switch
    {
        DealStage.Lead => DealStage.Nda,
        DealStage.Nda => DealStage.Negotiation,
        DealStage.Negotiation => DealStage.Signed,
        DealStage.Signed => DealStage.Registered,
        _ => null,
    };

    public static bool IsOpen(DealStage stage) => stage is not (DealStage.Registered or DealStage.Closed);

    /// <summary>Discipline codes checked against GB/T 13745, stored as the market stores them (" 430 510 ").</summary>
    public static string? Disciplines(FieldErrors errors, IReadOnlyList<string>? codes)
    {
        var list = (codes ?? []).Select(c => c?.Trim() ?? "").Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0 || list.Count > MaxCodes)
        {
            errors.Add("disciplines", new Message("Deals.DisciplinesCount", MaxCodes));
            return null;
        }
        if (list.FirstOrDefault(c => DisciplineCodes.Find(c) is null) is { } bad)
        {
            errors.Add("disciplines", new Message("Deals.DisciplineUnknown", bad));
            return null;
        }
        return " " + string.Join(' ', list) + " ";
    }

    /// <summary>A required text within a length (trimmed), or the reason on <paramref name="field"/>.</summary>
    public static string? Text(FieldErrors errors, string field, string? value, int max, bool required = true)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            if (required)
            {
                errors.Add(field, new Message("Deals.Required"));
            }
            return null;
        }
        if (text.Length > max)
        {
            errors.Add(field, new Message("Deals.TooLong", max));
            return null;
        }
        return text;
    }

    public static IReadOnlyList<string> CodesOf(string stored) => stored.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
