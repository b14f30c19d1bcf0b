using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Seeding;

namespace Chuanyu.Tests.Accounts;

/// <summary>
/// The organisation lists sort Chinese names by pinyin (the zh_pinyin collation: ICU on PostgreSQL, registered in code
/// on SQLite), not by code point, which puts 北 (U+5317) and 四 (U+56DB) before 重 (U+91CD) and 阿 (U+963F).
/// </summary>
public sealed class OrganizationOrderTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static readonly string[] InPinyinOrder = ["阿坝师范学院", "北京理工大学", "重庆邮电大学", "四川师范大学"];

    /// <summary>Four verified organisations whose names end in a tag of this test, added in an order that is neither.</summary>
    private async Task<string> AddOrganizationsAsync()
    {
        var tag = $"序{Guid.NewGuid():N}"[..9];
        var serial = Random.Shared.Next(100_000, 900_000);
        await factory.WithDbAsync(async db =>
        {
            foreach (var name in new[] { InPinyinOrder[3], InPinyinOrder[1], InPinyinOrder[0], InPinyinOrder[2] })
            {
                db.Organizations.Add(new Organization
                {
                    Id = Guid.CreateVersion7(),
                    Name = name + tag,
                    Kind = OrganizationKind.University,
                    CreditCode = DemoData.MakeCreditCode("12", "510107", serial++),
                    RegionCode = "510000",
                    DistrictCode = "510107",
                    Status = OrganizationStatus.Verified,
                    CreatedAt = DateTimeOffset.UtcNow,
                    VerifiedAt = DateTimeOffset.UtcNow,
                });
            }
            return await db.SaveChangesAsync();
        });
        return tag;
    }

    [Fact]
    public async Task PublicList_SortsNamesByPinyin()
    {
        var tag = await AddOrganizationsAsync();

        var (_, doc) = await new PageSession(factory).GetAsync($"/Organizations?q={Uri.EscapeDataString(tag)}");

        var names = doc.QuerySelectorAll("[data-testid=organizations] tbody tr td:first-child").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(InPinyinOrder.Select(n => n + tag), names);
    }

    [Fact]
    public async Task Api_PagesThroughNamesInPinyinOrder()
    {
        var tag = await AddOrganizationsAsync();
        var client = factory.CreateClient();

        var names = new List<string>();
        foreach (var page in new[] { 1, 2 })
        {
            var body = await (await client.GetAsync($"/api/v1/organizations?q={Uri.EscapeDataString(tag)}&page={page}&pageSize=2")).ReadJsonAsync();
            Assert.Equal(4, body.GetProperty("total").GetInt32());
            names.AddRange(body.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("name").GetString()!));
        }
        Assert.Equal(InPinyinOrder.Select(n => n + tag), names);
    }
}
