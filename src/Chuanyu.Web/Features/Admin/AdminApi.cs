using System.ComponentModel;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Admin;

public sealed record AdminUserDto(Guid Id, string DisplayName, string EmailMasked, string? MobileMasked, bool MustChangePassword,
    bool TwoFactorEnabled, bool LockedOut, IReadOnlyList<RoleDto> Roles);

public sealed record UserPersonalDataDto(Guid Id, string DisplayName, string Email, string? Mobile, DateTimeOffset CreatedAt);

/// <summary>
/// The administrators' own endpoints, each behind exactly one of the three separated roles: accounts and the security
/// policy for the security administrator, the system configuration for the system administrator.
/// </summary>
public static class AdminApi
{
    /// <summary>Endpoint names (WithName): links and Location headers are generated from them, not typed.</summary>
    public const string PersonalDataEndpoint = "GetUserPersonalData";

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin").WithTags("Administration");

        admin.MapGet("/users", ListUsersAsync).RequireAuthorization(Policies.SecurityAdmin)
            .WithSummary("Accounts with their roles; e-mail and mobile masked.");
        admin.MapPost("/users", CreateUserAsync).RequireAuthorization(Policies.SecurityAdmin)
            .WithSummary("Create an account with a random initial password (returned once; must be changed at first sign-in).");
        admin.MapGet("/users/{id:guid}/personal-data", ViewPersonalDataAsync).RequireAuthorization(Policies.SecurityAdmin).WithName(PersonalDataEndpoint)
            .WithSummary("The unmasked e-mail and mobile of one account; every view is audited (privacy.view).");

        admin.MapGet("/security-policy", (SecurityPolicyStore store) => TypedResults.Ok(store.Current)).RequireAuthorization(Policies.SecurityAdmin)
            .WithSummary("The authentication policy in force.");
        admin.MapPut("/security-policy", async (SecurityPolicy policy, SecurityPolicyStore store, AppDbContext db, AuditLog audit, CurrentUser me, CancellationToken ct) =>
                await SaveAsync(store, policy, db, audit, me, ct))
            .RequireAuthorization(Policies.SecurityAdmin).WithSummary("Change the authentication policy (bounded; audited with old and new values).");

        admin.MapGet("/system-settings", (SystemSettingsStore store) => TypedResults.Ok(store.Current)).RequireAuthorization(Policies.SystemAdmin)
            .WithSummary("The system configuration in force.");
        admin.MapPut("/system-settings", async (SystemSettings settings, SystemSettingsStore store, AppDbContext db, AuditLog audit, CurrentUser me, CancellationToken ct) =>
                await SaveAsync(store, settings, db, audit, me, ct))
            .RequireAuthorization(Policies.SystemAdmin).WithSummary("Change the system configuration (audited).");
        return app;
    }

    private static async Task<Results<Ok<T>, ValidationProblem>> SaveAsync<T>(SettingStore<T> store, T value, AppDbContext db, AuditLog audit, CurrentUser me, CancellationToken ct)
        where T : class, IValidatedSetting
    {
        var errors = await store.SaveAsync(value, db, audit, me, ct);
        return errors.Count > 0 ? ApiProblem.Validation(errors) : TypedResults.Ok(store.Current);
    }

    private static async Task<Results<Ok<PagedList<AdminUserDto>>, ValidationProblem>> ListUsersAsync(
        AppDbContext db, FieldProtector protector, TimeProvider clock, string? q, [DefaultValue(1)] int page = 1, [DefaultValue(20)] int pageSize = 20,
        CancellationToken ct = default)
    {
        if (Paging.Check(page, pageSize) is { } badPage)
        {
            return badPage;
        }
        if (q?.Length > 100)
        {
            return AccountsApi.QueryTooLong();
        }
        var (total, users) = await UserDirectory.SearchAsync(db, q, page, pageSize, ct);
        var ids = users.Select(u => u.Id).ToList();
        var grants = await db.RoleGrants.AsNoTracking().Where(g => ids.Contains(g.UserId)).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var items = users.Select(u => new AdminUserDto(u.Id, u.DisplayName, Masking.Email(u.Email), PersonalInfo.MaskedMobile(protector, u.MobileProtected),
            u.MustChangePassword, u.TwoFactorEnabled, u.LockoutEnd > now,
            grants.Where(g => g.UserId == u.Id).OrderBy(g => g.Role).Select(g => new RoleDto(g.Role, g.RegionCode, g.OrganizationId)).ToList())).ToList();
        return TypedResults.Ok(new PagedList<AdminUserDto>(total, page, pageSize, items));
    }

    private static async Task<Results<Created<NewAccountDto>, ValidationProblem>> CreateUserAsync(
        NewAccountRequest request, AccountAdministration accounts, LinkGenerator links, HttpContext context, CancellationToken ct)
    {
        var (account, errors) = await accounts.CreateAsync(request, ct: ct);
        return account is null ? ApiProblem.Validation(errors)
            : TypedResults.Created(links.EndpointPath(context, PersonalDataEndpoint, new { id = account.Id }), account);
    }

    private static async Task<Results<Ok<UserPersonalDataDto>, NotFound>> ViewPersonalDataAsync(
        Guid id, AppDbContext db, FieldProtector protector, AuditLog audit, CancellationToken ct)
    {
        var data = await UserDirectory.RevealAsync(db, protector, audit, id, "api", ct);
        return data is null ? TypedResults.NotFound() : TypedResults.Ok(data);
    }
}

/// <summary>The account search the security administrator's page and API share.</summary>
public static class UserDirectory
{
    public static async Task<(int Total, List<AppUser> Users)> SearchAsync(AppDbContext db, string? q, int page, int pageSize, CancellationToken ct)
    {
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim();
            var normalized = term.ToUpperInvariant();
            query = query.Where(u => u.DisplayName.Contains(term) || u.NormalizedEmail == normalized);
        }
        var total = await query.CountAsync(ct);
        var users = await query.OrderBy(u => u.DisplayName).ThenBy(u => u.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return (total, users);
    }

    /// <summary>One account's unmasked e-mail and mobile for the security administrator; every view is an audit row.</summary>
    public static async Task<UserPersonalDataDto?> RevealAsync(AppDbContext db, FieldProtector protector, AuditLog audit, Guid id, string channel, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return null;
        }
        await audit.RecordAsync("privacy.view", $"user:{id}", detail: $"email, mobile ({channel})", ct: ct);
        return new UserPersonalDataDto(user.Id, user.DisplayName, user.Email!,
            user.MobileProtected is null ? null : protector.Unprotect(user.MobileProtected), user.CreatedAt);
    }
}
