using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Security;

/// <summary>
/// 三员管理: the system, security and audit administrators each do their own work and nothing of the others', no
/// account holds two of the roles, and nobody grants or revokes their own.
/// </summary>
public sealed class SeparationOfDutiesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private Task<Guid> UserIdAsync(string email) => factory.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstAsync());

    private Task<Guid> OrganizationIdAsync(string name) => factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).FirstAsync());

    private async Task<Guid> NewUserAsync(string password = "Separate-Duty1") =>
        await UserIdAsync(await Accounts.AuthApiTests.RegisterAsync(factory, password));

    [Fact]
    public async Task SystemAdmin_CannotGrantRolesOrReadTheAudit_ButOperatesOrganisations()
    {
        var sys = await factory.ApiClientAsync(Demo.SystemAdmin);
        var target = await NewUserAsync();

        await (await sys.PostAsJsonAsync("/api/v1/admin/role-grants", new { userId = target, role = "Expert" })).AssertProblemAsync(403);
        var someGrant = await factory.WithDbAsync(db => db.RoleGrants.Select(g => g.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await sys.DeleteAsync($"/api/v1/admin/role-grants/{someGrant}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sys.GetAsync("/api/v1/admin/audit/verification")).StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.RoleGrants.AnyAsync(g => g.UserId == target)));
        Assert.True(await factory.WithDbAsync(db => db.RoleGrants.AnyAsync(g => g.Id == someGrant)));

        // Its own work: the pending organisation of either region is visible to it.
        var pending = await OrganizationIdAsync("重庆渝新智能装备有限公司");
        Assert.Equal(HttpStatusCode.OK, (await sys.GetAsync($"/api/v1/organizations/{pending}")).StatusCode);

        var page = new PageSession(factory);
        await page.SignInAsync(Demo.SystemAdmin);
        foreach (var url in new[] { "/Admin/Users", "/Admin/Audit" })
        {
            Assert.StartsWith("/Accounts/AccessDenied", (await page.Client.GetAsync(url)).Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, (await page.Client.GetAsync("/Admin/Organizations")).StatusCode);
    }

    [Fact]
    public async Task SecurityAdmin_CannotReadOrOperateBusinessData()
    {
        var sec = await factory.ApiClientAsync(Demo.SecurityAdmin);
        var pending = await OrganizationIdAsync("重庆渝新智能装备有限公司");
        var cqu = await OrganizationIdAsync("重庆大学");

        Assert.Equal(HttpStatusCode.NotFound, (await sec.GetAsync($"/api/v1/organizations/{pending}")).StatusCode);
        var list = await (await sec.GetAsync("/api/v1/organizations?pageSize=100")).ReadJsonAsync();
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), o => o.GetProperty("id").GetGuid() == pending);
        Assert.NotEqual(HttpStatusCode.OK, (await sec.GetAsync($"/api/v1/organizations/{cqu}/members")).StatusCode);
        await (await sec.PostAsJsonAsync($"/api/v1/organizations/{pending}/verification", new { approve = true })).AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.Forbidden, (await sec.GetAsync("/api/v1/admin/audit/verification")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sec.GetAsync("/api/v1/admin/outbox")).StatusCode);
        Assert.Equal(nameof(OrganizationStatus.Pending), (await factory.WithDbAsync(db => db.Organizations.FirstAsync(o => o.Id == pending))).Status.ToString());

        var page = new PageSession(factory);
        await page.SignInAsync(Demo.SecurityAdmin);
        foreach (var url in new[] { "/Admin/Organizations", "/Admin/Audit", "/Admin/Outbox", $"/Organizations/Members/{cqu}" })
        {
            var response = await page.Client.GetAsync(url);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden ||
                response.Headers.Location?.AbsolutePath.StartsWith("/Accounts/AccessDenied", StringComparison.Ordinal) == true, $"{url}: {response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.OK, (await page.Client.GetAsync("/Admin/Users")).StatusCode);
    }

    [Fact]
    public async Task AuditAdmin_ReadsTheAudit_AndChangesNothing()
    {
        var audit = await factory.ApiClientAsync(Demo.AuditAdmin);
        Assert.Equal(HttpStatusCode.OK, (await audit.GetAsync("/api/v1/admin/audit/verification")).StatusCode);

        var target = await NewUserAsync();
        var pending = await OrganizationIdAsync("重庆渝新智能装备有限公司");
        var someGrant = await factory.WithDbAsync(db => db.RoleGrants.Select(g => g.Id).FirstAsync());
        await (await audit.PostAsJsonAsync("/api/v1/admin/role-grants", new { userId = target, role = "Expert" })).AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.Forbidden, (await audit.DeleteAsync($"/api/v1/admin/role-grants/{someGrant}")).StatusCode);
        await (await audit.PostAsJsonAsync($"/api/v1/organizations/{pending}/verification", new { approve = true })).AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.NotFound, (await audit.GetAsync($"/api/v1/organizations/{pending}")).StatusCode);

        Assert.False(await factory.WithDbAsync(db => db.RoleGrants.AnyAsync(g => g.UserId == target)));
        Assert.True(await factory.WithDbAsync(db => db.RoleGrants.AnyAsync(g => g.Id == someGrant)));

        var page = new PageSession(factory);
        await page.SignInAsync(Demo.AuditAdmin);
        foreach (var url in new[] { "/Admin/Users", "/Admin/Organizations", "/Admin/Outbox" })
        {
            Assert.StartsWith("/Accounts/AccessDenied", (await page.Client.GetAsync(url)).Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SeparatedRoles_ExcludeEachOther_InTheServiceAndInTheDatabase()
    {
        var sec = await factory.ApiClientAsync(Demo.SecurityAdmin);
        var target = await NewUserAsync();

        Assert.Equal(HttpStatusCode.Created, (await sec.PostAsJsonAsync("/api/v1/admin/role-grants", new { userId = target, role = "SystemAdmin" })).StatusCode);
        var second = await (await sec.PostAsJsonAsync("/api/v1/admin/role-grants", new { userId = target, role = "AuditAdmin" })).AssertProblemAsync(409);
        Assert.Contains("三员互斥", second.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // A non-separated role may still be added.
        Assert.Equal(HttpStatusCode.Created, (await sec.PostAsJsonAsync("/api/v1/admin/role-grants", new { userId = target, role = "Expert" })).StatusCode);

        // Written past the service, the database itself refuses the second separated role.
        var error = await Assert.ThrowsAnyAsync<DbUpdateException>(() => factory.WithDbAsync(async db =>
        {
            db.RoleGrants.Add(new RoleGrant { Id = Guid.NewGuid(), UserId = target, Role = PlatformRole.SecurityAdmin, GrantedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        }));
        Assert.NotNull(error);
        var roles = await factory.WithDbAsync(db => db.RoleGrants.Where(g => g.UserId == target).Select(g => g.Role).ToListAsync());
        Assert.Equal([PlatformRole.SystemAdmin, PlatformRole.Expert], roles.OrderBy(r => r));
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "role.grant" && e.Target == $"user:{target}" && e.Outcome == Web.Infrastructure.AuditOutcome.Failure)));
    }

    [Fact]
    public async Task SeparatedRoles_RacingGrants_OnlyOneWins()
    {
        var sec = await factory.ApiClientAsync(Demo.SecurityAdmin);
        for (var round = 0; round < 3; round++)
        {
            var target = await NewUserAsync();
            var responses = await Task.WhenAll(PlatformRoles.Separated.Select(role =>
                sec.PostAsJsonAsync("/api/v1/admin/role-grants", new { userId = target, role = role.ToString() })));
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
            Assert.Equal(1, await factory.WithDbAsync(db => db.RoleGrants.CountAsync(g => g.UserId == target)));
        }
    }

    [Fact]
    public async Task NobodyGrantsOrRevokesTheirOwnRoles()
    {
        var sec = await factory.ApiClientAsync(Demo.SecurityAdmin);
        var me = await UserIdAsync(Demo.SecurityAdmin);
        await (await sec.PostAsJsonAsync("/api/v1/admin/role-grants", new { userId = me, role = "Expert" })).AssertFieldErrorAsync("userId");
        var own = await factory.WithDbAsync(db => db.RoleGrants.Where(g => g.UserId == me && g.Role == PlatformRole.SecurityAdmin).Select(g => g.Id).FirstAsync());
        await (await sec.DeleteAsync($"/api/v1/admin/role-grants/{own}")).AssertProblemAsync(409);
        Assert.True(await factory.WithDbAsync(db => db.RoleGrants.AnyAsync(g => g.Id == own)));
    }
}
