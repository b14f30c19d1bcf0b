using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Market;

/// <summary>Taking an attachment off a research result (the upload is in <c>MarketAchievements.cs</c>).</summary>
public sealed partial class MarketService
{
    /// <summary>Deletes one attachment of a result of the caller's organisation (404 for another's draft, 403 for another's public result), audited.</summary>
    public async Task<ServiceResult> RemoveAttachmentAsync(Guid id, Guid attachmentId, CancellationToken ct)
    {
        var (a, found) = await WritableAsync<Achievement>(id, IsMember, ct);
        if (a is null)
        {
            return found;
        }
        // The file name only: the content (up to 10 MB) is never loaded to be deleted.
        var attachment = db.Set<AchievementAttachment>().Where(x => x.Id == attachmentId && x.AchievementId == id);
        if (await attachment.Select(x => x.FileName).FirstOrDefaultAsync(ct) is not { } fileName)
        {
            return new ServiceResult.NotFound();
        }
        await attachment.ExecuteDeleteAsync(ct);
        await AuditAsync<Achievement>("detach", id, fileName, ct: ct);
        return new ServiceResult.Ok();
    }
}
