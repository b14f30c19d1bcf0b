using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Experts;
using Microsoft.EntityFrameworkCore;
using static Chuanyu.Tests.Experts.ExpertTestData;

namespace Chuanyu.Tests.Experts;

/// <summary>
/// Matching a technology demand to experts (issue 16 point 8) on the real host, either engine: the expert whose
/// keywords say what the demand needs comes first with those words as the reason, a field narrows and ranks, experts
/// out of service never appear, bad and hostile input is a 400 naming the field, strangers are refused; and jieba's
/// extraction keeps domain words whole once they are in the user dictionary.
/// </summary>
public sealed class ExpertMatchingTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static readonly string[] Materials = ["43025"];
    private static readonly string[] Genetics = ["18031"];

    private const string SemDemand = "我公司研发锂电池正极材料，需要对样品进行材料表征，希望借助扫描电镜观察颗粒形貌并分析元素分布。";

    private async Task<Guid> ExpertAsync(string name, string keywords, string[] disciplines, Action<Dictionary<string, object?>>? change = null)
    {
        var admin = await factory.ApiClientAsync(Demo.ChongqingAdmin);
        var cqu = await factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync());
        var expert = Expert(cqu, name: name, disciplines: disciplines);
        expert["keywords"] = keywords;
        expert["industryFields"] = "";
        change?.Invoke(expert);
        return await CreatedAsync(admin, expert);
    }

    private async Task<JsonElement> MatchAsync(object body)
    {
        var client = await factory.ApiClientAsync(Demo.Engineer);
        var response = await client.PostAsJsonAsync("/api/v1/experts/match", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private static async Task<AngleSharp.Html.Dom.IHtmlDocument> ParseAsync(HttpResponseMessage response) =>
        new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

    private static List<Guid> Ids(JsonElement result) =>
        [.. result.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("expert").GetProperty("id").GetGuid())];

    [Fact]
    public async Task ADemandAboutScanningElectronMicroscopy_FindsTheExpertWhoseKeywordsSaySoFirst_WithThoseWordsInTheReason()
    {
        var sem = await ExpertAsync("匹配甲", "材料表征、扫描电镜", Materials);
        var other = await ExpertAsync("匹配乙", "群体遗传学、分子标记", Genetics);

        var result = await MatchAsync(new { text = SemDemand, limit = 50 });
        var keywords = result.GetProperty("keywords").EnumerateArray().Select(k => k.GetProperty("word").GetString()).ToList();
        Assert.Contains("扫描电镜", keywords);
        Assert.DoesNotContain("需要", keywords);
        Assert.DoesNotContain("希望", keywords);

        var ids = Ids(result);
        Assert.Equal(sem, ids[0]);
        Assert.DoesNotContain(other, ids);
        var first = result.GetProperty("items")[0];
        var shared = first.GetProperty("sharedKeywords").EnumerateArray().Select(k => k.GetString()).ToList();
        Assert.Contains("扫描电镜", shared);
        Assert.Contains("材料表征", shared);
        Assert.Contains("扫描电镜", first.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.Contains("材料表征", first.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        Assert.InRange(first.GetProperty("score").GetDouble(), 0.01, ExpertMatching.KeywordShare);
        // The public view only: nothing personal in the answer.
        var raw = result.GetRawText();
        Assert.DoesNotContain("13800138000", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("expert.test@example.org", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("birthYear", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AField_KeepsOnlyExpertsOfItsFirstLevel_AndTheSameCodeScoresHigherAndSaysSo()
    {
        var materials = await ExpertAsync("匹配丙", "微流控芯片、器件封装", Materials);
        var nearby = await ExpertAsync("匹配丁", "微流控芯片、器件封装", ["43040"]);
        var genetics = await ExpertAsync("匹配戊", "微流控芯片、器件封装", Genetics);
        const string Demand = "研制微流控芯片并完成器件封装的中试。";

        var any = Ids(await MatchAsync(new { text = Demand, limit = 50 }));
        Assert.Contains(materials, any);
        Assert.Contains(nearby, any);
        Assert.Contains(genetics, any);

        var byField = await MatchAsync(new { text = Demand, discipline = "43025", limit = 50 });
        var ids = Ids(byField);
        Assert.DoesNotContain(genetics, ids);
        Assert.InRange(ids.IndexOf(materials), 0, ids.IndexOf(nearby) - 1);
        var item = byField.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("expert").GetProperty("id").GetGuid() == materials);
        Assert.Equal("SameCode", item.GetProperty("discipline").GetString());
        Assert.Equal(ExpertMatching.SameCodeScore, item.GetProperty("disciplineScore").GetDouble());
        Assert.Contains("43025", item.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        var near = byField.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("expert").GetProperty("id").GetGuid() == nearby);
        Assert.Equal("SameFirstLevel", near.GetProperty("discipline").GetString());
        Assert.Equal(ExpertMatching.SameFirstLevelScore, near.GetProperty("disciplineScore").GetDouble());

        // A first-level field (3 digits) counts both as the same code; a region narrows to its pool.
        var top = await MatchAsync(new { text = Demand, discipline = "430", limit = 50 });
        Assert.All(top.GetProperty("items").EnumerateArray(), i => Assert.Equal("SameCode", i.GetProperty("discipline").GetString()));
        Assert.Empty(Ids(await MatchAsync(new { text = Demand, discipline = "43025", region = "510000", limit = 50 })).Intersect([materials, nearby]));
    }

    [Fact]
    public async Task SuspendedRemovedAndUnavailableExperts_AreNeverMatched()
    {
        const string Tag = "太赫兹成像、无损检测";
        var suspended = await ExpertAsync("匹配己", Tag, Materials);
        var removed = await ExpertAsync("匹配庚", Tag, Materials);
        var unavailable = await ExpertAsync("匹配辛", Tag, Materials, e => e["availability"] = "Unavailable");
        var active = await ExpertAsync("匹配壬", Tag, Materials);
        var admin = await factory.ApiClientAsync(Demo.ChongqingAdmin);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/v1/experts/{suspended}/suspend", new { reason = "本人申请暂停" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/v1/experts/{removed}/remove", new { reason = "两次无故缺席" })).StatusCode);

        foreach (var discipline in new string?[] { null, "430", "43025" })
        {
            var ids = Ids(await MatchAsync(new { text = "采用太赫兹成像做复合材料无损检测", discipline, limit = 50 }));
            Assert.Contains(active, ids);
            Assert.DoesNotContain(suspended, ids);
            Assert.DoesNotContain(removed, ids);
            Assert.DoesNotContain(unavailable, ids);
        }
    }

    public static TheoryData<string, string> BadInput => new()
    {
        { """{"text":""}""", "text" },
        { """{"text":"   "}""", "text" },
        { """{"text":"扫描电镜\u202Egpj.exe"}""", "text" },
        { """{"text":"扫描电镜","discipline":"12345"}""", "discipline" },
        { """{"text":"扫描电镜","discipline":"<script>alert(1)</script>"}""", "discipline" },
        { """{"text":"扫描电镜","region":"110000"}""", "region" },
        { """{"text":"扫描电镜","limit":51}""", "limit" },
        { """{"text":"扫描电镜","limit":0}""", "limit" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task BadOrHostileInput_IsA400NamingTheField(string json, string field)
    {
        var client = await factory.ApiClientAsync(Demo.Engineer);
        var response = await client.PostAsync("/api/v1/experts/match", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.GetRawText());
    }

    [Fact]
    public async Task OversizedText_IsRefused_AndMarkupIsOnlyText()
    {
        var client = await factory.ApiClientAsync(Demo.Engineer);
        var tooLong = await client.PostAsJsonAsync("/api/v1/experts/match", new { text = new string('镜', ExpertMatching.MaxTextLength + 1) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.True((await tooLong.ReadJsonAsync()).GetProperty("errors").TryGetProperty("text", out _));

        // Markup in a demand is words like any other (the platform refuses invisible characters, not text): it is
        // matched as text and never comes back as markup, on the page either.
        var result = await MatchAsync(new { text = "<script>alert(1)</script> 扫描电镜 材料表征" });
        Assert.DoesNotContain("<script", result.GetRawText(), StringComparison.Ordinal);
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(Demo.Engineer)).StatusCode);
        await session.GetAsync("/Experts/Match");
        var posted = await session.SubmitAsync("/Experts/Match", new Dictionary<string, string> { ["Text"] = "<script>alert(1)</script> 扫描电镜" }, "form[data-testid=match-form]");
        var html = await posted.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strangers_AreRefused()
    {
        var anonymous = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/experts/match", new { text = SemDemand })).StatusCode);
        var page = await anonymous.GetAsync("/Experts/Match");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("Login", page.Headers.Location!.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ThePage_ShowsTheExtractedKeywords_TheExplainedExperts_AndMarksErrorsInChinese()
    {
        var id = await ExpertAsync("匹配癸", "钙钛矿薄膜、光伏组件", Materials);
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(Demo.Engineer)).StatusCode);
        var (_, index) = await session.GetAsync("/Experts");
        Assert.Equal("/Experts/Match", index.QuerySelector("[data-testid=expert-match-link]")!.GetAttribute("href"));

        var (response, form) = await session.GetAsync("/Experts/Match");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(form.QuerySelector("textarea#Text"));

        var empty = await session.SubmitAsync("/Experts/Match", new Dictionary<string, string> { ["Text"] = "", ["Discipline"] = "99999" }, "form[data-testid=match-form]");
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        var emptyDoc = await ParseAsync(empty);
        Assert.Contains("请填写需求内容", emptyDoc.QuerySelector("[data-testid=error-text]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("99999", emptyDoc.QuerySelector("[data-testid=error-discipline]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("is-invalid", emptyDoc.QuerySelector("#Text")!.ClassName, StringComparison.Ordinal);

        var posted = await session.SubmitAsync("/Experts/Match",
            new Dictionary<string, string> { ["Text"] = "寻找钙钛矿薄膜与光伏组件方向的专家", ["Discipline"] = "430" }, "form[data-testid=match-form]");
        var doc = await ParseAsync(posted);
        Assert.Contains("从需求中提取的关键词", doc.DocumentElement.TextContent, StringComparison.Ordinal);
        // The expert's keywords reach the segmenter's dictionary within ExpertMatching.VocabularyAge: until then 钙钛矿薄膜 may
        // come out as 钙钛矿 + 薄膜, and the expert is found by the parts all the same.
        Assert.Contains("钙钛矿", doc.QuerySelector("[data-testid=match-keywords]")!.TextContent, StringComparison.Ordinal);
        var row = doc.QuerySelector($"[data-testid=matches] li[data-expert='{id}']")!;
        Assert.Equal($"/Experts/{id}", row.QuerySelector("a")!.GetAttribute("href"));
        var reasons = row.QuerySelector("[data-testid=match-reasons]")!.TextContent;
        Assert.Contains("共同关键词", reasons, StringComparison.Ordinal);
        Assert.Contains("钙钛矿薄膜", reasons, StringComparison.Ordinal);
        Assert.Contains("430", reasons, StringComparison.Ordinal);
    }

    [Fact]
    public void Extraction_KeepsADomainWordWhole_OnceItIsInTheUserDictionary_AndDropsStopWords()
    {
        // A made-up compound no dictionary has: jieba splits it until the experts' vocabulary adds it.
        const string Word = "锂硫界面调控";
        const string Text = "本企业需求：开展锂硫界面调控研究，希望提高电池循环寿命，锂硫界面调控是关键。";
        Assert.DoesNotContain(Word, DemandKeywords.Extract(Text).Select(k => k.Word));
        Assert.Equal(1, DemandKeywords.AddWords([Word, "  "]));
        Assert.Equal(0, DemandKeywords.AddWords([Word]));
        var keywords = DemandKeywords.Extract(Text);
        Assert.Equal(Word, keywords[0].Word);
        Assert.True(keywords[0].Weight > 0);
        Assert.DoesNotContain(keywords, k => k.Word is "企业" or "需求" or "希望" or "研究");
        Assert.InRange(keywords.Count, 1, DemandKeywords.MaxKeywords);
        // The discipline names are in the dictionary from the start.
        Assert.Contains("材料检测与分析技术", DemandKeywords.Extract("委托进行材料检测与分析技术服务").Select(k => k.Word));
        Assert.True(DemandKeywords.LoadTime > TimeSpan.Zero);
    }

    [Fact]
    public void Explain_IsTheDocumentedFormula()
    {
        var expert = new ExpertPublicDto(Guid.NewGuid(), "甲", TitleLevel.FullSenior, null, Guid.NewGuid(), "", "500000", ExpertCategory.Technical,
            [new ExpertDisciplineDto("43040", "材料", true)], "新材料", "材料表征、扫描电镜", "", ExpertAvailability.Available);
        DemandKeyword[] keywords = [new("扫描电镜", 3), new("新材料", 1), new("质谱", 2)];
        var m = ExpertMatching.Explain(expert, keywords, DisciplineCodes.Find("43025"));
        // 0.6 × (3 + 0.5 × 1) / 6 = 0.35; same first level 0.25.
        Assert.Equal(0.35, m.KeywordScore);
        Assert.Equal(0.25, m.DisciplineScore);
        Assert.Equal(0.6, m.Score);
        Assert.Equal(["扫描电镜"], m.SharedKeywords);
        Assert.Equal(["新材料"], m.SharedIndustryFields);
        Assert.Equal(DisciplineMatch.SameFirstLevel, m.Discipline);
        Assert.Equal("43040", m.DisciplineCode);
    }
}
