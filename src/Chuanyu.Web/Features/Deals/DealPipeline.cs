using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Contracts;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Features.MarketEvents;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Deals;

/// <summary>
/// The deal pipeline (issue 17 point 4). An approved technology manager starts a deal from a live result and/or demand
/// and moves it one stage forward at a time (线索 → 保密协议 → 洽谈 → 合同签订 → 已登记 against a registered contract), or
/// closes it with a coded reason; every move is versioned (the second of two moves from the same version gets 409) and
/// audited. Readers: the deal's manager (who alone writes), the administrators of the parties' organisations and the
/// region administrators of the manager's and the parties' regions. Anyone else gets 404.
/// </summary>
public sealed class DealPipeline(AppDbContext db, CurrentUser me, TechManagers managers, MarketDirectory market, MatchReactions reactions,
    MarketEventDirectory events, ContractsDirectory contracts, AuditLog audit, TimeProvider clock)
{
    private List<Guid> AdministeredOrganizations => me.Grants
        .Where(g => g.Role == PlatformRole.OrgAdmin && g.OrganizationId is { } o && me.HasInOrganization(PlatformRole.OrgAdmin, o))
        .Select(g => g.OrganizationId!.Value).Distinct().ToList();

    public bool CanManage(Deal d) => me.Id is { } id && d.ManagerUserId == id;

    public bool CanRead(Deal d)
    {
        var regions = me.AdminRegions.ToList();
        var orgs = AdministeredOrganizations;
        return CanManage(d) || regions.Contains(d.ManagerRegion) || (d.SellerRegion is { } s && regions.Contains(s)) || (d.BuyerRegion is { } b && regions.Contains(b))
            || (d.SellerOrganizationId is { } so && orgs.Contains(so)) || (d.BuyerOrganizationId is { } bo && orgs.Contains(bo));
    }

    /// <summary>The deals the caller may read, as one SQL predicate.</summary>
    private IQueryable<Deal> Readable()
    {
        var userId = me.Id ?? Guid.Empty;
        var regions = me.AdminRegions.ToList();
        var orgs = AdministeredOrganizations;
        return db.Set<Deal>().AsNoTracking().Where(d => d.ManagerUserId == userId || regions.Contains(d.ManagerRegion)
            || (d.SellerRegion != null && regions.Contains(d.SellerRegion)) || (d.BuyerRegion != null && regions.Contains(d.BuyerRegion))
            || (d.SellerOrganizationId != null && orgs.Contains(d.SellerOrganizationId.Value))
            || (d.BuyerOrganizationId != null && orgs.Contains(d.BuyerOrganizationId.Value)));
    }

    private IQueryable<Deal> Mine()
    {
        var userId = me.Id ?? Guid.Empty;
        return db.Set<Deal>().AsNoTracking().Where(d => d.ManagerUserId == userId);
    }

    // ---- reads ----

    /// <summary>The deals the caller reads (<paramref name="mine"/>: only those they carry), by stage, sorted and paged.</summary>
    public async Task<PagedList<DealDto>> ListAsync(bool mine, DealStage? stage, DealSort sort, int page, int pageSize, CancellationToken ct)
    {
        var q = mine ? Mine() : Readable();
        if (stage is { } s)
        {
            q = q.Where(d => d.Stage == s);
        }
        q = sort switch
        {
            DealSort.Created => q.OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Id),
            DealSort.Stage => q.OrderBy(d => d.Stage == DealStage.Lead ? 0 : d.Stage == DealStage.Nda ? 1 : d.Stage == DealStage.Negotiation ? 2
                : d.Stage == DealStage.Signed ? 3 : d.Stage == DealStage.Registered ? 4 : 5).ThenByDescending(d => d.StageChangedAt).ThenBy(d => d.Id),
            DealSort.Title => q.OrderBy(d => d.Title).ThenBy(d => d.Id),
            _ => q.OrderByDescending(d => d.UpdatedAt).ThenBy(d => d.Id),
        };
        var total = await q.CountAsync(ct);
        var rows = await q.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<DealDto>(total, page, pageSize, await DtosAsync(rows, ct));
    }

    public async Task<DealDetailsDto?> GetAsync(Guid id, CancellationToken ct)
    {
        var d = await db.Set<Deal>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (d is null || !CanRead(d))
        {
            return null;
        }
        var changes = await db.Set<DealStageChange>().AsNoTracking().Where(c => c.DealId == id).OrderBy(c => c.At).ThenBy(c => c.Id).ToListAsync(ct);
        var notes = await db.Set<DealNote>().AsNoTracking().Where(n => n.DealId == id).OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).ToListAsync(ct);
        var documents = await db.Set<DealDocument>().AsNoTracking().Where(x => x.DealId == id).OrderBy(x => x.UploadedAt)
            .Select(x => new DealDocumentDto(x.Id, x.Stage, x.FileName, x.ContentType, x.Size, x.UploadedAt)).ToListAsync(ct);
        var userIds = changes.Select(c => c.ByUserId).Concat(notes.Select(n => n.AuthorUserId)).Where(u => u is not null).Select(u => u!.Value).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        string? Name(Guid? u) => u is { } x ? names.GetValueOrDefault(x) : null;
        return new DealDetailsDto((await DtosAsync([d], ct))[0],
            changes.Select(c => new DealStageChangeDto(c.FromStage, c.ToStage, c.At, Name(c.ByUserId))).ToList(),
            notes.Select(n => new DealNoteDto(n.Id, n.Stage, n.Text, Name(n.AuthorUserId), n.CreatedAt)).ToList(), documents);
    }

    /// <summary>A stage document for the deal's readers; every download audited.</summary>
    public async Task<(DealDocument? Document, ServiceResult Result)> DocumentAsync(Guid id, Guid documentId, CancellationToken ct)
    {
        var d = await db.Set<Deal>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        var doc = d is null || !CanRead(d) ? null : await db.Set<DealDocument>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == documentId && x.DealId == id, ct);
        if (doc is null)
        {
            return (null, new ServiceResult.NotFound());
        }
        await audit.RecordAsync("deal.document.read", $"deal:{id}", detail: $"document={documentId}", ct: ct);
        return (doc, new ServiceResult.Ok());
    }

    /// <summary>The manager's dashboard over the deals they carry.</summary>
    public async Task<DealDashboardDto> DashboardAsync(CancellationToken ct)
    {
        var counts = await Mine().GroupBy(d => d.Stage).Select(g => new { Stage = g.Key, N = g.Count() }).ToListAsync(ct);
        var byStage = Enum.GetValues<DealStage>().ToDictionary(s => s, s => counts.FirstOrDefault(c => c.Stage == s)?.N ?? 0);
        var since = clock.GetUtcNow().AddMonths(-12);
        var created = await Mine().CountAsync(d => d.CreatedAt >= since, ct);
        var signed = await Mine().CountAsync(d => d.CreatedAt >= since && d.SignedAt != null, ct);
        return new DealDashboardDto(byStage, created, signed, created == 0 ? null : (double)signed / created);
    }

    // ---- writes ----

    /// <summary>An approved manager starts a deal over a live result and/or demand.</summary>
    public async Task<(DealDto? Deal, ServiceResult Result)> CreateAsync(DealInput input, CancellationToken ct)
    {
        if (await managers.ApprovedMineAsync(ct) is not { } manager)
        {
            await audit.RecordAsync("deal.create", null, AuditOutcome.Failure, detail: "refused: not an approved technology manager", ct: ct);
            return (null, new ServiceResult.Forbidden());
        }
        var errors = new FieldErrors();
        AchievementRef? achievement = null;
        DemandRef? demand = null;
        if (input.AchievementId is null && input.DemandId is null)
        {
            errors.Add("achievementId", new Message("Deals.ResultOrDemand"));
        }
        if (input.AchievementId is { } aid && (achievement = await market.LiveAchievements().FirstOrDefaultAsync(a => a.Id == aid, ct)) is null)
        {
            errors.Add("achievementId", new Message("Deals.NotLive"));
        }
        if (input.DemandId is { } did && (demand = await market.LiveDemands().FirstOrDefaultAsync(x => x.Id == did, ct)) is null)
        {
            errors.Add("demandId", new Message("Deals.NotLive"));
        }
        var title = DealRules.Text(errors, "title", input.Title, DealRules.MaxTitle, required: false);
        var source = input.Source ?? DealSource.Direct;
        if (errors.Count == 0 && input.SourceRef is { } sourceRef && await SourceRefRefusedAsync(source, sourceRef, input.AchievementId, input.DemandId, ct) is { } refused)
        {
            errors.Add("sourceRef", refused);
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var now = clock.GetUtcNow();
        var d = new Deal
        {
            Id = Guid.CreateVersion7(),
            Title = Truncate(title ?? achievement?.Title ?? demand!.Title, DealRules.MaxTitle),
            ManagerId = manager.Id,
            ManagerUserId = manager.UserId,
            ManagerRegion = manager.RegionCode,
            AchievementId = achievement?.Id,
            AchievementTitle = achievement is null ? null : Truncate(achievement.Title, DealRules.MaxTitle),
            SellerOrganizationId = achievement?.OrganizationId,
            SellerRegion = achievement?.RegionCode,
            DemandId = demand?.Id,
            DemandTitle = demand is null ? null : Truncate(demand.Title, DealRules.MaxTitle),
            BuyerOrganizationId = demand?.OrganizationId,
            BuyerRegion = demand?.RegionCode,
            Source = source,
            SourceRef = input.SourceRef,
            Stage = DealStage.Lead,
            StageChangedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Add(d);
        db.Add(new DealStageChange { Id = Guid.CreateVersion7(), DealId = d.Id, ToStage = DealStage.Lead, ByUserId = me.Id, At = now });
        var result = await SaveAsync("deal.create", d, $"source={d.Source} achievement={d.AchievementId?.ToString() ?? "-"} demand={d.DemandId?.ToString() ?? "-"}", ct);
        return result is ServiceResult.Ok ? ((await DtosAsync([d], ct))[0], result) : (null, result);
    }

    /// <summary>
    /// Why the match, interest or meeting a deal says it comes from is refused, or null: an interest is a reaction of kind
    /// Interested to this (result, demand) pair, a match's reference (optional) any reaction to the pair, a meeting's an
    /// existing meeting whose exhibit, if it names one, is this deal's result or demand; a direct deal has none.
    /// </summary>
    private async Task<Message?> SourceRefRefusedAsync(DealSource source, Guid sourceRef, Guid? achievementId, Guid? demandId, CancellationToken ct)
    {
        switch (source)
        {
            case DealSource.Interest or DealSource.Match:
                var kind = achievementId is { } a && demandId is { } d ? await reactions.KindForPairAsync(sourceRef, a, d, ct) : null;
                return source == DealSource.Interest
                    ? kind == MatchReactionKind.Interested ? null : new Message("Deals.SourceRefInterest")
                    : kind is null ? new Message("Deals.SourceRefMatch") : null;
            case DealSource.Event:
                var meeting = await events.MeetingAsync(sourceRef, ct);
                var fits = meeting is not null && meeting.ExhibitItemId switch
                {
                    null => true,
                    { } item => meeting.ExhibitKind == ExhibitKind.Achievement ? item == achievementId : item == demandId,
                };
                return fits ? null : new Message("Deals.SourceRefMeeting");
            default:
                return new Message("Deals.SourceRefDirect");
        }
    }

    /// <summary>One stage forward: only the next stage; 已登记 names a registered contract of this deal (or of none yet).</summary>
    public async Task<ServiceResult> AdvanceAsync(Guid id, DealAdvanceInput input, CancellationToken ct)
    {
        var (d, refused) = await ForChangeAsync(id, "deal.advance", input.Version, ct);
        if (d is null)
        {
            return refused!;
        }
        var next = DealRules.Next(d.Stage);
        if (input.ToStage is null)
        {
            return new ServiceResult.Invalid(new FieldErrors { { "toStage", [new Message("Deals.Required")] } });
        }
        if (input.ToStage != next)
        {
            return new ServiceResult.Conflict(new Message("Deals.NotNextStage", Messages.Label(d.Stage), Messages.Label(input.ToStage.Value)));
        }
        if (next == DealStage.Registered)
        {
            var contract = input.ContractId is { } cid ? await contracts.FindAsync(cid, ct) : null;
            var reason = input.ContractId is null ? new Message("Deals.Required")
                : contract is null ? new Message("Deals.ContractUnknown")
                : !contract.Registered ? new Message("Deals.ContractRevoked")
                : contract.DealId is { } other && other != d.Id ? new Message("Deals.ContractOfAnotherDeal")
                : null;
            if (reason is not null)
            {
                return new ServiceResult.Invalid(new FieldErrors { { "contractId", [reason] } });
            }
            d.ContractId = contract!.Id;
        }
        var now = clock.GetUtcNow();
        db.Add(new DealStageChange { Id = Guid.CreateVersion7(), DealId = d.Id, FromStage = d.Stage, ToStage = next!.Value, ByUserId = me.Id, At = now });
        var from = d.Stage;
        d.Stage = next.Value;
        d.StageChangedAt = now;
        d.SignedAt = next == DealStage.Signed ? now : d.SignedAt;
        d.UpdatedAt = now;
        d.Version++;
        return await SaveAsync("deal.advance", d, $"from={from} to={d.Stage} contract={d.ContractId?.ToString() ?? "-"}", ct);
    }

    /// <summary>Closes an open deal with a coded reason (a note required for Other).</summary>
    public async Task<ServiceResult> CloseAsync(Guid id, DealCloseInput input, CancellationToken ct)
    {
        var (d, refused) = await ForChangeAsync(id, "deal.close", input.Version, ct);
        if (d is null)
        {
            return refused!;
        }
        var errors = new FieldErrors();
        if (input.Reason is null)
        {
            errors.Add("reason", new Message("Deals.Required"));
        }
        var note = DealRules.Text(errors, "note", input.Note, DealRules.MaxNote, required: input.Reason == DealCloseReason.Other);
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        var now = clock.GetUtcNow();
        db.Add(new DealStageChange { Id = Guid.CreateVersion7(), DealId = d.Id, FromStage = d.Stage, ToStage = DealStage.Closed, ByUserId = me.Id, At = now });
        var from = d.Stage;
        d.Stage = DealStage.Closed;
        d.StageChangedAt = now;
        d.CloseReason = input.Reason;
        d.CloseNote = note;
        d.UpdatedAt = now;
        d.Version++;
        return await SaveAsync("deal.close", d, $"from={from} reason={d.CloseReason}", ct);
    }

    /// <summary>A note at the deal's current stage, by its manager.</summary>
    public async Task<ServiceResult> AddNoteAsync(Guid id, DealNoteInput input, CancellationToken ct)
    {
        var (d, refused) = await ForChangeAsync(id, "deal.note", null, ct, allowFinished: true);
        if (d is null)
        {
            return refused!;
        }
        var errors = new FieldErrors();
        var text = DealRules.Text(errors, "text", input.Text, DealRules.MaxNote);
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        var now = clock.GetUtcNow();
        db.Add(new DealNote { Id = Guid.CreateVersion7(), DealId = d.Id, Stage = d.Stage, Text = text!, AuthorUserId = me.Id, CreatedAt = now });
        d.UpdatedAt = now;
        return await SaveAsync("deal.note", d, $"stage={d.Stage}", ct);
    }

    /// <summary>A document at the deal's current stage, by its manager: PDF, image or .docx, checked by its first bytes and size.</summary>
    public async Task<ServiceResult> AddDocumentAsync(Guid id, UploadedFile file, CancellationToken ct)
    {
        var (d, refused) = await ForChangeAsync(id, "deal.document", null, ct, allowFinished: true);
        if (d is null)
        {
            return refused!;
        }
        var (upload, error) = await Uploads.CheckAsync(file.FileName, file.Content, file.Length, UploadKind.WorkingDocument, DealRules.MaxDocumentBytes, ct);
        if (upload is null)
        {
            return new ServiceResult.Invalid(new FieldErrors { { "file", [error!] } });
        }
        using var buffer = new MemoryStream();
        await file.Content.CopyToAsync(buffer, ct);
        var now = clock.GetUtcNow();
        db.Add(new DealDocument
        {
            Id = Guid.CreateVersion7(),
            DealId = d.Id,
            Stage = d.Stage,
            FileName = upload.FileName,
            ContentType = Uploads.ContentTypeOf(upload.Extension),
            Size = upload.Length,
            Content = buffer.ToArray(),
            UploadedBy = me.Id,
            UploadedAt = now,
        });
        d.UpdatedAt = now;
        return await SaveAsync("deal.document", d, string.Create(CultureInfo.InvariantCulture, $"stage={d.Stage} file={upload.FileName} size={upload.Length}"), ct);
    }

    /// <summary>
    /// The deal to change, tracked, or why not: unknown or unreadable (404), readable but not the caller's (403, audited),
    /// registered or closed (409, unless a note or document is added), changed meanwhile (409).
    /// </summary>
    private async Task<(Deal? Deal, ServiceResult? Refused)> ForChangeAsync(Guid id, string action, int? version, CancellationToken ct, bool allowFinished = false)
    {
        var d = await db.Set<Deal>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (d is null || !CanRead(d))
        {
            return (null, new ServiceResult.NotFound());
        }
        if (!CanManage(d))
        {
            await audit.RecordAsync(action, $"deal:{id}", AuditOutcome.Failure, detail: "refused: not the deal's manager", ct: ct);
            return (null, new ServiceResult.Forbidden());
        }
        if (!allowFinished && !DealRules.IsOpen(d.Stage))
        {
            return (null, new ServiceResult.Conflict(new Message("Deals.Finished")));
        }
        if (!allowFinished && version is null)
        {
            return (null, new ServiceResult.Invalid(new FieldErrors { { "version", [new Message("Deals.Required")] } }));
        }
        if (version is { } v && v != d.Version)
        {
            return (null, new ServiceResult.Conflict(new Message("Deals.ChangedMeanwhile")));
        }
        return (d, null);
    }

    private Task<ServiceResult> SaveAsync(string action, Deal d, string detail, CancellationToken ct) =>
        DealStore.SaveAuditedAsync(db, audit, action, $"deal:{d.Id}", $"stage={d.Stage} {detail}", ct);

    private async Task<List<DealDto>> DtosAsync(IReadOnlyList<Deal> rows, CancellationToken ct)
    {
        var names = await managers.NamesAsync(rows.Select(r => r.ManagerId), ct);
        return rows.Select(d => new DealDto(d.Id, d.Title, d.ManagerId, names.GetValueOrDefault(d.ManagerId, ""), d.ManagerRegion,
            d.AchievementId, d.AchievementTitle, d.SellerOrganizationId, d.SellerRegion, d.DemandId, d.DemandTitle, d.BuyerOrganizationId, d.BuyerRegion,
            d.Source, d.SourceRef, d.Stage, d.StageChangedAt, d.SignedAt, d.CloseReason, d.CloseNote, d.ContractId, d.Synthetic, d.CreatedAt, d.Version, CanManage(d))).ToList();
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
