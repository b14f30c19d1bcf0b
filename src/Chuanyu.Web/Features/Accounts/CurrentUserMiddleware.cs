using Chuanyu.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// Runs after authentication: loads <see cref="CurrentUser"/> and refuses principals whose account is gone or whose
/// security stamp changed (deleted user, password reset, forced sign-out) — for bearer tokens as well as cookies.
/// </summary>
public sealed class CurrentUserMiddleware(RequestDelegate next)
{
    // What a person whose password expired may still reach: the change itself, sign-out, the language switch, errors.
    private static readonly string[] AllowedWithExpiredPassword =
        ["/Me/ChangePassword", "/Accounts/Logout", "/culture", "/Error", "/api/v1/me/password", "/lib", "/css", "/js"];

    public async Task InvokeAsync(HttpContext context, CurrentUser currentUser, AppDbContext db, IHostEnvironment env,
        Features.Accounts.SecurityPolicyStore policy, SystemSettingsStore system, TimeProvider clock)
    {
        await policy.RefreshIfStaleAsync(context.RequestAborted);
        await system.RefreshIfStaleAsync(context.RequestAborted);
        // A signed API client is no person: CurrentUser stays empty, and the client's own claims say who called.
        if (context.User.Identity?.IsAuthenticated == true && !Features.ApiClients.ApiClientClaims.IsClient(context.User) &&
            !await currentUser.LoadAsync(context.User, db, env.IsDevelopment(), policy.Current, clock.GetUtcNow(), context.RequestAborted))
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                await Results.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "凭据已失效",
                    detail: "该账号已不存在、凭据已被撤销或会话已超时，请重新登录。").ExecuteAsync(context);
                return;
            }
            await context.SignOutAsync(IdentityConstants.ApplicationScheme);
            context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        }
        if (currentUser.PasswordChangeRequired && !AllowedWithExpiredPassword.Any(p => context.Request.Path.StartsWithSegments(p)))
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                await Results.Problem(statusCode: StatusCodes.Status403Forbidden,
                    title: currentUser.MustChangePassword ? "请先修改初始密码" : "密码已过期",
                    detail: currentUser.MustChangePassword
                        ? "该账号使用管理员设置的初始密码，请先通过 POST /api/v1/me/password 修改密码。"
                        : "密码已超过有效期，请先通过 POST /api/v1/me/password 修改密码。").ExecuteAsync(context);
                return;
            }
            context.Response.Redirect("/Me/ChangePassword");
            return;
        }
        await next(context);
    }
}
