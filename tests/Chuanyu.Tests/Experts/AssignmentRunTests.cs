using System.Globalization;
using System.Net;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Experts;
using ClosedXML.Excel;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NPOI.XSSF.UserModel;
using static Chuanyu.Tests.Booking.BookingTestData;
using static Chuanyu.Tests.Experts.ExpertTestData;

namespace Chuanyu.Tests.Experts;

/// <summary>
/// Bulk assignment on the real host (both engines): a small call runs to Done through the same code the background loop
/// calls, every hard conflict holds, the result file says what the API says; bad uploads store nothing.
/// </summary>
public sealed class AssignmentRunTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 10, 0, 0, Cst);
    private const string Code = "43025";
    private const string Keywords = "批量分配测试甲、批量分配测试乙";
    private readonly ChuanyuFactory _factory = new();
    private readonly WebApplicationFactory<Program> _host;

    public AssignmentRunTests()
    {
        // The loop is off: the test runs the queue itself, with the code the loop calls.
        _host = _factory.WithWebHostBuilder(b => b.UseSetting("Experts:AssignmentIntervalSeconds", "0")
            .ConfigureServices(s => s.AddSingleton<TimeProvider>(new ManualClock(T0))));
    }

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }

    private static string[] Headers => [.. AssignmentRuns.Columns.Select(c => c.Required ? c.Header + "*" : c.Header)];

    /// <summary>A workbook of proposals: each row's values by field (ref, name, organization, disciplines, keywords); a field left out of <paramref name="headers"/> is not a column.</summary>
    private static byte[] Xlsx(IEnumerable<Dictionary<string, string>> rows, string[]? headers = null)
    {
        headers ??= Headers;
        var fields = AssignmentRuns.Columns.Where(c => headers.Contains(c.Header) || headers.Contains(c.Header + "*")).Select(c => c.Field).ToList();
        var workbook = new XSSFWorkbook();
        var sheet = workbook.CreateSheet("proposals");
        var header = sheet.CreateRow(0);
        for (var i = 0; i < headers.Length; i++)
        {
            header.CreateCell(i).SetCellValue(headers[i]);
        }
        var r = 1;
        foreach (var values in rows)
        {
            var row = sheet.CreateRow(r++);
            for (var i = 0; i < fields.Count; i++)
            {
                row.CreateCell(i).SetCellValue(values.GetValueOrDefault(fields[i], ""));
            }
        }
        using var output = new MemoryStream();
        workbook.Write(output, leaveOpen: true);
        return output.ToArray();
    }

    private static Dictionary<string, string> Proposal(int n, string organization, string disciplines = Code, string keywords = Keywords) => new()
    {
        ["ref"] = $"T-{n:000}",
        ["name"] = $"测试项目 {n}",
        ["organization"] = organization,
        ["disciplines"] = disciplines,
        ["keywords"] = keywords,
    };

    private static Task<HttpResponseMessage> StartAsync(HttpClient client, byte[] file, string perProposal = "3", string maxLoad = "4",
        bool randomized = false, string? q = null) =>
        client.PostAsync("/api/v1/assignment-runs", new MultipartFormDataContent
        {
            { new ByteArrayContent(file), "file", "call.xlsx" },
            { new StringContent(perProposal), "perProposal" },
            { new StringContent(maxLoad), "maxLoad" },
            { new StringContent(randomized ? "true" : "false"), "randomized" },
            { new StringContent(q ?? ""), "maxPairProbability" },
        });

    private async Task<int> ProcessQueueAsync()
    {
        using var scope = _host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AssignmentRuns>().ProcessQueuedAsync(CancellationToken.None);
    }

    private Task<List<(Guid Id, string Name)>> VerifiedOrgsAsync(int count) => WithDbAsync(_host, async db =>
        (await db.Organizations.Where(o => o.Status == OrganizationStatus.Verified).OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).Take(count).ToListAsync())
            .Select(o => (o.Id, o.Name)).ToList());

    private static async Task<Guid> TestExpertAsync(HttpClient admin, Guid organization, string name)
    {
        var expert = Expert(organization, disciplines: [Code], name: name);
        expert["keywords"] = Keywords;
        return await CreatedAsync(admin, expert);
    }

    private sealed record Pair(int Row, Guid Expert, int Affinity, int Rank);

    [Fact]
    public async Task ASmallCallRunsToDone_AvoidingApplicantsRelationsAndIntegrityRecords_WithinLoads_AndTheXlsxMatchesTheApi()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var orgs = await VerifiedOrgsAsync(9);
        Assert.True(orgs.Count >= 9, "the demo has verified organisations");
        var applicants = orgs.Take(4).ToList();
        var others = orgs.Skip(4).ToList();

        // Experts who fit every proposal perfectly (same code, the same keywords: affinity 1000), so only the rules keep them off.
        var atApplicant = new List<Guid>();
        foreach (var (org, i) in applicants.Select((o, i) => (o.Id, i)))
        {
            atApplicant.Add(await TestExpertAsync(cq, org, $"分配申报单位专家{i}"));
        }
        var others1 = new List<Guid>();
        foreach (var (org, i) in others.Select((o, i) => (o.Id, i)))
        {
            others1.Add(await TestExpertAsync(cq, org, $"分配其他单位专家{i}"));
        }
        var formerEmployee = others1[0];
        var blocked = others1[1];
        var secondAtSameOrg = await TestExpertAsync(cq, others[2].Id, "分配同单位第二位专家");
        await WithDbAsync(_host, async db =>
        {
            db.Add(new ExpertRelation
            {
                Id = Guid.NewGuid(),
                ExpertId = formerEmployee,
                Kind = ExpertRelationKind.FormerEmployer,
                OrganizationId = applicants[0].Id,
                EndedOn = DateOnly.FromDateTime(T0.Date).AddYears(-1),
                CreatedAt = T0.ToUniversalTime(),
            });
            db.Add(new IntegrityRecord
            {
                Id = Guid.NewGuid(),
                SubjectKind = IntegritySubjectKind.Person,
                SubjectName = "分配失信专家",
                ExpertId = blocked,
                Type = Enum.GetValues<IntegrityRecordType>()[0],
                Severity = Enum.GetValues<IntegritySeverity>()[0],
                StartDate = DateOnly.FromDateTime(T0.Date).AddMonths(-2),
                IssuingAuthority = "测试机关",
                RegionCode = "500000",
                Description = "测试记录",
                CreatedAt = T0.ToUniversalTime(),
                UpdatedAt = T0.ToUniversalTime(),
            });
            return await db.SaveChangesAsync();
        });

        // 20 proposals from the four applicants; the first by its credit code, the others by name.
        var creditCode = await WithDbAsync(_host, db => db.Organizations.Where(o => o.Id == applicants[0].Id).Select(o => o.CreditCode).SingleAsync());
        var rows = Enumerable.Range(1, 20).Select(n => Proposal(n, n % 4 == 1 ? creditCode : applicants[(n - 1) % 4].Name)).ToList();
        var response = await StartAsync(cq, Xlsx(rows));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var started = (await response.ReadJsonAsync()).GetProperty("run");
        var id = started.GetProperty("id").GetGuid();
        Assert.Equal("Queued", started.GetProperty("status").GetString());
        Assert.Equal(20, started.GetProperty("proposalCount").GetInt32());
        Assert.Equal(response.Headers.Location!.OriginalString, $"/api/v1/assignment-runs/{id}");
        Assert.True(await WithDbAsync(_host, db => db.AuditEntries.AnyAsync(a => a.Action == "assignment.start" && a.Target == $"assignment-run:{id}")));

        Assert.Equal(1, await ProcessQueueAsync());
        Assert.Equal(0, await ProcessQueueAsync());

        var body = await cq.GetFromJsonElementAsync($"/api/v1/assignment-runs/{id}?pageSize=100");
        var run = body.GetProperty("run");
        Assert.Equal("Done", run.GetProperty("status").GetString());
        Assert.Equal(100, run.GetProperty("progress").GetInt32());
        var results = body.GetProperty("results").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(20, results.Count);
        var pairs = results.SelectMany(p => p.GetProperty("experts").EnumerateArray().Select(e => new Pair(p.GetProperty("row").GetInt32(),
            e.GetProperty("expertId").GetGuid(), e.GetProperty("affinity").GetInt32(), e.GetProperty("rank").GetInt32()))).ToList();
        Assert.NotEmpty(pairs);
        Assert.Equal(run.GetProperty("totalAffinity").GetInt64(), pairs.Sum(p => (long)p.Affinity));
        Assert.Equal(60 - pairs.Count, run.GetProperty("unfilledSeats").GetInt32());
        Assert.True(run.GetProperty("greedyAffinity").GetInt64() > 0);

        // The hard rules, checked against the database.
        var applicantOf = rows.Select((r, i) => (Row: i + 2, Org: applicants[i % 4].Id)).ToDictionary(x => x.Row, x => x.Org);
        var expertIds = pairs.Select(p => p.Expert).Distinct().ToList();
        var orgOf = await WithDbAsync(_host, db => db.Set<Expert>().Where(e => expertIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.OrganizationId));
        Assert.All(pairs, p => Assert.NotEqual(applicantOf[p.Row], orgOf[p.Expert]));
        Assert.All(pairs.GroupBy(p => p.Row), g => Assert.True(g.Count() <= 3 && g.Select(p => orgOf[p.Expert]).Distinct().Count() == g.Count(), $"row {g.Key}"));
        Assert.All(pairs.GroupBy(p => p.Expert), g => Assert.True(g.Count() <= 4, $"expert {g.Key} has {g.Count()}"));
        var cutoff = DateOnly.FromDateTime(T0.Date).AddYears(-3);
        var related = await WithDbAsync(_host, db => db.Set<ExpertRelation>().Where(r => r.OrganizationId != null && (r.EndedOn == null || r.EndedOn >= cutoff))
            .Select(r => new { r.ExpertId, Org = r.OrganizationId!.Value }).ToListAsync());
        Assert.DoesNotContain(pairs, p => related.Any(r => r.ExpertId == p.Expert && r.Org == applicantOf[p.Row]));
        var blockedIds = await WithDbAsync(_host, db => db.Set<IntegrityRecord>().Where(r => r.ExpertId != null && r.RevokedAt == null).Select(r => r.ExpertId!.Value).ToListAsync());
        Assert.DoesNotContain(pairs, p => blockedIds.Contains(p.Expert));
        // The perfect-fit experts are used where the rules allow: the rules, not a lack of candidates, kept them off.
        Assert.Contains(pairs, p => p.Expert == formerEmployee && applicantOf[p.Row] != applicants[0].Id);
        Assert.Contains(pairs, p => p.Expert == atApplicant[0]);
        Assert.DoesNotContain(pairs, p => p.Expert == blocked);
        Assert.DoesNotContain(pairs, p => p.Expert == formerEmployee && applicantOf[p.Row] == applicants[0].Id);
        Assert.DoesNotContain(pairs.GroupBy(p => p.Row), g => g.Any(p => p.Expert == others1[2]) && g.Any(p => p.Expert == secondAtSameOrg));

        // The result file says what the API says.
        var file = await cq.GetAsync($"/api/v1/assignment-runs/{id}/result.xlsx");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        using var workbook = new XLWorkbook(new MemoryStream(await file.Content.ReadAsByteArrayAsync()));
        var sheet = workbook.Worksheet(1);
        var fromFile = sheet.RowsUsed().Skip(1).Where(r => !string.IsNullOrEmpty(r.Cell(5).GetString()))
            .Select(r => new Pair((int)r.Cell(1).GetDouble(), Guid.Parse(r.Cell(5).GetString()), (int)r.Cell(9).GetDouble(), (int)r.Cell(10).GetDouble())).ToList();
        Assert.Equal(pairs.OrderBy(p => p.Row).ThenBy(p => p.Rank), fromFile.OrderBy(p => p.Row).ThenBy(p => p.Rank));
        var missingInFile = sheet.RowsUsed().Skip(1).Where(r => string.IsNullOrEmpty(r.Cell(5).GetString())).Sum(r => (int)r.Cell(13).GetDouble());
        Assert.Equal(60 - pairs.Count, missingInFile);
        var figures = workbook.Worksheet(2).RowsUsed().Skip(1).ToDictionary(r => r.Cell(1).GetString(), r => r.Cell(2).GetString());
        Assert.Equal(run.GetProperty("totalAffinity").GetInt64().ToString(CultureInfo.InvariantCulture), figures["总亲和度"]);
        Assert.Equal(run.GetProperty("greedyAffinity").GetInt64().ToString(CultureInfo.InvariantCulture), figures["贪心基线总亲和度"]);

        // The pages: the list shows the run, the run's page its figures and the proposals.
        var list = await cq.GetStringAsync("/Experts/Assignments");
        Assert.Contains($"data-run=\"{id}\"", list, StringComparison.Ordinal);
        var page = await cq.GetStringAsync($"/Experts/Assignments/{id}");
        Assert.Contains("data-testid=\"run-figures\"", page, StringComparison.Ordinal);
        Assert.Contains($"data-expert=\"{pairs[0].Expert}\"", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"assignments-link\"", await cq.GetStringAsync("/Experts/Reviews"), StringComparison.Ordinal);

        // Another region's administrator does not find it; a member may not use the API at all.
        var sc = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        Assert.Equal(HttpStatusCode.NotFound, (await sc.GetAsync($"/api/v1/assignment-runs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sc.GetAsync($"/api/v1/assignment-runs/{id}/result.xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sc.GetAsync($"/Experts/Assignments/{id}")).StatusCode);
        Assert.DoesNotContain(id.ToString(), await sc.GetStringAsync("/api/v1/assignment-runs"), StringComparison.Ordinal);
        var engineer = await SignedInAsync(_host, "engineer@chuanyu.demo");
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.GetAsync($"/api/v1/assignment-runs/{id}")).StatusCode);
    }

    [Fact]
    public async Task TheRandomisedModeRespectsTheSameRules()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var orgs = await VerifiedOrgsAsync(6);
        foreach (var (org, i) in orgs.Skip(1).Select((o, i) => (o.Id, i)))
        {
            await TestExpertAsync(cq, org, $"随机分配专家{i}");
        }
        var response = await StartAsync(cq, Xlsx(Enumerable.Range(1, 6).Select(n => Proposal(n, orgs[0].Name))), perProposal: "2", maxLoad: "3", randomized: true, q: "0.5");
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await response.ReadJsonAsync()).GetProperty("run").GetProperty("id").GetGuid();
        Assert.Equal(1, await ProcessQueueAsync());
        var body = await cq.GetFromJsonElementAsync($"/api/v1/assignment-runs/{id}?pageSize=100");
        Assert.Equal("Done", body.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal(0.5, body.GetProperty("run").GetProperty("maxPairProbability").GetDouble());
        var experts = body.GetProperty("results").GetProperty("items").EnumerateArray().SelectMany(p => p.GetProperty("experts").EnumerateArray())
            .Select(e => e.GetProperty("expertId").GetGuid()).ToList();
        Assert.NotEmpty(experts);
        var orgOf = await WithDbAsync(_host, db => db.Set<Expert>().Where(e => experts.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.OrganizationId));
        Assert.DoesNotContain(experts, e => orgOf[e] == orgs[0].Id);
        Assert.All(experts.GroupBy(e => e), g => Assert.True(g.Count() <= 3));
    }

    [Fact]
    public async Task BadUploadsAreRefused_WithEveryBadRowReported_AndNothingStored()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var org = (await VerifiedOrgsAsync(1))[0].Name;
        var file = Xlsx([
            Proposal(1, org),                                        // row 2: good, but the file fails as a whole
            Proposal(2, org, disciplines: "43025、99999"),           // row 3: not a GB/T 13745 code
            Proposal(3, "不存在的申报单位"),                          // row 4: no such organisation
            Proposal(1, org),                                        // row 5: the same reference as row 2
            new() { ["ref"] = "T-9", ["organization"] = org, ["disciplines"] = Code }, // row 6: no name
        ]);
        var response = await StartAsync(cq, file);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var errors = body.GetProperty("errors").EnumerateArray()
            .Select(e => (Row: e.GetProperty("row").GetInt32(), Column: e.GetProperty("column").GetString(), Code: e.GetProperty("code").GetString())).ToList();
        Assert.Contains((3, "学科代码", "Assignments.DisciplineUnknown"), errors);
        Assert.Contains((4, "申报单位", "Assignments.OrganizationUnknown"), errors);
        Assert.Contains((5, "编号", "Assignments.RefDuplicate"), errors);
        Assert.Contains((6, "名称", "Assignments.NameRequired"), errors);
        Assert.DoesNotContain(errors, e => e.Row == 2);
        Assert.Equal(4, body.GetProperty("errorCount").GetInt32());

        // A required column missing: the file is refused as such.
        var noCodes = await StartAsync(cq, Xlsx([Proposal(1, org)], [.. Headers.Where(h => !h.StartsWith("学科代码", StringComparison.Ordinal))]));
        Assert.Equal(HttpStatusCode.BadRequest, noCodes.StatusCode);
        Assert.Contains("Experts.ImportColumnsMissing", (await noCodes.ReadJsonAsync()).GetProperty("errorCodes").GetRawText(), StringComparison.Ordinal);

        // k = 0 and a load of 0: the options' fields.
        var zero = await StartAsync(cq, Xlsx([Proposal(1, org)]), perProposal: "0", maxLoad: "0");
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        var fields = (await zero.ReadJsonAsync()).GetProperty("errors");
        Assert.True(fields.TryGetProperty("perProposal", out _));
        Assert.True(fields.TryGetProperty("maxLoad", out _));

        // Randomised without a cap in (0, 1].
        Assert.Equal(HttpStatusCode.BadRequest, (await StartAsync(cq, Xlsx([Proposal(1, org)]), randomized: true, q: "1.5")).StatusCode);

        // More than the limit: 413 before anything is read.
        var huge = new byte[(int)AssignmentRuns.MaxFileBytes + 1];
        "PK\u0003\u0004"u8.CopyTo(huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await StartAsync(cq, huge)).StatusCode);

        // Not a workbook.
        Assert.Equal(HttpStatusCode.BadRequest, (await StartAsync(cq, "ref,name\n"u8.ToArray())).StatusCode);

        // A member is not a region administrator.
        var engineer = await SignedInAsync(_host, "engineer@chuanyu.demo");
        Assert.Equal(HttpStatusCode.Forbidden, (await StartAsync(engineer, Xlsx([Proposal(1, org)]))).StatusCode);

        Assert.Equal(0, await WithDbAsync(_host, db => db.Set<AssignmentRun>().CountAsync()));
        Assert.Equal(0, await WithDbAsync(_host, db => db.Set<AssignmentProposal>().CountAsync()));
    }

    [Fact]
    public async Task TheTemplateHasTheProposalColumns_AndItsExampleRowIsAccepted()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var template = await cq.GetByteArrayAsync("/api/v1/assignment-runs/template");
        using var workbook = new XLWorkbook(new MemoryStream(template));
        Assert.Equal(Headers, workbook.Worksheet(1).Row(1).CellsUsed().Select(c => c.GetString()).ToArray());
        var response = await StartAsync(cq, template);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await response.ReadJsonAsync()).GetProperty("run").GetProperty("id").GetGuid();
        Assert.Equal(1, await ProcessQueueAsync());
        Assert.Equal("Done", (await cq.GetFromJsonElementAsync($"/api/v1/assignment-runs/{id}")).GetProperty("run").GetProperty("status").GetString());
    }
}

internal static class AssignmentTestHttp
{
    public static async Task<JsonElement> GetFromJsonElementAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }
}
