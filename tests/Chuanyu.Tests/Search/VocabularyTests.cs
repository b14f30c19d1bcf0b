using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Search;

/// <summary>The maintained search vocabulary (issue 14.1): seed, checks, API, import, authorisation, page and the reindex.</summary>
public sealed class VocabularyTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private const string Api = "/api/v1/search/vocabulary";

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

    private async Task<int> CountAsync() => await factory.WithDbAsync(db => db.Set<VocabularyEntry>().CountAsync());

    [Fact]
    public void Seed_HasAtLeast150RealPairs_EachWithASource_AndPassesItsOwnChecks()
    {
        var seed = VocabularyPreparation.SeedPairs();
        Assert.True(seed.Count >= 150, $"{seed.Count} pairs");
        Assert.All(seed, p => Assert.False(string.IsNullOrWhiteSpace(p.Source), $"{p.Term} → {p.Expansion} has no source"));
        foreach (var pair in new[] { ("液质联用", "液相色谱-质谱联用"), ("TGA", "热重分析"), ("AFM", "原子力显微镜"), ("CT", "计算机断层扫描") })
        {
            Assert.Contains(seed, p => (p.Term, p.Expansion) == pair);
        }
        var pairs = new List<VocabularyRules.Pair>();
        foreach (var (term, expansion, source) in seed)
        {
            Assert.Empty(VocabularyRules.Check(term, expansion, source, pairs));
            pairs.Add(new VocabularyRules.Pair(Guid.NewGuid(), term, expansion));
        }
    }

    [Fact]
    public async Task FirstStart_SeedsTheTableFromTheFile_AndTheAnalyzerUsesIt()
    {
        Assert.Equal(VocabularyPreparation.SeedPairs().Count, await CountAsync());
        var analyzer = factory.Services.GetRequiredService<SearchVocabulary>().Analyzer;
        Assert.Contains(analyzer.Query("TGA"), a => a.Contains("热重"));
        Assert.Equal(ChineseAnalyzer.Default.SynonymsStamp, analyzer.SynonymsStamp);
    }

    [Fact]
    public void Rules_RefuseEmptyOversizedSelfMappedDuplicateAndCyclicPairs()
    {
        var a = Guid.NewGuid();
        VocabularyRules.Pair[] others = [new(a, "甲甲", "乙乙"), new(Guid.NewGuid(), "乙乙", "丙丙")];
        Assert.Contains("term", VocabularyRules.Check("", "乙", "x", others).Keys);
        Assert.Contains("term", VocabularyRules.Check("-/-", "乙", "x", others).Keys);
        Assert.Contains("expansion", VocabularyRules.Check("甲", new string('乙', VocabularyRules.MaxExpansionLength + 1), "x", others).Keys);
        Assert.Contains("source", VocabularyRules.Check("甲", "乙", " ", others).Keys);
        Assert.Equal("Vocabulary.SelfMap", VocabularyRules.Check("LC-MS", "ｌｃｍｓ", "x", others)["expansion"][0].Key);
        Assert.Equal("Vocabulary.Duplicate", VocabularyRules.Check(" 甲甲", "乙乙", "x", others)["term"][0].Key);
        Assert.Equal("Vocabulary.Cycle", VocabularyRules.Check("乙乙", "甲甲", "x", others)["expansion"][0].Key); // A → B, B → A
        Assert.Equal("Vocabulary.Cycle", VocabularyRules.Check("丙丙", "甲甲", "x", others)["expansion"][0].Key); // A → B → C → A
        Assert.Empty(VocabularyRules.Check("丙丙", "丁丁", "x", others)); // a chain that does not come back is fine
        // Changing a pair is checked without the pair itself: 甲甲 → 丙丙 instead of 甲甲 → 乙乙 is no duplicate.
        Assert.Empty(VocabularyRules.Check("甲甲", "丙丙", "x", others.Where(o => o.Id != a).ToList()));
    }

    [Fact]
    public async Task Api_RefusesBadPairs_WithTheFieldAndTheReason_AndChangesNothing()
    {
        var admin = await factory.ApiClientAsync(Demo.SystemAdmin);
        var before = await CountAsync();
        var term = Unique("Q");
        var self = await (await admin.PostAsJsonAsync(Api, new { term, expansion = term.ToLowerInvariant(), source = "测试" })).AssertFieldErrorAsync("expansion");
        Assert.Contains("自身", self[0], StringComparison.Ordinal);
        await (await admin.PostAsJsonAsync(Api, new { term = "", expansion = "某某仪", source = "测试" })).AssertFieldErrorAsync("term");
        await (await admin.PostAsJsonAsync(Api, new { term = new string('长', 51), expansion = "某某仪", source = "测试" })).AssertFieldErrorAsync("term");
        await (await admin.PostAsJsonAsync(Api, new { term = "TGA", expansion = "热重分析仪", source = "测试" })).AssertFieldErrorAsync("term");

        var created = await admin.PostAsJsonAsync(Api, new { term, expansion = term + "全称甲", source = "测试" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var cycle = await (await admin.PostAsJsonAsync(Api, new { term = term + "全称甲", expansion = term, source = "测试" })).AssertFieldErrorAsync("expansion");
        Assert.Contains("循环", cycle[0], StringComparison.Ordinal);
        Assert.Equal(before + 1, await CountAsync());

        // Update (with the version read), a stale version (409), delete.
        var entry = await created.ReadJsonAsync();
        var id = entry.GetProperty("id").GetGuid();
        var updated = await admin.PutAsJsonAsync($"{Api}/{id}", new { term, expansion = term + "全称乙", source = "测试", version = entry.GetProperty("version").GetInt32() });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        await (await admin.PutAsJsonAsync($"{Api}/{id}", new { term, expansion = term + "全称丙", source = "测试", version = 1 })).AssertProblemAsync(409);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{Api}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{Api}/{id}")).StatusCode);
        Assert.Equal(before, await CountAsync());

        var audit = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Target == $"vocabulary:{id}").Select(e => e.Action).ToListAsync());
        Assert.Equal(["search.vocabulary.create", "search.vocabulary.delete", "search.vocabulary.update"], audit.Order());
    }

    [Fact]
    public async Task OnlyTheSystemAdministrator_ChangesTheVocabulary_SignedInPeopleRead()
    {
        var before = await CountAsync();
        var id = await factory.WithDbAsync(db => db.Set<VocabularyEntry>().Select(e => e.Id).FirstAsync());
        foreach (var other in new[] { Demo.SecurityAdmin, Demo.ChongqingAdmin, Demo.ScuResearcher })
        {
            var client = await factory.ApiClientAsync(other);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync(Api, new { term = Unique("N"), expansion = "某某分析仪", source = "测试" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"{Api}/{id}")).StatusCode);
            using var form = CsvForm("term,expansion,source\nNNN,某某分析仪,测试\n");
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"{Api}/import", form)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{Api}?q=TGA")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync(Api)).StatusCode);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task List_PagesAndFilters()
    {
        var reader = await factory.ApiClientAsync(Demo.ScuResearcher);
        var page = await (await reader.GetAsync($"{Api}?q=tga&page=1&pageSize=5")).ReadJsonAsync();
        Assert.True(page.GetProperty("total").GetInt32() >= 2);
        Assert.All(page.GetProperty("items").EnumerateArray(), i => Assert.Contains("tga", (i.GetProperty("term").GetString() + i.GetProperty("expansion").GetString() + i.GetProperty("source").GetString()).ToLowerInvariant(), StringComparison.Ordinal));
        var all = await (await reader.GetAsync($"{Api}?pageSize=200")).ReadJsonAsync();
        Assert.True(all.GetProperty("total").GetInt32() >= 150);
        await (await reader.GetAsync($"{Api}?pageSize=500")).AssertFieldErrorAsync("pageSize");
    }

    [Fact]
    public async Task Import_WithABadRow_ReportsEveryBadRow_AndChangesNothing_ThenAGoodFileIsApplied()
    {
        var admin = await factory.ApiClientAsync(Demo.SystemAdmin);
        var before = await factory.WithDbAsync(db => db.Set<VocabularyEntry>().OrderBy(e => e.Id).Select(e => e.Id + e.Term + e.Expansion + e.Source).ToListAsync());
        var (a, b) = (Unique("IMA"), Unique("IMB"));
        var bad = $"term,expansion,source\n{a},{a}全称,测试\n{b},{b},测试\n{a}全称,{a},测试\n,空的,测试\n";
        using (var form = CsvForm(bad))
        {
            var problem = await (await admin.PostAsync($"{Api}/import", form)).AssertProblemAsync(422);
            var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("code").GetString())).ToList();
            Assert.Contains((3, "Vocabulary.SelfMap"), errors);
            Assert.Contains((4, "Vocabulary.Cycle"), errors); // against row 2 of the same file
            Assert.Contains((5, "Vocabulary.Required"), errors);
            Assert.DoesNotContain(errors, e => e.Item1 == 2);
        }
        Assert.Equal(before, await factory.WithDbAsync(db => db.Set<VocabularyEntry>().OrderBy(e => e.Id).Select(e => e.Id + e.Term + e.Expansion + e.Source).ToListAsync()));

        using (var form = CsvForm($"term,expansion,source\n{a},{a}全称,测试\nTGA,热重分析仪,GB/T 6425 热分析术语（导入）\n"))
        {
            var ok = await admin.PostAsync($"{Api}/import", form);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var body = await ok.ReadJsonAsync();
            Assert.Equal(1, body.GetProperty("created").GetInt32());
            Assert.Equal(1, body.GetProperty("updated").GetInt32());
        }
        Assert.Equal(before.Count + 1, await CountAsync());

        // The export imports again: the same layout.
        var export = await admin.GetAsync($"{Api}/export");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        using var xlsx = new ByteArrayContent(await export.Content.ReadAsByteArrayAsync());
        using var again = new MultipartFormDataContent { { xlsx, "file", "vocabulary.xlsx" } };
        var reimport = await (await admin.PostAsync($"{Api}/import", again)).ReadJsonAsync();
        Assert.Equal(0, reimport.GetProperty("created").GetInt32());
        Assert.Equal(before.Count + 1, reimport.GetProperty("rows").GetInt32());
    }

    [Fact]
    public async Task Page_ListsAddsAndReportsAnImport_ForTheSystemAdministratorOnly()
    {
        var other = new PageSession(factory);
        await other.SignInAsync(Demo.ScuResearcher);
        Assert.NotEqual(HttpStatusCode.OK, (await other.GetAsync("/Search/Vocabulary")).Response.StatusCode);

        var session = new PageSession(factory);
        await session.SignInAsync(Demo.SystemAdmin);
        var (response, page) = await session.GetAsync("/Search/Vocabulary?q=" + Uri.EscapeDataString("液质联用"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("液相色谱-质谱联用", page.QuerySelector("[data-testid=entries]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("[data-testid=reindex]"));

        var term = Unique("PG");
        var self = await session.SubmitAsync("/Search/Vocabulary", new Dictionary<string, string> { ["Input.Term"] = term, ["Input.Expansion"] = term, ["Input.Source"] = "测试" },
            "[data-testid=save]");
        var doc = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await self.Content.ReadAsStringAsync());
        Assert.Contains("自身", doc.QuerySelector("[data-testid=error-expansion]")!.TextContent, StringComparison.Ordinal);

        var saved = await session.SubmitAsync("/Search/Vocabulary", new Dictionary<string, string> { ["Input.Term"] = term, ["Input.Expansion"] = term + "分析仪", ["Input.Source"] = "测试" },
            "[data-testid=save]");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<VocabularyEntry>().CountAsync(e => e.Term == term)));

        // An import with a bad row: the report names the row, nothing is added.
        var (_, form) = await session.GetAsync("/Search/Vocabulary");
        var token = form.QuerySelector("[data-testid=import] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        using var file = new ByteArrayContent(Encoding.UTF8.GetBytes($"term,expansion,source\n{term}X,{term}X,测试\n"));
        using var content = new MultipartFormDataContent { { file, "file", "bad.csv" }, { new StringContent(token), "__RequestVerificationToken" } };
        var imported = await session.Client.PostAsync("/Search/Vocabulary?handler=Import", content);
        var report = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await imported.Content.ReadAsStringAsync());
        var row = report.QuerySelector("[data-testid=import-errors] tbody tr")!;
        Assert.Equal("2", row.Children[0].TextContent);
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<VocabularyEntry>().CountAsync(e => e.Term == term + "X")));
    }

    [Fact]
    public async Task APairAddedThroughTheApi_FindsARecord_AfterTheBackgroundReindex_AndEveryInstanceFollows()
    {
        using var own = new ChuanyuFactory();
        using var second = ChuanyuFactory.OnSameDatabase(own.Database);
        var cqu = await own.WithDbAsync(db => db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).SingleAsync());
        var manager = await own.ApiClientAsync(Demo.CquInstrumentManager);
        var created = await manager.PostAsJsonAsync("/api/v1/resources", new
        {
            kind = "Instrument",
            name = "貔貅牌同步热分析仪",
            organizationId = cqu,
            districtCode = "500106",
            categoryCode = "010000",
            model = "PX-9",
            manufacturer = "貔貅仪器",
            mainFunctions = "热重与差示扫描量热同步测定",
            originalValue = 900_000m,
            fees = new[] { new { userType = "Internal", price = 150m, unit = "样品" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/resources/{id}/publish", null)).StatusCode);
        var anonymous = own.CreateClient();
        async Task<List<Guid>> FindAsync(HttpClient client, string q) =>
            [.. (await (await client.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString(q))).ReadJsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];
        Assert.Empty(await FindAsync(anonymous, "貔貅 XLTA"));

        var admin = await own.ApiClientAsync(Demo.SystemAdmin);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync(Api, new { term = "XLTA", expansion = "同步热分析仪", source = "测试用缩写" })).StatusCode);

        // At once on this instance (searches expand the new pair while the index is rewritten) …
        Assert.Equal([id], await FindAsync(anonymous, "貔貅 XLTA"));
        // … and on the other one within seconds.
        var other = second.CreateClient();
        await Poll.UntilAsync(() => FindAsync(other, "貔貅 XLTA"), found => found.Count > 0, "the second instance finds the record by the new abbreviation");

        // The background reindex writes the pair's tokens into the record's row and stamps the index with the new table.
        var status = await Poll.UntilAsync(() => admin.GetFromJsonAsync<JsonElement>($"{Api}/reindex"), s => !s.GetProperty("pending").GetBoolean(),
            "the background reindex finishes", intervalMs: 200);
        Assert.Equal(status.GetProperty("total").GetInt64(), status.GetProperty("done").GetInt64());
        var analyzer = own.Services.GetRequiredService<SearchVocabulary>().Analyzer;
        Assert.Equal(analyzer.SynonymsStamp, await own.WithDbAsync(db =>
            db.Set<PlatformCounter>().Where(c => c.Name == SearchIndexer.SynonymsCounter).Select(c => c.Value).SingleAsync()));
        var title = await own.WithDbAsync(db => db.Set<SearchEntry>().Where(e => e.RecordId == id).Select(e => e.Text.Title).SingleAsync());
        Assert.Contains(" xlta", title, StringComparison.Ordinal);
        Assert.Equal([id], await FindAsync(anonymous, "貔貅 XLTA"));
        Assert.Equal([id], await FindAsync(other, "貔貅 XLTA"));
    }

    private static MultipartFormDataContent CsvForm(string csv) =>
        new() { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "vocabulary.csv" } };
}
