using Chuanyu.Tests.Infrastructure;

namespace Chuanyu.Tests.Accounts;

public sealed class RegionsApiTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Fact]
    public async Task Regions_ListBothBasesWithAllGbt2260Divisions()
    {
        var regions = (await (await factory.CreateClient().GetAsync("/api/v1/regions")).ReadJsonAsync()).EnumerateArray().ToList();

        var cq = regions.Single(r => r.GetProperty("code").GetString() == "500000");
        var sc = regions.Single(r => r.GetProperty("code").GetString() == "510000");
        Assert.Equal("重庆市", cq.GetProperty("name").GetString());
        Assert.Equal("四川省", sc.GetProperty("name").GetString());

        var cqDistricts = cq.GetProperty("districts").EnumerateArray().ToList();
        Assert.Equal(38, cqDistricts.Count); // 26 districts + 12 counties
        Assert.All(cqDistricts, d => Assert.Equal("County", d.GetProperty("level").GetString()));
        Assert.Contains(cqDistricts, d => d.GetProperty("code").GetString() == "500106" && d.GetProperty("name").GetString() == "沙坪坝区");

        var scDistricts = sc.GetProperty("districts").EnumerateArray().ToList();
        Assert.Equal(21, scDistricts.Count(d => d.GetProperty("level").GetString() == "Prefecture"));
        Assert.Equal(183, scDistricts.Count(d => d.GetProperty("level").GetString() == "County"));
        var wuhou = scDistricts.Single(d => d.GetProperty("code").GetString() == "510107");
        Assert.Equal("武侯区", wuhou.GetProperty("name").GetString());
        Assert.Equal("510100", wuhou.GetProperty("parentCode").GetString());
    }
}
