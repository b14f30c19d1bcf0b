using System.Net;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Search;

/// <summary>
/// The demo catalogue covers the instrument classes people look for (issue 14): at least 200 published instruments,
/// and a search for each class's usual name finds published demo instruments of both regions.
/// </summary>
public sealed class DemoCatalogueSearchTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Fact]
    public async Task DemoCatalogue_HoldsAtLeast200PublishedInstruments()
    {
        // Nothing else in this class adds records: every instrument is the demo seed's.
        var published = await factory.WithDbAsync(db => db.Set<Resource>()
            .CountAsync(r => r.Kind == ResourceKind.Instrument && r.Status == ResourceStatus.Published));
        Assert.True(published >= 200, $"{published} published demo instruments");
    }

    [Theory]
    [InlineData("原子力显微镜")] // atomic force microscopy
    [InlineData("万能材料试验机")] // universal testing machines
    [InlineData("工业CT")] // industrial CT
    [InlineData("热重分析")] // thermal analysis: TGA
    [InlineData("差示扫描量热")] // DSC
    [InlineData("导热")] // thermal conductivity and diffusivity
    [InlineData("元素分析仪")] // CHNS/O
    [InlineData("电感耦合等离子体发射光谱")] // ICP-OES
    [InlineData("ICP-MS")]
    [InlineData("原子吸收")] // AAS
    [InlineData("激光粒度")] // particle size
    [InlineData("比表面")] // surface area (BET)
    [InlineData("高性能计算")] // high-performance computing
    [InlineData("基因测序")] // gene sequencing
    public async Task EachClassPeopleLookFor_FindsPublishedDemoInstruments_InBothRegions(string q)
    {
        var anonymous = factory.CreateClient();
        foreach (var region in new[] { "500000", "510000" })
        {
            var response = await anonymous.GetAsync($"/api/v1/search?q={Uri.EscapeDataString(q)}&kind=Instrument&region={region}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var items = (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count > 0, $"{q}: no published instrument in {region}");
            Assert.All(items, i => Assert.Equal(region, i.GetProperty("regionCode").GetString()));
        }
    }
}
