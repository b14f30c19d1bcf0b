using System.Buffers.Text;
using System.ComponentModel;
using System.Security.Cryptography;
using System.Text.Json;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Chuanyu.Web.Features.Accounts;

public sealed record LoginRequest(string? Email, string? Password, string? TwoFactorCode);
public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName, bool AcceptTerms);
public sealed record RegistrationAccepted(string Email, string Detail);
public sealed record RoleDto(PlatformRole Role, string? RegionCode, Guid? OrganizationId);
public sealed record MeDto(Guid Id, string Email, string DisplayName, bool TwoFactorEnabled, IReadOnlyList<RoleDto> Roles, IReadOnlyList<MyOrganizationDto> Organizations);
public sealed record MyOrganizationDto(Guid Id, string Name, OrganizationStatus Status, MembershipStatus MembershipStatus);
public sealed record DistrictDto(string Code, string Name, DistrictLevel Level, string? ParentCode);
public sealed record RegionDto(string Code, string Name, string ShortName, IReadOnlyList<DistrictDto> Districts);
public sealed record OrganizationDto(Guid Id, string Name, OrganizationKind Kind, string CreditCode, string RegionCode, string DistrictCode, string? Address, OrganizationStatus Status, DateTimeOffset CreatedAt);
public sealed record VerifyRequest(bool Approve, string? Note);
public sealed record DecisionRequest(bool Approve);
public sealed record OrganizationRoleRequest(Guid UserId, PlatformRole Role, bool Grant = true);
public sealed record AccountDeletionRequest(string? ConfirmEmail);
public sealed record MobileRequest(string? Mobile);
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);
public sealed record RoleGrantRequest(Guid UserId, PlatformRole Role, string? RegionCode, Guid? OrganizationId);

public static class AccountsApi
{
    /// <summary>Endpoint names (WithName): links and Location headers are generated from them, not typed.</summary>
    public const string OrganizationEndpoint = "GetOrganization";
    public const string RoleGrantEndpoint = "RevokeRoleGrant";

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Accounts");

        var auth = api.MapGroup("/auth");
        auth.MapPost("/login", LoginAsync).AllowAnonymous()
            .WithSummary("Sign in with e-mail and password (and a TOTP code when two-factor is on); returns a bearer token.");
        auth.MapPost("/register", RegisterAsync).AllowAnonymous()
            .WithSummary("Create an account. 202 whether the address is new or taken (the owner of a taken one is e-mailed); sign in afterwards.");

        api.MapGet("/me", GetMeAsync).RequireAuthorization(Policies.SignedIn).WithSummary("The signed-in user with scoped roles.");
        api.MapGet("/me/personal-data", async (PersonalDataService data, CancellationToken ct) => TypedResults.Ok(await data.ExportAsync(ct)))
            .RequireAuthorization(Policies.SignedIn).WithSummary("A copy of the personal information held about the caller (PIPL Art. 45), watermarked.");
        api.MapGet("/me/sessions", async (SessionService sessions, CancellationToken ct) => TypedResults.Ok(await sessions.ListAsync(ct)))
            .RequireAuthorization(Policies.SignedIn).WithSummary("The caller's live sessions (browsers and API tokens).");
        api.MapDelete("/me/sessions/{id:guid}", async (Guid id, SessionService sessions, CancellationToken ct) => ApiResults.ToHttp(await sessions.RevokeAsync(id, ct)))
            .RequireAuthorization(Policies.SignedIn).WithSummary("Sign out one of the caller's sessions, wherever it is.");
        api.MapPost("/me/password", ChangePasswordAsync).RequireAuthorization(Policies.SignedIn)
            .WithSummary("Change the caller's password (also how an expired password is renewed).");
        api.MapPut("/me/mobile", async (MobileRequest request, PersonalDataService data, CancellationToken ct) => ApiResults.ToHttp(await data.SetMobileAsync(request.Mobile, ct)))
            .RequireAuthorization(Policies.SignedIn).WithSummary("Set or remove (empty) the caller's mobile number; stored encrypted (SM4 under the 国密 suite).");
        api.MapPost("/me/deletion", async (AccountDeletionRequest request, PersonalDataService data, CancellationToken ct) =>
                ApiResults.ToHttp(await data.DeleteAccountAsync(request.ConfirmEmail, ct)))
            .RequireAuthorization(Policies.SignedIn).WithSummary("Delete the caller's account (PIPL Art. 47); confirmEmail must repeat the account's e-mail.");
        api.MapGet("/regions", GetRegionsAsync).AllowAnonymous()
            .Produces<List<RegionDto>>().Produces(StatusCodes.Status304NotModified)
            .WithSummary("Regions with their districts (GB/T 2260); ETag and Cache-Control (one hour), 304 on a matching If-None-Match.");

        var orgs = api.MapGroup("/organizations").WithTags("Organizations");
        orgs.MapGet("/", ListOrganizationsAsync).AllowAnonymous();
        orgs.MapGet("/{id:guid}", GetOrganizationAsync).AllowAnonymous().WithName(OrganizationEndpoint);
        orgs.MapPost("/", CreateOrganizationAsync).RequireAuthorization(Policies.SignedIn);
        orgs.MapPost("/{id:guid}/verification", VerifyOrganizationAsync).RequireAuthorization(Policies.AnyRegionAdmin);
        orgs.MapGet("/{id:guid}/members", ListMembersAsync).RequireAuthorization(Policies.SignedIn);
        orgs.MapPost("/{id:guid}/memberships", RequestMembershipAsync).RequireAuthorization(Policies.SignedIn);
        orgs.MapPost("/{id:guid}/memberships/{membershipId:guid}/decision", DecideMembershipAsync).RequireAuthorization(Policies.SignedIn);
        orgs.MapPost("/{id:guid}/roles", SetOrganizationRoleAsync).RequireAuthorization(Policies.SignedIn);
        api.MapSmeDeclarationApi();

        var admin = api.MapGroup("/admin").WithTags("Administration");
        admin.MapPost("/role-grants", GrantRoleAsync).RequireAuthorization(Policies.SecurityAdmin);
        admin.MapDelete("/role-grants/{id:guid}", RevokeRoleAsync).RequireAuthorization(Policies.SecurityAdmin).WithName(RoleGrantEndpoint);
        admin.MapGet("/audit/verification", VerifyAuditAsync).RequireAuthorization(Policies.AuditAdmin);
        admin.MapGet("/outbox", ListOutboxAsync).RequireAuthorization(Policies.SystemAdmin);
        return app;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult, ValidationProblem>> LoginAsync(
        LoginRequest request, SignInManager<AppUser> signIn, SignInAttempts attempts, AuditLog audit)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
        {
            var missing = new FieldErrors();
            missing.Add(string.IsNullOrWhiteSpace(request.Email) ? "email" : "password", new Message("Accounts.EmailAndPasswordRequired"));
            return ApiProblem.Validation(missing);
        }
        signIn.AuthenticationScheme = IdentityConstants.BearerScheme;
        // Unknown account, wrong password and locked account answer alike (SignInAttempts says why).
        var (result, user) = await attempts.PasswordSignInAsync(request.Email, request.Password, persistent: false, channel: "api");
        if (user is null)
        {
            return InvalidCredentials();
        }
        if (result.RequiresTwoFactor)
        {
            if (string.IsNullOrWhiteSpace(request.TwoFactorCode))
            {
                return ApiProblem.Result(401, "Accounts.TwoFactorCodeRequired", new Message("Accounts.TwoFactorCodeRequired"), titleCode: "unauthorized")
                    .Titled(new Message("Accounts.TwoFactorCodeRequiredTitle"));
            }
            result = await signIn.TwoFactorAuthenticatorSignInAsync(request.TwoFactorCode.Replace(" ", "", StringComparison.Ordinal), false, false);
        }
        if (!result.Succeeded)
        {
            await audit.RecordAsync("auth.login", $"user:{user.Id}", AuditOutcome.Failure, result.IsLockedOut ? "locked out (totp, api)" : "wrong code (api)", user.Id, user.Email);
            return InvalidCredentials();
        }
        await audit.RecordAsync("auth.login", $"user:{user.Id}", AuditOutcome.Success, "api", user.Id, user.Email);
        // SignInManager has already written the token response (accessToken, expiresIn, refreshToken).
        return TypedResults.Empty;

        static ProblemHttpResult InvalidCredentials() =>
            ApiProblem.Result(401, "Accounts.InvalidCredentials", new Message("Accounts.InvalidCredentials"), titleCode: "unauthorized")
                .Titled(new Message("Accounts.InvalidCredentialsTitle"));
    }

    private static async Task<Results<Accepted<RegistrationAccepted>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, SelfRegistration registration, SystemSettingsStore system)
    {
        if (!system.Current.RegistrationOpen)
        {
            return RegistrationClosed();
        }
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.DisplayName) || request.DisplayName.Trim().Length > 50)
        {
            errors.Add("displayName", new Message("Accounts.DisplayNameRequired"));
        }
        if (string.IsNullOrWhiteSpace(request.Email) || request.Email.Length > 256 || !new System.ComponentModel.DataAnnotations.EmailAddressAttribute().IsValid(request.Email))
        {
            errors.Add("email", new Message("Accounts.EmailInvalid"));
        }
        if (string.IsNullOrEmpty(request.Password))
        {
            errors.Add("password", new Message("Accounts.PasswordRequired"));
        }
        if (!request.AcceptTerms)
        {
            errors.Add("acceptTerms", new Message("Accounts.TermsNotAccepted"));
        }
        if (errors.Count > 0)
        {
            return ApiProblem.Validation(errors);
        }
        // A taken address answers exactly like a new one (SelfRegistration says why).
        var (_, identityErrors) = await registration.RegisterAsync(request.Email!, request.Password!, request.DisplayName!, "api");
        if (identityErrors is not null)
        {
            return ApiProblem.Validation(identityErrors);
        }
        return TypedResults.Accepted((string?)null, new RegistrationAccepted(request.Email!.Trim(), SelfRegistration.Accepted.ToString()));
    }

    private static async Task<Results<NoContent, ValidationProblem>> ChangePasswordAsync(
        ChangePasswordRequest request, CurrentUser me, UserManager<AppUser> users, AuditLog audit)
    {
        var user = await users.FindByIdAsync(me.Id!.Value.ToString());
        var (ok, errors) = await Registration.ChangePasswordAsync(users, user!, request.CurrentPassword, request.NewPassword);
        if (!ok)
        {
            await audit.RecordAsync("auth.password-change", $"user:{me.Id}", AuditOutcome.Failure, string.Join(",", errors.Keys));
            return ApiProblem.Validation(errors);
        }
        await audit.RecordAsync("auth.password-change", $"user:{me.Id}");
        return TypedResults.NoContent();
    }

    private static async Task<Ok<MeDto>> GetMeAsync(CurrentUser me, OrganizationService organizations, SessionCache sessions, CancellationToken ct)
    {
        // The session check has just read (or held) the caller's organisations: no second read.
        var orgs = sessions.TryGet(me.SessionId!.Value, out var held) ? held.Organizations : await organizations.ListForUserAsync(me.Id!.Value, ct);
        return TypedResults.Ok(new MeDto(me.Id!.Value, me.Email ?? "", me.DisplayName ?? "", me.TwoFactorEnabled,
            me.Grants.OrderBy(g => g.Role).Select(g => new RoleDto(g.Role, g.RegionCode, g.OrganizationId)).ToList(), orgs));
    }

    /// <summary>
    /// Reference data, the same for every caller and changed only by a restart that loads new rows: cacheable by anyone
    /// for an hour, and revalidated by its ETag (SHA-256 of the exact JSON sent), so an unchanged list costs a 304.
    /// </summary>
    private static async Task<IResult> GetRegionsAsync(AppDbContext db, HttpContext context, IOptions<JsonOptions> json, CancellationToken ct)
    {
        var regions = await db.Regions.AsNoTracking().OrderBy(r => r.SortOrder).ToListAsync(ct);
        var districts = await db.Districts.AsNoTracking().OrderBy(d => d.Code).ToListAsync(ct);
        var list = regions.Select(r => new RegionDto(r.Code, r.Name, r.ShortName,
            districts.Where(d => d.RegionCode == r.Code).Select(d => new DistrictDto(d.Code, d.Name, d.Level, d.ParentCode)).ToList())).ToList();
        var body = JsonSerializer.SerializeToUtf8Bytes(list, json.Value.SerializerOptions);
        var etag = new EntityTagHeaderValue($"\"{Base64Url.EncodeToString(SHA256.HashData(body))}\"");
        context.Response.Headers.ETag = etag.ToString();
        context.Response.Headers.CacheControl = "public, max-age=3600";
        // If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/"x" matches "x"; "*" matches as the list exists.
        if (context.Request.GetTypedHeaders().IfNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(body, "application/json; charset=utf-8");
    }

    private static async Task<Results<Ok<PagedList<OrganizationDto>>, ValidationProblem>> ListOrganizationsAsync(
        AppDbContext db, CurrentUser me, string? q, string? regionCode, OrganizationKind? kind, OrganizationStatus? status,
        [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20, CancellationToken ct = default)
    {
        if (Paging.Check(page, pageSize) is { } badPage)
        {
            return badPage;
        }
        if (q?.Length > 100)
        {
            return QueryTooLong();
        }
        var query = OrganizationQueries.Visible(db, me);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim();
            query = query.Where(o => o.Name.Contains(term) || o.CreditCode == term.ToUpperInvariant());
        }
        if (regionCode is not null)
        {
            query = query.Where(o => o.RegionCode == regionCode);
        }
        if (kind is not null)
        {
            query = query.Where(o => o.Kind == kind);
        }
        if (status is not null)
        {
            query = query.Where(o => o.Status == status);
        }
        var total = await query.CountAsync(ct);
        var items = await query.InNameOrder().Skip((page - 1) * pageSize).Take(pageSize)
            .Select(o => new OrganizationDto(o.Id, o.Name, o.Kind, o.CreditCode, o.RegionCode, o.DistrictCode, o.Address, o.Status, o.CreatedAt))
            .ToListAsync(ct);
        return TypedResults.Ok(new PagedList<OrganizationDto>(total, page, pageSize, items));
    }

    private static async Task<Results<Ok<OrganizationDto>, NotFound>> GetOrganizationAsync(Guid id, AppDbContext db, OrganizationService service, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        return org is null || !service.CanSee(org) ? TypedResults.NotFound() : TypedResults.Ok(ToDto(org));
    }

    private static async Task<Results<Created<OrganizationDto>, ValidationProblem>> CreateOrganizationAsync(
        OrganizationInput input, OrganizationService service, LinkGenerator links, HttpContext context, CancellationToken ct)
    {
        var (org, errors) = await service.CreateAsync(input, ct);
        return org is null ? ApiProblem.Validation(errors) : TypedResults.Created(links.EndpointPath(context, OrganizationEndpoint, new { id = org.Id }), ToDto(org));
    }

    private static async Task<IResult> VerifyOrganizationAsync(Guid id, VerifyRequest request, OrganizationService service, CancellationToken ct) =>
        ApiResults.ToHttp(await service.VerifyAsync(id, request.Approve, request.Note, ct));

    private static async Task<IResult> ListMembersAsync(Guid id, AppDbContext db, OrganizationService service, CancellationToken ct)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (org is null || !service.CanSee(org))
        {
            return TypedResults.NotFound();
        }
        if (!service.CanManageMembers(org) && !service.CanVerify(org))
        {
            return Forbidden();
        }
        return TypedResults.Ok(await service.ListMembersAsync(id, ct));
    }

    private static async Task<IResult> RequestMembershipAsync(Guid id, OrganizationService service, CancellationToken ct) =>
        ApiResults.ToHttp(await service.RequestMembershipAsync(id, ct), StatusCodes.Status202Accepted);

    private static async Task<IResult> DecideMembershipAsync(Guid id, Guid membershipId, DecisionRequest request, OrganizationService service, CancellationToken ct) =>
        ApiResults.ToHttp(await service.DecideMembershipAsync(id, membershipId, request.Approve, ct));

    private static async Task<IResult> SetOrganizationRoleAsync(Guid id, OrganizationRoleRequest request, OrganizationService service, CancellationToken ct) =>
        ApiResults.ToHttp(await service.SetOrganizationRoleAsync(id, request.UserId, request.Role, request.Grant, ct));

    private static async Task<IResult> GrantRoleAsync(RoleGrantRequest request, RoleService roles, LinkGenerator links, HttpContext context, CancellationToken ct)
    {
        var (grant, result) = await roles.GrantAsync(request.UserId, request.Role, request.RegionCode, request.OrganizationId, ct);
        return grant is null
            ? ApiResults.ToHttp(result)
            : TypedResults.Created(links.EndpointPath(context, RoleGrantEndpoint, new { id = grant.Id }), new RoleDto(grant.Role, grant.RegionCode, grant.OrganizationId));
    }

    private static async Task<IResult> RevokeRoleAsync(Guid id, RoleService roles, CancellationToken ct) => ApiResults.ToHttp(await roles.RevokeAsync(id, ct));

    private static async Task<Ok<AuditVerification>> VerifyAuditAsync(AppDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await AuditLog.VerifyAsync(db, ct));

    private static async Task<IResult> ListOutboxAsync(AppDbContext db, IHostEnvironment env, CancellationToken ct)
    {
        if (!env.IsDevelopment())
        {
            // Outside development the outbox holds real people's reset links: not for reading through the API.
            return TypedResults.NotFound();
        }
        return TypedResults.Ok(await db.Outbox.AsNoTracking().OrderByDescending(m => m.CreatedAt).Take(100).ToListAsync(ct));
    }

    internal static ProblemHttpResult RegistrationClosed() =>
        ApiProblem.Result(403, "Accounts.RegistrationClosed", new Message("Accounts.RegistrationClosed"), titleCode: "forbidden")
            .Titled(new Message("Accounts.RegistrationClosedTitle"));

    /// <summary>400 for a search term over 100 characters (organisations here, users in Admin).</summary>
    internal static ValidationProblem QueryTooLong()
    {
        var errors = new FieldErrors();
        errors.Add("q", new Message("Accounts.QueryTooLong"));
        return ApiProblem.Validation(errors);
    }

    internal static OrganizationDto ToDto(Organization o) =>
        new(o.Id, o.Name, o.Kind, o.CreditCode, o.RegionCode, o.DistrictCode, o.Address, o.Status, o.CreatedAt);

    private static ProblemHttpResult Forbidden() =>
        ApiProblem.Result(403, "Accounts.NotYourOrganization", new Message("Accounts.NotYourOrganization"), titleCode: "forbidden").Titled(new Message("Accounts.NotYourOrganizationTitle"));
}

public static class OrganizationQueries
{
    /// <summary>Verified organisations for everyone; pending and rejected ones only within the caller's scope.</summary>
    public static IQueryable<Organization> Visible(AppDbContext db, CurrentUser me)
    {
        if (me.IsSystemAdmin)
        {
            return db.Organizations.AsNoTracking();
        }
        var regions = me.AdminRegions.ToList();
        var adminOf = me.Grants.Where(g => g.Role == PlatformRole.OrgAdmin && g.OrganizationId is not null && me.Has(g.Role))
            .Select(g => g.OrganizationId!.Value).ToList();
        return db.Organizations.AsNoTracking().Where(o =>
            o.Status == OrganizationStatus.Verified || regions.Contains(o.RegionCode) || adminOf.Contains(o.Id));
    }

    /// <summary>By name in pinyin order (<see cref="ChineseCollation"/>), then by id, so that pages do not overlap.</summary>
    public static IOrderedQueryable<Organization> InNameOrder(this IQueryable<Organization> query) =>
        query.OrderBy(o => EF.Functions.Collate(o.Name, ChineseCollation.Name)).ThenBy(o => o.Id);
}

public static class Registration
{
    /// <summary>Changes a password after checking the current one; errors keyed by field (currentPassword, newPassword).</summary>
    public static async Task<(bool Ok, FieldErrors Errors)> ChangePasswordAsync(UserManager<AppUser> users, AppUser user, string? current, string? next)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(current))
        {
            errors.Add("currentPassword", new Message("Accounts.CurrentPasswordRequired"));
        }
        if (string.IsNullOrEmpty(next))
        {
            errors.Add("newPassword", new Message("Accounts.NewPasswordRequired"));
        }
        if (errors.Count > 0)
        {
            return (false, errors);
        }
        var result = await users.ChangePasswordAsync(user, current!, next!);
        foreach (var e in result.Errors)
        {
            errors.Add(e.Code == nameof(IdentityErrorDescriber.PasswordMismatch) ? "currentPassword" : "newPassword",
                e.Code == nameof(IdentityErrorDescriber.PasswordMismatch) ? new Message("Accounts.CurrentPasswordWrong") : IdentityMessages.Of(e));
        }
        return (result.Succeeded, errors);
    }

    public static async Task<(AppUser? User, FieldErrors Errors)> CreateUserAsync(
        UserManager<AppUser> users, string email, string password, string displayName, TimeProvider clock, Action<AppUser>? configure = null)
    {
        var user = new AppUser
        {
            Id = Guid.CreateVersion7(),
            UserName = email.Trim(),
            Email = email.Trim(),
            DisplayName = displayName.Trim(),
            CreatedAt = clock.GetUtcNow(),
            PasswordChangedAt = clock.GetUtcNow(),
        };
        configure?.Invoke(user);
        var result = await users.CreateAsync(user, password);
        if (result.Succeeded)
        {
            return (user, new FieldErrors());
        }
        var errors = new FieldErrors();
        // The user name is the e-mail, so Identity reports a duplicate twice; one message is enough.
        foreach (var e in result.Errors.Where(e => e.Code != nameof(IdentityErrorDescriber.DuplicateUserName) || result.Errors.All(x => x.Code != nameof(IdentityErrorDescriber.DuplicateEmail))))
        {
            errors.Add(e.Code.Contains("Password", StringComparison.Ordinal) ? "password" : "email", IdentityMessages.Of(e));
        }
        return (null, errors);
    }
}
