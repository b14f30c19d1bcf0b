using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Accounts;

public sealed class OrganizationApiTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static int _serial;

    /// <summary>A fresh valid credit code for a test organisation in the given district.</summary>
    private static string NewCreditCode(string district = "510107") =>
        DemoData.MakeCreditCode("91", district, 1000 + Interlocked.Increment(ref _serial) + Random.Shared.Next(0, 1_000_000));

    private static async Task<JsonElement> CreateOrganizationAsync(HttpClient client, string district = "510107", string? name = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/organizations", new
        {
            name = name ?? $"测试科技有限公司-{Guid.NewGuid():N}"[..20],
            kind = "Enterprise",
            creditCode = NewCreditCode(district),
            districtCode = district,
            address = "测试地址",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task Create_InvalidCreditCode_Returns400OnCreditCodeAndCreatesNothing()
    {
        var client = await factory.ApiClientAsync(Demo.Engineer);
        var name = $"校验位错误公司{Guid.NewGuid():N}"[..16];
        var valid = NewCreditCode();
        var wrongCheck = valid[..17] + (valid[17] == '0' ? '1' : '0');

        var response = await client.PostAsJsonAsync("/api/v1/organizations", new { name, kind = "Enterprise", creditCode = wrongCheck, districtCode = "510107" });

        var reasons = await response.AssertFieldErrorAsync("creditCode");
        Assert.Contains(reasons, r => r.Contains("校验位", StringComparison.Ordinal));
        Assert.False(await factory.WithDbAsync(db => db.Organizations.AnyAsync(o => o.Name == name)));
    }

    [Fact]
    public async Task Create_MissingFields_ReportsEveryField()
    {
        var client = await factory.ApiClientAsync(Demo.Engineer);
        var response = await client.PostAsJsonAsync("/api/v1/organizations", new { name = "", creditCode = "", districtCode = "999999" });
        var body = await response.AssertProblemAsync(400);
        var errors = body.GetProperty("errors");
        foreach (var field in new[] { "name", "kind", "creditCode", "districtCode" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error on {field}: {errors}");
        }
    }

    [Fact]
    public async Task Create_DuplicateCreditCode_Returns400()
    {
        var client = await factory.ApiClientAsync(Demo.Engineer);
        var code = NewCreditCode();
        var first = await client.PostAsJsonAsync("/api/v1/organizations", new { name = "第一家", kind = "Enterprise", creditCode = code, districtCode = "510107" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var second = await client.PostAsJsonAsync("/api/v1/organizations", new { name = "第二家", kind = "Enterprise", creditCode = code.ToLowerInvariant(), districtCode = "510107" });
        await second.AssertFieldErrorAsync("creditCode");
    }

    [Fact]
    public async Task Create_InjectionInName_IsStoredAsTextAndHarmless()
    {
        var client = await factory.ApiClientAsync(Demo.Engineer);
        const string hostile = "x'); DROP TABLE organizations; -- <script>alert(1)</script>";
        var org = await CreateOrganizationAsync(client, name: hostile);
        Assert.Equal(hostile, org.GetProperty("name").GetString());
        var list = await (await client.GetAsync($"/api/v1/organizations?q={Uri.EscapeDataString("DROP TABLE")}")).ReadJsonAsync();
        Assert.True(list.GetProperty("total").GetInt32() >= 1);
        Assert.True(await factory.WithDbAsync(db => db.Organizations.AnyAsync()));
    }

    [Fact]
    public async Task PendingOrganization_IsPrivateUntilItsRegionVerifiesIt()
    {
        var founder = await factory.ApiClientAsync(Demo.Engineer);
        var org = await CreateOrganizationAsync(founder, district: "510107");
        var id = org.GetProperty("id").GetString();
        Assert.Equal("Pending", org.GetProperty("status").GetString());

        // The founder became its administrator.
        var me = await (await founder.GetAsync("/api/v1/me")).ReadJsonAsync();
        Assert.Contains(me.GetProperty("roles").EnumerateArray(), r => r.GetProperty("role").GetString() == "OrgAdmin" && r.GetProperty("organizationId").GetString() == id);

        // Nobody else sees it: not the public, not a researcher, not the other region's administrator.
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync($"/api/v1/organizations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ApiClientAsync(Demo.ScuResearcher)).GetAsync($"/api/v1/organizations/{id}")).StatusCode);
        var chongqing = await factory.ApiClientAsync(Demo.ChongqingAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await chongqing.GetAsync($"/api/v1/organizations/{id}")).StatusCode);

        // Chongqing's administrator cannot verify a Sichuan organisation by guessing its id.
        var wrongRegion = await chongqing.PostAsJsonAsync($"/api/v1/organizations/{id}/verification", new { approve = true });
        Assert.Equal(HttpStatusCode.NotFound, wrongRegion.StatusCode);

        // A plain member cannot call the verification endpoint at all.
        var notAdmin = await (await factory.ApiClientAsync(Demo.ScuResearcher)).PostAsJsonAsync($"/api/v1/organizations/{id}/verification", new { approve = true });
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);

        var sichuan = await factory.ApiClientAsync(Demo.SichuanAdmin);
        Assert.Equal(HttpStatusCode.OK, (await sichuan.GetAsync($"/api/v1/organizations/{id}")).StatusCode);
        var verify = await sichuan.PostAsJsonAsync($"/api/v1/organizations/{id}/verification", new { approve = true, note = "材料齐全" });
        Assert.Equal(HttpStatusCode.NoContent, verify.StatusCode);

        var publicView = await (await factory.CreateClient().GetAsync($"/api/v1/organizations/{id}")).ReadJsonAsync();
        Assert.Equal("Verified", publicView.GetProperty("status").GetString());

        var audit = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Target == $"organization:{id}").Select(e => e.Action).ToListAsync());
        Assert.Contains("organization.register", audit);
        Assert.Contains("organization.verify", audit);
    }

    [Fact]
    public async Task Reject_WithoutReason_Returns400OnNote()
    {
        var org = await CreateOrganizationAsync(await factory.ApiClientAsync(Demo.Engineer), district: "500106");
        var cq = await factory.ApiClientAsync(Demo.ChongqingAdmin);
        var response = await cq.PostAsJsonAsync($"/api/v1/organizations/{org.GetProperty("id").GetString()}/verification", new { approve = false });
        await response.AssertFieldErrorAsync("note");
    }

    [Fact]
    public async Task Membership_RequestApprovedByOrgAdmin_GrantsMemberRole()
    {
        var email = await AuthApiTests.RegisterAsync(factory, "Joiner-Passw0rd", "申请人");
        var joiner = await factory.ApiClientAsync(email, "Joiner-Passw0rd");
        var cquId = await OrganizationIdAsync("重庆大学");

        Assert.Equal(HttpStatusCode.Accepted, (await joiner.PostAsync($"/api/v1/organizations/{cquId}/memberships", null)).StatusCode);
        var again = await joiner.PostAsync($"/api/v1/organizations/{cquId}/memberships", null);
        await again.AssertProblemAsync(409);

        var orgAdmin = await factory.ApiClientAsync(Demo.CquOrgAdmin);
        var members = (await (await orgAdmin.GetAsync($"/api/v1/organizations/{cquId}/members")).ReadJsonAsync()).EnumerateArray().ToList();
        var request = members.Single(m => m.GetProperty("displayName").GetString() == "申请人" && m.GetProperty("status").GetString() == "Pending");
        // Lists never show a full e-mail address.
        Assert.DoesNotContain(email, request.GetProperty("maskedEmail").GetString());
        Assert.Contains("***", request.GetProperty("maskedEmail").GetString());

        var decision = await orgAdmin.PostAsJsonAsync($"/api/v1/organizations/{cquId}/memberships/{request.GetProperty("membershipId").GetString()}/decision", new { approve = true });
        Assert.Equal(HttpStatusCode.NoContent, decision.StatusCode);

        var me = await (await joiner.GetAsync("/api/v1/me")).ReadJsonAsync();
        Assert.Contains(me.GetProperty("roles").EnumerateArray(), r => r.GetProperty("role").GetString() == "Member" && r.GetProperty("organizationId").GetString() == cquId.ToString());
    }

    [Fact]
    public async Task OrgAdmin_CannotManageMembersOfAnotherOrganization()
    {
        var scuId = await OrganizationIdAsync("四川大学");
        var cquId = await OrganizationIdAsync("重庆大学");
        var cquAdmin = await factory.ApiClientAsync(Demo.CquOrgAdmin);

        // Another organisation's member list and decisions are refused.
        Assert.Equal(HttpStatusCode.Forbidden, (await cquAdmin.GetAsync($"/api/v1/organizations/{scuId}/members")).StatusCode);
        var scuMembership = await factory.WithDbAsync(db => db.Memberships.Where(m => m.OrganizationId == scuId).Select(m => m.Id).FirstAsync());
        var decide = await cquAdmin.PostAsJsonAsync($"/api/v1/organizations/{scuId}/memberships/{scuMembership}/decision", new { approve = false });
        Assert.Equal(HttpStatusCode.Forbidden, decide.StatusCode);
        var researcherId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == Demo.ScuResearcher).Select(u => u.Id).FirstAsync());
        var grant = await cquAdmin.PostAsJsonAsync($"/api/v1/organizations/{scuId}/roles", new { userId = researcherId, role = "ResourceManager" });
        Assert.Equal(HttpStatusCode.Forbidden, grant.StatusCode);

        // Nor can the other organisation's membership be decided through one's own organisation's URL.
        var smuggled = await cquAdmin.PostAsJsonAsync($"/api/v1/organizations/{cquId}/memberships/{scuMembership}/decision", new { approve = false });
        Assert.Equal(HttpStatusCode.NotFound, smuggled.StatusCode);

        var unchanged = await factory.WithDbAsync(db => db.Memberships.Where(m => m.Id == scuMembership).Select(m => m.Status).FirstAsync());
        Assert.Equal(MembershipStatus.Approved, unchanged);
        Assert.False(await factory.WithDbAsync(db => db.RoleGrants.AnyAsync(g => g.UserId == researcherId && g.Role == PlatformRole.ResourceManager)));
    }

    [Fact]
    public async Task OrgAdmin_GrantsInstrumentManagerOnlyToOwnApprovedMembers()
    {
        var cquId = await OrganizationIdAsync("重庆大学");
        var cquAdmin = await factory.ApiClientAsync(Demo.CquOrgAdmin);
        var outsider = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == Demo.Engineer).Select(u => u.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await cquAdmin.PostAsJsonAsync($"/api/v1/organizations/{cquId}/roles", new { userId = outsider, role = "ResourceManager" })).StatusCode);
        var toSystemAdmin = await cquAdmin.PostAsJsonAsync($"/api/v1/organizations/{cquId}/roles", new { userId = outsider, role = "SystemAdmin" });
        await toSystemAdmin.AssertFieldErrorAsync("role");
    }

    [Fact]
    public async Task AdminEndpoints_RefuseNonAdmins()
    {
        var researcher = await factory.ApiClientAsync(Demo.ScuResearcher);
        var me = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == Demo.ScuResearcher).Select(u => u.Id).FirstAsync());
        var grant = await researcher.PostAsJsonAsync("/api/v1/admin/role-grants", new { userId = me, role = "SecurityAdmin" });
        await grant.AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.Forbidden, (await researcher.GetAsync("/api/v1/admin/audit/verification")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await factory.ApiClientAsync(Demo.ChongqingAdmin)).PostAsJsonAsync("/api/v1/admin/role-grants", new { userId = me, role = "Expert" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().PostAsJsonAsync("/api/v1/admin/role-grants", new { userId = me, role = "Expert" })).StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.RoleGrants.AnyAsync(g => g.UserId == me && (g.Role == PlatformRole.SecurityAdmin || g.Role == PlatformRole.Expert))));
    }

    [Fact]
    public async Task SecurityAdmin_GrantsRegionAdmin_WithScopeValidatedAndAudited()
    {
        var admin = await factory.ApiClientAsync(Demo.SecurityAdmin);
        var email = await AuthApiTests.RegisterAsync(factory, "Future-Admin1");
        var userId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstAsync());

        await (await admin.PostAsJsonAsync("/api/v1/admin/role-grants", new { userId, role = "RegionAdmin" })).AssertFieldErrorAsync("regionCode");
        await (await admin.PostAsJsonAsync("/api/v1/admin/role-grants", new { userId, role = "RegionAdmin", regionCode = "990000" })).AssertFieldErrorAsync("regionCode");
        var adminId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == Demo.SecurityAdmin).Select(u => u.Id).FirstAsync());
        await (await admin.PostAsJsonAsync("/api/v1/admin/role-grants", new { userId = adminId, role = "Expert" })).AssertFieldErrorAsync("userId");

        var ok = await admin.PostAsJsonAsync("/api/v1/admin/role-grants", new { userId, role = "RegionAdmin", regionCode = "510000" });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var newAdmin = await factory.ApiClientAsync(email, "Future-Admin1");
        var me = await (await newAdmin.GetAsync("/api/v1/me")).ReadJsonAsync();
        Assert.Contains(me.GetProperty("roles").EnumerateArray(), r => r.GetProperty("role").GetString() == "RegionAdmin" && r.GetProperty("regionCode").GetString() == "510000");
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "role.grant" && e.Target == $"user:{userId}")));
    }

    [Fact]
    public async Task List_PagesAndFilters_AndRefusesBadPaging()
    {
        var client = factory.CreateClient();
        var page = await (await client.GetAsync("/api/v1/organizations?regionCode=500000&pageSize=2&page=1")).ReadJsonAsync();
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.All(page.GetProperty("items").EnumerateArray(), o => Assert.Equal("500000", o.GetProperty("regionCode").GetString()));
        Assert.All(page.GetProperty("items").EnumerateArray(), o => Assert.Equal("Verified", o.GetProperty("status").GetString()));
        await (await client.GetAsync("/api/v1/organizations?pageSize=1000")).AssertFieldErrorAsync("pageSize");
        await (await client.GetAsync("/api/v1/organizations?page=0")).AssertFieldErrorAsync("page");
    }

    private Task<Guid> OrganizationIdAsync(string name) =>
        factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).FirstAsync());
}
