using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Evaluation;
using Chuanyu.Web.Infrastructure;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.Localization;

/// <summary>
/// Service orders, the evaluation and search speak the reader's language: their API errors come back in English when the
/// client asks for it, with the message key as <c>code</c>/<c>errorCodes</c>, Chinese by default; their pages show the
/// English labels after the language switch.
/// </summary>
public sealed partial class OrdersEvaluationSearchMessagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static readonly CultureInfo English = new("en");
    private static readonly CultureInfo Chinese = new("zh-CN");

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Cjk();

    private static HttpRequestMessage InEnglish(HttpMethod method, string url, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en-GB"));
        return request;
    }

    [Fact]
    public void TheWordsForCatalogValues_UsedHere_ExistForEveryValue_InBothLanguages()
    {
        foreach (var culture in new[] { Chinese, English })
        {
            foreach (var type in Enum.GetValues<FeeUserType>())
            {
                var key = Messages.Label(type).Key;
                Assert.True(Messages.Find(key, culture) is not null, $"{key} ({culture})");
            }
            foreach (var kind in Enum.GetValues<ResourceKind>())
            {
                var key = Chuanyu.Web.Features.Search.CatalogLabels.Kind(kind).Key;
                Assert.True(Messages.Find(key, culture) is not null, $"{key} ({culture})");
            }
            foreach (var code in new[] { "runningHours", "externalHours", "sharingRate", "training", "results", "income", "externalIncome", "functions", "externalUsers", "rating" })
            {
                var info = EvaluationScheme.Info(code, culture);
                Assert.DoesNotContain("Evaluation.", info.Name + info.Unit + info.Source, StringComparison.Ordinal);
            }
        }
        Assert.Equal("运行机时", EvaluationScheme.Info("runningHours", Chinese).Name);
        Assert.Equal("Running hours", EvaluationScheme.Info("runningHours", English).Name);
    }

    [Fact]
    public async Task ServiceOrders_ARuleBroken_ComesBackInTheClientsLanguage_WithItsCodeAndRule()
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var service = await InstrumentAsync(factory, manager, "语言 送样 拉曼光谱", "OpenToAll", "TestingService",
            [new { userType = "OtherRegion", price = 180m, unit = "样品" }]);
        var order = new { serviceId = service, items = new[] { "物相分析" }, samples = new[] { new { name = "试样", quantity = 1 } }, purpose = "来料检验" };
        var engineer = await factory.ApiClientAsync(Demo.Engineer); // an enterprise: no price for it in this schedule

        var chinese = await (await engineer.PostAsJsonAsync("/api/v1/service-orders", order)).AssertProblemAsync(422);
        Assert.Equal("ServiceOrders.NoPriceForCustomer", chinese.GetProperty("code").GetString());
        Assert.Equal("noPrice", chinese.GetProperty("rule").GetString());
        Assert.Equal("该服务的收费标准中没有企业用户的价格，暂不能下单，请联系服务提供方。", chinese.GetProperty("detail").GetString());

        using var request = InEnglish(HttpMethod.Post, "/api/v1/service-orders", order);
        var english = await (await engineer.SendAsync(request)).AssertProblemAsync(422);
        Assert.Equal("ServiceOrders.NoPriceForCustomer", english.GetProperty("code").GetString());
        Assert.Equal("noPrice", english.GetProperty("rule").GetString());
        Assert.Contains("no price for users of the type “Enterprise”", english.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotMatch(Cjk(), english.GetProperty("detail").GetString()!);
        Assert.DoesNotMatch(Cjk(), english.GetProperty("title").GetString()!);

        // A missing field: the reason in English, its key under errorCodes.
        using var bad = InEnglish(HttpMethod.Post, "/api/v1/service-orders", new { serviceId = service, items = Array.Empty<string>(), samples = order.samples, purpose = "来料检验" });
        var invalid = await (await engineer.SendAsync(bad)).AssertProblemAsync(400);
        Assert.Equal("ServiceOrders.ItemsRequired", invalid.GetProperty("errorCodes").GetProperty("items")[0].GetString());
        Assert.Equal("Please enter at least one test item.", invalid.GetProperty("errors").GetProperty("items")[0].GetString());
    }

    [Fact]
    public async Task Evaluation_AFieldError_ComesBackInTheClientsLanguage_WithItsCode()
    {
        var admin = await factory.ApiClientAsync(Demo.SystemAdmin);
        var chinese = await (await admin.PostAsJsonAsync("/api/v1/evaluation/runs", new { year = 1999 })).AssertProblemAsync(400);
        Assert.Equal("Evaluation.YearOutOfRange", chinese.GetProperty("errorCodes").GetProperty("year")[0].GetString());
        Assert.StartsWith("评价年度须为 2000–", chinese.GetProperty("errors").GetProperty("year")[0].GetString(), StringComparison.Ordinal);

        using var request = InEnglish(HttpMethod.Post, "/api/v1/evaluation/runs", new { year = 1999 });
        var english = await (await admin.SendAsync(request)).AssertProblemAsync(400);
        Assert.Equal("validation", english.GetProperty("code").GetString());
        Assert.Equal("Evaluation.YearOutOfRange", english.GetProperty("errorCodes").GetProperty("year")[0].GetString());
        Assert.StartsWith("The evaluation year must be 2000–", english.GetProperty("errors").GetProperty("year")[0].GetString(), StringComparison.Ordinal);

        // The indicators' names in the scheme follow the reader too.
        using var scheme = InEnglish(HttpMethod.Get, "/api/v1/evaluation/scheme");
        var known = (await (await admin.SendAsync(scheme)).ReadJsonAsync()).GetProperty("known").EnumerateArray().ToList();
        Assert.Equal("Running hours", known.Single(k => k.GetProperty("code").GetString() == "runningHours").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Search_FieldErrors_ComeBackInTheClientsLanguage_WithTheirCodes()
    {
        var client = factory.CreateClient();
        var chinese = await (await client.GetAsync("/api/v1/search?q=&kind=bogus")).AssertProblemAsync(400);
        Assert.Equal("请输入检索词。", chinese.GetProperty("errors").GetProperty("q")[0].GetString());
        Assert.StartsWith("资源类型无效，可选值：Instrument、Facility、", chinese.GetProperty("errors").GetProperty("kind")[0].GetString(), StringComparison.Ordinal);

        using var request = InEnglish(HttpMethod.Get, "/api/v1/search?q=&kind=bogus");
        var english = await (await client.SendAsync(request)).AssertProblemAsync(400);
        Assert.Equal("validation", english.GetProperty("code").GetString());
        var codes = english.GetProperty("errorCodes");
        Assert.Equal("Search.QueryRequired", codes.GetProperty("q")[0].GetString());
        Assert.Equal("Search.KindInvalid", codes.GetProperty("kind")[0].GetString());
        Assert.Equal("Please enter a search term.", english.GetProperty("errors").GetProperty("q")[0].GetString());
        Assert.StartsWith("The resource type is invalid; choose from: Instrument, Facility, ", english.GetProperty("errors").GetProperty("kind")[0].GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_ShowTheEnglishLabels_AfterTheLanguageSwitch()
    {
        var researcher = new PageSession(factory);
        await researcher.SignInAsync(Demo.ScuResearcher);
        await researcher.Client.GetAsync("/culture/en?returnUrl=/");
        var (_, orders) = await researcher.GetAsync("/Me/ServiceOrders");
        Assert.Equal("Awaiting quote", orders.QuerySelector("[data-status=Submitted]")!.TextContent.Trim());

        var admin = new PageSession(factory);
        await admin.SignInAsync(Demo.SystemAdmin);
        await admin.Client.GetAsync("/culture/en?returnUrl=/");
        var (_, scheme) = await admin.GetAsync("/Evaluation/Scheme");
        Assert.Equal("Running hours (hours)", scheme.QuerySelector("#code-0 option[value=runningHours]")!.TextContent.Trim());
        Assert.Equal("Excellent", scheme.QuerySelector("label[for=Form_ExcellentFrom]")!.TextContent.Trim());

        var (_, search) = await admin.GetAsync("/Search?q=" + new string('仪', 101));
        Assert.Equal("The search term may not exceed 100 characters.", search.QuerySelector("[data-testid=q-error]")!.TextContent.Trim());

        await researcher.Client.GetAsync("/culture/zh-CN?returnUrl=/");
        var (_, chinese) = await researcher.GetAsync("/Me/ServiceOrders");
        Assert.Equal("待报价", chinese.QuerySelector("[data-status=Submitted]")!.TextContent.Trim());
    }
}
