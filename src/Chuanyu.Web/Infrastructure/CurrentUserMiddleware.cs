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
    public async Task InvokeAsync(HttpContext context, CurrentUser currentUser, AppDbContext db, IHostEnvironment env)
    {
        if (context.User.Identity?.IsAuthenticated == true &&
            !await currentUser.LoadAsync(context.User, db, env.IsDevelopment(), context.RequestAborted))
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                await Results.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "凭据已失效",
                    detail: "该账号已不存在或凭据已被撤销，请重新登录。").ExecuteAsync(context);
                return;
            }
            await context.SignOutAsync(IdentityConstants.ApplicationScheme);
            context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        }
        await next(context);
    }
}
