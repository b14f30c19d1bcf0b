using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;

namespace Chuanyu.Tests.Experts;

/// <summary>Experts as the tests create them through the API.</summary>
public static class ExpertTestData
{
    private static int _sequence;

    /// <summary>A valid, unused 公民身份号码 (born 1975 in 沙坪坝区), different at every call.</summary>
    public static string NewIdNumber() =>
        ResidentIdNumber.Complete($"500106197503{(Interlocked.Increment(ref _sequence) % 28) + 1:00}{Random.Shared.Next(100, 999)}");

    public static Dictionary<string, object?> Expert(Guid organizationId, string? idNumber = null, int birthYear = 1975, int yearsInField = 20,
        bool highLevel = false, string[]? disciplines = null, string? primary = null, string name = "测试专家") => new()
        {
            ["name"] = name,
            ["gender"] = "Female",
            ["birthYear"] = birthYear,
            ["titleLevel"] = "FullSenior",
            ["position"] = "教授",
            ["organizationId"] = organizationId,
            ["category"] = "Technical",
            ["entryRoute"] = "OpenCall",
            ["yearsInField"] = yearsInField,
            ["highLevel"] = highLevel,
            ["disciplines"] = disciplines ?? ["43025", "43040"],
            ["primaryDiscipline"] = primary,
            ["industryFields"] = "新材料、装备制造",
            ["keywords"] = "材料表征、扫描电镜",
            ["languages"] = "中文、英语",
            ["availability"] = "Available",
            ["phone"] = "13800138000",
            ["email"] = "expert.test@example.org",
            ["idNumber"] = idNumber ?? NewIdNumber(),
        };

    public static async Task<Guid> CreatedAsync(HttpClient admin, Dictionary<string, object?> expert)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/experts", expert);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }
}
