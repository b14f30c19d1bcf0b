using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Search;

/// <summary>
/// The index follows every EF save (SearchIndexInterceptor); the writes that would bypass it are refused before they run:
/// a synchronous save of catalogue changes, and set-based writes (ExecuteUpdate/ExecuteDelete) of indexed values. The
/// bulk path that writes catalogue rows past EF on purpose, the seed command, writes their search rows itself in the
/// same transaction: SeedCommandTests checks each one equals what the normal path computes.
/// </summary>
public sealed class SearchIndexBypassTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private async Task<(Guid Id, string Name, long Key)> PublishedAsync() => await factory.WithDbAsync(async db =>
    {
        var row = await db.Set<SearchEntry>().Join(db.Set<Resource>(), e => e.RecordId, r => r.Id, (e, r) => new { r.Id, r.Name, e.SearchKey })
            .OrderBy(x => x.SearchKey).FirstAsync();
        return (row.Id, row.Name, row.SearchKey);
    });

    [Fact]
    public async Task SynchronousSave_OfACatalogueChange_IsRefused_AndChangesNothing_OtherSynchronousSavesWork()
    {
        var (id, name, key) = await PublishedAsync();
        var refused = await factory.WithDbAsync(async db =>
        {
            var r = await db.Set<Resource>().SingleAsync(x => x.Id == id);
            r.Name = "同步保存的新名称";
            return Assert.Throws<InvalidOperationException>(() => db.SaveChanges());
        });
        Assert.Contains("SaveChangesAsync", refused.Message, StringComparison.Ordinal);
        Assert.Equal(name, await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.Id == id).Select(r => r.Name).SingleAsync()));
        Assert.Equal(key, await factory.WithDbAsync(db => db.Set<SearchEntry>().Where(e => e.RecordId == id).Select(e => e.SearchKey).SingleAsync()));

        // The Data Protection key store saves synchronously and touches no catalogue row.
        var friendly = "sync-save-" + Guid.NewGuid().ToString("N");
        await factory.WithDbAsync(db =>
        {
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendly, Xml = "<ignored />" });
            return Task.FromResult(db.SaveChanges());
        });
        Assert.True(await factory.WithDbAsync(db => db.DataProtectionKeys.AnyAsync(k => k.FriendlyName == friendly)));
    }

    [Fact]
    public async Task BulkWrites_OfIndexedValues_AreRefused_AndChangeNothing()
    {
        var (id, name, _) = await PublishedAsync();
        var org = await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.Id == id).Select(r => r.OrganizationId).SingleAsync());
        var attempts = new Func<Web.Data.AppDbContext, Task<int>>[]
        {
            db => db.Set<Resource>().Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Name, "批量改名")),
            db => db.Set<Resource>().Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ResourceStatus.Retired).SetProperty(r => r.Version, r => r.Version + 1)),
            db => db.Set<Resource>().Where(r => r.Id == id).ExecuteDeleteAsync(),
            db => db.Set<ResourceFee>().Where(f => f.ResourceId == id).ExecuteUpdateAsync(s => s.SetProperty(f => f.PriceFen, 0)),
            db => db.Set<ResourceCertification>().Where(c => c.ResourceId == id).ExecuteDeleteAsync(),
            db => db.Organizations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.Name, "批量改名的单位")),
        };
        foreach (var attempt in attempts)
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => factory.WithDbAsync(attempt));
            Assert.Contains("search index stale", refused.Message, StringComparison.Ordinal);
        }
        Assert.Equal(name, await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.Id == id).Select(r => r.Name).SingleAsync()));
        Assert.Equal(ResourceStatus.Published, await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.Id == id).Select(r => r.Status).SingleAsync()));
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<SearchEntry>().CountAsync(e => e.RecordId == id)));

        // What changes nothing indexed passes: the photo upload's row lock, an organisation's columns that are not indexed
        // (the review note is the administrators' own, never in a document; the address is, since organisations are searched).
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<Resource>().Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, r => r.Version))));
        Assert.Equal(1, await factory.WithDbAsync(db => db.Organizations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.StatusNote, "批量写入的审核意见"))));
        await Assert.ThrowsAsync<InvalidOperationException>(() => factory.WithDbAsync(db =>
            db.Organizations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.Address, "批量改写的地址"))));
    }
}
