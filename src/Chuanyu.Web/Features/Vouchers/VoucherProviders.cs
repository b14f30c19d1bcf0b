using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

public sealed record VoucherProviderInput(Guid? OrganizationId, IReadOnlyList<VoucherServiceCategory>? Categories, string? Services);

/// <summary>A region administrator's decision on a provider: approve, reject (with a note) or suspend an approved one (with a note).</summary>
public sealed record VoucherProviderDecision(VoucherProviderStatus? Status, string? Note, int? Version = null);

public sealed record VoucherProviderDto(
    Guid Id, Guid OrganizationId, string OrganizationName, string RegionCode, IReadOnlyList<VoucherServiceCategory> Categories, string Services,
    VoucherProviderStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt, string? Note, bool CanDecide, int Version);

/// <summary>
/// Voucher service providers (创新券服务机构): an organisation's administrator registers it in its own region with the
/// services it offers; that region's administrators approve, reject or suspend it. Approved providers of either region
/// serve the vouchers of either region where the programme allows it. The public sees approved providers; an
/// organisation's people see its registration; a region's administrators see every registration of their region.
/// </summary>
public sealed class VoucherProviders(AppDbContext db, CurrentUser me, OrganizationDirectory organizations, AuditLog audit, TimeProvider clock)
{
    public const int MaxServicesLength = 1000;

    private bool CanDecide(string regionCode) => me.HasInRegion(PlatformRole.RegionAdmin, regionCode);

    private IQueryable<VoucherProvider> Visible()
    {
        var regions = me.AdminRegions.ToList();
        var mine = organizations.MyOrganizationIds().ToList();
        return db.Set<VoucherProvider>().AsNoTracking()
            .Where(p => p.Status == VoucherProviderStatus.Approved || regions.Contains(p.RegionCode) || mine.Contains(p.OrganizationId));
    }

    public async Task<PagedList<VoucherProviderDto>> ListAsync(string? region, VoucherProviderStatus? status, VoucherServiceCategory? category,
        int page, int pageSize, CancellationToken ct)
    {
        var query = Visible();
        if (!string.IsNullOrEmpty(region))
        {
            query = query.Where(p => p.RegionCode == region);
        }
        if (status is { } s)
        {
            query = query.Where(p => p.Status == s);
        }
        if (category is { } c && c != VoucherServiceCategory.None)
        {
            query = query.Where(p => (p.Categories & c) == c);
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(p => p.Status).ThenByDescending(p => p.CreatedAt).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<VoucherProviderDto>(total, page, pageSize, await ToDtosAsync(rows, ct));
    }

    public async Task<VoucherProviderDto?> GetAsync(Guid id, CancellationToken ct) =>
        await Visible().FirstOrDefaultAsync(p => p.Id == id, ct) is { } p ? (await ToDtosAsync([p], ct))[0] : null;

    /// <summary>The registration of an organisation, for its own people and the region's administrators (null when none or not theirs).</summary>
    public async Task<VoucherProviderDto?> OfOrganizationAsync(Guid organizationId, CancellationToken ct) =>
        await Visible().FirstOrDefaultAsync(p => p.OrganizationId == organizationId, ct) is { } p ? (await ToDtosAsync([p], ct))[0] : null;

    private async Task<List<VoucherProviderDto>> ToDtosAsync(IReadOnlyList<VoucherProvider> rows, CancellationToken ct)
    {
        var names = await organizations.NamesAsync(rows.Select(p => p.OrganizationId), ct);
        return rows.Select(p => new VoucherProviderDto(p.Id, p.OrganizationId, names.GetValueOrDefault(p.OrganizationId, ""), p.RegionCode,
            VoucherProgrammes.CategoriesOf(p.Categories), p.Services, p.Status, p.CreatedAt, p.DecidedAt, p.Note, CanDecide(p.RegionCode), p.Version)).ToList();
    }

    /// <summary>
    /// Registers (or, after a rejection, registers again) the organisation as a provider: by its administrator, for a
    /// verified organisation, in the organisation's region. A registration waits for the region's decision.
    /// </summary>
    public async Task<(VoucherProviderDto? Registered, ServiceResult Result)> RegisterAsync(VoucherProviderInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var categories = (input.Categories ?? []).Aggregate(VoucherServiceCategory.None, (m, c) => m | c);
        if (categories == VoucherServiceCategory.None || (input.Categories ?? []).Any(c => c == VoucherServiceCategory.None || !Enum.IsDefined(c)))
        {
            errors.Add("categories", new Message("VoucherProgrammes.CategoriesRequired"));
        }
        var services = input.Services?.Trim() ?? "";
        if (services.Length is < 2 or > MaxServicesLength)
        {
            errors.Add("services", new Message("VoucherProgrammes.ServicesLength", MaxServicesLength));
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
        if (!me.HasInOrganization(PlatformRole.OrgAdmin, org.Id))
        {
            return (null, new ServiceResult.Forbidden());
        }
        if (org.Status != OrganizationStatus.Verified)
        {
            return (null, new ServiceResult.RuleBroken("organization", new Message("VoucherProgrammes.OrganizationNotVerified")));
        }
        var existing = await db.Set<VoucherProvider>().FirstOrDefaultAsync(p => p.OrganizationId == org.Id, ct);
        if (existing is { Status: VoucherProviderStatus.Pending or VoucherProviderStatus.Approved or VoucherProviderStatus.Suspended })
        {
            // Approved or suspended providers change their services through the region, not by registering again.
            if (existing.Status != VoucherProviderStatus.Pending)
            {
                return (null, new ServiceResult.Conflict(new Message("VoucherProgrammes.ProviderAlreadyRegistered", Messages.Label(existing.Status))));
            }
        }
        var provider = existing ?? new VoucherProvider { Id = Guid.CreateVersion7(), OrganizationId = org.Id, CreatedBy = me.Id!.Value };
        provider.RegionCode = org.RegionCode;
        provider.Categories = categories;
        provider.Services = services;
        provider.Status = VoucherProviderStatus.Pending;
        provider.CreatedAt = clock.GetUtcNow();
        provider.DecidedAt = null;
        provider.DecidedBy = null;
        provider.Note = null;
        if (existing is null)
        {
            db.Add(provider);
        }
        else
        {
            provider.Version++;
        }
        var result = await SaveAsync("voucher-provider.register", provider, ct);
        return result is ServiceResult.Ok ? ((await ToDtosAsync([provider], ct))[0], result) : (null, result);
    }

    /// <summary>The region's decision: Approved, Rejected (note required) or Suspended (an approved one; note required).</summary>
    public async Task<ServiceResult> DecideAsync(Guid id, VoucherProviderDecision decision, CancellationToken ct)
    {
        var provider = await db.Set<VoucherProvider>().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (provider is null || (provider.Status != VoucherProviderStatus.Approved && !CanDecide(provider.RegionCode)
            && !organizations.MyOrganizationIds().Contains(provider.OrganizationId)))
        {
            return new ServiceResult.NotFound();
        }
        if (!CanDecide(provider.RegionCode))
        {
            return new ServiceResult.Forbidden();
        }
        var note = decision.Note?.Trim();
        var errors = new FieldErrors();
        if (decision.Status is not (VoucherProviderStatus.Approved or VoucherProviderStatus.Rejected or VoucherProviderStatus.Suspended))
        {
            errors.Add("status", new Message("VoucherProgrammes.ProviderDecisionInvalid"));
        }
        else if (decision.Status != VoucherProviderStatus.Approved && note is not { Length: >= 2 and <= 500 })
        {
            errors.Add("note", new Message("VoucherProgrammes.ReasonRequired"));
        }
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        if (decision.Version is { } v && v != provider.Version)
        {
            return new ServiceResult.Conflict(new Message("VoucherProgrammes.ChangedMeanwhile"));
        }
        var allowed = (provider.Status, decision.Status) switch
        {
            (VoucherProviderStatus.Pending, VoucherProviderStatus.Approved or VoucherProviderStatus.Rejected) => true,
            (VoucherProviderStatus.Approved, VoucherProviderStatus.Suspended) => true,
            (VoucherProviderStatus.Suspended, VoucherProviderStatus.Approved) => true,
            _ => false,
        };
        if (!allowed)
        {
            return new ServiceResult.Conflict(new Message("VoucherProgrammes.ProviderWrongStatus", Messages.Label(provider.Status)));
        }
        provider.Status = decision.Status!.Value;
        provider.Note = string.IsNullOrEmpty(note) ? null : note;
        provider.DecidedBy = me.Id;
        provider.DecidedAt = clock.GetUtcNow();
        provider.Version++;
        return await SaveAsync($"voucher-provider.{provider.Status.ToString().ToLowerInvariant()}", provider, ct);
    }

    private async Task<ServiceResult> SaveAsync(string action, VoucherProvider provider, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new ServiceResult.Conflict(new Message("VoucherProgrammes.ChangedMeanwhile"));
        }
        await audit.RecordAsync(action, $"voucher-provider:{provider.Id}", detail: $"organization={provider.OrganizationId:N} categories={(int)provider.Categories}", ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }
}
