using System.Globalization;
using System.Net;
using System.Resources;
using Chuanyu.Tests.Infrastructure;

namespace Chuanyu.Tests.Data;

public sealed class PlatformEndpointsTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Fact]
    public async Task Health_And_Readiness_AreUp()
    {
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OpenApi_DescribesTheApi()
    {
        var doc = await (await factory.CreateClient().GetAsync("/openapi/v1.json")).ReadJsonAsync();
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/auth/login", "/api/v1/me", "/api/v1/regions", "/api/v1/organizations", "/api/v1/organizations/{id}/verification" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
        }
    }

    [Fact]
    public void Resources_ChineseAndEnglishHaveTheSameKeys()
    {
        var manager = new ResourceManager("Chuanyu.Web.Resources.SharedResource", typeof(Program).Assembly);
        var zh = manager.GetResourceSet(CultureInfo.InvariantCulture, true, false)!.Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
        var en = manager.GetResourceSet(new CultureInfo("en"), true, false)!.Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
        Assert.True(zh.Count > 100);
        Assert.Empty(zh.Keys.Except(en.Keys));
        Assert.Empty(en.Keys.Except(zh.Keys));
        Assert.All(zh, kv => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", kv.Value));
    }
}
