using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Search;

/// <summary>
/// The <c>seed</c> command, run as an operator runs it (the built app as a separate process) on the engine under test,
/// then checked through EF, through the real search API, and against the generator's records analysed independently.
/// </summary>
public sealed class SeedCommandTests
{
    private static Task<(int ExitCode, string Output)> SeedAsync(TestDatabase database, string environment, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [typeof(Program).Assembly.Location, "seed", .. arguments], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = environment,
            ["Database__Provider"] = database.Provider,
            [$"ConnectionStrings__{database.Provider}"] = database.ConnectionString,
        });

    private static async Task<JsonElement> SearchAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/v1/search?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private static List<Guid> Ids(JsonElement result) => result.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();

    /// <summary>
    /// Whether a record matches a query, computed here from the record itself: the analyser's tokens of every field the
    /// search indexes (name, English name, model, maker, owner, class names, keywords, functions, fields, indicators),
    /// and a query alternative all of whose tokens occur.
    /// </summary>
    private static bool Matches(Resource r, string organizationName, string query)
    {
        var cls = InstrumentClasses.Find(r.CategoryCode);
        var top = cls is null ? null : InstrumentClasses.Find(cls.TopCode);
        var tokens = new[] { r.Name, r.EnglishName, r.Model, r.Manufacturer, organizationName, top?.Name, cls?.Name, r.Keywords, r.MainFunctions, r.ApplicationFields, r.TechnicalIndicators }
            .Where(t => !string.IsNullOrEmpty(t))
            .SelectMany(t => ChineseAnalyzer.IndexText(t).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);
        return ChineseAnalyzer.Default.Query(query).Any(alternative => alternative.All(tokens.Contains));
    }

    private static Task<int> SyntheticCountAsync(ChuanyuFactory factory) =>
        factory.WithDbAsync(db => db.Set<Resource>().CountAsync(r => r.Keywords == SyntheticCatalog.Marker));

    private static Task<int> SearchRowsOfSyntheticAsync(ChuanyuFactory factory) =>
        factory.WithDbAsync(db => db.Set<SearchEntry>().Join(db.Set<Resource>().Where(r => r.Keywords == SyntheticCatalog.Marker), e => e.RecordId, r => r.Id, (e, r) => e.DocId).CountAsync());

    /// <summary>SQLite: the three FTS triggers; PostgreSQL: the GIN index over the generated tsvector.</summary>
    private static Task<int> IndexMachineryAsync(ChuanyuFactory factory) => factory.WithDbAsync(db => db.Database.IsSqlite()
        ? db.Database.SqlQuery<int>($"SELECT COUNT(*) AS \"Value\" FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'resource_search_text' AND name IN ('resource_fts_ai', 'resource_fts_ad', 'resource_fts_au')").SingleAsync()
        : db.Database.SqlQuery<int>($"SELECT COUNT(*)::int AS \"Value\" FROM pg_indexes WHERE indexname = 'ix_resource_search_text_vector'").SingleAsync());

    [Fact]
    public async Task Seed2000_WritesWhatTheGeneratorMakes_IndexedAsTheNormalPathIndexes_AndSearchFindsExactlyTheMatches()
    {
        using var factory = new ChuanyuFactory();
        var anonymous = factory.CreateClient();
        string[] queries = ["q=" + Uri.EscapeDataString("扫描电镜"), "q=" + Uri.EscapeDataString("色谱"), "q=" + Uri.EscapeDataString("色谱") + "&region=500000&kind=Instrument",
            "q=JSM-7800F", "q=" + Uri.EscapeDataString("岛津 液相")];
        var before = new Dictionary<string, JsonElement>();
        foreach (var q in queries)
        {
            before[q] = await SearchAsync(anonymous, q + "&pageSize=50");
        }

        var (exit, output) = await SeedAsync(factory.Database, "Development", "--resources", "2000", "--seed", "4242", "--batch", "300");
        Assert.True(exit == 0, output);
        Assert.Contains("Seeded 2,000 resources", output, StringComparison.Ordinal);
        Assert.Contains("resources/s", output, StringComparison.Ordinal);
        Assert.Contains("Database size:", output, StringComparison.Ordinal);

        // (a) every record has its search row.
        Assert.Equal(2000, await SyntheticCountAsync(factory));
        Assert.Equal(2000, await SearchRowsOfSyntheticAsync(factory));
        var organizations = await factory.WithDbAsync(db => db.Organizations.AsNoTracking().ToListAsync());
        var synthetic = organizations.Where(o => o.Address == SyntheticCatalog.OrganizationAddress).ToList();
        Assert.Equal(SyntheticCatalog.OrganizationCount, synthetic.Count);
        Assert.All(synthetic, o => Assert.True(CreditCode.IsValid(o.CreditCode) && o.Status == OrganizationStatus.Verified, o.CreditCode));

        // The records are the generator's, field by field, read back through EF (so every column's encoding round-trips).
        var stored = await factory.WithDbAsync(db => db.Set<Resource>().AsNoTracking().Include(r => r.Fees).Include(r => r.Certifications).AsSplitQuery()
            .Where(r => r.Keywords == SyntheticCatalog.Marker).ToListAsync());
        var entries = await factory.WithDbAsync(db => db.Set<SearchEntry>().AsNoTracking().Include(e => e.Text).ToDictionaryAsync(e => e.RecordId));
        var firstDoc = stored.Min(r => entries[r.Id].DocId);
        var catalog = new SyntheticCatalog(4242, SyntheticCatalog.OwnersFrom(organizations));
        var expected = Enumerable.Range(0, 2000).Select(k => catalog.Create(firstDoc + k, DateTimeOffset.UtcNow)).ToList();
        static string Describe(Resource r) => string.Join("|", r.Id, r.Kind, r.Name, r.EnglishName, r.OrganizationId, r.RegionCode, r.DistrictCode, r.Address,
            r.Status, r.SharingStatus, r.CategoryCode, r.Model, r.Manufacturer, r.CountryOfOrigin, r.OriginalValueFen, r.PurchaseDate, r.TechnicalIndicators,
            r.MainFunctions, r.ApplicationFields, r.Keywords, r.ContactName, r.ContactPhone, r.ContactEmail, r.Version,
            string.Join(";", r.Fees.OrderBy(f => f.UserType).Select(f => $"{f.Id} {f.UserType} {f.PriceFen} {f.Unit} {f.Note}")),
            string.Join(";", r.Certifications.OrderBy(c => c.Type).Select(c => $"{c.Id} {c.Type} {c.Number} {c.ExpiresOn}")));
        Assert.Equal(expected.Select(Describe).Order(StringComparer.Ordinal), stored.Select(Describe).Order(StringComparer.Ordinal));
        Assert.All(stored, r => Assert.EndsWith(SyntheticCatalog.AddressSuffix, r.Address, StringComparison.Ordinal));

        // Each search row is the one the normal path (SaveChanges → SearchIndexer) computes for the record as EF reads it.
        var names = organizations.ToDictionary(o => o.Id, o => o.Name);
        foreach (var r in stored)
        {
            var row = entries[r.Id];
            var normal = SearchIndexer.Build(CatalogSearchSource.Document(r, names[r.OrganizationId]), row.DocId);
            Assert.Equal((normal.SearchKey, normal.Kind, normal.Region, normal.District, normal.Category, normal.Flags, normal.PriceBucket, normal.Quality, normal.OrganizationId, normal.Text.Title, normal.Text.Body, normal.Text.Filters),
                (row.SearchKey, row.Kind, row.Region, row.District, row.Category, row.Flags, row.PriceBucket, row.Quality, row.OrganizationId, row.Text.Title, row.Text.Body, row.Text.Filters));
        }

        // (b) through the API, each query's total grows by exactly the generated records that match it (visible to anyone).
        var visible = expected.Where(r => r.SharingStatus != SharingStatus.InternalOnly).ToList();
        foreach (var q in queries)
        {
            var parameters = System.Web.HttpUtility.ParseQueryString(q);
            var text = parameters["q"]!;
            var matching = visible.Where(r => Matches(r, names[r.OrganizationId], text)
                && (parameters["region"] is not { } region || r.RegionCode == region)
                && (parameters["kind"] is not { } kind || r.Kind.ToString() == kind)).ToList();
            Assert.True(matching.Count > 0, $"{text}: the generated records should hold some matches");
            var after = await SearchAsync(anonymous, q + "&pageSize=50");
            Assert.Equal(before[q].GetProperty("total").GetInt32() + matching.Count, after.GetProperty("total").GetInt32());
            if (after.GetProperty("total").GetInt32() <= 50)
            {
                // Few enough to list: the very same records.
                Assert.Equal(Ids(before[q]).Concat(matching.Select(r => r.Id)).Order(), Ids(after).Order());
            }
        }
        Assert.True(visible.Count(r => Matches(r, names[r.OrganizationId], "色谱")) < 2000 / 2, "a selective query must not match everything");

        // (c) the FTS triggers (SQLite) / the GIN index (PostgreSQL) are back, and follow an edit of a seeded record.
        Assert.Equal(factory.Database.Provider == "Sqlite" ? 3 : 1, await IndexMachineryAsync(factory));
        var cqu = organizations.Single(o => o.Name == "重庆大学").Id;
        var target = stored.First(r => r.OrganizationId == cqu && r.SharingStatus == SharingStatus.OpenToAll);
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var current = JsonNode.Parse(await manager.GetStringAsync($"/api/v1/resources/{target.Id}"))!.AsObject();
        current["name"] = "饕餮麒麟压测更名仪";
        Assert.Equal(HttpStatusCode.OK, (await manager.PutAsJsonAsync($"/api/v1/resources/{target.Id}", current)).StatusCode);
        Assert.Equal([target.Id], Ids(await SearchAsync(anonymous, "q=" + Uri.EscapeDataString("饕餮麒麟"))));
    }

    /// <summary>
    /// Large results: a second instance on the same database is told that 10 matches are "many" and to read tiers in
    /// small groups, so it takes the paths a million rows take (the sample blocks first; then SQLite streams only the
    /// page's candidates, PostgreSQL reads the best tiers round by round). Its pages must be exactly the exact
    /// path's pages, and its totals and facets estimates of the exact ones. Doc ids start at 16,001 so that the records
    /// span two tier blocks and three sample blocks.
    /// </summary>
    [Fact]
    public async Task LargeResults_ReadTheBestTiers_GiveTheExactPages_AndEstimateTotalsFromTheSample()
    {
        using var factory = new ChuanyuFactory();
        _ = factory.Services;
        await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE platform_counters SET value = 16000 WHERE name = {SearchIndexer.DocCounter}"));
        var (exit, output) = await SeedAsync(factory.Database, "Development", "--resources", "8000", "--seed", "77");
        Assert.True(exit == 0, output);
        using var large = ChuanyuFactory.OnSameDatabase(factory.Database, new Dictionary<string, string>
        {
            ["Search:ExactCount"] = "100",
            ["Search:TierGroup"] = "64",
            ["Search:ExactRest"] = "10",
            ["Search:ExactRestSqlite"] = "10",
        });
        // The reference: every result of up to 10,000 matches read whole and counted exactly (the default estimates above 1,000).
        using var exactHost = ChuanyuFactory.OnSameDatabase(factory.Database, new Dictionary<string, string> { ["Search:ExactCount"] = "10000" });
        var exactClient = exactHost.CreateClient();
        var largeClient = large.CreateClient();
        var estimated = 0;
        foreach (var q in new[] { "q=" + Uri.EscapeDataString("色谱"), "q=" + Uri.EscapeDataString("显微镜") + "&region=510000", "q=" + Uri.EscapeDataString("仪") + "&kind=Instrument",
            "q=" + Uri.EscapeDataString("分析") + "&region=500000" })
        {
            var exact = await SearchAsync(exactClient, q + "&pageSize=50");
            Assert.False(exact.GetProperty("totalApproximate").GetBoolean(), q);
            var exactTotal = exact.GetProperty("total").GetInt32();
            Assert.True(exactTotal > 200, $"{q}: {exactTotal} matches are too few to be large");
            var got = await SearchAsync(largeClient, q + "&pageSize=50");
            Assert.True(got.GetProperty("totalApproximate").GetBoolean(), q);
            estimated++;
            // The same records in the same order, on the first page and on a deeper one.
            Assert.Equal(Ids(exact), Ids(got));
            Assert.Equal(Ids(await SearchAsync(exactClient, q + "&pageSize=50&page=4")), Ids(await SearchAsync(largeClient, q + "&pageSize=50&page=4")));
            // An estimate: within a quarter of the exact count, never below what the page shows, and facets that add up to it.
            var total = got.GetProperty("total").GetInt32();
            Assert.InRange(total, (int)(exactTotal * 0.75), (int)(exactTotal * 1.25));
            var kinds = got.GetProperty("facets").GetProperty("kind").EnumerateArray().Sum(v => v.GetProperty("count").GetInt32());
            Assert.InRange(kinds, (int)(total * 0.9), (int)(total * 1.1));
        }
        Assert.Equal(4, estimated);

        // By default a total above 1,000 is an estimate (totalIsEstimate) and one at or below it is exact (issue 14).
        var defaultClient = factory.CreateClient();
        foreach (var q in new[] { "q=" + Uri.EscapeDataString("仪") + "&kind=Instrument", "q=" + Uri.EscapeDataString("显微镜") + "&region=510000" })
        {
            var exactTotal = (await SearchAsync(exactClient, q)).GetProperty("total").GetInt32();
            var byDefault = await SearchAsync(defaultClient, q);
            Assert.Equal(exactTotal > 1000, byDefault.GetProperty("totalIsEstimate").GetBoolean());
            Assert.Equal(exactTotal > 1000, byDefault.GetProperty("totalApproximate").GetBoolean());
            if (exactTotal <= 1000)
            {
                Assert.Equal(exactTotal, byDefault.GetProperty("total").GetInt32());
            }
        }
        Assert.True((await SearchAsync(exactClient, "q=" + Uri.EscapeDataString("仪") + "&kind=Instrument")).GetProperty("total").GetInt32() > 1000);

        // A kind that sits in lower tiers (testing services rank from 310), filtered by its token: on PostgreSQL the walk
        // starts at 层310 instead of spending rounds on tiers without it (8,000 records make the kind large enough for a
        // walk), and gives the exact path's page.
        var services = "q=" + Uri.EscapeDataString("检测") + "&kind=TestingService&pageSize=50";
        var exactServices = await SearchAsync(exactClient, services);
        Assert.True(exactServices.GetProperty("total").GetInt32() > 100, exactServices.GetProperty("total").ToString());
        var largeServices = await SearchAsync(largeClient, services);
        Assert.True(largeServices.GetProperty("totalApproximate").GetBoolean());
        Assert.Equal(Ids(exactServices), Ids(largeServices));
        Assert.All(largeServices.GetProperty("items").EnumerateArray(), i => Assert.Equal("TestingService", i.GetProperty("kind").GetString()));

        // The page says the count is an estimate, in Chinese; the exact instance does not.
        var page = await largeClient.GetStringAsync("/Search?q=" + Uri.EscapeDataString("色谱"));
        Assert.Contains("data-testid=\"approximate\"", page, StringComparison.Ordinal);
        Assert.Matches(@"约 [\d,]+ 条结果", page);
        Assert.DoesNotContain("data-testid=\"approximate\"", await exactClient.GetStringAsync("/Search?q=" + Uri.EscapeDataString("色谱")), StringComparison.Ordinal);

        // A rare word (a model only the demo catalogue holds) stays exact on the large instance too.
        var rare = await SearchAsync(largeClient, "q=Xradia");
        var rareExact = await SearchAsync(exactClient, "q=Xradia");
        Assert.True(rareExact.GetProperty("total").GetInt32() > 0);
        Assert.Equal(rareExact.GetProperty("total").GetInt32(), rare.GetProperty("total").GetInt32());
        Assert.False(rare.GetProperty("totalApproximate").GetBoolean());
    }

    [Fact]
    public async Task SecondRun_AddsMore_WithTheSameOwners_AndAFailedRunLeavesNothingBehind()
    {
        using var factory = new ChuanyuFactory();
        _ = factory.Services; // migrated and seeded with the demo data
        var (first, firstOut) = await SeedAsync(factory.Database, "Development", "--resources", "300", "--seed", "1");
        Assert.True(first == 0, firstOut);
        var (second, secondOut) = await SeedAsync(factory.Database, "Development", "--resources=200", "--seed=1", "--batch=64");
        Assert.True(second == 0, secondOut);
        Assert.Equal(500, await SyntheticCountAsync(factory));
        Assert.Equal(500, await SearchRowsOfSyntheticAsync(factory));
        // The second run continues the sequence (new doc ids, new records) rather than repeating the first.
        var docIds = await factory.WithDbAsync(db => db.Set<SearchEntry>().Join(db.Set<Resource>().Where(r => r.Keywords == SyntheticCatalog.Marker), e => e.RecordId, r => r.Id, (e, r) => e.DocId).ToListAsync());
        Assert.Equal(500, docIds.Max() - docIds.Min() + 1);
        Assert.Equal(SyntheticCatalog.OrganizationCount, await factory.WithDbAsync(db => db.Organizations.CountAsync(o => o.Address == SyntheticCatalog.OrganizationAddress)));
        var anonymous = factory.CreateClient();
        var total = (await SearchAsync(anonymous, "q=" + Uri.EscapeDataString("色谱"))).GetProperty("total").GetInt32();
        Assert.True(total > 0);

        // Wind the doc-id counter back: the next run reserves ids that are taken and fails on the unique index mid-load.
        await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE platform_counters SET value = value - 100 WHERE name = {SearchIndexer.DocCounter}"));
        var counter = await factory.WithDbAsync(db => db.Database.SqlQuery<long>($"SELECT value AS \"Value\" FROM platform_counters WHERE name = {SearchIndexer.DocCounter}").SingleAsync());
        var (failed, failedOut) = await SeedAsync(factory.Database, "Development", "--resources", "300", "--seed", "2", "--batch", "100");
        Assert.True(failed == 1, failedOut);
        Assert.Contains("rolled back", failedOut, StringComparison.Ordinal);

        // Nothing of it remains: no rows, the counter as it was, the index machinery back, search unchanged.
        Assert.Equal(500, await SyntheticCountAsync(factory));
        Assert.Equal(500, await SearchRowsOfSyntheticAsync(factory));
        Assert.Equal(counter, await factory.WithDbAsync(db => db.Database.SqlQuery<long>($"SELECT value AS \"Value\" FROM platform_counters WHERE name = {SearchIndexer.DocCounter}").SingleAsync()));
        Assert.Equal(factory.Database.Provider == "Sqlite" ? 3 : 1, await IndexMachineryAsync(factory));
        Assert.Equal(total, (await SearchAsync(anonymous, "q=" + Uri.EscapeDataString("色谱"))).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Production_IsRefused_AndBadArgumentsAreAUsageError()
    {
        using var factory = new ChuanyuFactory();
        _ = factory.Services;
        var (exit, output) = await SeedAsync(factory.Database, "Production", "--resources", "10");
        Assert.True(exit == 1, output);
        Assert.Contains("refused in the Production environment", output, StringComparison.Ordinal);
        var (usage, usageOut) = await SeedAsync(factory.Database, "Development", "--resources", "many");
        Assert.True(usage == 2, usageOut);
        Assert.Contains("usage: seed --resources N", usageOut, StringComparison.Ordinal);
        Assert.Equal(0, await SyntheticCountAsync(factory));
        Assert.Equal(0, await factory.WithDbAsync(db => db.Organizations.CountAsync(o => o.Address == SyntheticCatalog.OrganizationAddress)));
    }

    [Theory]
    [InlineData(new[] { "seed", "--resources", "1000000" }, 1_000_000, SyntheticCatalog.DefaultSeed, 10_000)]
    [InlineData(new[] { "seed", "--resources=5", "--seed=-7", "--batch", "2" }, 5, -7, 2)]
    [InlineData(new[] { "seed" }, null, null, null)]
    [InlineData(new[] { "seed", "--resources" }, null, null, null)]
    [InlineData(new[] { "seed", "--resources", "0" }, null, null, null)]
    [InlineData(new[] { "seed", "--resources", "10", "--force", "yes" }, null, null, null)]
    [InlineData(new[] { "seed", "--resources", "10", "extra" }, null, null, null)]
    public void Options_AreParsedStrictly(string[] args, int? resources, int? seed, int? batch)
    {
        var options = SeedCommand.ParseOptions(args);
        Assert.Equal(resources, options?.Resources);
        Assert.Equal(seed, options?.Seed);
        Assert.Equal(batch, options?.Batch);
    }

    [Fact]
    public void Generator_IsDeterministic_Marked_AndShapedLikeACatalogue()
    {
        var organizations = SyntheticCatalog.Organizations(DateTimeOffset.UnixEpoch);
        Assert.Equal(SyntheticCatalog.OrganizationCount, organizations.Count);
        Assert.Equal(organizations.Count, organizations.Select(o => o.Name).Distinct().Count());
        Assert.Equal(organizations.Count, organizations.Select(o => o.CreditCode).Distinct().Count());
        Assert.All(organizations, o =>
        {
            Assert.True(CreditCode.IsValid(o.CreditCode), o.CreditCode);
            Assert.Equal(SyntheticCatalog.OrganizationAddress, o.Address);
            Assert.Equal(o.DistrictCode[..2] + "0000", o.RegionCode);
        });
        Assert.Equal(organizations.Select(o => o.Id), SyntheticCatalog.Organizations(DateTimeOffset.UtcNow).Select(o => o.Id));
        Assert.True(organizations.Count(o => o.RegionCode == "500000") is > 60 and < 240, "both regions hold synthetic organisations");

        var divisions = ReferenceData.ReadDivisions().Where(d => d.Level == "county").Select(d => d.Code).ToHashSet();
        Assert.Subset(divisions, SyntheticCatalog.DistrictCodes.ToHashSet());
        var owners = SyntheticCatalog.OwnersFrom(organizations);
        var a = new SyntheticCatalog(7, owners);
        var records = Enumerable.Range(1, 20_000).Select(i => a.Create(i, DateTimeOffset.UnixEpoch)).ToList();
        var again = Enumerable.Range(1, 20_000).Select(i => new SyntheticCatalog(7, owners).Create(i, DateTimeOffset.UnixEpoch)).ToList();
        Assert.Equal(records.Select(r => (r.Id, r.Name, r.Model, r.OrganizationId, r.OriginalValueFen)), again.Select(r => (r.Id, r.Name, r.Model, r.OrganizationId, r.OriginalValueFen)));
        Assert.NotEqual(records.Select(r => r.Name), Enumerable.Range(1, 20_000).Select(i => new SyntheticCatalog(8, owners).Create(i, DateTimeOffset.UnixEpoch).Name));
        Assert.Equal(records.Count, records.Select(r => r.Id).Distinct().Count());

        Assert.All(records, r =>
        {
            Assert.Equal(SyntheticCatalog.Marker, r.Keywords);
            Assert.EndsWith(SyntheticCatalog.AddressSuffix, r.Address, StringComparison.Ordinal);
            Assert.Equal(ResourceStatus.Published, r.Status);
            Assert.True(r.CategoryCode is null || InstrumentClasses.Find(r.CategoryCode) is not null, r.CategoryCode);
            Assert.True(r.Fees.Select(f => f.UserType).Distinct().Count() == r.Fees.Count && r.Certifications.Select(c => c.Type).Distinct().Count() == r.Certifications.Count);
            // The indexed text stays under the indexer's cut, so what the search sees is the whole field.
            Assert.True((r.TechnicalIndicators?.Length ?? 0) <= SearchIndexer.MaxIndexedFieldLength && (r.MainFunctions?.Length ?? 0) <= SearchIndexer.MaxIndexedFieldLength);
        });
        var instruments = records.Where(r => r.Kind == ResourceKind.Instrument).ToList();
        Assert.InRange(instruments.Count / 20_000.0, 0.69, 0.75);
        Assert.Equal(Enum.GetValues<ResourceKind>().Length, records.Select(r => r.Kind).Distinct().Count());
        Assert.All(instruments, r => Assert.True(r.Model is not null && r.Manufacturer is not null && r.CountryOfOrigin is not null && r.PurchaseDate is not null && r.CategoryCode is not null));
        Assert.InRange(instruments.Count(r => r.OriginalValueFen >= Resource.LargeInstrumentThresholdFen) / (double)instruments.Count, 0.4, 0.9);
        Assert.InRange(records.Count(r => r.SharingStatus == SharingStatus.OpenToAll) / 20_000.0, 0.75, 0.9);
        // The example of the brief: a scanning electron microscope is in class 010102 扫描电镜.
        var sems = instruments.Where(r => r.Name.Contains("扫描电子显微镜", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(sems);
        Assert.All(sems, r => Assert.Equal("扫描电镜", InstrumentClasses.Find(r.CategoryCode)!.Name));
        Assert.True(records.Count(r => r.Certifications.Any(c => c.Type == CertificationType.Cma)) > 1000);
        // Zipf-like ownership: the first owner holds far more than the median one.
        var perOwner = records.GroupBy(r => r.OrganizationId).Select(g => g.Count()).OrderDescending().ToList();
        Assert.True(perOwner[0] > 5 * perOwner[perOwner.Count / 2]);
    }
}
