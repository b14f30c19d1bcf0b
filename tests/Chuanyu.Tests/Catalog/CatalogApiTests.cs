using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Catalog;

/// <summary>Catalogue records: managers write their own organisation's only; visibility follows status and sharing scope.</summary>
public sealed class CatalogApiTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private Task<Guid> OrgAsync(string name) => factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).FirstAsync());

    private static object Sem(Guid organizationId, string name = "场发射扫描电子显微镜", int? version = null, string sharing = "OpenToAll") => new
    {
        kind = "Instrument",
        name,
        englishName = "Field emission scanning electron microscope",
        organizationId,
        districtCode = "500106",
        address = "重庆大学 分析测试中心",
        sharingStatus = sharing,
        categoryCode = "010102",
        model = "Gemini 300",
        manufacturer = "Carl Zeiss",
        countryOfOrigin = "德国",
        originalValue = 3_200_000.00m,
        purchaseDate = "2019-06-18",
        technicalIndicators = "分辨率 0.7 nm@15 kV",
        mainFunctions = "材料表面形貌观察与微区成分分析",
        fees = new object[]
        {
            new { userType = "Internal", price = 300m, unit = "小时" },
            new { userType = "Enterprise", price = 800.50m, unit = "小时" },
        },
        certifications = new object[] { new { type = "Cma", number = "162312050001", expiresOn = "2027-12-31" } },
        version,
    };

    private static async Task<System.Text.Json.JsonElement> CreateAsync(HttpClient manager, Guid org, string name = "场发射扫描电子显微镜", string sharing = "OpenToAll")
    {
        var created = await manager.PostAsJsonAsync("/api/v1/resources", Sem(org, name, sharing: sharing));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return await created.ReadJsonAsync();
    }

    [Fact]
    public async Task Manager_CreatesADraft_PublishesIt_AndTheRecordRoundTrips()
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var body = await CreateAsync(manager, cqu);
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal("Draft", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("isLargeInstrument").GetBoolean());
        Assert.Equal("500000", body.GetProperty("regionCode").GetString());
        Assert.Equal(800.50m, body.GetProperty("fees")[1].GetProperty("price").GetDecimal());
        Assert.Equal("Enterprise", body.GetProperty("fees")[1].GetProperty("userType").GetString());

        var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/resources/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/resources/{id}/publish", null)).StatusCode);
        var visible = await (await anonymous.GetAsync($"/api/v1/resources/{id}")).ReadJsonAsync();
        Assert.Equal("Gemini 300", visible.GetProperty("model").GetString());
        Assert.Equal("162312050001", visible.GetProperty("certifications")[0].GetProperty("number").GetString());
        Assert.Equal(320_000_000L, await factory.WithDbAsync(db => db.Set<Web.Features.Catalog.Resource>().Where(r => r.Id == id).Select(r => r.OriginalValueFen!.Value).FirstAsync()));

        var actions = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Target == $"resource:{id}").Select(e => e.Action).ToListAsync());
        Assert.Equal(["resource.create", "resource.publish"], actions);

        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/resources/{id}/retire", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/resources/{id}")).StatusCode);
    }

    [Fact]
    public async Task OtherOrganisations_CannotEditOrSeeDrafts_ByChangingTheId()
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var draft = (await CreateAsync(manager, cqu, "待发布的透射电子显微镜")).GetProperty("id").GetGuid();
        var published = (await CreateAsync(manager, cqu, "已发布的X射线衍射仪")).GetProperty("id").GetGuid();
        await manager.PostAsync($"/api/v1/resources/{published}/publish", null);

        var outsider = await factory.ApiClientAsync(Demo.ScuResearcher);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/resources/{draft}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PutAsJsonAsync($"/api/v1/resources/{draft}", Sem(cqu, "篡改", version: 0))).StatusCode);
        await (await outsider.PutAsJsonAsync($"/api/v1/resources/{published}", Sem(cqu, "篡改", version: 1))).AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PostAsync($"/api/v1/resources/{published}/retire", null)).StatusCode);
        var sichuan = await factory.ApiClientAsync(Demo.SichuanAdmin);
        Assert.Equal(HttpStatusCode.NotFound, (await sichuan.GetAsync($"/api/v1/resources/{draft}")).StatusCode);
        var chongqing = await factory.ApiClientAsync(Demo.ChongqingAdmin);
        Assert.Equal(HttpStatusCode.OK, (await chongqing.GetAsync($"/api/v1/resources/{draft}")).StatusCode);
        await (await chongqing.PutAsJsonAsync($"/api/v1/resources/{published}", Sem(cqu, "篡改", version: 1))).AssertProblemAsync(403);

        // Creating for an organisation one does not manage is refused on the field.
        var scu = await OrgAsync("四川大学");
        await (await manager.PostAsJsonAsync("/api/v1/resources", Sem(scu, "冒名发布"))).AssertFieldErrorAsync("organizationId");

        Assert.False(await factory.WithDbAsync(db => db.Set<Web.Features.Catalog.Resource>().AnyAsync(r => r.Name == "篡改" || r.Name == "冒名发布")));
        Assert.Equal("已发布的X射线衍射仪", await factory.WithDbAsync(db => db.Set<Web.Features.Catalog.Resource>().Where(r => r.Id == published).Select(r => r.Name).FirstAsync()));
    }

    [Fact]
    public async Task BadInput_NamesTheField_AndCreatesNothing()
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        async Task Refused(object body, string field)
        {
            await (await manager.PostAsJsonAsync("/api/v1/resources", body)).AssertFieldErrorAsync(field);
        }
        var name = $"坏输入-{Guid.NewGuid():N}";
        await Refused(new { kind = "Instrument", name = "", organizationId = cqu, districtCode = "500106" }, "name");
        await Refused(new { kind = "Instrument", name = new string('长', 201), organizationId = cqu, districtCode = "500106" }, "name");
        await Refused(new { kind = "Instrument", name, organizationId = cqu, districtCode = "990101" }, "districtCode");
        await Refused(new { kind = "Instrument", name, organizationId = cqu, districtCode = "500106", originalValue = -1m }, "originalValue");
        await Refused(new { kind = "Instrument", name, organizationId = cqu, districtCode = "500106", originalValue = 1.005m }, "originalValue");
        await Refused(new { kind = "Instrument", name, organizationId = cqu, districtCode = "500106", purchaseDate = "2999-01-01" }, "purchaseDate");
        await Refused(new { kind = "Instrument", name, organizationId = cqu, districtCode = "500106", fees = new[] { new { userType = "Internal", price = 1m, unit = "小时" }, new { userType = "Internal", price = 2m, unit = "小时" } } }, "fees");
        await Refused(new { kind = "Instrument", name, organizationId = cqu, districtCode = "500106", fees = new[] { new { userType = "Internal", price = -5m, unit = "小时" } } }, "fees[0].price");
        await Refused(new { kind = "Instrument", name, organizationId = cqu, districtCode = "500106", certifications = new[] { new { type = "Cma", number = "" } } }, "certifications[0].number");
        await Refused(new { name, organizationId = cqu, districtCode = "500106" }, "kind");
        var wrongType = await manager.PostAsJsonAsync("/api/v1/resources", new { kind = "Spaceship", name, organizationId = cqu, districtCode = "500106" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Set<Web.Features.Catalog.Resource>().AnyAsync(r => r.Name == name)));
    }

    [Fact]
    public async Task StaleVersion_IsAConflict_AndFeesAreReplacedNotDuplicated()
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var id = (await CreateAsync(manager, cqu, "版本测试 核磁共振波谱仪")).GetProperty("id").GetGuid();
        var updated = await manager.PutAsJsonAsync($"/api/v1/resources/{id}", Sem(cqu, "版本测试 核磁共振波谱仪（已更新）", version: 0));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(1, (await updated.ReadJsonAsync()).GetProperty("version").GetInt32());
        await (await manager.PutAsJsonAsync($"/api/v1/resources/{id}", Sem(cqu, "过期的编辑", version: 0))).AssertProblemAsync(409);
        Assert.Equal(2, await factory.WithDbAsync(db => db.Set<Web.Features.Catalog.ResourceFee>().CountAsync(f => f.ResourceId == id)));
        Assert.Equal("版本测试 核磁共振波谱仪（已更新）", await factory.WithDbAsync(db => db.Set<Web.Features.Catalog.Resource>().Where(r => r.Id == id).Select(r => r.Name).FirstAsync()));
    }

    [Fact]
    public async Task InternalOnly_IsSeenByItsOwnMembersOnly_AndTransferMovesTheRights()
    {
        var cqu = await OrgAsync("重庆大学");
        var swu = await OrgAsync("西南大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var id = (await CreateAsync(manager, cqu, "内部共享 流式细胞仪", sharing: "InternalOnly")).GetProperty("id").GetGuid();
        await manager.PostAsync($"/api/v1/resources/{id}/publish", null);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync($"/api/v1/resources/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await factory.ApiClientAsync(Demo.CquOrgAdmin)).GetAsync($"/api/v1/resources/{id}")).StatusCode);
        var publicList = await (await factory.CreateClient().GetAsync($"/api/v1/organizations/{cqu}/resources?pageSize=100")).ReadJsonAsync();
        Assert.DoesNotContain(publicList.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);

        // Only the organisation's admin transfers; afterwards the old managers lose the record.
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync($"/api/v1/resources/{id}/transfer", new { organizationId = swu })).StatusCode);
        var orgAdmin = await factory.ApiClientAsync(Demo.CquOrgAdmin);
        await (await orgAdmin.PostAsJsonAsync($"/api/v1/resources/{id}/transfer", new { organizationId = Guid.NewGuid() })).AssertFieldErrorAsync("organizationId");
        Assert.Equal(HttpStatusCode.OK, (await orgAdmin.PostAsJsonAsync($"/api/v1/resources/{id}/transfer", new { organizationId = swu })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsync($"/api/v1/resources/{id}/retire", null)).StatusCode);
        Assert.Equal(swu, await factory.WithDbAsync(db => db.Set<Web.Features.Catalog.Resource>().Where(r => r.Id == id).Select(r => r.OrganizationId).FirstAsync()));
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "resource.transfer" && e.Target == $"resource:{id}")));
    }
}
