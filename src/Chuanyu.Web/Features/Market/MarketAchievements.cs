using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Market;

/// <summary>Research results: writing a draft, reading one, the lists, the attachments.</summary>
public sealed partial class MarketService
{
    public async Task<(AchievementDto? Created, ServiceResult Result)> CreateAchievementAsync(AchievementInput input, CancellationToken ct)
    {
        var (org, found) = await OwnerAsync(input.OrganizationId, ct);
        if (org is null)
        {
            return (null, found);
        }
        var now = Now;
        var a = new Achievement { Id = Guid.CreateVersion7(), OrganizationId = org.Id, RegionCode = org.RegionCode, Status = MarketStatus.Draft, CreatedBy = me.Id, CreatedAt = now };
        if (Apply(a, input) is { Count: > 0 } errors)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        Stamp(a, now);
        db.Add(a);
        await db.SaveChangesAsync(ct);
        await AuditAsync<Achievement>("create", a.Id, ct: ct);
        return (await GetAchievementAsync(a.Id, ct), new ServiceResult.Ok());
    }

    public async Task<ServiceResult> UpdateAchievementAsync(Guid id, AchievementInput input, CancellationToken ct)
    {
        var (a, found) = await WritableAsync<Achievement>(id, IsMember, ct);
        if (a is null)
        {
            return found;
        }
        if (a.Status != MarketStatus.Draft)
        {
            return new ServiceResult.Conflict(new Message("Market.NotDraft"));
        }
        if (input.Version is { } v && v != a.Version)
        {
            return new ServiceResult.Conflict(new Message("Market.ChangedMeanwhile"));
        }
        if (Apply(a, input) is { Count: > 0 } errors)
        {
            return new ServiceResult.Invalid(errors);
        }
        Stamp(a, Now);
        await db.SaveChangesAsync(ct);
        await AuditAsync<Achievement>("update", id, ct: ct);
        return new ServiceResult.Ok();
    }

    /// <summary>Checks every field and copies them onto the draft; the errors name each field.</summary>
    private FieldErrors Apply(Achievement a, AchievementInput input)
    {
        var errors = new FieldErrors();
        var title = MarketRules.Text(errors, "title", input.Title, MarketRules.MaxTitle);
        var summary = MarketRules.Text(errors, "summary", input.Summary, MarketRules.MaxSummary);
        var description = MarketRules.Text(errors, "description", input.Description, MarketRules.MaxDescription);
        if (input.Type is not { } type || !Enum.IsDefined(type))
        {
            errors.Add("type", new Message("Market.Required"));
            type = AchievementType.Other;
        }
        var patents = new List<string>();
        foreach (var p in (input.PatentNumbers ?? []).Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            if (MarketRules.NormalizePatent(p, Today.Year) is { } n)
            {
                patents.Add(n);
            }
            else
            {
                errors.Add("patentNumbers", new Message("Market.BadPatentNumber", p.Trim().Length > 30 ? p.Trim()[..30] : p.Trim()));
            }
        }
        if (patents.Count > MarketRules.MaxPatents)
        {
            errors.Add("patentNumbers", new Message("Market.TooManyCodes", MarketRules.MaxPatents));
        }
        var disciplines = MarketRules.Disciplines(errors, input.DisciplineCodes, required: true);
        var industries = MarketRules.Industries(errors, input.IndustryCodes);
        MarketRules.Maturity(errors, input.Trl);
        if (input.Stage is not { } stage || !Enum.IsDefined(stage))
        {
            errors.Add("stage", new Message("Market.Required"));
            stage = MaturityStage.Research;
        }
        var modes = MarketRules.MaskOf(input.Modes);
        if (modes == TransferModes.None)
        {
            errors.Add("modes", new Message("Market.Required"));
        }
        MarketRules.Money(errors, "price", input.PriceMin, input.PriceMax, input.Negotiable);
        var inventors = string.Join('、', (input.Inventors ?? []).Select(i => (i ?? "").Trim()).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal));
        if (inventors.Length > MarketRules.MaxInventors)
        {
            errors.Add("inventors", new Message("Market.TooLong", MarketRules.MaxInventors));
        }
        var keywords = MarketRules.Keywords(errors, input.Keywords);
        if (errors.Count > 0)
        {
            return errors;
        }
        a.Title = title;
        a.Summary = summary;
        a.Description = description;
        a.Type = type;
        a.PatentNumbers = string.Join(' ', patents.Distinct(StringComparer.Ordinal));
        a.DisciplineCodes = disciplines;
        a.IndustryCodes = industries;
        a.Trl = input.Trl;
        a.Stage = stage;
        a.Modes = modes;
        a.Negotiable = input.Negotiable;
        a.PriceMinYuan = input.Negotiable ? null : MarketRules.Yuan(input.PriceMin);
        a.PriceMaxYuan = input.Negotiable ? null : MarketRules.Yuan(input.PriceMax);
        a.Inventors = inventors;
        a.Keywords = keywords;
        return errors;
    }

    /// <summary>One result: live ones for everyone; drafts, pending, expired and closed ones only for the owner organisation (else null: 404).</summary>
    public async Task<AchievementDto?> GetAchievementAsync(Guid id, CancellationToken ct)
    {
        var a = await ReadableAsync<Achievement>(id, ct);
        if (a is null)
        {
            return null;
        }
        var name = (await NamesAsync([a.OrganizationId], ct)).GetValueOrDefault(a.OrganizationId, "");
        var attachments = await db.Set<AchievementAttachment>().AsNoTracking().Where(x => x.AchievementId == id).OrderBy(x => x.UploadedAt)
            .Select(x => new AttachmentDto(x.Id, x.FileName, x.ContentType, x.Size, x.UploadedAt)).ToListAsync(ct);
        return new AchievementDto(a.Id, a.OrganizationId, name, a.RegionCode, a.Title, a.Summary, a.Description, a.Type,
            a.PatentNumbers.Split(' ', StringSplitOptions.RemoveEmptyEntries), MarketRules.CodesOf(a.DisciplineCodes), MarketRules.CodesOf(a.IndustryCodes),
            a.Trl, a.Stage, MarketRules.ModesOf(a.Modes), MarketRules.WanYuan(a.PriceMinYuan), MarketRules.WanYuan(a.PriceMaxYuan), a.Negotiable, MarketRules.ListOf(a.Inventors), MarketRules.ListOf(a.Keywords),
            Effective(a.Status, a.ExpiresAt, Now), a.ExpiresAt, a.PublishedAt, IsMember(a.OrganizationId) ? a.ReviewNote : null, a.CloseReason, a.Synthetic, a.Version,
            IsMember(a.OrganizationId), IsReviewer(a.OrganizationId), attachments);
    }

    public async Task<PagedList<MarketListItem>> ListAchievementsAsync(MarketQuery q, int page, int pageSize, CancellationToken ct)
    {
        var query = Filter(db.Set<Achievement>().AsNoTracking(), q);
        var total = await query.CountAsync(ct);
        return new PagedList<MarketListItem>(total, page, pageSize, await AchievementItems(query.Skip((page - 1) * pageSize).Take(pageSize), ct));
    }

    private async Task<List<MarketListItem>> AchievementItems(IQueryable<Achievement> query, CancellationToken ct)
    {
        var rows = await query.Select(r => new
        {
            r.Id,
            r.OrganizationId,
            r.RegionCode,
            r.Title,
            r.Summary,
            r.DisciplineCodes,
            r.IndustryCodes,
            r.Trl,
            r.Stage,
            r.Modes,
            r.PriceMinYuan,
            r.PriceMaxYuan,
            r.Negotiable,
            r.Keywords,
            r.Status,
            r.ExpiresAt,
            r.PublishedAt,
            r.Synthetic,
            r.Type,
        }).ToListAsync(ct);
        var names = await NamesAsync(rows.Select(r => r.OrganizationId), ct);
        var now = Now;
        return rows.Select(r => new MarketListItem(r.Id, r.OrganizationId, names.GetValueOrDefault(r.OrganizationId, ""), r.RegionCode, r.Title, r.Summary,
            MarketRules.CodesOf(r.DisciplineCodes), MarketRules.CodesOf(r.IndustryCodes), r.Trl, r.Stage, MarketRules.ModesOf(r.Modes), MarketRules.WanYuan(r.PriceMinYuan), MarketRules.WanYuan(r.PriceMaxYuan),
            r.Negotiable, MarketRules.ListOf(r.Keywords), Effective(r.Status, r.ExpiresAt, now), r.ExpiresAt, r.PublishedAt, r.Synthetic, Type: r.Type)).ToList();
    }

    // ---- attachments: PDF or images through the kernel's upload checks ----

    public async Task<(AttachmentDto? Added, ServiceResult Result)> AddAttachmentAsync(Guid id, string fileName, Stream content, long length, CancellationToken ct)
    {
        var (a, found) = await WritableAsync<Achievement>(id, IsMember, ct);
        if (a is null)
        {
            return (null, found);
        }
        if (a.Status == MarketStatus.Closed)
        {
            return (null, new ServiceResult.Conflict(new Message("Market.AlreadyClosed")));
        }
        if (await db.Set<AchievementAttachment>().CountAsync(x => x.AchievementId == id, ct) >= MarketRules.MaxAttachments)
        {
            return (null, new ServiceResult.Conflict(new Message("Market.TooManyAttachments", MarketRules.MaxAttachments)));
        }
        var isPdf = Path.GetExtension(fileName).Equals(".pdf", StringComparison.OrdinalIgnoreCase);
        var (upload, problem) = await Uploads.CheckAsync(fileName, content, length, isPdf ? UploadKind.Document : UploadKind.Image, MarketRules.MaxAttachmentBytes, ct);
        if (upload is null)
        {
            var errors = new FieldErrors();
            errors.Add("file", problem!);
            return (null, new ServiceResult.Invalid(errors));
        }
        content.Position = 0;
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        var row = new AchievementAttachment
        {
            Id = Guid.CreateVersion7(),
            AchievementId = id,
            FileName = upload.FileName,
            ContentType = ContentTypeOf(upload.Extension),
            Size = buffer.Length,
            Content = buffer.ToArray(),
            UploadedBy = me.Id,
            UploadedAt = Now,
        };
        db.Add(row);
        await db.SaveChangesAsync(ct);
        await AuditAsync<Achievement>("attach", id, upload.FileName, ct: ct);
        return (new AttachmentDto(row.Id, row.FileName, row.ContentType, row.Size, row.UploadedAt), new ServiceResult.Ok());
    }

    private static string ContentTypeOf(string extension) => extension switch
    {
        ".pdf" => "application/pdf",
        ".png" => "image/png",
        _ => "image/jpeg",
    };

    /// <summary>An attachment of a result the caller may read.</summary>
    public async Task<AchievementAttachment?> AttachmentAsync(Guid id, Guid attachmentId, CancellationToken ct) =>
        await ReadableAsync<Achievement>(id, ct) is null ? null
        : await db.Set<AchievementAttachment>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == attachmentId && x.AchievementId == id, ct);
}
