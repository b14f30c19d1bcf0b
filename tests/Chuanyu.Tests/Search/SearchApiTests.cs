using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Search;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Search;

/// <summary>
/// The catalogue search through the HTTP API on the real engine (SQLite FTS5 or PostgreSQL GIN): Chinese analysis,
/// filters and facets, highlights, paging, visibility, the index following every change in the same transaction,
/// and hostile input. Each test uses words no other record holds, so the demo catalogue does not disturb counts.
/// </summary>
public sealed class SearchApiTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private Task<Guid> OrgAsync(string name) => factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).FirstAsync());

    private static object Record(Guid org, string name, string model, string district = "500106", string kind = "Instrument",
        string category = "010102", string sharing = "OpenToAll", decimal? price = 300m, bool cma = false, string? functions = null) => new
        {
            kind,
            name,
            organizationId = org,
            districtCode = district,
            address = "分析测试中心",
            sharingStatus = sharing,
            categoryCode = category,
            model,
            manufacturer = "卡尔蔡司",
            originalValue = 3_200_000m,
            mainFunctions = functions ?? "材料表面形貌观察与微区成分分析",
            fees = price is null ? Array.Empty<object>() : [new { userType = "Internal", price = price.Value, unit = "小时" }],
            certifications = cma ? new object[] { new { type = "Cma", number = "162312050001", expiresOn = "2027-12-31" } } : [],
        };

    private static async Task<Guid> PublishAsync(HttpClient manager, object record)
    {
        var created = await manager.PostAsJsonAsync("/api/v1/resources", record);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/resources/{id}/publish", null)).StatusCode);
        return id;
    }

    private static async Task<JsonElement> SearchAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/v1/search?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private static List<Guid> Ids(JsonElement result) => result.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();

    private static string Q(string s) => Uri.EscapeDataString(s);

    [Fact]
    public async Task PublishedInstrument_IsFound_ByAbbreviation_ModelNumber_FullWidth_AndOneCharacter()
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var id = await PublishAsync(manager, Record(cqu, "鲲鹏场发射扫描电子显微镜", "KPX-7781F"));
        var anonymous = factory.CreateClient();

        // The synonym table expands 扫描电镜 to 扫描电子显微镜; the model number matches with or without its hyphen, in full width too.
        foreach (var q in new[] { "鲲鹏 扫描电镜", "KPX-7781F", "kpx7781f", "ＫＰＸ－７７８１Ｆ", "鲲" })
        {
            var result = await SearchAsync(anonymous, $"q={Q(q)}&organizationId={cqu}");
            Assert.Contains(id, Ids(result));
        }
        var hit = (await SearchAsync(anonymous, $"q={Q("鲲鹏 扫描电镜")}")).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id);
        Assert.Equal("重庆大学", hit.GetProperty("organizationName").GetString());
        Assert.Equal("500000", hit.GetProperty("regionCode").GetString());
        Assert.Equal("Instrument", hit.GetProperty("kind").GetString());
        var title = hit.GetProperty("highlights").GetProperty("title").GetString()!;
        Assert.Contains("<mark>鲲鹏</mark>", title, StringComparison.Ordinal);
        Assert.Contains("<mark>扫描电子显微镜</mark>", title, StringComparison.Ordinal);
        Assert.True(hit.GetProperty("score").GetDouble() > 0);

        // A word that is not there finds nothing; the two characters must be adjacent (鹏鲲 is not 鲲鹏).
        Assert.Equal(0, (await SearchAsync(anonymous, $"q={Q("鹏鲲")}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Index_FollowsEveryChange_DraftsAndRetiredAreNotFound_RenamesAreFoundByTheNewNameOnly()
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var anonymous = factory.CreateClient();
        var created = await manager.PostAsJsonAsync("/api/v1/resources", Record(cqu, "貔貅原子力显微镜", "PX-1"));
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(0, (await SearchAsync(anonymous, $"q={Q("貔貅")}")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await SearchAsync(manager, $"q={Q("貔貅")}")).GetProperty("total").GetInt32());

        await manager.PostAsync($"/api/v1/resources/{id}/publish", null);
        Assert.Equal([id], Ids(await SearchAsync(anonymous, $"q={Q("貔貅")}")));

        var current = await (await manager.GetAsync($"/api/v1/resources/{id}")).ReadJsonAsync();
        var renamed = Record(cqu, "麒麟原子力显微镜", "PX-1");
        var json = JsonSerializer.SerializeToNode(renamed)!.AsObject();
        json["version"] = current.GetProperty("version").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await manager.PutAsJsonAsync($"/api/v1/resources/{id}", json)).StatusCode);
        Assert.Equal(0, (await SearchAsync(anonymous, $"q={Q("貔貅")}")).GetProperty("total").GetInt32());
        Assert.Equal([id], Ids(await SearchAsync(anonymous, $"q={Q("麒麟")}")));

        await manager.PostAsync($"/api/v1/resources/{id}/retire", null);
        Assert.Equal(0, (await SearchAsync(anonymous, $"q={Q("麒麟")}")).GetProperty("total").GetInt32());
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<SearchEntry>().CountAsync(e => e.RecordId == id)));
    }

    [Fact]
    public async Task OrganizationRename_ReindexesItsRecords_InTheSameSave()
    {
        using var own = new ChuanyuFactory();
        var cqu = await own.WithDbAsync(db => db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).SingleAsync());
        var published = await own.WithDbAsync(db => db.Set<SearchEntry>().CountAsync(e => e.OrganizationId == cqu));
        Assert.True(published > 0, "the demo data publishes instruments of 重庆大学");
        var anonymous = own.CreateClient();
        Assert.Equal(0, (await SearchAsync(anonymous, $"q={Q("饕餮理工大学")}")).GetProperty("total").GetInt32());
        var byOldName = (await SearchAsync(anonymous, $"q={Q("重庆大学")}&organizationId={cqu}")).GetProperty("total").GetInt32();
        Assert.Equal(published, byOldName);

        await own.WithDbAsync(async db =>
        {
            var org = await db.Organizations.SingleAsync(o => o.Id == cqu);
            org.Name = "饕餮理工大学";
            return await db.SaveChangesAsync();
        });

        var found = await SearchAsync(anonymous, $"q={Q("饕餮理工大学")}&pageSize=50");
        Assert.Equal(published, found.GetProperty("total").GetInt32());
        Assert.All(found.GetProperty("items").EnumerateArray(), i => Assert.Equal("饕餮理工大学", i.GetProperty("organizationName").GetString()));
        // Only records whose own text names the old owner (a function "为重庆大学…") are still found by it.
        Assert.True((await SearchAsync(anonymous, $"q={Q("重庆大学")}&organizationId={cqu}")).GetProperty("total").GetInt32() < byOldName);
    }

    [Fact]
    public async Task Abbreviations_AreIndexed_WhereTheirExpansionIsWritten_AndAStaleIndexKeepsTheOr_UntilReindexed()
    {
        using var own = new ChuanyuFactory();
        var cqu = await own.WithDbAsync(db => db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).SingleAsync());
        var manager = await own.ApiClientAsync(Demo.CquInstrumentManager);
        var id = await PublishAsync(manager, Record(cqu, "貔貅牌透射电子显微镜", "PX-300", functions: "电感耦合等离子体质谱仪联用的元素分析"));
        var anonymous = own.CreateClient();
        long Stamp(Web.Data.AppDbContext db) => db.Set<PlatformCounter>().Where(c => c.Name == SearchIndexer.SynonymsCounter).Select(c => c.Value).Single();

        // A new database is stamped with the current table at start-up, and the row holds the abbreviations' tokens.
        Assert.Equal(ChineseAnalyzer.Default.SynonymsStamp, await own.WithDbAsync(db => Task.FromResult(Stamp(db))));
        var key = await own.WithDbAsync(db => db.Set<SearchEntry>().Where(e => e.RecordId == id).Select(e => e.SearchKey).SingleAsync());
        var text = await own.WithDbAsync(db => db.Set<SearchText>().SingleAsync(t => t.SearchKey == key));
        Assert.Contains(" 电镜", text.Title, StringComparison.Ordinal);
        Assert.Contains(" icpms", text.Body, StringComparison.Ordinal);
        foreach (var q in new[] { "貔貅 透射电镜", "貔貅 TEM", "貔貅 电镜", "貔貅 ICP-MS", "貔貅 透射电子显微镜" })
        {
            Assert.Equal([id], Ids(await SearchAsync(anonymous, $"q={Q(q)}")));
        }

        // An index written before the synonym table (text without the abbreviations, stamp 0): searches keep the OR of the
        // expansions and still find the record …
        await own.WithDbAsync(db => db.Set<SearchText>().Where(t => t.SearchKey == key).ExecuteUpdateAsync(u => u
            .SetProperty(t => t.Title, ChineseAnalyzer.IndexText("貔貅牌透射电子显微镜 PX-300"))
            .SetProperty(t => t.Body, ChineseAnalyzer.IndexText("卡尔蔡司 重庆大学 电感耦合等离子体质谱仪联用的元素分析"))));
        await own.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE platform_counters SET value = 0 WHERE name = {SearchIndexer.SynonymsCounter}"));
        foreach (var q in new[] { "貔貅 透射电镜", "貔貅 ICP-MS" })
        {
            Assert.Equal([id], Ids(await SearchAsync(anonymous, $"q={Q(q)}")));
        }

        // … and the operator's reindex command rewrites the stale rows and stamps the index.
        var (exit, output) = await ProcessRunner.RunPlatformAsync(own.Database.Provider, own.Database.ConnectionString, "reindex");
        Assert.True(exit == 0, output);
        Assert.Matches(@"Reindexed: \d+ rows read, [1-9]\d* rewritten", output);
        Assert.Equal(ChineseAnalyzer.Default.SynonymsStamp, await own.WithDbAsync(db => Task.FromResult(Stamp(db))));
        Assert.Contains(" 电镜", (await own.WithDbAsync(db => db.Set<SearchText>().SingleAsync(t => t.SearchKey == key))).Title, StringComparison.Ordinal);
        foreach (var q in new[] { "貔貅 透射电镜", "貔貅 ICP-MS" })
        {
            Assert.Equal([id], Ids(await SearchAsync(anonymous, $"q={Q(q)}")));
        }
        var (againExit, again) = await ProcessRunner.RunPlatformAsync(own.Database.Provider, own.Database.ConnectionString, "reindex");
        Assert.True(againExit == 0, again);
        Assert.Contains(" 0 rewritten", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IndexChange_IsInTheSameTransaction_ARolledBackPublishLeavesNoTrace()
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var created = await manager.PostAsJsonAsync("/api/v1/resources", Record(cqu, "饕餮热重分析仪", "TT-9"));
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();

        var seenInside = await factory.WithDbAsync(async db =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            var r = await db.Set<Resource>().Include(x => x.Fees).Include(x => x.Certifications).FirstAsync(x => x.Id == id);
            r.Status = ResourceStatus.Published;
            await db.SaveChangesAsync();
            var inside = await db.Set<SearchEntry>().CountAsync(e => e.RecordId == id);
            await tx.RollbackAsync();
            return inside;
        });
        Assert.Equal(1, seenInside);
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<SearchEntry>().CountAsync(e => e.RecordId == id)));
        Assert.Equal(0, (await SearchAsync(factory.CreateClient(), $"q={Q("饕餮")}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Filters_NarrowTheResult_AndFacetsCountWhatIsThere()
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var a = await PublishAsync(manager, Record(cqu, "琥珀光谱仪 甲", "HP-1", district: "500106", price: 0m, cma: true));
        var b = await PublishAsync(manager, Record(cqu, "琥珀光谱仪 乙", "HP-2", district: "510107", price: 800m));
        var c = await PublishAsync(manager, Record(cqu, "琥珀光谱检测服务", "HP-3", district: "510107", kind: "TestingService", category: "", price: null));
        var anonymous = factory.CreateClient();

        var all = await SearchAsync(anonymous, $"q={Q("琥珀光谱")}");
        Assert.Equal(3, all.GetProperty("total").GetInt32());
        Assert.False(all.GetProperty("totalApproximate").GetBoolean());
        var facets = all.GetProperty("facets");
        Dictionary<string, int> Facet(string name) => facets.GetProperty(name).EnumerateArray().ToDictionary(v => v.GetProperty("value").GetString()!, v => v.GetProperty("count").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["Instrument"] = 2, ["TestingService"] = 1 }, Facet("kind"));
        Assert.Equal(new Dictionary<string, int> { ["500000"] = 1, ["510000"] = 2 }, Facet("region"));
        Assert.Equal(new Dictionary<string, int> { ["500106"] = 1, ["510107"] = 2 }, Facet("district"));
        Assert.Equal(new Dictionary<string, int> { ["010000"] = 2 }, Facet("category"));
        Assert.Equal(new Dictionary<string, int> { ["cma"] = 1 }, Facet("certification"));
        Assert.Equal(new Dictionary<string, int> { ["none"] = 1, ["free"] = 1, ["500-2000"] = 1 }, Facet("price"));
        Assert.Equal("武侯区", facets.GetProperty("district").EnumerateArray().Single(v => v.GetProperty("value").GetString() == "510107").GetProperty("label").GetString());

        Assert.Equal([a], Ids(await SearchAsync(anonymous, $"q={Q("琥珀光谱")}&region=500000")));
        Assert.Equal([c], Ids(await SearchAsync(anonymous, $"q={Q("琥珀光谱")}&kind=TestingService")));
        Assert.Equal([b, c], Ids(await SearchAsync(anonymous, $"q={Q("琥珀光谱")}&district=510107")).Order());
        Assert.Equal([a], Ids(await SearchAsync(anonymous, $"q={Q("琥珀光谱")}&certification=cma")));
        Assert.Equal([a], Ids(await SearchAsync(anonymous, $"q={Q("琥珀光谱")}&price=free")));
        Assert.Equal([a, b], Ids(await SearchAsync(anonymous, $"q={Q("琥珀光谱")}&category=010102")).Order());
        Assert.Equal([b], Ids(await SearchAsync(anonymous, $"q={Q("琥珀光谱")}&kind=Instrument&district=510107")));
        Assert.Empty(Ids(await SearchAsync(anonymous, $"q={Q("琥珀光谱")}&organizationId={Guid.NewGuid()}")));
    }

    [Fact]
    public async Task Paging_IsStable_PagesDoNotOverlap_AndCoverEveryMatch()
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var ids = new List<Guid>();
        for (var i = 0; i < 23; i++)
        {
            ids.Add(await PublishAsync(manager, Record(cqu, $"翡翠离心机 {i}", $"FC-{i}", price: i % 3 == 0 ? null : 100m, cma: i % 4 == 0)));
        }
        var anonymous = factory.CreateClient();
        var pages = new List<Guid>();
        for (var page = 1; page <= 3; page++)
        {
            var result = await SearchAsync(anonymous, $"q={Q("翡翠离心机")}&page={page}&pageSize=10");
            Assert.Equal(23, result.GetProperty("total").GetInt32());
            pages.AddRange(Ids(result));
        }
        Assert.Equal(23, pages.Count);
        Assert.Equal(ids.Order(), pages.Order());
        var again = Ids(await SearchAsync(anonymous, $"q={Q("翡翠离心机")}&page=2&pageSize=10"));
        Assert.Equal(pages.Skip(10).Take(10), again);
        Assert.Equal(pages, Ids(await SearchAsync(anonymous, $"q={Q("翡翠离心机")}&pageSize=23")));
        Assert.Empty(Ids(await SearchAsync(anonymous, $"q={Q("翡翠离心机")}&page=4&pageSize=10")));
    }

    [Fact]
    public async Task InternalOnly_IsFoundByTheOwnersPeopleAndRegionAdmins_NotByOthers()
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var id = await PublishAsync(manager, Record(cqu, "螭吻内部共享质谱仪", "CW-2", sharing: "InternalOnly"));

        Assert.Equal(0, (await SearchAsync(factory.CreateClient(), $"q={Q("螭吻")}")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await SearchAsync(await factory.ApiClientAsync(Demo.ScuResearcher), $"q={Q("螭吻")}")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await SearchAsync(await factory.ApiClientAsync(Demo.SichuanAdmin), $"q={Q("螭吻")}")).GetProperty("total").GetInt32());
        Assert.Equal([id], Ids(await SearchAsync(manager, $"q={Q("螭吻")}")));
        Assert.Equal([id], Ids(await SearchAsync(await factory.ApiClientAsync(Demo.CquOrgAdmin), $"q={Q("螭吻")}")));
        Assert.Equal([id], Ids(await SearchAsync(await factory.ApiClientAsync(Demo.ChongqingAdmin), $"q={Q("螭吻")}")));
    }

    [Theory]
    [InlineData("q=", "q")]
    [InlineData("q=%20%20", "q")]
    [InlineData("kind=Instrument", "q")]
    [InlineData("q=%EF%BC%8C%E3%80%82%21%3F", "q")]
    [InlineData("q=x&kind=Bogus", "kind")]
    [InlineData("q=x&kind=0", "kind")]
    [InlineData("q=x&region=123456", "region")]
    [InlineData("q=x&district=510107'%20OR%201=1--", "district")]
    [InlineData("q=x&category=abc", "category")]
    [InlineData("q=x&organizationId=1%20OR%201=1", "organizationId")]
    [InlineData("q=x&certification=iso", "certification")]
    [InlineData("q=x&price=cheap", "price")]
    [InlineData("q=x&pageSize=500", "pageSize")]
    [InlineData("q=x&page=0", "page")]
    [InlineData("q=x&page=1001&pageSize=10", "page")]
    public async Task BadInput_IsA400_NamingTheParameter(string query, string field)
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/search?" + query);
        await response.AssertFieldErrorAsync(field);
    }

    [Fact]
    public async Task OverLongQuery_IsA400()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/search?q=" + Q(new string('仪', ChineseAnalyzer.MaxQueryLength + 1)));
        await response.AssertFieldErrorAsync("q");
    }

    [Theory]
    [InlineData("\" OR 1=1 --")]
    [InlineData("'); DROP TABLE resources;--")]
    [InlineData("NEAR(电镜 显微) OR title:x*")]
    [InlineData("电镜 & !'x' | (y:*)")]
    [InlineData("{\"$ne\": null}")]
    [InlineData("<script>alert(1)</script>")]
    public async Task InjectionAttempts_AreSearchedAsText_AndChangeNothing(string q)
    {
        var before = await factory.WithDbAsync(db => db.Set<Resource>().CountAsync());
        var response = await factory.CreateClient().GetAsync("/api/v1/search?q=" + Q(q));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal(q.Trim(), body.GetProperty("q").GetString());
        Assert.All(body.GetProperty("items").EnumerateArray(), i => Assert.DoesNotContain("<script", i.GetProperty("highlights").ToString(), StringComparison.Ordinal));
        Assert.Equal(before, await factory.WithDbAsync(db => db.Set<Resource>().CountAsync()));
    }

    [Fact]
    public async Task Export_WritesEveryMatchToXlsx_ForSignedInPeopleOnly()
    {
        var cqu = await OrgAsync("重庆大学");
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var names = new[] { "狻猊电化学工作站 一", "狻猊电化学工作站 二", "狻猊电化学工作站 三" };
        foreach (var name in names)
        {
            await PublishAsync(manager, Record(cqu, name, "SN-" + name.Length));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync($"/api/v1/search/export?q={Q("狻猊")}")).StatusCode);
        await (await manager.GetAsync("/api/v1/search/export?q=")).AssertFieldErrorAsync("q");

        var response = await (await factory.ApiClientAsync(Demo.ScuResearcher)).GetAsync($"/api/v1/search/export?q={Q("狻猊")}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType!.MediaType);
        var workbook = new NPOI.XSSF.UserModel.XSSFWorkbook(await response.Content.ReadAsStreamAsync());
        var sheet = workbook.GetSheetAt(0);
        var header = sheet.GetRow(0);
        var nameColumn = Enumerable.Range(0, header.LastCellNum).First(i => header.GetCell(i)?.StringCellValue == "资源名称");
        var exported = Enumerable.Range(1, sheet.LastRowNum).Select(i => sheet.GetRow(i)?.GetCell(nameColumn)?.StringCellValue).Where(v => v is not null).ToList();
        Assert.Equal(names.Order(), exported.Order());
    }

    [Fact]
    public void Highlighter_EncodesHtml_AndMarksPairsWordsAndModelNumbers()
    {
        var h = new Highlighter(ChineseAnalyzer.WithoutSynonyms.Query("扫描电镜 jem-2100f"));
        Assert.Equal("场发射<mark>扫描电镜</mark> <mark>JEM-2100F</mark> &lt;b&gt;", h.Mark("场发射扫描电镜 JEM-2100F <b>"));
        Assert.Equal("JEM-2100FX", new Highlighter(ChineseAnalyzer.WithoutSynonyms.Query("jem-2100f")).Mark("JEM-2100FX"));
        Assert.Equal("<mark>ＪＥＭ－２１００Ｆ</mark>", new Highlighter(ChineseAnalyzer.WithoutSynonyms.Query("JEM2100F")).Mark("ＪＥＭ－２１００Ｆ"));
    }
}
