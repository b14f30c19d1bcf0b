using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Vouchers;

/// <summary>
/// A programme as typed by its region's administrator. Money in fen; the ratio as a fraction (a page types a percentage).
/// <c>NetworkMemberRatio*</c> and <c>ScienceProjectRatio*</c> are the optional higher ratios (Chongqing: 20 % for member
/// units of the sharing network, 30 % for projects of municipal or higher science plans; the highest applies).
/// </summary>
public sealed record VoucherProgrammeInput(
    string? Code, string? Name, string? IssuerDivisionCode, int? Year, VoucherMode? Mode, IReadOnlyList<long>? FaceValuesFen,
    int? RatioNum, int? RatioDen, long? PerClaimCapFen, long? AnnualCapFen, int? VouchersPerEnterprise,
    IReadOnlyList<VoucherServiceCategory>? Categories, bool? AllowOtherRegion, VoucherAllocation? Allocation,
    DateOnly? ApplyFrom, DateOnly? ApplyUntil, DateOnly? UseUntil, DateOnly? RedeemUntil,
    int? NetworkMemberRatioNum = null, int? NetworkMemberRatioDen = null, int? ScienceProjectRatioNum = null, int? ScienceProjectRatioDen = null,
    int? Version = null);

public sealed record VoucherRatioRuleDto(VoucherRatioCondition Condition, int RatioNum, int RatioDen);

/// <summary>A programme as the public and its administrators see it; <c>Issued</c>/<c>Left</c> are the ledger's figures.</summary>
public sealed record VoucherProgrammeDto(
    Guid Id, string Code, string Name, string IssuingRegionCode, string IssuerDivisionCode, int Year, VoucherMode Mode, long BudgetFen,
    IReadOnlyList<long> FaceValuesFen, int RatioNum, int RatioDen, IReadOnlyList<VoucherRatioRuleDto> RatioRules, long? PerClaimCapFen,
    long? AnnualCapFen, int VouchersPerEnterprise, IReadOnlyList<VoucherServiceCategory> Categories, bool AllowOtherRegion,
    VoucherAllocation Allocation, string? LotterySeed, DateTimeOffset? LotteryDrawnAt, DateOnly ApplyFrom, DateOnly ApplyUntil,
    DateOnly UseUntil, DateOnly RedeemUntil, VoucherProgrammeStatus Status, long BudgetLeftFen, bool CanManage, int Version);

/// <summary>One application's place in a programme's lottery: the hash that ranked it, so anyone can recompute the order.</summary>
public sealed record VoucherDrawEntry(int Rank, Guid ApplicationId, string OrganizationName, string Hash, long FaceValueFen, VoucherApplicationStatus Status);

/// <summary>A lottery: the seed the administrator entered, when, and every application in ranked order.</summary>
public sealed record VoucherDrawDto(Guid ProgrammeId, string? Seed, DateTimeOffset? DrawnAt, string Rule, IReadOnlyList<VoucherDrawEntry> Entries);

/// <summary>
/// Voucher programmes (创新券项目) of the two regions: the issuing region's administrators create them as drafts, open
/// them for applications, fund them (the budget is the ledger's Fund/Defund, <see cref="VoucherFunding"/>), draw the
/// lottery when the programme allocates by lot, and close them. The public sees every programme that is not a draft.
/// </summary>
public sealed class VoucherProgrammes(AppDbContext db, CurrentUser me, VoucherFunding funding, VoucherLedger ledger, RegionDirectory regions,
    OrganizationDirectory organizations, AuditLog audit, TimeProvider clock)
{
    public const long MaxMoneyFen = 100_000_000_000_00; // 1,000 亿元: beyond any programme
    public const int MaxFaceValues = 10;

    public bool CanManage(string regionCode) => me.HasInRegion(PlatformRole.RegionAdmin, regionCode);

    /// <summary>The programmes the caller may see: everyone's that are open or closed, and the drafts of the regions they administer.</summary>
    public IQueryable<VoucherProgramme> Visible()
    {
        var regionsAdministered = me.AdminRegions.ToList();
        return db.Set<VoucherProgramme>().AsNoTracking()
            .Where(p => !p.Synthetic && (p.Status != VoucherProgrammeStatus.Draft || regionsAdministered.Contains(p.IssuingRegionCode)));
    }

    public async Task<PagedList<VoucherProgrammeDto>> ListAsync(string? region, int? year, VoucherProgrammeStatus? status, int page, int pageSize, CancellationToken ct)
    {
        var query = Visible();
        if (!string.IsNullOrEmpty(region))
        {
            query = query.Where(p => p.IssuingRegionCode == region);
        }
        if (year is { } y)
        {
            query = query.Where(p => p.Year == y);
        }
        if (status is { } s)
        {
            query = query.Where(p => p.Status == s);
        }
        var total = await query.CountAsync(ct);
        var list = await query.OrderByDescending(p => p.Year).ThenBy(p => p.IssuingRegionCode).ThenBy(p => p.Code)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<VoucherProgrammeDto>(total, page, pageSize, await ToDtosAsync(list, ct));
    }

    public async Task<VoucherProgrammeDto?> GetAsync(Guid id, CancellationToken ct)
    {
        var p = await Visible().FirstOrDefaultAsync(p => p.Id == id, ct);
        return p is null ? null : (await ToDtosAsync([p], ct))[0];
    }

    private async Task<List<VoucherProgrammeDto>> ToDtosAsync(IReadOnlyList<VoucherProgramme> list, CancellationToken ct)
    {
        var ids = list.Select(p => p.Id).ToList();
        var rules = await db.Set<VoucherRatioRule>().AsNoTracking().Where(r => ids.Contains(r.ProgrammeId)).ToListAsync(ct);
        var keys = ids.Select(LedgerKeys.Budget).ToList();
        var left = await db.Set<VoucherLedgerAccount>().AsNoTracking().Where(a => keys.Contains(a.Key))
            .ToDictionaryAsync(a => a.ProgrammeId, a => a.BalanceFen, ct);
        return list.Select(p => new VoucherProgrammeDto(
            p.Id, p.Code, p.Name, p.IssuingRegionCode, p.IssuerDivisionCode, p.Year, p.Mode, p.BudgetFen, FaceValuesOf(p.FaceValues),
            p.RatioNum, p.RatioDen, rules.Where(r => r.ProgrammeId == p.Id).OrderBy(r => r.Condition)
                .Select(r => new VoucherRatioRuleDto(r.Condition, r.RatioNum, r.RatioDen)).ToList(),
            p.PerClaimCapFen, p.AnnualCapFen, p.VouchersPerEnterprise, CategoriesOf(p.Categories), p.AllowOtherRegion, p.Allocation,
            p.LotteryDrawnAt is null ? null : p.LotterySeed, p.LotteryDrawnAt, p.ApplyFrom, p.ApplyUntil, p.UseUntil, p.RedeemUntil, p.Status,
            left.GetValueOrDefault(p.Id), CanManage(p.IssuingRegionCode), p.Version)).ToList();
    }

    public static IReadOnlyList<long> FaceValuesOf(string stored) =>
        stored.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToList();

    public static string StoreFaceValues(IEnumerable<long> values) => string.Join(',', values.Select(v => v.ToString(CultureInfo.InvariantCulture)));

    public static IReadOnlyList<VoucherServiceCategory> CategoriesOf(VoucherServiceCategory mask) =>
        Enum.GetValues<VoucherServiceCategory>().Where(c => c != VoucherServiceCategory.None && mask.HasFlag(c)).ToList();

    // ---- writing ----------------------------------------------------------------------------------------------------

    /// <summary>Creates a draft programme of the caller's region (the region whose administrator they are; the first if several).</summary>
    public async Task<(VoucherProgrammeDto? Created, ServiceResult Result)> CreateAsync(string? regionCode, VoucherProgrammeInput input, CancellationToken ct)
    {
        var region = regionCode ?? me.AdminRegions.FirstOrDefault();
        if (region is null || !CanManage(region))
        {
            return (null, new ServiceResult.Forbidden());
        }
        var programme = new VoucherProgramme
        {
            Id = Guid.CreateVersion7(),
            IssuingRegionCode = region,
            Status = VoucherProgrammeStatus.Draft,
            CreatedBy = me.Id!.Value,
            CreatedAt = clock.GetUtcNow(),
        };
        var errors = await ApplyAsync(programme, input, ct);
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        if (await db.Set<VoucherProgramme>().AnyAsync(p => p.Code == programme.Code, ct))
        {
            var e = new FieldErrors();
            e.Add("code", new Message("VoucherProgrammes.ProgrammeCodeTaken", programme.Code));
            return (null, new ServiceResult.Invalid(e));
        }
        db.Add(programme);
        AddRatioRules(programme, input);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("voucher-programme.create", $"voucher-programme:{programme.Id}", detail: programme.Code, ct: ct);
        await tx.CommitAsync(ct);
        return ((await ToDtosAsync([programme], ct))[0], new ServiceResult.Ok());
    }

    /// <summary>Edits a draft (an open programme's terms are what enterprises applied under: they do not change).</summary>
    public async Task<ServiceResult> UpdateAsync(Guid id, VoucherProgrammeInput input, CancellationToken ct)
    {
        var (programme, refused) = await LoadForManagerAsync(id, input.Version, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (programme!.Status != VoucherProgrammeStatus.Draft)
        {
            return new ServiceResult.Conflict(new Message("VoucherProgrammes.ProgrammeNotDraft"));
        }
        var errors = await ApplyAsync(programme, input, ct);
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        if (await db.Set<VoucherProgramme>().AnyAsync(p => p.Code == programme.Code && p.Id != programme.Id, ct))
        {
            var e = new FieldErrors();
            e.Add("code", new Message("VoucherProgrammes.ProgrammeCodeTaken", programme.Code));
            return new ServiceResult.Invalid(e);
        }
        db.RemoveRange(await db.Set<VoucherRatioRule>().Where(r => r.ProgrammeId == id).ToListAsync(ct));
        AddRatioRules(programme, input);
        programme.Version++;
        return await SaveAsync("voucher-programme.update", programme, programme.Code, ct);
    }

    /// <summary>Opens a draft for applications (it needs a budget), or closes an open programme (no more applications).</summary>
    public async Task<ServiceResult> SetStatusAsync(Guid id, VoucherProgrammeStatus status, int? version, CancellationToken ct)
    {
        var (programme, refused) = await LoadForManagerAsync(id, version, ct);
        if (refused is not null)
        {
            return refused;
        }
        var allowed = (programme!.Status, status) is (VoucherProgrammeStatus.Draft, VoucherProgrammeStatus.Open) or (VoucherProgrammeStatus.Open, VoucherProgrammeStatus.Closed);
        if (!allowed)
        {
            return new ServiceResult.Conflict(new Message("VoucherProgrammes.ProgrammeWrongStatus", Messages.Label(programme.Status)));
        }
        if (status == VoucherProgrammeStatus.Open && programme.BudgetFen <= 0)
        {
            return new ServiceResult.RuleBroken("budget", new Message("VoucherProgrammes.ProgrammeNeedsBudget"));
        }
        programme.Status = status;
        programme.Version++;
        return await SaveAsync(status == VoucherProgrammeStatus.Open ? "voucher-programme.open" : "voucher-programme.close", programme, programme.Code, ct);
    }

    /// <summary>Sets the budget: Fund or Defund in the ledger, with the programme row, in one transaction; a cut below what is issued is refused.</summary>
    public async Task<ServiceResult> SetBudgetAsync(Guid id, long? budgetFen, int? version, CancellationToken ct)
    {
        if (budgetFen is not (>= 0 and <= MaxMoneyFen))
        {
            var e = new FieldErrors();
            e.Add("budgetFen", new Message("VoucherProgrammes.MoneyRange", Display.Money(MaxMoneyFen / 100m)));
            return new ServiceResult.Invalid(e);
        }
        var (programme, refused) = await LoadForManagerAsync(id, version, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (programme!.Status == VoucherProgrammeStatus.Closed)
        {
            return new ServiceResult.Conflict(new Message("VoucherProgrammes.ProgrammeWrongStatus", Messages.Label(programme.Status)));
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await funding.SetBudgetAsync(programme.Id, budgetFen.Value, ct);
            await db.SaveChangesAsync(ct);
        }
        catch (VoucherLedgerRefusedException)
        {
            return new ServiceResult.Conflict(new Message("VoucherProgrammes.BudgetBelowIssued"));
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ServiceResult.Conflict(ChangedMeanwhile);
        }
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    // ---- the lottery ------------------------------------------------------------------------------------------------

    /// <summary>The rule of the draw, as the public page states it.</summary>
    public const string DrawRule = "rank = ascending SHA-256(UTF-8(seed + \":\" + applicationId as 32 lower-case hex digits)); in rank order an application is drawn when its face values fit in the budget not yet issued or drawn";

    /// <summary>The hash that ranks an application in a draw (see <see cref="DrawRule"/>): anyone can recompute it.</summary>
    public static string DrawHash(string seed, Guid applicationId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed + ":" + applicationId.ToString("N"))));

    /// <summary>
    /// Draws the lottery of a programme that allocates by lot, once, after applications closed: the seed (a published
    /// lottery number or a random value the administrator enters) is stored with the ranks, so the draw is reproducible.
    /// </summary>
    public async Task<ServiceResult> DrawAsync(Guid id, string? seed, int? version, CancellationToken ct)
    {
        var trimmed = seed?.Trim() ?? "";
        if (trimmed.Length is < 6 or > 128 || trimmed.Any(c => c < '!' || c > '~'))
        {
            var e = new FieldErrors();
            e.Add("seed", new Message("VoucherProgrammes.SeedInvalid"));
            return new ServiceResult.Invalid(e);
        }
        var (programme, refused) = await LoadForManagerAsync(id, version, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (programme!.Allocation != VoucherAllocation.Lottery)
        {
            return new ServiceResult.RuleBroken("allocation", new Message("VoucherProgrammes.NotALottery"));
        }
        if (programme.LotteryDrawnAt is not null)
        {
            return new ServiceResult.Conflict(new Message("VoucherProgrammes.AlreadyDrawn"));
        }
        if (ChinaTime.Today(clock) <= programme.ApplyUntil)
        {
            return new ServiceResult.RuleBroken("applyUntil", new Message("VoucherProgrammes.DrawBeforeApplyUntil", programme.ApplyUntil));
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var applications = await db.Set<VoucherApplication>()
            .Where(a => a.ProgrammeId == id && a.Status == VoucherApplicationStatus.Submitted).ToListAsync(ct);
        var left = await ledger.FindAsync(LedgerKeys.Budget(id), ct) is { } account ? await ledger.BalanceAsync(account.Id, ct) : 0;
        var rank = 0;
        foreach (var a in applications.OrderBy(a => DrawHash(trimmed, a.Id), StringComparer.Ordinal))
        {
            a.LotteryRank = ++rank;
            var face = FaceValuesOf(a.FaceValues).Sum();
            if (face <= left)
            {
                a.Status = VoucherApplicationStatus.Drawn;
                left -= face;
            }
            else
            {
                a.Status = VoucherApplicationStatus.NotDrawn;
            }
            a.Version++;
        }
        programme.LotterySeed = trimmed;
        programme.LotteryDrawnAt = clock.GetUtcNow();
        programme.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ServiceResult.Conflict(ChangedMeanwhile);
        }
        await audit.RecordAsync("voucher-programme.draw", $"voucher-programme:{programme.Id}",
            detail: string.Create(CultureInfo.InvariantCulture, $"{programme.Code} seed={trimmed} applications={applications.Count} drawn={applications.Count(a => a.Status == VoucherApplicationStatus.Drawn)}"), ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>A programme's draw for anyone who may see the programme: the seed (once drawn) and every ranked application.</summary>
    public async Task<VoucherDrawDto?> DrawOfAsync(Guid id, CancellationToken ct)
    {
        var programme = await Visible().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (programme is null)
        {
            return null;
        }
        var ranked = await db.Set<VoucherApplication>().AsNoTracking().Where(a => a.ProgrammeId == id && a.LotteryRank != null)
            .OrderBy(a => a.LotteryRank).ToListAsync(ct);
        var names = await organizations.NamesAsync(ranked.Select(a => a.OrganizationId), ct);
        return new VoucherDrawDto(id, programme.LotteryDrawnAt is null ? null : programme.LotterySeed, programme.LotteryDrawnAt, DrawRule,
            ranked.Select(a => new VoucherDrawEntry(a.LotteryRank!.Value, a.Id, names.GetValueOrDefault(a.OrganizationId, ""),
                DrawHash(programme.LotterySeed!, a.Id), FaceValuesOf(a.FaceValues).Sum(), a.Status)).ToList());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static readonly Message ChangedMeanwhile = new("Vouchers.ChangedMeanwhile");

    private async Task<(VoucherProgramme? Programme, ServiceResult? Refused)> LoadForManagerAsync(Guid id, int? version, CancellationToken ct)
    {
        var programme = await db.Set<VoucherProgramme>().FirstOrDefaultAsync(p => p.Id == id && !p.Synthetic, ct);
        if (programme is null || (programme.Status == VoucherProgrammeStatus.Draft && !CanManage(programme.IssuingRegionCode)))
        {
            return (null, new ServiceResult.NotFound());
        }
        if (!CanManage(programme.IssuingRegionCode))
        {
            return (null, new ServiceResult.Forbidden());
        }
        if (version is { } v && v != programme.Version)
        {
            return (null, new ServiceResult.Conflict(ChangedMeanwhile));
        }
        return (programme, null);
    }

    private async Task<ServiceResult> SaveAsync(string action, VoucherProgramme programme, string detail, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new ServiceResult.Conflict(ChangedMeanwhile);
        }
        await audit.RecordAsync(action, $"voucher-programme:{programme.Id}", detail: detail, ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    private void AddRatioRules(VoucherProgramme programme, VoucherProgrammeInput input)
    {
        if (input.NetworkMemberRatioNum is { } n1 && input.NetworkMemberRatioDen is { } d1)
        {
            db.Add(Rule(programme, VoucherRatioCondition.NetworkMember, n1, d1));
        }
        if (input.ScienceProjectRatioNum is { } n2 && input.ScienceProjectRatioDen is { } d2)
        {
            db.Add(Rule(programme, VoucherRatioCondition.MunicipalScienceProject, n2, d2));
        }
    }

    private static VoucherRatioRule Rule(VoucherProgramme p, VoucherRatioCondition condition, int num, int den)
    {
        var (n, d) = Reduce(num, den);
        return new VoucherRatioRule { Id = Guid.CreateVersion7(), ProgrammeId = p.Id, Condition = condition, RatioNum = n, RatioDen = d };
    }

    public static (int Num, int Den) Reduce(int num, int den)
    {
        var g = (int)System.Numerics.BigInteger.GreatestCommonDivisor(num, den);
        return g <= 1 ? (num, den) : (num / g, den / g);
    }

    /// <summary>Checks the input and copies it onto the programme; field errors name the API's fields.</summary>
    private async Task<FieldErrors> ApplyAsync(VoucherProgramme p, VoucherProgrammeInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var code = (input.Code ?? "").Normalize(NormalizationForm.FormKC).Trim().ToUpperInvariant();
        if (code.Length is < 3 or > 30 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            errors.Add("code", new Message("VoucherProgrammes.ProgrammeCodeInvalid"));
        }
        var name = input.Name?.Trim() ?? "";
        if (name.Length is < 2 or > 100)
        {
            errors.Add("name", new Message("VoucherProgrammes.ProgrammeNameLength"));
        }
        var division = input.IssuerDivisionCode?.Trim() ?? p.IssuingRegionCode;
        if (division != p.IssuingRegionCode
            && !await regions.Districts().AnyAsync(d => d.Code == division && d.RegionCode == p.IssuingRegionCode && d.Level == DistrictLevel.Prefecture, ct))
        {
            errors.Add("issuerDivisionCode", new Message("VoucherProgrammes.DivisionInvalid"));
        }
        var thisYear = ChinaTime.Today(clock).Year;
        if (input.Year is not { } year || year < thisYear - 1 || year > thisYear + 1)
        {
            errors.Add("year", new Message("VoucherProgrammes.YearRange", thisYear - 1, thisYear + 1));
        }
        if (input.Mode is not { } mode || !Enum.IsDefined(mode))
        {
            errors.Add("mode", new Message("VoucherProgrammes.ModeRequired"));
        }
        var faces = input.FaceValuesFen ?? [];
        if (faces.Count is < 1 or > MaxFaceValues || faces.Any(f => f is <= 0 or > MaxMoneyFen) || faces.Distinct().Count() != faces.Count)
        {
            errors.Add("faceValuesFen", new Message("VoucherProgrammes.FaceValuesInvalid", MaxFaceValues));
        }
        if (input.RatioNum is not { } num || input.RatioDen is not { } den || !new SubsidyRatio(num, den).IsValid || den > 10_000)
        {
            errors.Add("ratio", new Message("VoucherProgrammes.RatioInvalid"));
        }
        else
        {
            foreach (var (field, n, d) in new[] { ("networkMemberRatio", input.NetworkMemberRatioNum, input.NetworkMemberRatioDen), ("scienceProjectRatio", input.ScienceProjectRatioNum, input.ScienceProjectRatioDen) })
            {
                if (n is null && d is null)
                {
                    continue;
                }
                if (n is not { } rn || d is not { } rd || !new SubsidyRatio(rn, rd).IsValid || rd > 10_000 || !new SubsidyRatio(rn, rd).IsGreaterThan(new SubsidyRatio(num, den)))
                {
                    errors.Add(field, new Message("VoucherProgrammes.HigherRatioInvalid"));
                }
            }
        }
        if (input.PerClaimCapFen is { } perClaim && perClaim is <= 0 or > MaxMoneyFen)
        {
            errors.Add("perClaimCapFen", new Message("VoucherProgrammes.MoneyRange", Display.Money(MaxMoneyFen / 100m)));
        }
        if (input.AnnualCapFen is { } annual && annual is <= 0 or > MaxMoneyFen)
        {
            errors.Add("annualCapFen", new Message("VoucherProgrammes.MoneyRange", Display.Money(MaxMoneyFen / 100m)));
        }
        if (input.VouchersPerEnterprise is not (>= 1 and <= MaxFaceValues))
        {
            errors.Add("vouchersPerEnterprise", new Message("VoucherProgrammes.VouchersPerEnterpriseRange", MaxFaceValues));
        }
        var categories = (input.Categories ?? []).Aggregate(VoucherServiceCategory.None, (m, c) => m | c);
        if (categories == VoucherServiceCategory.None || (input.Categories ?? []).Any(c => c == VoucherServiceCategory.None || !Enum.IsDefined(c)))
        {
            errors.Add("categories", new Message("VoucherProgrammes.CategoriesRequired"));
        }
        if (input.Allocation is not { } allocation || !Enum.IsDefined(allocation))
        {
            errors.Add("allocation", new Message("VoucherProgrammes.AllocationRequired"));
        }
        if (input.ApplyFrom is not { } applyFrom || input.ApplyUntil is not { } applyUntil || applyUntil < applyFrom)
        {
            errors.Add("applyUntil", new Message("VoucherProgrammes.ApplyWindowInvalid"));
        }
        else if (input.UseUntil is not { } useUntil || useUntil < applyUntil)
        {
            errors.Add("useUntil", new Message("VoucherProgrammes.UseUntilInvalid"));
        }
        else if (input.RedeemUntil is not { } redeemUntil || redeemUntil < useUntil)
        {
            errors.Add("redeemUntil", new Message("VoucherProgrammes.RedeemUntilInvalid"));
        }
        else if (applyFrom.Year < thisYear - 1 || redeemUntil > applyFrom.AddYears(3))
        {
            errors.Add("redeemUntil", new Message("VoucherProgrammes.DatesTooFar"));
        }
        if (errors.Count > 0)
        {
            return errors;
        }
        var (rn2, rd2) = Reduce(input.RatioNum!.Value, input.RatioDen!.Value);
        p.Code = code;
        p.Name = name;
        p.IssuerDivisionCode = division;
        p.Year = input.Year!.Value;
        p.Mode = input.Mode!.Value;
        p.FaceValues = StoreFaceValues(faces.Order());
        p.RatioNum = rn2;
        p.RatioDen = rd2;
        p.PerClaimCapFen = input.PerClaimCapFen;
        p.AnnualCapFen = input.AnnualCapFen;
        p.VouchersPerEnterprise = input.VouchersPerEnterprise!.Value;
        p.Categories = categories;
        p.AllowOtherRegion = input.AllowOtherRegion ?? false;
        p.Allocation = input.Allocation!.Value;
        p.ApplyFrom = input.ApplyFrom!.Value;
        p.ApplyUntil = input.ApplyUntil!.Value;
        p.UseUntil = input.UseUntil!.Value;
        p.RedeemUntil = input.RedeemUntil!.Value;
        return errors;
    }
}
