using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Catalog;

public sealed record FeeInput(FeeUserType? UserType, decimal? Price, string? Unit, string? Note);
public sealed record CertificationInput(CertificationType? Type, string? Number, DateOnly? ExpiresOn);

/// <summary>A resource as a manager writes it; <c>version</c> must repeat the version read when updating.</summary>
public sealed record ResourceInput(
    ResourceKind? Kind, string? Name, string? EnglishName, Guid? OrganizationId, string? DistrictCode, string? Address,
    SharingStatus? SharingStatus, string? CategoryCode, string? Model, string? Manufacturer, string? CountryOfOrigin,
    decimal? OriginalValue, DateOnly? PurchaseDate, string? TechnicalIndicators, string? MainFunctions, string? ApplicationFields,
    string? Keywords, string? ContactName, string? ContactPhone, string? ContactEmail,
    IReadOnlyList<FeeInput>? Fees, IReadOnlyList<CertificationInput>? Certifications, int? Version = null);

public sealed record FeeDto(FeeUserType UserType, decimal Price, string Unit, string? Note);
public sealed record CertificationDto(CertificationType Type, string Number, DateOnly? ExpiresOn);

public sealed record ResourceDto(
    Guid Id, ResourceKind Kind, string Name, string? EnglishName, Guid OrganizationId, string OrganizationName, string RegionCode,
    string DistrictCode, string? Address, ResourceStatus Status, SharingStatus SharingStatus, string? CategoryCode, string? Model,
    string? Manufacturer, string? CountryOfOrigin, decimal? OriginalValue, bool IsLargeInstrument, DateOnly? PurchaseDate,
    string? TechnicalIndicators, string? MainFunctions, string? ApplicationFields, string? Keywords, string? ContactName,
    string? ContactPhone, string? ContactEmail, IReadOnlyList<FeeDto> Fees, IReadOnlyList<CertificationDto> Certifications,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, int Version);

/// <summary>
/// The catalogue's rules, shared by the API and the pages: managers (instrument managers and organisation admins)
/// write the records of their own organisation only; region administrators and the system administrator see every
/// record in their scope; everyone sees published records that are not internal-only. A record outside the caller's
/// sight is 404, never 403, so ids reveal nothing.
/// </summary>
public sealed class CatalogService(AppDbContext db, CurrentUser me, OrganizationDirectory organizations, RegionDirectory divisions, AuditLog audit, TimeProvider clock)
{
    public bool CanManage(Guid organizationId) =>
        me.HasInOrganization(PlatformRole.ResourceManager, organizationId) || me.HasInOrganization(PlatformRole.OrgAdmin, organizationId);

    public bool CanSee(Resource r) => CanSee(r.Status, r.SharingStatus, r.OrganizationId, r.RegionCode);

    /// <summary>The visibility rule on a record's status, sharing, owner and region (<see cref="CatalogDirectory.CanSee"/> asks it too).</summary>
    public bool CanSee(ResourceStatus status, SharingStatus sharing, Guid organizationId, string regionCode) =>
        (status == ResourceStatus.Published && sharing != SharingStatus.InternalOnly) ||
        CanManage(organizationId) ||
        (status == ResourceStatus.Published && me.HasInOrganization(PlatformRole.Member, organizationId)) ||
        me.IsSystemAdmin || me.HasInRegion(PlatformRole.RegionAdmin, regionCode);

    /// <summary>Only the rows the caller may see, for lists; the same rule as <see cref="CanSee(Resource)"/> in SQL.</summary>
    public IQueryable<Resource> Visible()
    {
        if (me.IsSystemAdmin)
        {
            return db.Set<Resource>().AsNoTracking();
        }
        var managed = me.ManagedOrganizations;
        var memberOf = organizations.OrganizationIdsWhereIHold(PlatformRole.Member);
        var regions = me.AdminRegions.ToList();
        return db.Set<Resource>().AsNoTracking().Where(r =>
            (r.Status == ResourceStatus.Published && r.SharingStatus != SharingStatus.InternalOnly) ||
            managed.Contains(r.OrganizationId) ||
            (r.Status == ResourceStatus.Published && memberOf.Contains(r.OrganizationId)) ||
            regions.Contains(r.RegionCode));
    }

    public async Task<ResourceDto?> GetAsync(Guid id, CancellationToken ct)
    {
        var r = await db.Set<Resource>().AsNoTracking().Include(x => x.Fees).Include(x => x.Certifications).AsSplitQuery()
            .FirstOrDefaultAsync(x => x.Id == id, ct);
        return r is null || !CanSee(r) ? null : await ToDtoAsync(r, ct);
    }

    public async Task<(ResourceDto? Resource, ServiceResult Result)> CreateAsync(ResourceInput input, CancellationToken ct)
    {
        var errors = await ValidateAsync(input, null, ct);
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        if (!CanManage(input.OrganizationId!.Value))
        {
            // Naming an organisation one does not manage is refused as a field error: the id is the caller's input.
            var e = new FieldErrors();
            e.Add("organizationId", new Message("Catalog.NotManagerOfOrganization"));
            return (null, new ServiceResult.Invalid(e));
        }
        var now = clock.GetUtcNow();
        var resource = new Resource
        {
            Id = Guid.CreateVersion7(),
            OrganizationId = input.OrganizationId!.Value,
            Status = ResourceStatus.Draft,
            CreatedBy = me.Id!.Value,
            CreatedAt = now,
            UpdatedBy = me.Id!.Value,
            UpdatedAt = now,
        };
        await ApplyAsync(resource, input, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(resource);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("resource.create", $"resource:{resource.Id}", detail: $"{resource.Kind} {resource.Name}", ct: ct);
        await tx.CommitAsync(ct);
        return (await ToDtoAsync(resource, ct), new ServiceResult.Ok());
    }

    public async Task<(ResourceDto? Resource, ServiceResult Result)> UpdateAsync(Guid id, ResourceInput input, CancellationToken ct)
    {
        var (resource, refused) = await LoadForChangeAsync(id, CanManage, ct);
        if (resource is null)
        {
            return (null, refused!);
        }
        var errors = await ValidateAsync(input, resource, ct);
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        if (input.Version != resource.Version)
        {
            return (null, new ServiceResult.Conflict(new Message("Catalog.ChangedMeanwhile")));
        }
        await ApplyAsync(resource, input, ct);
        Touch(resource, clock.GetUtcNow());
        return await SaveAsync(resource, "resource.update", null, ct);
    }

    public async Task<(ResourceDto? Resource, ServiceResult Result)> SetStatusAsync(Guid id, ResourceStatus status, CancellationToken ct)
    {
        var (resource, refused) = await LoadForChangeAsync(id, CanManage, ct);
        if (resource is null)
        {
            return (null, refused!);
        }
        if (status == ResourceStatus.Published &&
            !await organizations.Organizations().AnyAsync(o => o.Id == resource.OrganizationId && o.Status == OrganizationStatus.Verified, ct))
        {
            return (null, new ServiceResult.Conflict(new Message("Catalog.OrganizationNotVerified")));
        }
        var now = clock.GetUtcNow();
        resource.Status = status;
        resource.PublishedAt = status == ResourceStatus.Published ? now : resource.PublishedAt;
        Touch(resource, now);
        return await SaveAsync(resource, status == ResourceStatus.Published ? "resource.publish" : status == ResourceStatus.Retired ? "resource.retire" : "resource.unpublish", null, ct);
    }

    /// <summary>Hands a record to another verified organisation (e.g. a lab moving to a new institute); the receiving side's managers take over.</summary>
    public async Task<(ResourceDto? Resource, ServiceResult Result)> TransferAsync(Guid id, Guid toOrganizationId, CancellationToken ct)
    {
        var (resource, refused) = await LoadForChangeAsync(id, org => me.HasInOrganization(PlatformRole.OrgAdmin, org), ct);
        if (resource is null)
        {
            return (null, refused!);
        }
        var target = await organizations.Organizations().FirstOrDefaultAsync(o => o.Id == toOrganizationId && o.Status == OrganizationStatus.Verified, ct);
        if (target is null || target.Id == resource.OrganizationId)
        {
            var e = new FieldErrors();
            e.Add("organizationId", new Message("Catalog.TransferTargetInvalid"));
            return (null, new ServiceResult.Invalid(e));
        }
        var from = resource.OrganizationId;
        resource.OrganizationId = target.Id;
        Touch(resource, clock.GetUtcNow());
        return await SaveAsync(resource, "resource.transfer", $"from organization:{from} to organization:{target.Id}", ct);
    }

    /// <summary>The tracked record for a change: 404 when the caller may not see it, 403 when they see it but may not do this.</summary>
    private async Task<(Resource? Resource, ServiceResult? Refused)> LoadForChangeAsync(Guid id, Func<Guid, bool> mayChange, CancellationToken ct)
    {
        var resource = await db.Set<Resource>().Include(x => x.Fees).Include(x => x.Certifications).AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct);
        return resource is null || !CanSee(resource) ? (null, new ServiceResult.NotFound())
            : !mayChange(resource.OrganizationId) ? (null, new ServiceResult.Forbidden())
            : (resource, null);
    }

    private async Task<(ResourceDto?, ServiceResult)> SaveAsync(Resource resource, string action, string? detail, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return (null, new ServiceResult.Conflict(new Message("Catalog.ChangedMeanwhile")));
        }
        await audit.RecordAsync(action, $"resource:{resource.Id}", detail: detail ?? resource.Name, ct: ct);
        await tx.CommitAsync(ct);
        return (await ToDtoAsync(resource, ct), new ServiceResult.Ok());
    }

    private void Touch(Resource resource, DateTimeOffset now)
    {
        resource.UpdatedAt = now;
        resource.UpdatedBy = me.Id!.Value;
        resource.Version++;
    }

    /// <summary>Copies the validated input onto the record (fees and certifications replaced as a whole).</summary>
    private async Task ApplyAsync(Resource r, ResourceInput input, CancellationToken ct) =>
        Apply(r, input, await divisions.Districts().Where(d => d.Code == input.DistrictCode).Select(d => d.RegionCode).FirstAsync(ct));

    /// <summary>
    /// <see cref="ApplyAsync"/> without the database: the caller gives the district's region. The bulk import uses it
    /// with the districts it loaded once for the whole file.
    /// </summary>
    internal static void Apply(Resource r, ResourceInput input, string regionCode)
    {
        r.Kind = input.Kind!.Value;
        r.Name = input.Name!.Trim();
        r.EnglishName = Clean(input.EnglishName);
        r.DistrictCode = input.DistrictCode!;
        r.RegionCode = regionCode;
        r.Address = Clean(input.Address);
        r.SharingStatus = input.SharingStatus ?? SharingStatus.OpenToAll;
        r.CategoryCode = Clean(input.CategoryCode);
        r.Model = Clean(input.Model);
        r.Manufacturer = Clean(input.Manufacturer);
        r.CountryOfOrigin = Clean(input.CountryOfOrigin);
        r.OriginalValueFen = input.OriginalValue is { } v ? (long)decimal.Round(v * 100m, MidpointRounding.AwayFromZero) : null;
        r.PurchaseDate = input.PurchaseDate;
        r.TechnicalIndicators = Clean(input.TechnicalIndicators);
        r.MainFunctions = Clean(input.MainFunctions);
        r.ApplicationFields = Clean(input.ApplicationFields);
        r.Keywords = Clean(input.Keywords);
        r.ContactName = Clean(input.ContactName);
        r.ContactPhone = PublicContact.Normalize(input.ContactPhone);
        r.ContactEmail = PublicContact.Normalize(input.ContactEmail);
        r.Fees.Clear();
        // No ids here: EF gives new rows theirs, and a row with an id already set would be taken for an existing one.
        r.Fees.AddRange((input.Fees ?? []).Select(f => new ResourceFee
        {
            ResourceId = r.Id,
            UserType = f.UserType!.Value,
            PriceFen = (long)decimal.Round(f.Price!.Value * 100m, MidpointRounding.AwayFromZero),
            Unit = f.Unit!.Trim(),
            Note = Clean(f.Note),
        }));
        r.Certifications.Clear();
        r.Certifications.AddRange((input.Certifications ?? []).Select(c => new ResourceCertification
        {
            ResourceId = r.Id,
            Type = c.Type!.Value,
            Number = c.Number!.Trim(),
            ExpiresOn = c.ExpiresOn,
        }));
    }

    private async Task<FieldErrors> ValidateAsync(ResourceInput input, Resource? existing, CancellationToken ct)
    {
        var organizationKnown = existing is not null || (input.OrganizationId is not null && await organizations.Organizations().AnyAsync(o => o.Id == input.OrganizationId, ct));
        var districtKnown = input.DistrictCode is not null && await divisions.Districts().AnyAsync(d => d.Code == input.DistrictCode, ct);
        return Validate(input, organizationKnown, districtKnown, ChinaTime.Today(clock));
    }

    /// <summary>Today in China (UTC+8), the latest purchase date a record may have.</summary>

    /// <summary>
    /// The field rules without the database: the caller says whether the organisation and the district exist. The
    /// bulk import checks every row of a file with it after loading the districts and the organisation once.
    /// </summary>
    internal static FieldErrors Validate(ResourceInput input, bool organizationKnown, bool districtKnown, DateOnly today)
    {
        var errors = new FieldErrors();
        if (input.Kind is null || !Enum.IsDefined(input.Kind.Value))
        {
            errors.Add("kind", new Message("Catalog.KindRequired"));
        }
        Text(errors, "name", input.Name, 200, required: true, new Message("Catalog.FieldLabel.Name"));
        Text(errors, "englishName", input.EnglishName, 200, required: false, new Message("Catalog.FieldLabel.EnglishName"));
        Text(errors, "address", input.Address, 300, required: false, new Message("Catalog.FieldLabel.Address"));
        Text(errors, "categoryCode", input.CategoryCode, 20, required: false, new Message("Catalog.FieldLabel.CategoryCode"));
        Text(errors, "model", input.Model, 100, required: false, new Message("Catalog.FieldLabel.Model"));
        Text(errors, "manufacturer", input.Manufacturer, 200, required: false, new Message("Catalog.FieldLabel.Manufacturer"));
        Text(errors, "countryOfOrigin", input.CountryOfOrigin, 50, required: false, new Message("Catalog.FieldLabel.CountryOfOrigin"));
        Text(errors, "technicalIndicators", input.TechnicalIndicators, 4000, required: false, new Message("Catalog.FieldLabel.TechnicalIndicators"));
        Text(errors, "mainFunctions", input.MainFunctions, 4000, required: false, new Message("Catalog.FieldLabel.MainFunctions"));
        Text(errors, "applicationFields", input.ApplicationFields, 1000, required: false, new Message("Catalog.FieldLabel.ApplicationFields"));
        Text(errors, "keywords", input.Keywords, 500, required: false, new Message("Catalog.FieldLabel.Keywords"));
        Text(errors, "contactName", input.ContactName, 50, required: false, new Message("Catalog.FieldLabel.ContactName"));
        Text(errors, "contactPhone", input.ContactPhone, 30, required: false, new Message("Catalog.FieldLabel.ContactPhone"));
        Text(errors, "contactEmail", input.ContactEmail, 256, required: false, new Message("Catalog.FieldLabel.ContactEmail"));
        // The public contact is shown to everyone and dialled or written to from the page: one well-formed number and
        // address, or nothing (PublicContact).
        if (!errors.ContainsKey("contactPhone") && PublicContact.Normalize(input.ContactPhone) is { } phone && !PublicContact.IsPhone(phone))
        {
            errors.Add("contactPhone", new Message("Catalog.ContactPhoneInvalid"));
        }
        if (!errors.ContainsKey("contactEmail") && PublicContact.Normalize(input.ContactEmail) is { } email && !PublicContact.IsEmail(email))
        {
            errors.Add("contactEmail", new Message("Catalog.ContactEmailInvalid"));
        }
        if (input.SharingStatus is { } sharing && !Enum.IsDefined(sharing))
        {
            errors.Add("sharingStatus", new Message("Catalog.SharingStatusInvalid"));
        }
        if (!organizationKnown)
        {
            errors.Add("organizationId", new Message("Catalog.OrganizationRequired"));
        }
        if (!districtKnown)
        {
            errors.Add("districtCode", new Message("Catalog.DistrictRequired"));
        }
        if (input.OriginalValue is { } value && (value < 0 || value > 100_000_000_000m || decimal.Round(value, 2) != value))
        {
            errors.Add("originalValue", new Message("Catalog.OriginalValueOutOfRange"));
        }
        if (input.PurchaseDate is { } bought && (bought.Year < 1950 || bought > today))
        {
            errors.Add("purchaseDate", new Message("Catalog.PurchaseDateOutOfRange"));
        }
        var fees = input.Fees ?? [];
        if (fees.Count > 10)
        {
            errors.Add("fees", new Message("Catalog.TooManyFees"));
        }
        for (var i = 0; i < Math.Min(fees.Count, 10); i++)
        {
            var f = fees[i];
            if (f.UserType is null || !Enum.IsDefined(f.UserType.Value))
            {
                errors.Add($"fees[{i}].userType", new Message("Catalog.FeeUserTypeRequired"));
            }
            if (f.Price is not { } price || price < 0 || price > 10_000_000m || decimal.Round(price, 2) != price)
            {
                errors.Add($"fees[{i}].price", new Message("Catalog.FeePriceOutOfRange"));
            }
            if (string.IsNullOrWhiteSpace(f.Unit) || f.Unit.Trim().Length > 20)
            {
                errors.Add($"fees[{i}].unit", new Message("Catalog.FeeUnitRequired"));
            }
            if (f.Note?.Length > 200)
            {
                errors.Add($"fees[{i}].note", new Message("Catalog.FeeNoteTooLong"));
            }
        }
        if (fees.Where(f => f.UserType is not null).GroupBy(f => f.UserType).Any(g => g.Count() > 1))
        {
            errors.Add("fees", new Message("Catalog.DuplicateFeeUserType"));
        }
        var certs = input.Certifications ?? [];
        if (certs.Count > 2 || certs.Where(c => c.Type is not null).GroupBy(c => c.Type).Any(g => g.Count() > 1))
        {
            errors.Add("certifications", new Message("Catalog.TooManyCertifications"));
        }
        for (var i = 0; i < Math.Min(certs.Count, 2); i++)
        {
            var c = certs[i];
            if (c.Type is null || !Enum.IsDefined(c.Type.Value))
            {
                errors.Add($"certifications[{i}].type", new Message("Catalog.CertificationTypeRequired"));
            }
            if (string.IsNullOrWhiteSpace(c.Number) || c.Number.Trim().Length > 50)
            {
                errors.Add($"certifications[{i}].number", new Message("Catalog.CertificateNumberRequired"));
            }
            // CMA and CNAS certificates run six years; an expired one may be kept on record, a later one is a typo.
            var latestExpiry = today.AddYears(10);
            if (c.ExpiresOn is { } expires && (expires < DateLimits.Earliest || expires > latestExpiry))
            {
                errors.Add($"certifications[{i}].expiresOn", new Message("Catalog.CertificateExpiryOutOfRange", DateLimits.Earliest, latestExpiry));
            }
        }
        return errors;
    }

    private static void Text(FieldErrors errors, string field, string? value, int max, bool required, Message label)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, new Message("Catalog.Required", label));
        }
        else if (value?.Trim().Length > max)
        {
            errors.Add(field, new Message("Catalog.TooLong", label, max));
        }
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private async Task<ResourceDto> ToDtoAsync(Resource r, CancellationToken ct)
    {
        var orgName = await organizations.Organizations().Where(o => o.Id == r.OrganizationId).Select(o => o.Name).FirstAsync(ct);
        return new ResourceDto(r.Id, r.Kind, r.Name, r.EnglishName, r.OrganizationId, orgName, r.RegionCode, r.DistrictCode, r.Address,
            r.Status, r.SharingStatus, r.CategoryCode, r.Model, r.Manufacturer, r.CountryOfOrigin,
            r.OriginalValueFen is { } fen ? fen / 100m : null,
            r.Kind == ResourceKind.Instrument && r.OriginalValueFen >= Resource.LargeInstrumentThresholdFen,
            r.PurchaseDate, r.TechnicalIndicators, r.MainFunctions, r.ApplicationFields, r.Keywords, r.ContactName, r.ContactPhone, r.ContactEmail,
            r.Fees.OrderBy(f => f.UserType).Select(f => new FeeDto(f.UserType, f.PriceFen / 100m, f.Unit, f.Note)).ToList(),
            r.Certifications.OrderBy(c => c.Type).Select(c => new CertificationDto(c.Type, c.Number, c.ExpiresOn)).ToList(),
            r.CreatedAt, r.UpdatedAt, r.PublishedAt, r.Version);
    }
}
