using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Market;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Contracts;

/// <summary>
/// Technology contract registration (技术合同登记, issue 17 point 6). An administrator of the seller's region registers,
/// corrects and revokes; the administrators of the buyer's region and the members of either party's organisation read
/// the contract and its file; anyone else gets 404 (the public sees only <see cref="ContractStatistics"/>). Every write
/// moves the aggregates in the same transaction (<see cref="ContractStatsWriter"/>) and writes an audit row.
/// </summary>
public sealed class TechContracts(AppDbContext db, CurrentUser me, OrganizationDirectory organizations, MarketDirectory market, AuditLog audit, TimeProvider clock)
{
    /// <summary>The regions whose contracts the caller registers.</summary>
    public IReadOnlyList<string> ManagedRegions => me.AdminRegions.Where(ContractRegions.Registering.Contains).ToList();

    public bool CanManage(TechContract c) => me.HasInRegion(PlatformRole.RegionAdmin, c.SellerRegion);

    private List<Guid> MyOrganizations => me.Grants.Where(g => g.OrganizationId is not null).Select(g => g.OrganizationId!.Value).Distinct().ToList();

    public bool CanRead(TechContract c) => CanManage(c) || me.HasInRegion(PlatformRole.RegionAdmin, c.BuyerRegion)
        || (c.SellerOrganizationId is { } s && MyOrganizations.Contains(s)) || (c.BuyerOrganizationId is { } b && MyOrganizations.Contains(b));

    /// <summary>The contracts the caller may read, as one SQL predicate (regions administered on either side, own organisations as a party).</summary>
    private IQueryable<TechContract> Readable()
    {
        var regions = me.AdminRegions.ToList();
        var orgs = MyOrganizations;
        return db.Set<TechContract>().AsNoTracking().Where(c => regions.Contains(c.SellerRegion) || regions.Contains(c.BuyerRegion)
            || (c.SellerOrganizationId != null && orgs.Contains(c.SellerOrganizationId.Value))
            || (c.BuyerOrganizationId != null && orgs.Contains(c.BuyerOrganizationId.Value)));
    }

    // ---- reads ----

    public async Task<PagedList<TechContractDto>> ListAsync(TechContractQuery q, int page, int pageSize, CancellationToken ct)
    {
        var query = Filter(Readable(), q);
        var total = await query.CountAsync(ct);
        var rows = await query.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<TechContractDto>(total, page, pageSize, rows.Select(c => TechContractDto.Of(c, CanManage(c))).ToList());
    }

    private static IQueryable<TechContract> Filter(IQueryable<TechContract> query, TechContractQuery q)
    {
        if (!string.IsNullOrWhiteSpace(q.Q))
        {
            var term = q.Q.Trim();
            query = query.Where(c => c.RegistrationNumber == term || c.Title.Contains(term) || c.SellerName.Contains(term) || c.BuyerName.Contains(term));
        }
        if (q.Type is { } type)
        {
            query = query.Where(c => c.Type == type);
        }
        if (q.Status is { } status)
        {
            query = query.Where(c => c.Status == status);
        }
        if (q.Year is { } year)
        {
            query = query.Where(c => c.RegisteredMonth >= year * 100 && c.RegisteredMonth < (year + 1) * 100);
        }
        if (!string.IsNullOrWhiteSpace(q.Region))
        {
            query = query.Where(c => c.SellerRegion == q.Region);
        }
        return q.Sort switch
        {
            TechContractSort.Amount => query.OrderByDescending(c => c.TransactionAmountFen).ThenBy(c => c.Id),
            TechContractSort.Number => query.OrderBy(c => c.RegistrationNumber),
            _ => query.OrderByDescending(c => c.RegisteredOn).ThenBy(c => c.RegistrationNumber),
        };
    }

    /// <summary>One contract for its readers; anyone else: not found (an id never tells another region's contract exists).</summary>
    public async Task<TechContractDto?> GetAsync(Guid id, CancellationToken ct) =>
        await db.Set<TechContract>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { } c && CanRead(c) ? TechContractDto.Of(c, CanManage(c)) : null;

    /// <summary>The contract file for its readers; each download is audited.</summary>
    public async Task<(string? FileName, byte[]? Content, ServiceResult Result)> FileAsync(Guid id, CancellationToken ct)
    {
        var c = await db.Set<TechContract>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null || !CanRead(c) || c.FileName is null)
        {
            return (null, null, new ServiceResult.NotFound());
        }
        var content = await db.Set<TechContractFile>().AsNoTracking().Where(f => f.ContractId == id).Select(f => f.Content).FirstAsync(ct);
        await audit.RecordAsync("contract.file.read", $"tech-contract:{id}", detail: $"number={c.RegistrationNumber}", ct: ct);
        return (c.FileName, content, new ServiceResult.Ok());
    }

    // ---- writes ----

    /// <summary>Registers a contract (with its file when one is given); 400 with field errors when a rule refuses it.</summary>
    public async Task<(TechContractDto? Contract, ServiceResult Result)> RegisterAsync(TechContractInput input, UploadedFile? file, CancellationToken ct)
    {
        if (ManagedRegions.Count == 0)
        {
            return (null, new ServiceResult.Forbidden());
        }
        var errors = await CheckAsync(input, null, ct);
        var checkedFile = file is null ? null : await CheckFileAsync(file, errors, ct);
        if (errors.Count > 0)
        {
            if (input.SellerRegion is { } region && errors.ContainsKey("sellerRegion") && ContractRegions.Registering.Contains(region))
            {
                await audit.RecordAsync("contract.register", null, AuditOutcome.Failure, detail: $"refused: seller region {region} not administered", ct: ct);
            }
            return (null, new ServiceResult.Invalid(errors));
        }
        var now = clock.GetUtcNow();
        var c = new TechContract { Id = Guid.CreateVersion7(), Status = TechContractStatus.Registered, CreatedBy = me.Id, CreatedAt = now };
        Apply(c, await WithOrganizationsAsync(input, ct), now);
        db.Add(c);
        if (checkedFile is { } f)
        {
            AttachTo(c, f, now);
        }
        var result = await SaveAsync("contract.register", c, null, ct);
        return result is ServiceResult.Ok ? (TechContractDto.Of(c, true), result) : (null, result);
    }

    /// <summary>Corrects a registered contract (every field, as registered anew); the aggregates move from the old values to the new.</summary>
    public async Task<ServiceResult> CorrectAsync(Guid id, TechContractInput input, CancellationToken ct)
    {
        var (c, refused) = await ForChangeAsync(id, "contract.correct", input.Version, ct);
        if (c is null)
        {
            return refused!;
        }
        var errors = await CheckAsync(input, id, ct);
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        var before = Snapshot(c);
        Apply(c, await WithOrganizationsAsync(input, ct), clock.GetUtcNow());
        c.Version++;
        return await SaveAsync("contract.correct", c, before, ct);
    }

    /// <summary>Revokes a registration (撤销登记) with a reason: the contract stays, out of every figure.</summary>
    public async Task<ServiceResult> RevokeAsync(Guid id, TechContractRevokeInput input, CancellationToken ct)
    {
        var (c, refused) = await ForChangeAsync(id, "contract.revoke", input.Version, ct);
        if (c is null)
        {
            return refused!;
        }
        var reason = input.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > ContractRules.MaxReasonLength)
        {
            return new ServiceResult.Invalid(new FieldErrors { { "reason", [new Message("Contracts.ReasonRequired", ContractRules.MaxReasonLength)] } });
        }
        var before = Snapshot(c);
        var now = clock.GetUtcNow();
        c.Status = TechContractStatus.Revoked;
        c.RevokedReason = reason;
        c.RevokedAt = now;
        c.UpdatedAt = now;
        c.Version++;
        return await SaveAsync("contract.revoke", c, before, ct);
    }

    /// <summary>Attaches (or replaces) the contract file: PDF only, checked by its first bytes and size.</summary>
    public async Task<ServiceResult> AttachFileAsync(Guid id, UploadedFile file, CancellationToken ct)
    {
        var (c, refused) = await ForChangeAsync(id, "contract.file", null, ct);
        if (c is null)
        {
            return refused!;
        }
        var errors = new FieldErrors();
        if (await CheckFileAsync(file, errors, ct) is not { } f)
        {
            return new ServiceResult.Invalid(errors);
        }
        var now = clock.GetUtcNow();
        if (await db.Set<TechContractFile>().FirstOrDefaultAsync(x => x.ContractId == id, ct) is { } old)
        {
            db.Remove(old);
            await db.SaveChangesAsync(ct);
        }
        AttachTo(c, f, now);
        c.UpdatedAt = now;
        c.Version++;
        // The file changes no figure: the aggregates stay as they are.
        return await SaveAsync("contract.file", c, Snapshot(c), ct);
    }

    private void AttachTo(TechContract c, (string Name, byte[] Bytes) file, DateTimeOffset now)
    {
        c.FileName = file.Name;
        c.FileSize = file.Bytes.Length;
        db.Add(new TechContractFile { ContractId = c.Id, Content = file.Bytes, UploadedBy = me.Id, UploadedAt = now });
    }

    private static async Task<(string Name, byte[] Bytes)?> CheckFileAsync(UploadedFile file, FieldErrors errors, CancellationToken ct)
    {
        var (upload, problem) = await Uploads.CheckAsync(file.FileName, file.Content, file.Length, UploadKind.Document, ContractRules.MaxFileBytes, ct);
        if (upload is null)
        {
            errors.Add("file", problem!);
            return null;
        }
        using var buffer = new MemoryStream();
        await file.Content.CopyToAsync(buffer, ct);
        return (upload.FileName, buffer.ToArray());
    }

    private async Task<FieldErrors> CheckAsync(TechContractInput input, Guid? existing, CancellationToken ct)
    {
        var errors = ContractRules.Check(input, ManagedRegions, ChinaTime.Today(clock));
        await CheckOrganizationAsync(errors, "sellerOrganizationId", input.SellerOrganizationId, input.SellerCreditCode, ct);
        await CheckOrganizationAsync(errors, "buyerOrganizationId", input.BuyerOrganizationId, input.BuyerCreditCode, ct);
        if (input.AchievementId is { } achievementId && !await market.Achievements().AnyAsync(a => a.Id == achievementId, ct))
        {
            errors.Add("achievementId", new Message("Contracts.AchievementUnknown"));
        }
        var number = input.RegistrationNumber?.Trim();
        if (!errors.ContainsKey("registrationNumber") && number is not null
            && await db.Set<TechContract>().AnyAsync(c => c.RegistrationNumber == number && c.Id != existing, ct))
        {
            errors.Add("registrationNumber", new Message("Contracts.NumberTaken"));
        }
        return errors;
    }

    /// <summary>
    /// A party not named by id but whose credit code is a verified organisation's on the platform is linked to it, so the
    /// organisation's members read their contracts (the form asks only for the code).
    /// </summary>
    private async Task<TechContractInput> WithOrganizationsAsync(TechContractInput input, CancellationToken ct)
    {
        async Task<Guid?> ByCodeAsync(string? creditCode)
        {
            var code = CreditCode.Normalize(creditCode);
            return code.Length == 0 ? null : await organizations.Organizations()
                .Where(o => o.CreditCode == code && o.Status == OrganizationStatus.Verified).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
        }
        return input with
        {
            SellerOrganizationId = input.SellerOrganizationId ?? await ByCodeAsync(input.SellerCreditCode),
            BuyerOrganizationId = input.BuyerOrganizationId ?? await ByCodeAsync(input.BuyerCreditCode),
        };
    }

    /// <summary>A party named as a platform organisation must be one, with the credit code typed for the party.</summary>
    private async Task CheckOrganizationAsync(FieldErrors errors, string field, Guid? id, string? creditCode, CancellationToken ct)
    {
        if (id is not { } orgId)
        {
            return;
        }
        var code = await organizations.Organizations().Where(o => o.Id == orgId).Select(o => o.CreditCode).FirstOrDefaultAsync(ct);
        if (code is null)
        {
            errors.Add(field, new Message("Contracts.OrganizationUnknown"));
        }
        else if (code != CreditCode.Normalize(creditCode))
        {
            errors.Add(field, new Message("Contracts.OrganizationCodeMismatch", code));
        }
    }

    private static void Apply(TechContract c, TechContractInput input, DateTimeOffset now)
    {
        c.RegistrationNumber = input.RegistrationNumber!.Trim();
        c.Title = input.Title!.Trim();
        c.Type = input.Type!.Value;
        c.SellerName = input.SellerName!.Trim();
        c.SellerCreditCode = CreditCode.Normalize(input.SellerCreditCode);
        c.SellerRegion = input.SellerRegion!;
        c.SellerType = input.SellerType!.Value;
        c.SellerOrganizationId = input.SellerOrganizationId;
        c.BuyerName = input.BuyerName!.Trim();
        c.BuyerCreditCode = input.BuyerRegion == ContractRegions.Abroad && string.IsNullOrWhiteSpace(input.BuyerCreditCode) ? null : CreditCode.Normalize(input.BuyerCreditCode);
        c.BuyerRegion = input.BuyerRegion!;
        c.BuyerType = input.BuyerType!.Value;
        c.BuyerOrganizationId = input.BuyerOrganizationId;
        c.ContractAmountFen = input.ContractAmountFen!.Value;
        c.TransactionAmountFen = input.TransactionAmountFen!.Value;
        c.SignedOn = input.SignedOn!.Value;
        c.StartsOn = input.StartsOn!.Value;
        c.EndsOn = input.EndsOn!.Value;
        c.RegisteredOn = input.RegisteredOn!.Value;
        c.RegisteredMonth = MonthOf(c.RegisteredOn);
        c.Field = input.Field!.Trim();
        c.FieldGroup = c.Field[..3];
        c.AchievementId = input.AchievementId;
        c.DealId = input.DealId;
        c.UpdatedAt = now;
    }

    public static int MonthOf(DateOnly d) => d.Year * 100 + d.Month;

    /// <summary>What the aggregates counted for this contract before a change (null when it counted nowhere).</summary>
    private static ContractStatsWriter.Counted? Snapshot(TechContract c) => ContractStatsWriter.Counted.Of(c);

    /// <summary>
    /// The contract to change, tracked, or why not: unknown or unreadable (404), readable but another region's (403, and a
    /// refused audit row), revoked (409), changed meanwhile (409).
    /// </summary>
    private async Task<(TechContract? Contract, ServiceResult? Refused)> ForChangeAsync(Guid id, string action, int? version, CancellationToken ct)
    {
        var c = await db.Set<TechContract>().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null || !CanRead(c))
        {
            if (c is not null)
            {
                await audit.RecordAsync(action, $"tech-contract:{id}", AuditOutcome.Failure, detail: $"refused: registered by region {c.SellerRegion}", ct: ct);
            }
            return (null, new ServiceResult.NotFound());
        }
        if (!CanManage(c))
        {
            await audit.RecordAsync(action, $"tech-contract:{id}", AuditOutcome.Failure, detail: $"refused: registered by region {c.SellerRegion}", ct: ct);
            return (null, new ServiceResult.Forbidden());
        }
        if (c.Status == TechContractStatus.Revoked)
        {
            return (null, new ServiceResult.Conflict(new Message("Contracts.IsRevoked")));
        }
        if (version is { } v && v != c.Version)
        {
            return (null, new ServiceResult.Conflict(new Message("Contracts.ChangedMeanwhile")));
        }
        return (c, null);
    }

    private async Task<ServiceResult> SaveAsync(string action, TechContract c, ContractStatsWriter.Counted? before, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return new ServiceResult.Conflict(new Message("Contracts.ChangedMeanwhile"));
        }
        catch (DbUpdateException)
        {
            // The unique registration number (another registration took it between the check and the save), or else the
            // deal's foreign key: the deal pipeline owns deals and links them from its side, so an unknown deal id lands here.
            db.ChangeTracker.Clear();
            var taken = await db.Set<TechContract>().AnyAsync(x => x.RegistrationNumber == c.RegistrationNumber && x.Id != c.Id, ct);
            return new ServiceResult.Invalid(taken
                ? new FieldErrors { { "registrationNumber", [new Message("Contracts.NumberTaken")] } }
                : new FieldErrors { { "dealId", [new Message("Contracts.DealUnknown")] } });
        }
        await ContractStatsWriter.MoveAsync(db, before, ContractStatsWriter.Counted.Of(c), ct);
        await audit.RecordAsync(action, $"tech-contract:{c.Id}", detail: string.Create(CultureInfo.InvariantCulture,
            $"number={c.RegistrationNumber} region={c.SellerRegion} buyer={c.BuyerRegion} type={c.Type} contract={c.ContractAmountFen} transaction={c.TransactionAmountFen} registered={c.RegisteredOn:yyyy-MM-dd} status={c.Status} file={c.FileSize?.ToString(CultureInfo.InvariantCulture) ?? "-"}"), ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }
}

/// <summary>A file as a page or the API received it.</summary>
public sealed record UploadedFile(string? FileName, Stream Content, long Length);
