using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Accounts;

public sealed class SmeDeclarationApiTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    internal static readonly string IdNumber = ResidentIdNumber.Complete("51010719000101001");
    private static int _serial;

    /// <summary>A new enterprise, verified by its region, with a new account as its administrator.</summary>
    internal static async Task<(HttpClient Admin, string Email, Guid Id)> NewEnterpriseAsync(ChuanyuFactory factory, string district = "510107",
        string kind = "Enterprise", bool verify = true)
    {
        var email = await AuthApiTests.RegisterAsync(factory, "Sme-Admin-Passw0rd", "企业管理员");
        var admin = await factory.ApiClientAsync(email, "Sme-Admin-Passw0rd");
        var created = await admin.PostAsJsonAsync("/api/v1/organizations", new
        {
            name = $"测试科技型企业-{Guid.NewGuid():N}"[..20],
            kind,
            creditCode = DemoData.MakeCreditCode("91", district, 2000 + Interlocked.Increment(ref _serial)),
            districtCode = district,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        if (verify)
        {
            var reviewer = await factory.ApiClientAsync(district.StartsWith("50", StringComparison.Ordinal) ? Demo.ChongqingAdmin : Demo.SichuanAdmin);
            Assert.Equal(HttpStatusCode.NoContent, (await reviewer.PostAsJsonAsync($"/api/v1/organizations/{id}/verification", new { approve = true })).StatusCode);
        }
        return (admin, email, id);
    }

    internal static Task<HttpResponseMessage> DeclareAsync(HttpClient client, Guid id, int year = 2026, string number = "2026510107A000321",
        string legalRepresentative = "测试法人", string? idNumber = null) =>
        client.PutAsJsonAsync($"/api/v1/organizations/{id}/sme-declaration",
            new { year, registrationNumber = number, legalRepresentative, legalRepresentativeIdNumber = idNumber ?? IdNumber });

    private async Task<bool> IsConfirmedAsync(Guid id, int year)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<OrganizationDirectory>().IsConfirmedSmeAsync(id, year, default);
    }

    private Task<List<string>> AuditOfAsync(Guid id) =>
        factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Target == $"organization:{id}").OrderBy(e => e.Seq).Select(e => e.Action + " " + e.Detail).ToListAsync());

    [Fact]
    public async Task Declare_ThenConfirm_ThenRevoke_TheEnterpriseIsConfirmedOnlyInBetween()
    {
        var (admin, _, id) = await NewEnterpriseAsync(factory);

        var declared = await DeclareAsync(admin, id, number: " ２０２６５１０１０７ａ０００３２１ ", idNumber: IdNumber.ToLowerInvariant());
        Assert.Equal(HttpStatusCode.OK, declared.StatusCode);
        var body = await declared.ReadJsonAsync();
        Assert.Equal("Declared", body.GetProperty("status").GetString());
        Assert.Equal("2026510107A000321", body.GetProperty("registrationNumber").GetString());
        Assert.Equal(IdNumber[..3] + "***********" + IdNumber[^4..], body.GetProperty("legalRepresentativeIdNumber").GetString());
        Assert.False(await IsConfirmedAsync(id, 2026));

        // The ID number is stored encrypted, beside its blind index, never as typed.
        var stored = await factory.WithDbAsync(db => db.Organizations.Where(o => o.Id == id).Select(o => new { o.LegalRepresentativeId, o.LegalRepresentativeKey }).SingleAsync());
        Assert.StartsWith("v1:", stored.LegalRepresentativeId, StringComparison.Ordinal);
        Assert.DoesNotContain(IdNumber[..17], stored.LegalRepresentativeId, StringComparison.Ordinal);
        Assert.Equal(64, stored.LegalRepresentativeKey!.Length);

        var sichuan = await factory.ApiClientAsync(Demo.SichuanAdmin);
        Assert.Equal(HttpStatusCode.NoContent, (await sichuan.PostAsJsonAsync($"/api/v1/organizations/{id}/sme-declaration/decision", new { year = 2026, confirm = true })).StatusCode);
        Assert.True(await IsConfirmedAsync(id, 2026));
        // Confirming twice is a conflict, not a second decision.
        await (await sichuan.PostAsJsonAsync($"/api/v1/organizations/{id}/sme-declaration/decision", new { year = 2026, confirm = true })).AssertProblemAsync(409);

        Assert.Equal(HttpStatusCode.NoContent, (await sichuan.PostAsJsonAsync($"/api/v1/organizations/{id}/sme-declaration/decision",
            new { year = 2026, confirm = false, note = "入库编号已被注销" })).StatusCode);
        Assert.False(await IsConfirmedAsync(id, 2026));
        var revoked = await (await admin.GetAsync($"/api/v1/organizations/{id}/sme-declaration?year=2026")).ReadJsonAsync();
        Assert.Equal("Revoked", revoked.GetProperty("status").GetString());
        Assert.Equal("入库编号已被注销", revoked.GetProperty("note").GetString());

        var audit = await AuditOfAsync(id);
        Assert.Contains(audit, a => a.StartsWith("sme.declare ", StringComparison.Ordinal));
        Assert.Contains(audit, a => a.StartsWith("sme.confirm ", StringComparison.Ordinal));
        Assert.Contains(audit, a => a.StartsWith("sme.revoke ", StringComparison.Ordinal));
        Assert.All(audit, a => Assert.DoesNotContain(IdNumber[..17], a, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeclareAgain_AfterARejection_IsDeclaredAgain()
    {
        var (admin, _, id) = await NewEnterpriseAsync(factory);
        Assert.Equal(HttpStatusCode.OK, (await DeclareAsync(admin, id)).StatusCode);
        var sichuan = await factory.ApiClientAsync(Demo.SichuanAdmin);
        // Rejecting needs a reason.
        await (await sichuan.PostAsJsonAsync($"/api/v1/organizations/{id}/sme-declaration/decision", new { year = 2026, confirm = false })).AssertFieldErrorAsync("note");
        Assert.Equal(HttpStatusCode.NoContent, (await sichuan.PostAsJsonAsync($"/api/v1/organizations/{id}/sme-declaration/decision",
            new { year = 2026, confirm = false, note = "编号与企业名称不符" })).StatusCode);
        // A rejected declaration cannot be confirmed; declaring again puts it back in the queue.
        await (await sichuan.PostAsJsonAsync($"/api/v1/organizations/{id}/sme-declaration/decision", new { year = 2026, confirm = true })).AssertProblemAsync(409);

        var again = await (await DeclareAsync(admin, id, number: "2026510107A000999")).ReadJsonAsync();

        Assert.Equal("Declared", again.GetProperty("status").GetString());
        Assert.Equal("2026510107A000999", again.GetProperty("registrationNumber").GetString());
        Assert.Equal(JsonValueKind.Null, again.GetProperty("note").ValueKind);
        Assert.Equal(1, await factory.WithDbAsync(db => db.SmeDeclarations.CountAsync(d => d.OrganizationId == id)));
    }

    [Fact]
    public async Task Get_ShowsTheStatusToEveryone_TheDetailsToMembersAndTheRegionOnly()
    {
        var (admin, _, id) = await NewEnterpriseAsync(factory);
        await DeclareAsync(admin, id);

        var anonymous = await (await factory.CreateClient().GetAsync($"/api/v1/organizations/{id}/sme-declaration")).ReadJsonAsync();
        var otherRegion = await (await (await factory.ApiClientAsync(Demo.ChongqingAdmin)).GetAsync($"/api/v1/organizations/{id}/sme-declaration")).ReadJsonAsync();
        var region = await (await (await factory.ApiClientAsync(Demo.SichuanAdmin)).GetAsync($"/api/v1/organizations/{id}/sme-declaration")).ReadJsonAsync();

        foreach (var outsider in new[] { anonymous, otherRegion })
        {
            Assert.Equal("Declared", outsider.GetProperty("status").GetString());
            Assert.Equal(2026, outsider.GetProperty("year").GetInt32());
            Assert.Equal(JsonValueKind.Null, outsider.GetProperty("registrationNumber").ValueKind);
            Assert.Equal(JsonValueKind.Null, outsider.GetProperty("legalRepresentativeIdNumber").ValueKind);
        }
        Assert.Equal("2026510107A000321", region.GetProperty("registrationNumber").GetString());
        Assert.Contains("*", region.GetProperty("legalRepresentativeIdNumber").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(IdNumber[..17], region.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Declare_ByAPlainMember_Is403()
    {
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        var name = DemoData.Organizations.Single(x => x.Key == "rongxin").Name;
        var rongxin = await factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).SingleAsync());
        await (await DeclareAsync(engineer, rongxin)).AssertProblemAsync(403);
    }

    [Fact]
    public async Task Declare_ForAnotherOrganisation_Is403_OrNotFoundWhenItIsPrivate()
    {
        var (admin, _, _) = await NewEnterpriseAsync(factory);
        var (_, _, other) = await NewEnterpriseAsync(factory);
        var (_, _, pending) = await NewEnterpriseAsync(factory, verify: false);

        await (await DeclareAsync(admin, other)).AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.NotFound, (await DeclareAsync(admin, pending)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await DeclareAsync(admin, Guid.NewGuid())).StatusCode);
        Assert.Equal(0, await factory.WithDbAsync(db => db.SmeDeclarations.CountAsync(d => d.OrganizationId == other || d.OrganizationId == pending)));
    }

    [Fact]
    public async Task Declare_NotAnEnterprise_OrNotVerified_Is422()
    {
        var (universityAdmin, _, university) = await NewEnterpriseAsync(factory, kind: "University");
        var notEnterprise = await (await DeclareAsync(universityAdmin, university)).AssertProblemAsync(422);
        Assert.Equal("Accounts.SmeOnlyEnterprises", notEnterprise.GetProperty("code").GetString());

        var (pendingAdmin, _, pending) = await NewEnterpriseAsync(factory, verify: false);
        var unverified = await (await DeclareAsync(pendingAdmin, pending)).AssertProblemAsync(422);
        Assert.Equal("Accounts.SmeOnlyVerified", unverified.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Declare_BadInput_Is400NamingEveryField()
    {
        var (admin, _, id) = await NewEnterpriseAsync(factory);
        var response = await admin.PutAsJsonAsync($"/api/v1/organizations/{id}/sme-declaration", new
        {
            year = 1999,
            registrationNumber = "2026'; DROP TABLE organizations; --",
            legalRepresentative = new string('张', 51),
            legalRepresentativeIdNumber = IdNumber[..17] + (IdNumber[17] == '0' ? '1' : '0'),
        });
        var body = await response.AssertProblemAsync(400);
        var errors = body.GetProperty("errors");
        foreach (var field in new[] { "year", "registrationNumber", "legalRepresentative", "legalRepresentativeIdNumber" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error on {field}: {errors}");
        }
        Assert.Contains("校验码", errors.GetProperty("legalRepresentativeIdNumber")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await factory.WithDbAsync(db => db.SmeDeclarations.CountAsync(d => d.OrganizationId == id)));
        Assert.True(await factory.WithDbAsync(db => db.Organizations.AnyAsync()));
    }

    [Fact]
    public async Task Declare_HostileText_IsRefusedOrStoredAsText()
    {
        var (admin, _, id) = await NewEnterpriseAsync(factory);
        // A hidden direction change in the name is refused before the service runs.
        await (await DeclareAsync(admin, id, legalRepresentative: "张\u202E三")).AssertFieldErrorAsync("legalRepresentative");
        await (await DeclareAsync(admin, id, number: "2026510107\u0000")).AssertProblemAsync(400);
        // Markup is only text.
        var markup = await DeclareAsync(admin, id, legalRepresentative: "<script>alert(1)</script>");
        Assert.Equal("<script>alert(1)</script>", (await markup.ReadJsonAsync()).GetProperty("legalRepresentative").GetString());
    }

    [Fact]
    public async Task Decide_ByTheOtherRegionsAdmin_OrTheEnterprise_Is403()
    {
        var (admin, _, id) = await NewEnterpriseAsync(factory);
        await DeclareAsync(admin, id);

        var chongqing = await factory.ApiClientAsync(Demo.ChongqingAdmin);
        await (await chongqing.PostAsJsonAsync($"/api/v1/organizations/{id}/sme-declaration/decision", new { year = 2026, confirm = true })).AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsJsonAsync($"/api/v1/organizations/{id}/sme-declaration/decision", new { year = 2026, confirm = true })).StatusCode);
        Assert.False(await IsConfirmedAsync(id, 2026));
        // Nothing declared for that year: not found.
        Assert.Equal(HttpStatusCode.NotFound, (await (await factory.ApiClientAsync(Demo.SichuanAdmin)).PostAsJsonAsync(
            $"/api/v1/organizations/{id}/sme-declaration/decision", new { year = 2025, confirm = true })).StatusCode);
    }

    [Fact]
    public async Task List_ForRegionAdmins_TheirRegionOnly_Paged_Masked()
    {
        var (admin, _, id) = await NewEnterpriseAsync(factory);
        await DeclareAsync(admin, id);

        var sichuan = await factory.ApiClientAsync(Demo.SichuanAdmin);
        var list = await (await sichuan.GetAsync("/api/v1/sme-declarations?status=Declared&pageSize=200")).ReadJsonAsync();
        var row = list.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("organizationId").GetGuid() == id);
        Assert.Equal("Declared", row.GetProperty("status").GetString());
        Assert.DoesNotContain(IdNumber[..17], list.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("*", row.GetProperty("legalRepresentativeIdNumber").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain((await (await sichuan.GetAsync("/api/v1/sme-declarations?status=Confirmed&pageSize=200")).ReadJsonAsync())
            .GetProperty("items").EnumerateArray(), r => r.GetProperty("organizationId").GetGuid() == id);

        var chongqing = await factory.ApiClientAsync(Demo.ChongqingAdmin);
        var theirs = await (await chongqing.GetAsync("/api/v1/sme-declarations?pageSize=200")).ReadJsonAsync();
        Assert.DoesNotContain(theirs.GetProperty("items").EnumerateArray(), r => r.GetProperty("organizationId").GetGuid() == id);
        await (await chongqing.GetAsync("/api/v1/sme-declarations?region=510000")).AssertProblemAsync(403);
        await (await sichuan.GetAsync("/api/v1/sme-declarations?pageSize=500")).AssertFieldErrorAsync("pageSize");
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/api/v1/sme-declarations")).StatusCode);
    }

    [Fact]
    public async Task DemoData_Rongxin_IsAConfirmedSmeOf2026_Yuxin_HasNone()
    {
        var ids = await factory.WithDbAsync(db => db.Organizations.Where(o => o.Kind == OrganizationKind.Enterprise).ToDictionaryAsync(o => o.Name, o => o.Id));
        var rongxin = ids[DemoData.Organizations.Single(x => x.Key == "rongxin").Name];
        var yuxin = ids[DemoData.Organizations.Single(x => x.Key == "yuxin").Name];
        Assert.True(await IsConfirmedAsync(rongxin, 2026));
        Assert.False(await factory.WithDbAsync(db => db.SmeDeclarations.AnyAsync(d => d.OrganizationId == yuxin)));
    }
}
