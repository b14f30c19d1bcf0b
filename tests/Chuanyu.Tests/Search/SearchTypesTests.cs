using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Search;

/// <summary>
/// One search over every registered type of record (issue 14): organisations are found beside the catalogue's resources,
/// each hit says its type and links to its page, <c>type=</c> keeps one or several types, the facet counts every type,
/// an unknown type is a 400, and what is private (an organisation under review, the reviewer's note) is never found.
/// </summary>
public sealed class SearchTypesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static readonly string[] OrganizationsAndInstruments = ["Organization", "Instrument"];

    private static string Q(string s) => Uri.EscapeDataString(s);

    private async Task<JsonElement> SearchAsync(string query)
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/search?" + query);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private static List<JsonElement> Items(JsonElement result) => [.. result.GetProperty("items").EnumerateArray()];

    private static Dictionary<string, int> TypeCounts(JsonElement result) =>
        result.GetProperty("facets").GetProperty("type").EnumerateArray().ToDictionary(f => f.GetProperty("value").GetString()!, f => f.GetProperty("count").GetInt32());

    /// <summary>Registers an organisation (under review) as an engineer would, with words no other record holds.</summary>
    private async Task<(Guid Id, string Name, string CreditCode)> RegisterAsync(string name)
    {
        var creditCode = DemoData.MakeCreditCode("91", "500106", Random.Shared.Next(2_000_000, 9_000_000));
        var founder = await factory.ApiClientAsync(Demo.Engineer);
        var created = await founder.PostAsJsonAsync("/api/v1/organizations", new { name, kind = "Enterprise", creditCode, districtCode = "500106", address = "重庆市沙坪坝区大学城中路 55 号" });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return ((await created.ReadJsonAsync()).GetProperty("id").GetGuid(), name, creditCode);
    }

    [Fact]
    public async Task AnOrganisation_IsFound_OnlyOnceVerified_WithItsTypeAndLink_AndNeverByItsReviewNote()
    {
        var (id, name, creditCode) = await RegisterAsync("磬石纳米检测技术有限公司");

        // Under review it is private: nobody finds it by its name.
        Assert.DoesNotContain(Items(await SearchAsync("q=" + Q("磬石纳米"))), h => h.GetProperty("id").GetGuid() == id);

        const string Note = "营业执照副本经核验编号琥珀47号无误";
        var admin = await factory.ApiClientAsync(Demo.ChongqingAdmin);
        var verified = await admin.PostAsJsonAsync($"/api/v1/organizations/{id}/verification", new { approve = true, note = Note });
        Assert.Equal(HttpStatusCode.NoContent, verified.StatusCode);
        Assert.Equal(Note, await factory.WithDbAsync(db => db.Organizations.Where(o => o.Id == id).Select(o => o.StatusNote).SingleAsync()));

        var found = await SearchAsync("q=" + Q("磬石纳米"));
        var hit = Assert.Single(Items(found), h => h.GetProperty("id").GetGuid() == id);
        Assert.Equal("Organization", hit.GetProperty("type").GetString());
        Assert.Equal($"/Organizations/Details/{id}", hit.GetProperty("link").GetString());
        Assert.Equal(JsonValueKind.Null, hit.GetProperty("kind").ValueKind);
        Assert.Contains("<mark>", hit.GetProperty("highlights").GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, TypeCounts(found)["Organization"]);

        // The reviewer's note and the credit code are not in any document: their exact values find nothing.
        Assert.Equal(0, (await SearchAsync("q=" + Q(Note))).GetProperty("total").GetInt32());
        Assert.Equal(0, (await SearchAsync("q=" + Q("琥珀47号"))).GetProperty("total").GetInt32());
        Assert.Equal(0, (await SearchAsync("q=" + Q(creditCode))).GetProperty("total").GetInt32());

        // The link opens the organisation's public page, which does not show the reviewer's note either; its administrator
        // (the founder) reads it there.
        var publicPage = await factory.CreateClient().GetAsync(hit.GetProperty("link").GetString());
        Assert.Equal(HttpStatusCode.OK, publicPage.StatusCode);
        var publicHtml = await publicPage.Content.ReadAsStringAsync();
        Assert.Contains(name, publicHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(Note, publicHtml, StringComparison.Ordinal);
        var founder = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await founder.SignInAsync(Demo.Engineer)).StatusCode);
        var (_, ownPage) = await founder.GetAsync(hit.GetProperty("link").GetString()!);
        Assert.Contains(Note, ownPage.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TypeFilter_KeepsOneOrSeveralTypes_AndTheFacetCountsEveryType()
    {
        // 重庆大学 is an organisation of the demo and the owner of instruments whose documents hold its name.
        var all = await SearchAsync("q=" + Q("重庆大学") + "&pageSize=50");
        var counts = TypeCounts(all);
        Assert.True(counts.GetValueOrDefault("Organization") >= 1, all.ToString());
        Assert.True(counts.GetValueOrDefault("Instrument") >= 1, all.ToString());
        Assert.False(all.GetProperty("totalIsEstimate").GetBoolean());
        Assert.Equal(all.GetProperty("total").GetInt32(), counts.Values.Sum());

        var orgs = await SearchAsync("q=" + Q("重庆大学") + "&type=Organization");
        Assert.Equal(counts["Organization"], orgs.GetProperty("total").GetInt32());
        Assert.All(Items(orgs), h => Assert.Equal("Organization", h.GetProperty("type").GetString()));
        var cqu = await factory.WithDbAsync(db => db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).SingleAsync());
        Assert.Contains(Items(orgs), h => h.GetProperty("id").GetGuid() == cqu);

        var instruments = await SearchAsync("q=" + Q("重庆大学") + "&type=instrument");
        Assert.Equal(counts["Instrument"], instruments.GetProperty("total").GetInt32());
        Assert.All(Items(instruments), h =>
        {
            Assert.Equal("Instrument", h.GetProperty("type").GetString());
            Assert.Equal("Instrument", h.GetProperty("kind").GetString());
            Assert.Equal($"/Resources/{h.GetProperty("id").GetGuid()}", h.GetProperty("link").GetString());
        });

        // Several types: repeated or comma-separated, the same records.
        var repeated = await SearchAsync("q=" + Q("重庆大学") + "&type=Organization&type=Instrument&pageSize=50");
        var commas = await SearchAsync("q=" + Q("重庆大学") + "&type=Organization,Instrument&pageSize=50");
        Assert.Equal(counts["Organization"] + counts["Instrument"], repeated.GetProperty("total").GetInt32());
        Assert.Equal(Items(repeated).Select(h => h.GetProperty("id").GetGuid()), Items(commas).Select(h => h.GetProperty("id").GetGuid()));
        Assert.All(Items(repeated), h => Assert.Contains(h.GetProperty("type").GetString(), OrganizationsAndInstruments));

        // A kind outside the chosen types leaves nothing.
        Assert.Equal(0, (await SearchAsync("q=" + Q("重庆大学") + "&type=Organization&kind=Instrument")).GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("type=Expertise")]
    [InlineData("type=Organization,Nothing")]
    [InlineData("type=20")]
    [InlineData("type=%27%20OR%201%3D1--")]
    public async Task AnUnknownType_IsA400_NamingTheParameter(string type)
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/search?q=" + Q("电镜") + "&" + type);
        var problem = await response.AssertProblemAsync(400);
        var reason = problem.GetProperty("errors").GetProperty("type")[0].GetString();
        Assert.Contains("Organization", reason, StringComparison.Ordinal);
        Assert.Contains("Instrument", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADatabaseWithoutOrganisationRows_IsIndexedAtStart()
    {
        // As after migration 0016 on an existing database: the organisations have no search rows yet, and no type is
        // marked as indexed.
        await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM resource_search WHERE kind = {OrganizationSearchSource.Code}"));
        await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM platform_counters WHERE name = {SearchIndexer.TypesCounter}"));
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<SearchEntry>().CountAsync(e => e.Kind == OrganizationSearchSource.Code)));

        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Chuanyu.Web.Data.AppDbContext>();
        var written = await SearchIndexer.IndexMissingAsync(db, scope.ServiceProvider.GetServices<ISearchSource>(), default);

        var verified = await factory.WithDbAsync(d => d.Organizations.CountAsync(o => o.Status == OrganizationStatus.Verified));
        Assert.Equal(verified, written);
        Assert.Equal(verified, await factory.WithDbAsync(d => d.Set<SearchEntry>().CountAsync(e => e.Kind == OrganizationSearchSource.Code)));
        // Marked done: a restart does not look again (a row lost now stays lost until a type is added).
        await factory.WithDbAsync(d => d.Database.ExecuteSqlAsync($"DELETE FROM resource_search WHERE kind = {OrganizationSearchSource.Code}"));
        Assert.Equal(0, await SearchIndexer.IndexMissingAsync(db, scope.ServiceProvider.GetServices<ISearchSource>(), default));

        // Unmarked, they come back (and the other tests of this class find them again).
        await factory.WithDbAsync(d => d.Database.ExecuteSqlAsync($"DELETE FROM platform_counters WHERE name = {SearchIndexer.TypesCounter}"));
        Assert.Equal(verified, await SearchIndexer.IndexMissingAsync(db, scope.ServiceProvider.GetServices<ISearchSource>(), default));
    }
}
