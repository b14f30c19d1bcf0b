using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chuanyu.Web.Features.Accounts;

/// <summary>Met when the current user holds any of the roles (administrator roles only with the second factor).</summary>
public sealed record PlatformRoleRequirement(params PlatformRole[] AnyOf) : IAuthorizationRequirement;

/// <summary>Met by a signed-in person only: a signed API client is authenticated but is not a person.</summary>
public sealed class PersonRequirement : IAuthorizationRequirement;

internal sealed class PersonHandler(IHttpContextAccessor http) : AuthorizationHandler<PersonRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PersonRequirement requirement)
    {
        if (http.HttpContext?.RequestServices.GetService<CurrentUser>() is { IsAuthenticated: true })
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

internal sealed class PlatformRoleHandler(IHttpContextAccessor http) : AuthorizationHandler<PlatformRoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PlatformRoleRequirement requirement)
    {
        var user = http.HttpContext?.RequestServices.GetService<CurrentUser>();
        if (user is { IsAuthenticated: true } && requirement.AnyOf.Any(user.Has))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// The framework's policy provider, except that the fallback policy applies to the routes the platform maps (every page
/// and endpoint) and not to a request that matched none: an unknown address keeps its 404, and a known address called
/// with a method it does not take keeps its 405, for everyone (no handler runs for them, so there is nothing to guard).
/// </summary>
internal sealed class RouteFallbackPolicyProvider(IOptions<AuthorizationOptions> options, IHttpContextAccessor http) : IAuthorizationPolicyProvider
{
    private readonly DefaultAuthorizationPolicyProvider _framework = new(options);

    // The answer depends on the endpoint only, which is what the authorization middleware caches policies by.
    public bool AllowsCachingPolicies => true;

    public Task<AuthorizationPolicy?> GetPolicyAsync(string policyName) => _framework.GetPolicyAsync(policyName);

    public Task<AuthorizationPolicy> GetDefaultPolicyAsync() => _framework.GetDefaultPolicyAsync();

    // Outside a request (a test asking for it) the fallback is answered as configured.
    public Task<AuthorizationPolicy?> GetFallbackPolicyAsync() =>
        http.HttpContext is { } context && context.GetEndpoint() is not RouteEndpoint
            ? Task.FromResult<AuthorizationPolicy?>(null)
            : _framework.GetFallbackPolicyAsync();
}

public static class AccountsSetup
{
    /// <summary>Cookie for people, bearer token for API clients, request signature for other systems; the first segment of the Authorization header picks.</summary>
    public const string SmartScheme = "Chuanyu";

    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        // First of the features' preparations: the others may rely on the regions and districts.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDatabasePreparation, DivisionsPreparation>());
        services.AddScoped<CurrentUser>();
        services.AddSingleton<SecurityPolicyStore>();
        services.AddSingleton<SystemSettingsStore>();
        services.AddScoped<AccountAdministration>();
        services.AddPlatformCommand<CreateAdminCommand>();
        // CurrentUserMiddleware checks the security stamp and the session on every request; Identity's own periodic
        // check would re-create the principal (and so a new session) behind the person's back.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromDays(3650));
        services.AddScoped<OrganizationService>();
        services.AddScoped<SmeDeclarationService>();
        // The read contracts other features use instead of the Accounts tables (docs/architecture.md, "Dependency rules").
        services.AddScoped<OrganizationDirectory>();
        services.AddScoped<UserDirectory>();
        services.AddScoped<RegionDirectory>();
        services.AddScoped<RoleService>();
        services.AddScoped<PersonalDataService>();
        services.AddScoped<SessionService>();
        // The session check from memory, told within a second of any change that ends or narrows a session (SessionCache).
        services.AddSingleton<SessionCache>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IInterceptor, SessionVersionInterceptor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDatabasePreparation, SessionVersionPreparation>());
        services.AddScoped<SignInAttempts>();
        services.AddScoped<SelfRegistration>();
        services.AddScoped<AuditLog>();
        services.AddTransient<IEmailSender<AppUser>, OutboxEmailSender>();

        services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // Length, character classes and lockout come from the security policy in force (AppUserManager applies
                // SecurityPolicy over these options per request); only what the policy does not cover is set here.
                o.Password.RequiredUniqueChars = 4;
                o.Lockout.AllowedForNewUsers = true;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddUserManager<AppUserManager>()
            .AddPasswordValidator<PasswordHistoryValidator>()
            .AddSignInManager<AppSignInManager>()
            .AddDefaultTokenProviders()
            .AddErrorDescriber<MessageIdentityErrorDescriber>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SmartScheme;
                o.DefaultChallengeScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "Cookie, bearer or signature", o => o.ForwardDefaultSelector = context =>
                ApiClients.RequestSignature.IsSignedRequest(context.Request) ? ApiClients.RequestSignature.Scheme
                : context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? IdentityConstants.BearerScheme
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiClients.RequestSignatureHandler>(ApiClients.RequestSignature.Scheme, null)
            .AddBearerToken(IdentityConstants.BearerScheme, o =>
            {
                o.BearerTokenExpiration = TimeSpan.FromMinutes(configuration.GetValue("Security:AccessTokenMinutes", 60));
                o.RefreshTokenExpiration = TimeSpan.FromDays(1);
            })
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "chuanyu.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/Accounts/Login";
            o.LogoutPath = "/Accounts/Logout";
            o.AccessDeniedPath = "/Accounts/AccessDenied";
            o.ExpireTimeSpan = TimeSpan.FromHours(configuration.GetValue("Security:AbsoluteSessionHours", 12));
            o.SlidingExpiration = true;
            // API callers get status codes, not a redirect to an HTML sign-in page.
            o.Events.OnRedirectToLogin = c => ApiAwareRedirect(c, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = c => ApiAwareRedirect(c, StatusCodes.Status403Forbidden);
        });

        services.AddSingleton<IAuthorizationHandler, PlatformRoleHandler>();
        services.AddSingleton<IAuthorizationHandler, PersonHandler>();
        var signedIn = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new PersonRequirement()).Build();
        services.AddAuthorizationBuilder()
            // Secure by default: a page or endpoint that says nothing (no [AllowAnonymous], no policy) is for signed-in
            // people only, as with Policies.SignedIn. Routes for other systems name Policies.ApiClient, so a signed API
            // client is refused (403) by a route that forgot to say who may use it rather than let in whatever its scopes.
            .SetFallbackPolicy(signedIn)
            .AddPolicy(Policies.SignedIn, signedIn)
            .AddPolicy(Policies.SystemAdmin, p => p.RequireAuthenticatedUser().AddRequirements(new PlatformRoleRequirement(PlatformRole.SystemAdmin)))
            .AddPolicy(Policies.SecurityAdmin, p => p.RequireAuthenticatedUser().AddRequirements(new PlatformRoleRequirement(PlatformRole.SecurityAdmin)))
            .AddPolicy(Policies.AuditAdmin, p => p.RequireAuthenticatedUser().AddRequirements(new PlatformRoleRequirement(PlatformRole.AuditAdmin)))
            .AddPolicy(Policies.AnyRegionAdmin, p => p.RequireAuthenticatedUser().AddRequirements(
                new PlatformRoleRequirement(PlatformRole.SystemAdmin, PlatformRole.RegionAdmin)))
            // integrity records: shared by both regions' administrators, and the security administrator
            .AddPolicy(Policies.RegionOrSecurityAdmin, p => p.RequireAuthenticatedUser().AddRequirements(
                new PlatformRoleRequirement(PlatformRole.RegionAdmin, PlatformRole.SecurityAdmin)))
            // vouchers
            .AddPolicy(Policies.VoucherLedgerReader, p => p.RequireAuthenticatedUser().AddRequirements(
                new PlatformRoleRequirement(PlatformRole.RegionAdmin, PlatformRole.AuditAdmin)))
            .AddPolicy(Policies.ApiClient, p => p.AddAuthenticationSchemes(ApiClients.RequestSignature.Scheme).RequireAuthenticatedUser()
                .RequireClaim(ApiClients.ApiClientClaims.ClientId));
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationPolicyProvider, RouteFallbackPolicyProvider>());
        services.AddSearchSource<OrganizationSearchSource>();
        return services;
    }

    private static Task ApiAwareRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Identity's validation reasons as messages (<see cref="MessageIdentityError"/>): said in the request's language, and
/// carried by key into <see cref="FieldErrors"/> so the API sends their codes.
/// </summary>
public sealed class MessageIdentityErrorDescriber : IdentityErrorDescriber
{
    public override IdentityError DuplicateEmail(string email) => new MessageIdentityError(nameof(DuplicateEmail), new("Accounts.DuplicateEmail", email));
    public override IdentityError DuplicateUserName(string userName) => new MessageIdentityError(nameof(DuplicateUserName), new("Accounts.DuplicateUserName", userName));
    public override IdentityError InvalidEmail(string? email) => new MessageIdentityError(nameof(InvalidEmail), new("Accounts.InvalidEmail"));
    public override IdentityError PasswordTooShort(int length) => new MessageIdentityError(nameof(PasswordTooShort), new("Accounts.PasswordTooShort", length));
    public override IdentityError PasswordRequiresDigit() => new MessageIdentityError(nameof(PasswordRequiresDigit), new("Accounts.PasswordRequiresDigit"));
    public override IdentityError PasswordRequiresLower() => new MessageIdentityError(nameof(PasswordRequiresLower), new("Accounts.PasswordRequiresLower"));
    public override IdentityError PasswordRequiresUpper() => new MessageIdentityError(nameof(PasswordRequiresUpper), new("Accounts.PasswordRequiresUpper"));
    public override IdentityError PasswordRequiresNonAlphanumeric() => new MessageIdentityError(nameof(PasswordRequiresNonAlphanumeric), new("Accounts.PasswordRequiresNonAlphanumeric"));
    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => new MessageIdentityError(nameof(PasswordRequiresUniqueChars), new("Accounts.PasswordRequiresUniqueChars", uniqueChars));
    public override IdentityError InvalidToken() => new MessageIdentityError(nameof(InvalidToken), new("Accounts.InvalidToken"));
    public override IdentityError PasswordMismatch() => new MessageIdentityError(nameof(PasswordMismatch), new("Accounts.PasswordMismatch"));
}

/// <summary>An Identity error that keeps its reason as a message; <see cref="IdentityError.Description"/> is its text in the request's language.</summary>
public sealed class MessageIdentityError : IdentityError
{
    public MessageIdentityError(string code, Message message)
    {
        Code = code;
        Message = message;
        Description = message.ToString();
    }

    public Message Message { get; }
}

public static class IdentityMessages
{
    /// <summary>The reason of an Identity error as a message; one the platform did not word passes Identity's text through.</summary>
    public static Message Of(IdentityError error) => error is MessageIdentityError m ? m.Message : new Message("Accounts.IdentityError", error.Description);
}
