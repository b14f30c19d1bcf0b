using System.Security.Cryptography;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Accounts;

public sealed record SmeDeclarationInput(int? Year, string? RegistrationNumber, string? LegalRepresentative, string? LegalRepresentativeIdNumber);

public sealed record SmeDecisionInput(int? Year, bool Confirm, string? Note);

/// <summary>
/// An organisation's declaration for a year as the caller may see it: the status and year for anyone who may see the
/// organisation; the number, the note and the legal representative (the ID number masked) for its members and the
/// administrators of its region. <see cref="Status"/> is null when nothing was declared for the year.
/// </summary>
public sealed record SmeDeclarationDto(
    Guid OrganizationId,
    int Year,
    SmeDeclarationStatus? Status,
    string? RegistrationNumber = null,
    DateTimeOffset? DeclaredAt = null,
    DateTimeOffset? DecidedAt = null,
    string? Note = null,
    string? LegalRepresentative = null,
    string? LegalRepresentativeIdNumber = null);

public sealed record SmeDeclarationRow(
    Guid OrganizationId,
    string OrganizationName,
    string RegionCode,
    int Year,
    string RegistrationNumber,
    SmeDeclarationStatus Status,
    DateTimeOffset DeclaredAt,
    DateTimeOffset? DecidedAt,
    string? Note,
    string? LegalRepresentative,
    string? LegalRepresentativeIdNumber);

/// <summary>
/// 科技型中小企业 declarations: the enterprise's administrator declares, the administrator of its region confirms,
/// rejects or revokes. Shared by the API and the pages; every decision checks the caller's scope here.
/// </summary>
public sealed class SmeDeclarationService(AppDbContext db, CurrentUser me, OrganizationService organizations, AuditLog audit,
    TimeProvider clock, FieldProtector protector)
{
    /// <summary>The first year of the national SME database (科技型中小企业评价办法, 2017).</summary>
    public const int FirstYear = 2017;

    public int CurrentYear => ChinaTime.Today(clock).Year;

    public bool CanDeclare(Organization org) => me.HasInOrganization(PlatformRole.OrgAdmin, org.Id);

    public bool CanDecide(Organization org) => me.HasInRegion(PlatformRole.RegionAdmin, org.RegionCode);

    /// <summary>Members and the region's administrators read the number and the legal representative; others the status only.</summary>
    public bool CanReadDetails(Organization org) =>
        CanDecide(org) || me.Grants.Any(g => g.OrganizationId == org.Id && me.Has(g.Role));

    /// <summary>
    /// The declaration of <paramref name="year"/> of an organisation the caller may see; when null, its latest one
    /// (or this year's absence of one).
    /// </summary>
    public async Task<(SmeDeclarationDto? Value, ServiceResult Result)> GetAsync(Guid organizationId, int? year, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, ct);
        if (org is null || !organizations.CanSee(org))
        {
            return (null, new ServiceResult.NotFound());
        }
        var declarations = db.SmeDeclarations.AsNoTracking().Where(x => x.OrganizationId == organizationId);
        var d = year is { } y
            ? await declarations.FirstOrDefaultAsync(x => x.Year == y, ct)
            : await declarations.OrderByDescending(x => x.Year).FirstOrDefaultAsync(ct);
        return (View(org, d?.Year ?? year ?? CurrentYear, d), new ServiceResult.Ok());
    }

    /// <summary>The view of a declaration (or of none) for the caller: details only for those who may read them.</summary>
    public SmeDeclarationDto View(Organization org, int year, OrganizationSmeDeclaration? d)
    {
        if (d is null)
        {
            return new SmeDeclarationDto(org.Id, year, null);
        }
        return CanReadDetails(org)
            ? new SmeDeclarationDto(org.Id, year, d.Status, d.RegistrationNumber, d.DeclaredAt, d.DecidedAt, d.Note,
                org.LegalRepresentative, MaskedIdNumber(org.LegalRepresentativeId))
            : new SmeDeclarationDto(org.Id, year, d.Status);
    }

    /// <summary>
    /// The enterprise's administrator declares (or declares again) for a year, with the legal representative, whose ID
    /// number is stored encrypted beside its blind index. A new declaration replaces the year's one and is Declared
    /// again, whatever the region decided before.
    /// </summary>
    public async Task<(SmeDeclarationDto? Value, ServiceResult Result)> DeclareAsync(Guid organizationId, SmeDeclarationInput input, CancellationToken ct)
    {
        var org = await db.Organizations.FirstOrDefaultAsync(o => o.Id == organizationId, ct);
        if (org is null || !organizations.CanSee(org))
        {
            return (null, new ServiceResult.NotFound());
        }
        if (!CanDeclare(org))
        {
            return (null, new ServiceResult.Forbidden());
        }
        if (org.Kind != OrganizationKind.Enterprise)
        {
            return (null, new ServiceResult.RuleBroken("kind", new Message("Accounts.SmeOnlyEnterprises")));
        }
        if (org.Status != OrganizationStatus.Verified)
        {
            return (null, new ServiceResult.RuleBroken("status", new Message("Accounts.SmeOnlyVerified")));
        }
        var errors = Validate(input);
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        if (!protector.CanProtect || !protector.CanIndex)
        {
            return (null, new ServiceResult.Conflict(PersonalInfo.NoDataKey));
        }
        var year = input.Year!.Value;
        var number = SmeRegistrationNumber.Normalize(input.RegistrationNumber);
        var idNumber = ResidentIdNumber.Normalize(input.LegalRepresentativeIdNumber);
        var now = clock.GetUtcNow();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        org.LegalRepresentative = input.LegalRepresentative!.Trim();
        org.LegalRepresentativeId = protector.Protect(idNumber);
        org.LegalRepresentativeKey = protector.BlindIndex(idNumber);
        var d = await db.SmeDeclarations.FirstOrDefaultAsync(x => x.OrganizationId == organizationId && x.Year == year, ct);
        if (d is null)
        {
            d = new OrganizationSmeDeclaration { Id = Guid.CreateVersion7(), OrganizationId = organizationId, Year = year };
            db.SmeDeclarations.Add(d);
        }
        d.RegistrationNumber = number;
        d.Status = SmeDeclarationStatus.Declared;
        d.DeclaredBy = me.Id!.Value;
        d.DeclaredAt = now;
        d.DecidedBy = null;
        d.DecidedAt = null;
        d.Note = null;
        d.Version++;
        if (await SaveAsync(ct) is { } clash)
        {
            return (null, clash);
        }
        // The ID number stays out of the audit chain: the entry says that the legal representative was set, not who.
        await audit.RecordAsync("sme.declare", $"organization:{org.Id}", detail: $"year={year} number={number} legal-representative=set", ct: ct);
        await tx.CommitAsync(ct);
        return (View(org, year, d), new ServiceResult.Ok());
    }

    /// <summary>
    /// The region's administrator confirms a Declared declaration, or says no: a Declared one becomes Rejected, a
    /// Confirmed one Revoked (both with a note saying why). Rejected and revoked ones change only by a new declaration.
    /// </summary>
    public async Task<ServiceResult> DecideAsync(Guid organizationId, SmeDecisionInput input, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organizationId, ct);
        if (org is null || !organizations.CanSee(org))
        {
            return new ServiceResult.NotFound();
        }
        if (!CanDecide(org))
        {
            return new ServiceResult.Forbidden();
        }
        var errors = new FieldErrors();
        if (input.Year is null)
        {
            errors.Add("year", new Message("Accounts.SmeYearRange", FirstYear, CurrentYear + 1));
        }
        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        if (note?.Length > 500)
        {
            errors.Add("note", new Message("Accounts.NoteTooLong"));
        }
        else if (!input.Confirm && note is null)
        {
            errors.Add("note", new Message("Accounts.SmeNoteRequired"));
        }
        if (errors.Count > 0)
        {
            return new ServiceResult.Invalid(errors);
        }
        var d = await db.SmeDeclarations.FirstOrDefaultAsync(x => x.OrganizationId == organizationId && x.Year == input.Year, ct);
        if (d is null)
        {
            return new ServiceResult.NotFound();
        }
        SmeDeclarationStatus? next = (input.Confirm, d.Status) switch
        {
            (true, SmeDeclarationStatus.Declared) => SmeDeclarationStatus.Confirmed,
            (false, SmeDeclarationStatus.Declared) => SmeDeclarationStatus.Rejected,
            (false, SmeDeclarationStatus.Confirmed) => SmeDeclarationStatus.Revoked,
            _ => null,
        };
        if (next is null)
        {
            return new ServiceResult.Conflict(new Message("Accounts.SmeAlreadyDecided", Messages.Label(d.Status)));
        }
        if (next == SmeDeclarationStatus.Confirmed && (org.Status != OrganizationStatus.Verified || org.Kind != OrganizationKind.Enterprise))
        {
            return new ServiceResult.RuleBroken("status", new Message("Accounts.SmeOnlyVerified"));
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        d.Status = next.Value;
        d.DecidedBy = me.Id;
        d.DecidedAt = clock.GetUtcNow();
        d.Note = note;
        d.Version++;
        if (await SaveAsync(ct) is { } clash)
        {
            return clash;
        }
        var action = next switch
        {
            SmeDeclarationStatus.Confirmed => "sme.confirm",
            SmeDeclarationStatus.Rejected => "sme.reject",
            _ => "sme.revoke",
        };
        await audit.RecordAsync(action, $"organization:{org.Id}", detail: $"year={d.Year} number={d.RegistrationNumber} {note}".Trim(), ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>A page of the declarations of the caller's regions (a region administrator's queue), newest first.</summary>
    public async Task<(PagedList<SmeDeclarationRow>? Value, ServiceResult Result)> ListAsync(SmeDeclarationStatus? status, string? region, int page, int pageSize,
        CancellationToken ct)
    {
        var regions = me.AdminRegions.Distinct().ToList();
        if (region is not null)
        {
            if (!regions.Contains(region))
            {
                return (null, new ServiceResult.Forbidden());
            }
            regions = [region];
        }
        var query = from d in db.SmeDeclarations.AsNoTracking()
                    join o in db.Organizations.AsNoTracking() on d.OrganizationId equals o.Id
                    where regions.Contains(o.RegionCode)
                    select new { d, o.Name, o.RegionCode, o.LegalRepresentative, o.LegalRepresentativeId };
        if (status is not null)
        {
            query = query.Where(x => x.d.Status == status);
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(x => x.d.DeclaredAt).ThenBy(x => x.d.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return (new PagedList<SmeDeclarationRow>(total, page, pageSize, rows.Select(x => new SmeDeclarationRow(x.d.OrganizationId, x.Name, x.RegionCode,
            x.d.Year, x.d.RegistrationNumber, x.d.Status, x.d.DeclaredAt, x.d.DecidedAt, x.d.Note, x.LegalRepresentative,
            MaskedIdNumber(x.LegalRepresentativeId))).ToList()), new ServiceResult.Ok());
    }

    private FieldErrors Validate(SmeDeclarationInput input)
    {
        var errors = new FieldErrors();
        if (input.Year is not { } year || year < FirstYear || year > CurrentYear + 1)
        {
            errors.Add("year", new Message("Accounts.SmeYearRange", FirstYear, CurrentYear + 1));
        }
        if (SmeRegistrationNumber.Check(input.RegistrationNumber) is { } numberError)
        {
            errors.Add("registrationNumber", numberError);
        }
        var name = input.LegalRepresentative?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add("legalRepresentative", new Message("Accounts.LegalRepresentativeRequired"));
        }
        else if (name.Length > 50)
        {
            errors.Add("legalRepresentative", new Message("Accounts.LegalRepresentativeTooLong", 50));
        }
        if (ResidentIdNumber.Check(input.LegalRepresentativeIdNumber) is { } idError)
        {
            errors.Add("legalRepresentativeIdNumber", idError);
        }
        return errors;
    }

    /// <summary>Saves; a declaration changed or created by someone else meanwhile answers 409 instead of overwriting it.</summary>
    private async Task<ServiceResult?> SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return new ServiceResult.Conflict(new Message("Accounts.SmeDeclarationChanged"));
        }
    }

    /// <summary>The stored (encrypted) ID number, decrypted only to be masked at once.</summary>
    private string? MaskedIdNumber(string? stored)
    {
        if (stored is null)
        {
            return null;
        }
        try
        {
            return Masking.IdNumber(protector.Unprotect(stored));
        }
        catch (CryptographicException)
        {
            return new Message("Accounts.IdNumberUndecryptable").ToString();
        }
    }
}
