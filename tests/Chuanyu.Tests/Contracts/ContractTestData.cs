using System.Globalization;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Tests.Contracts;

/// <summary>Contracts as the tests register them through the API: unique registration numbers (office 09, never the demo's) and valid credit codes.</summary>
public static class ContractTestData
{
    private static int _serial = 100;

    public static DateOnly Today => ChinaTime.Today(TimeProvider.System);

    /// <summary>A fresh registration number of <paramref name="region"/> (Chengdu 5101 or Chongqing 5001) for a contract registered on <paramref name="on"/>.</summary>
    public static string Number(string region, DateOnly on) =>
        string.Create(CultureInfo.InvariantCulture, $"{on.Year % 100:00}{(region == "500000" ? "5001" : "5101")}09{Interlocked.Increment(ref _serial):000000}");

    /// <summary>A valid unified social credit code issued in <paramref name="division"/> (6 digits).</summary>
    public static string CreditCodeIn(string division) =>
        CreditCode.Complete(string.Create(CultureInfo.InvariantCulture, $"91{division}{Interlocked.Increment(ref _serial):00000000}0"));

    public static Dictionary<string, object?> Contract(string sellerRegion = "500000", string buyerRegion = "510000", string type = "Development",
        long contractFen = 50_000_000, long transactionFen = 40_000_000, DateOnly? registeredOn = null, string field = "43025", string? number = null,
        string sellerType = "University", string title = "测试合同：锂电池正极材料中试工艺开发")
    {
        var on = registeredOn ?? Today.AddDays(-3);
        return new()
        {
            ["registrationNumber"] = number ?? Number(sellerRegion, on),
            ["title"] = title,
            ["type"] = type,
            ["sellerName"] = "测试卖方大学",
            ["sellerCreditCode"] = CreditCodeIn(sellerRegion == "500000" ? "500106" : "510107"),
            ["sellerRegion"] = sellerRegion,
            ["sellerType"] = sellerType,
            ["buyerName"] = "测试买方科技有限公司",
            ["buyerCreditCode"] = buyerRegion == "990000" ? null : CreditCodeIn(buyerRegion == "500000" ? "500112" : buyerRegion == "510000" ? "510116" : buyerRegion[..2] + "0100"),
            ["buyerRegion"] = buyerRegion,
            ["buyerType"] = "Enterprise",
            ["contractAmountFen"] = contractFen,
            ["transactionAmountFen"] = transactionFen,
            ["signedOn"] = Iso(on.AddDays(-20)),
            ["startsOn"] = Iso(on.AddDays(-10)),
            ["endsOn"] = Iso(on.AddDays(300)),
            ["registeredOn"] = Iso(on),
            ["field"] = field,
        };
    }

    public static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static async Task<Guid> RegisteredAsync(HttpClient admin, Dictionary<string, object?> contract)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/tech-contracts", contract);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    /// <summary>The smallest well-formed PDF header: what the upload check reads.</summary>
    public static byte[] Pdf => "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"u8.ToArray();
}
