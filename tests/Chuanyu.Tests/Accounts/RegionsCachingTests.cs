using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using Chuanyu.Tests.Infrastructure;

namespace Chuanyu.Tests.Accounts;

/// <summary>
/// <c>GET /api/v1/regions</c> is reference data: it carries a strong ETag of its exact bytes and may be cached for an
/// hour, and a client that already holds it gets a 304 without the body (If-None-Match, RFC 9110 §13.1.2).
/// </summary>
public sealed class RegionsCachingTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private const string Regions = "/api/v1/regions";

    [Fact]
    public async Task Regions_CarryAStrongETagOfTheirBytes_AndMayBeCachedForAnHour()
    {
        using var response = await factory.CreateClient().GetAsync(Regions);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal($"\"{Base64Url.EncodeToString(SHA256.HashData(body))}\"", etag.Tag);
        var cache = response.Headers.CacheControl;
        Assert.NotNull(cache);
        Assert.True(cache.Public);
        Assert.Equal(TimeSpan.FromHours(1), cache.MaxAge);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TwoRequests_GetTheSameTag()
    {
        var client = factory.CreateClient();
        using var first = await client.GetAsync(Regions);
        using var second = await client.GetAsync(Regions);
        Assert.Equal(first.Headers.ETag!.Tag, second.Headers.ETag!.Tag);
    }

    [Theory]
    [InlineData("{0}")]
    [InlineData("W/{0}")] // If-None-Match compares weakly
    [InlineData("*")]
    [InlineData("\"stale\", {0}")]
    public async Task AMatchingIfNoneMatch_Gets304_WithTheTagAndNoBody(string header)
    {
        var client = factory.CreateClient();
        var tag = await CurrentTagAsync(client);

        using var request = new HttpRequestMessage(HttpMethod.Get, Regions);
        request.Headers.TryAddWithoutValidation("If-None-Match", string.Format(System.Globalization.CultureInfo.InvariantCulture, header, tag));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(tag, response.Headers.ETag?.Tag);
        Assert.Equal(TimeSpan.FromHours(1), response.Headers.CacheControl?.MaxAge);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("\"stale\"")]
    [InlineData("W/\"stale\"")]
    public async Task AnotherTag_GetsTheWholeList(string header)
    {
        var client = factory.CreateClient();
        var tag = await CurrentTagAsync(client);

        using var request = new HttpRequestMessage(HttpMethod.Get, Regions);
        request.Headers.TryAddWithoutValidation("If-None-Match", header);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(tag, response.Headers.ETag?.Tag);
        var regions = (await response.ReadJsonAsync()).EnumerateArray().ToList();
        Assert.Contains(regions, r => r.GetProperty("code").GetString() == "500000");
        Assert.Contains(regions, r => r.GetProperty("code").GetString() == "510000");
    }

    private static async Task<string> CurrentTagAsync(HttpClient client)
    {
        using var response = await client.GetAsync(Regions);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!.Tag;
    }
}
