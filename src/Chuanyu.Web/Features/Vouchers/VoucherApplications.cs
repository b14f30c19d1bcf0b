using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>An enterprise's application: the face values it asks for (from the programme's), and whether it claims the network members' ratio.</summary>
public sealed record VoucherApplicationInput(Guid? OrganizationId, IReadOnlyList<long>? FaceValuesFen, bool? NetworkMember);

/// <summary>The issuing region's decision: approve (and confirm or not the network membership claimed) or reject with a reason.</summary>
public sealed record VoucherApplicationDecision(bool? Approve, string? Reason, bool? NetworkMemberConfirmed = null, int? Version = null);

public sealed record VoucherApplicationDto(
    Guid Id, Guid ProgrammeId, string ProgrammeName, string IssuingRegionCode, Guid OrganizationId, string OrganizationName,
    IReadOnlyList<long> FaceValuesFen, bool NetworkMember, bool NetworkMemberConfirmed, VoucherApplicationStatus Status, int? LotteryRank,
    string? Reason, DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt, IReadOnlyList<string> VoucherCodes, bool CanDecide, bool CanWithdraw, int Version);

/// <summary>
/// Applications for vouchers (申领): an enterprise's administrator applies for a programme of its region (verified
/// organisation, 科技型中小企业 confirmed for the programme's year, within the issuing division, inside the application
/// window); the issuing region's administrators approve — which issues the vouchers in the same transaction — or reject
/// with a reason. Under a lottery only drawn applications can be approved.
/// </summary>
public sealed class VoucherApplications(AppDbContext db, CurrentUser me, OrganizationDirectory organizations, VoucherIssuing issuing,
    AuditLog audit, TimeProvider clock)
{
    private bool CanDecide(string regionCode) => me.HasInRegion(PlatformRole.RegionAdmin, regionCode);

    /// <summary>The applications the caller may see: their organisations' own, and every one of the regions they administer.</summary>
    private IQueryable<VoucherApplication> Visible()
    {
        var regions = me.AdminRegions.ToList();
        var mine = organizations.MyOrganizationIds().ToList();
        var programmes = db.Set<VoucherProgramme>().Where(p => regions.Contains(p.IssuingRegionCode)).Select(p => p.Id);
        return db.Set<VoucherApplication>().AsNoTracking().Where(a => mine.Contains(a.OrganizationId) || programmes.Contains(a.ProgrammeId));
    }

    public async Task<PagedList<VoucherApplicationDto>> ListAsync(Guid? programmeId, VoucherApplicationStatus? status, bool mine, int page, int pageSize, CancellationToken ct)
    {
        var query = Visible();
        if (mine)
        {
            var orgs = organizations.MyOrganizationIds().ToList();
            query = query.Where(a => orgs.Contains(a.OrganizationId));
        }
        if (programmeId is { } p)
        {
            query = query.Where(a => a.ProgrammeId == p);
        }
        if (status is { } s)
        {
            query = query.Where(a => a.Status == s);
        }
        var total = await query.CountAsync(ct);
        // Submission order: first come, first decided (a lottery's ranks are on the draw).
        var rows = await query.OrderBy(a => a.LotteryRank == null).ThenBy(a => a.LotteryRank).ThenBy(a => a.CreatedAt).ThenBy(a => a.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<VoucherApplicationDto>(total, page, pageSize, await ToDtosAsync(rows, ct));
    }

    public async Task<VoucherApplicationDto?> GetAsync(Guid id, CancellationToken ct) =>
        await Visible().FirstOrDefaultAsync(a => a.Id == id, ct) is { } a ? (await ToDtosAsync([a], ct))[0] : null;

    private async Task<List<VoucherApplicationDto>> ToDtosAsync(IReadOnlyList<VoucherApplication> rows, CancellationToken ct)
    {
        var programmeIds = rows.Select(a => a.ProgrammeId).Distinct().ToList();
        var programmes = await db.Set<VoucherProgramme>().AsNoTracking().Where(p => programmeIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var names = await organizations.NamesAsync(rows.Select(a => a.OrganizationId), ct);
        var ids = rows.Select(a => (Guid?)a.Id).ToList();
        var codes = (await db.Set<Voucher>().AsNoTracking().Where(v => ids.Contains(v.ApplicationId)).Select(v => new { v.ApplicationId, v.Code }).ToListAsync(ct))
            .ToLookup(v => v.ApplicationId!.Value, v => v.Code);
        var mine = organizations.OrganizationIdsWhereIHold(PlatformRole.OrgAdmin);
        return rows.Select(a =>
        {
            var p = programmes[a.ProgrammeId];
            return new VoucherApplicationDto(a.Id, a.ProgrammeId, p.Name, p.IssuingRegionCode, a.OrganizationId, names.GetValueOrDefault(a.OrganizationId, ""),
                VoucherProgrammes.FaceValuesOf(a.FaceValues), a.NetworkMember, a.NetworkMemberConfirmed, a.Status, a.LotteryRank, a.Reason, a.CreatedAt,
                a.DecidedAt, codes[a.Id].Order().ToList(), CanDecide(p.IssuingRegionCode) && Decidable(p, a),
                mine.Contains(a.OrganizationId) && a.Status is VoucherApplicationStatus.Submitted or VoucherApplicationStatus.Drawn, a.Version);
        }).ToList();
    }

    private static bool Decidable(VoucherProgramme p, VoucherApplication a) =>
        a.Status == (p.Allocation == VoucherAllocation.Lottery ? VoucherApplicationStatus.Drawn : VoucherApplicationStatus.Submitted);

    /// <summary>Whether an organisation lies within the division a programme issues to (the region, or one prefecture-level city of it).</summary>
    public static bool WithinDivision(string division, string regionCode, string districtCode) =>
        division.EndsWith("0000", StringComparison.Ordinal) ? regionCode == division : districtCode.StartsWith(division[..4], StringComparison.Ordinal);

    public async Task<(VoucherApplicationDto? Created, ServiceResult Result)> ApplyAsync(Guid programmeId, VoucherApplicationInput input, CancellationToken ct)
    {
        var programme = await db.Set<VoucherProgramme>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == programmeId && !p.Synthetic
            && p.Status != VoucherProgrammeStatus.Draft, ct);
        if (programme is null)
        {
            return (null, new ServiceResult.NotFound());
        }
        var errors = new FieldErrors();
        var offered = VoucherProgrammes.FaceValuesOf(programme.FaceValues);
        var faces = input.FaceValuesFen ?? [];
        if (faces.Count < 1 || faces.Count > programme.VouchersPerEnterprise || faces.Any(f => !offered.Contains(f)))
        {
            errors.Add("faceValuesFen", new Message("VoucherProgrammes.ApplicationFaceValuesInvalid", programme.VouchersPerEnterprise,
                string.Join(new Message("Search.ListSeparator").ToString(), offered.Select(f => Display.Money(f / 100m)))));
        }
        else if (programme.AnnualCapFen is { } cap && faces.Sum() > cap)
        {
            errors.Add("faceValuesFen", new Message("VoucherProgrammes.ApplicationAboveAnnualCap", Display.Money(cap / 100m)));
        }
        var orgId = input.OrganizationId ?? (organizations.OrganizationIdsWhereIHold(PlatformRole.OrgAdmin) is [var only] ? only : null);
        if (orgId is null)
        {
            errors.Add("organizationId", new Message("VoucherProgrammes.OrganizationRequired"));
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var org = await organizations.FindVisibleAsync(orgId!.Value, ct);
        if (org is null)
        {
            return (null, new ServiceResult.NotFound());
        }
        // Only the enterprise's own administrator applies: no provider, no platform staff, on its behalf.
        if (!me.HasInOrganization(PlatformRole.OrgAdmin, org.Id))
        {
            return (null, new ServiceResult.Forbidden());
        }
        var today = ChinaTime.Today(clock);
        if (programme.Status != VoucherProgrammeStatus.Open || today < programme.ApplyFrom || today > programme.ApplyUntil)
        {
            return (null, new ServiceResult.RuleBroken("applyWindow", new Message("VoucherProgrammes.ApplicationsClosed", programme.ApplyFrom, programme.ApplyUntil)));
        }
        if (org.Status != OrganizationStatus.Verified || org.Kind != OrganizationKind.Enterprise)
        {
            return (null, new ServiceResult.RuleBroken("organization", new Message("VoucherProgrammes.NotEligible")));
        }
        if (!WithinDivision(programme.IssuerDivisionCode, org.RegionCode, org.DistrictCode))
        {
            return (null, new ServiceResult.RuleBroken("division", new Message("VoucherProgrammes.OutsideDivision")));
        }
        if (!await organizations.IsConfirmedSmeAsync(org.Id, programme.Year, ct))
        {
            return (null, new ServiceResult.RuleBroken("sme", new Message("VoucherProgrammes.SmeNotConfirmed", programme.Year)));
        }
        if (await db.Set<VoucherApplication>().AnyAsync(a => a.ProgrammeId == programme.Id && a.OrganizationId == org.Id
            && !VoucherApplication.Closed.Contains(a.Status), ct))
        {
            return (null, new ServiceResult.Conflict(new Message("VoucherProgrammes.AlreadyApplied")));
        }
        var application = new VoucherApplication
        {
            Id = Guid.CreateVersion7(),
            ProgrammeId = programme.Id,
            OrganizationId = org.Id,
            ApplicantId = me.Id!.Value,
            FaceValues = VoucherProgrammes.StoreFaceValues(faces),
            NetworkMember = input.NetworkMember ?? false,
            Status = VoucherApplicationStatus.Submitted,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Add(application);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The partial unique index on (programme, organisation): a second live application raced this one.
            return (null, new ServiceResult.Conflict(new Message("VoucherProgrammes.AlreadyApplied")));
        }
        await audit.RecordAsync("voucher-application.submit", $"voucher-application:{application.Id}",
            detail: $"programme={programme.Code} organization={org.Id:N} faces={application.FaceValues}", ct: ct);
        await tx.CommitAsync(ct);
        return ((await ToDtosAsync([application], ct))[0], new ServiceResult.Ok());
    }

    public async Task<ServiceResult> WithdrawAsync(Guid id, CancellationToken ct)
    {
        var application = await db.Set<VoucherApplication>().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (application is null || !organizations.MyOrganizationIds().Contains(application.OrganizationId))
        {
            return new ServiceResult.NotFound();
        }
        if (!me.HasInOrganization(PlatformRole.OrgAdmin, application.OrganizationId))
        {
            return new ServiceResult.Forbidden();
        }
        if (application.Status is not (VoucherApplicationStatus.Submitted or VoucherApplicationStatus.Drawn))
        {
            return new ServiceResult.Conflict(new Message("VoucherProgrammes.ApplicationWrongStatus", Messages.Label(application.Status)));
        }
        application.Status = VoucherApplicationStatus.Withdrawn;
        application.Version++;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ServiceResult.Conflict(new Message("VoucherProgrammes.ChangedMeanwhile"));
        }
        await audit.RecordAsync("voucher-application.withdraw", $"voucher-application:{application.Id}", ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>Approves (issuing the vouchers, each a ledger posting, in this one transaction) or rejects with a reason.</summary>
    public async Task<ServiceResult> DecideAsync(Guid id, VoucherApplicationDecision decision, CancellationToken ct)
    {
        var application = await db.Set<VoucherApplication>().FirstOrDefaultAsync(a => a.Id == id, ct);
        var programme = application is null ? null : await db.Set<VoucherProgramme>().FirstOrDefaultAsync(p => p.Id == application.ProgrammeId, ct);
        if (application is null || programme is null
            || (!CanDecide(programme.IssuingRegionCode) && !organizations.MyOrganizationIds().Contains(application.OrganizationId)))
        {
            return new ServiceResult.NotFound();
        }
        if (!CanDecide(programme.IssuingRegionCode))
        {
            return new ServiceResult.Forbidden();
        }
        var reason = decision.Reason?.Trim();
        var errors = new FieldErrors();
        if (decision.Approve is null)
        {
            errors.Add("approve", new Message("VoucherProgrammes.DecisionRequired"));
        }
        else if (decision.Approve == false && reason is not { Length: >= 2 and <= 500 })
        {
            errors.Add("reason", new Message("VoucherProgrammes.ReasonRequired"));
        }
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        if (decision.Version is { } v && v != application.Version)
        {
            return new ServiceResult.Conflict(new Message("VoucherProgrammes.ChangedMeanwhile"));
        }
        if (!Decidable(programme, application))
        {
            return new ServiceResult.Conflict(new Message(programme.Allocation == VoucherAllocation.Lottery && application.Status == VoucherApplicationStatus.Submitted
                ? "VoucherProgrammes.NotDrawnYet" : "VoucherProgrammes.ApplicationWrongStatus", Messages.Label(application.Status)));
        }
        application.DecidedBy = me.Id;
        application.DecidedAt = clock.GetUtcNow();
        application.Reason = string.IsNullOrEmpty(reason) ? null : reason;
        application.Version++;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (decision.Approve == false)
        {
            application.Status = VoucherApplicationStatus.Rejected;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return new ServiceResult.Conflict(new Message("VoucherProgrammes.ChangedMeanwhile"));
            }
            await audit.RecordAsync("voucher-application.reject", $"voucher-application:{application.Id}", detail: reason, ct: ct);
            await tx.CommitAsync(ct);
            return new ServiceResult.Ok();
        }
        if (!await organizations.IsConfirmedSmeAsync(application.OrganizationId, programme.Year, ct))
        {
            return new ServiceResult.RuleBroken("sme", new Message("VoucherProgrammes.SmeNotConfirmed", programme.Year));
        }
        application.Status = VoucherApplicationStatus.Approved;
        application.NetworkMemberConfirmed = application.NetworkMember && decision.NetworkMemberConfirmed == true;
        var ratio = new SubsidyRatio(programme.RatioNum, programme.RatioDen);
        if (application.NetworkMemberConfirmed
            && await db.Set<VoucherRatioRule>().AsNoTracking().FirstOrDefaultAsync(r => r.ProgrammeId == programme.Id && r.Condition == VoucherRatioCondition.NetworkMember, ct) is { } rule)
        {
            ratio = SubsidyRule.Highest([ratio, new SubsidyRatio(rule.RatioNum, rule.RatioDen)]);
        }
        var codes = new List<string>();
        try
        {
            await db.SaveChangesAsync(ct);
            foreach (var face in VoucherProgrammes.FaceValuesOf(application.FaceValues))
            {
                codes.Add((await issuing.IssueAsync(programme, application.Id, application.OrganizationId, face, ratio.Num, ratio.Den, ct)).Code);
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ServiceResult.Conflict(new Message("VoucherProgrammes.ChangedMeanwhile"));
        }
        catch (VoucherLedgerRefusedException)
        {
            return new ServiceResult.Conflict(new Message("VoucherProgrammes.BudgetExhausted"));
        }
        await audit.RecordAsync("voucher-application.approve", $"voucher-application:{application.Id}",
            detail: $"vouchers={string.Join(',', codes)} ratio={ratio}", ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }
}
