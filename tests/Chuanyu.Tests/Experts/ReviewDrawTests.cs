using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Matching.Draws;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Experts;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Chuanyu.Tests.Booking.BookingTestData;
using static Chuanyu.Tests.Experts.ExpertTestData;

namespace Chuanyu.Tests.Experts;

/// <summary>
/// Review activities and their committed draws on a fixed clock: the avoidance rules keep applicants' experts, named
/// persons and requested exclusions off the panel; the list is sealed until the review; a decline calls a substitute
/// or a new committed draw; after the review the seeds are revealed and every draw recomputes.
/// The experts of these tests are in 考古学 (780), a discipline no demo expert has, so the pool is the tests' own.
/// </summary>
public sealed class ReviewDrawTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 10, 10, 0, 0, Cst);
    private readonly ChuanyuFactory _factory = new();
    private readonly WebApplicationFactory<Program> _host;
    private readonly ManualClock _clock = new(T0);

    public ReviewDrawTests()
    {
        _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_clock)));
    }

    public void Dispose()
    {
        _host.Dispose();
        _factory.Dispose();
    }

    private static readonly string[] Archaeology = ["78010"];

    private static readonly string[] Institutions = ["重庆大学", "西南大学", "重庆医科大学", "中国科学院重庆绿色智能技术研究院", "重庆市计量质量检测研究院"];
    private static readonly string[] SichuanInstitutions = ["四川大学", "电子科技大学", "西南交通大学", "西南石油大学", "四川省农业科学院"];

    /// <summary>Creates experts in 考古学 at the given institutions (Chongqing ones by the Chongqing admin, Sichuan ones by Sichuan's).</summary>
    private async Task<List<(Guid Id, Guid Org, string IdNumber)>> PoolAsync(HttpClient cq, HttpClient sc, IEnumerable<string> orgs, string title = "FullSenior")
    {
        var list = new List<(Guid, Guid, string)>();
        foreach (var name in orgs)
        {
            var org = await OrgAsync(_host, name);
            var idNumber = NewIdNumber();
            var expert = Expert(org, idNumber, disciplines: Archaeology, name: "考古专家" + list.Count);
            expert["titleLevel"] = title;
            var admin = SichuanInstitutions.Contains(name) ? sc : cq;
            list.Add((await CreatedAsync(admin, expert), org, idNumber));
        }
        return list;
    }

    private static Dictionary<string, object?> Activity(int panel = 5, int alternates = 2, int seniorPercent = 60, int otherRegion = 1) => new()
    {
        ["title"] = "2027年度重庆市考古学科研项目评审",
        ["kind"] = "ProjectReview",
        ["disciplines"] = new[] { "780" },
        ["panelSize"] = panel,
        ["alternates"] = alternates,
        ["minSeniorPercent"] = seniorPercent,
        ["minOtherRegion"] = otherRegion,
        ["onePerInstitution"] = true,
        ["coolDownDays"] = 90,
        ["reviewStartsAt"] = T0.AddDays(10),
        ["reviewEndsAt"] = T0.AddDays(12),
        ["responseDeadline"] = T0.AddDays(3),
    };

    private static async Task<Guid> CreateActivityAsync(HttpClient admin, Dictionary<string, object?> activity)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/review-activities", activity);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    private static async Task AddItemAsync(HttpClient admin, Guid activity, Guid applicant, params (string Name, string IdNumber)[] persons)
    {
        var response = await admin.PostAsJsonAsync($"/api/v1/review-activities/{activity}/items", new
        {
            title = "川渝地区巴蜀文化遗址考古研究",
            applicantOrganizationId = applicant,
            persons = persons.Select(p => new { name = p.Name, idNumber = p.IdNumber }).ToArray(),
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<List<ReviewSeat>> SeatsAsync(Guid activity) =>
        WithDbAsync(_host, db => db.Set<ReviewSeat>().AsNoTracking().Where(s => s.ActivityId == activity).OrderBy(s => s.Position).ToListAsync());

    [Fact]
    public async Task TheDraw_KeepsApplicantsNamedPersonsAndExclusionsOff_CommitsInTheAudit_InvitesThroughTheOutbox_AndIsSealed()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var sc = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        var pool = await PoolAsync(cq, sc, Institutions.Concat(SichuanInstitutions));
        var applicant = pool[0];        // 重庆大学: its expert may not review
        var named = pool[1];            // 西南大学's expert is named on the item
        var excluded = pool[5];         // 四川大学's expert, excluded at the applicant's request

        var activity = await CreateActivityAsync(cq, Activity());
        await AddItemAsync(cq, activity, applicant.Org, ("考古专家1", named.IdNumber));
        var exclusion = await cq.PostAsJsonAsync($"/api/v1/review-activities/{activity}/exclusions", new
        {
            itemId = (await cq.GetFromJsonAsync<JsonElement>($"/api/v1/review-activities/{activity}/items"))[0].GetProperty("id").GetGuid(),
            expertId = excluded.Id,
            source = "Applicant",
            reason = "与申请人存在竞争关系",
        });
        Assert.True(exclusion.IsSuccessStatusCode, await exclusion.Content.ReadAsStringAsync());

        // The other region's administrators do not see the activity at all.
        Assert.Equal(HttpStatusCode.NotFound, (await sc.GetAsync($"/api/v1/review-activities/{activity}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await sc.PostAsync($"/api/v1/review-activities/{activity}/draw", null)).StatusCode);

        var drawn = await cq.PostAsync($"/api/v1/review-activities/{activity}/draw", null);
        Assert.True(drawn.IsSuccessStatusCode, await drawn.Content.ReadAsStringAsync());

        var seats = await SeatsAsync(activity);
        Assert.Equal(5, seats.Count(s => s.Role == SeatRole.Member));
        Assert.Equal(2, seats.Count(s => s.Role == SeatRole.Alternate));
        foreach (var gone in new[] { applicant.Id, named.Id, excluded.Id })
        {
            Assert.DoesNotContain(seats, s => s.ExpertId == gone);
        }
        Assert.All(seats.Where(s => s.Role == SeatRole.Member), s => Assert.Equal(SeatStatus.Invited, s.Status));

        var draw = await WithDbAsync(_host, db => db.Set<ReviewDraw>().AsNoTracking().SingleAsync(d => d.ActivityId == activity));
        Assert.Equal(7, draw.CandidateCount);
        Assert.DoesNotContain(draw.Commitment, draw.SeedProtected, StringComparison.Ordinal);
        Assert.Null(draw.SeedRevealed);
        var counts = JsonSerializer.Deserialize<Dictionary<string, int>>(draw.ExclusionCounts)!;
        Assert.Equal(1, counts["applicantInstitution"]);
        Assert.Equal(1, counts["namedPerson"]);
        Assert.Equal(1, counts["requested"]);

        // The commitment and the list's hash are in the audit chain from the draw on.
        var commit = await WithDbAsync(_host, db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "expert-draw.commit" && e.Target == $"review:{activity}"));
        Assert.Contains(draw.Commitment, commit.Detail!, StringComparison.Ordinal);
        Assert.Contains(draw.CandidateListHash, commit.Detail!, StringComparison.Ordinal);

        // Each member is invited by e-mail and SMS; the alternates are not told yet.
        var outbox = await WithDbAsync(_host, db => db.Outbox.AsNoTracking().Where(m => m.Subject.Contains("2027年度重庆市考古学科研项目评审")).ToListAsync());
        Assert.Equal(5, outbox.Count(m => m.Channel == "email"));
        Assert.Equal(5, outbox.Count(m => m.Channel == ExpertInvitations.SmsChannel));

        // Sealed: the public sees the commitment but no names, list or panel; the record is not out before the reveal.
        var anonymous = _host.CreateClient();
        var published = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/review-draws/{activity}");
        var first = published.GetProperty("draws")[0];
        Assert.Equal(draw.Commitment, first.GetProperty("commitment").GetString());
        Assert.Empty(first.GetProperty("drawn").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("seed").ValueKind);
        Assert.DoesNotContain("考古专家", published.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/review-draws/{activity}/1/record")).StatusCode);

        // A drawn activity no longer changes.
        Assert.Equal(HttpStatusCode.Conflict, (await cq.PostAsync($"/api/v1/review-activities/{activity}/draw", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await cq.PostAsJsonAsync($"/api/v1/review-activities/{activity}/items",
            new { title = "追加项目", applicantOrganizationId = applicant.Org })).StatusCode);
    }

    [Fact]
    public async Task AnInvitedExpertSeesOnlyTheirOwnSeat_ADeclineCallsANewCommittedDraw_AndTheRevealedDrawsRecompute()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var sc = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        // expert1 (电子科技大学) joins the archaeology pool through their own profile; four more at other institutions.
        var expert1 = await SignedInAsync(_host, "expert1@chuanyu.demo");
        var profile = await expert1.GetFromJsonAsync<JsonElement>("/api/v1/experts/me");
        var put = await expert1.PutAsJsonAsync("/api/v1/experts/me", new { disciplines = Archaeology, primaryDiscipline = "78010", availability = "Available" });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        await PoolAsync(cq, sc, ["西南大学", "重庆医科大学", "四川大学", "西南交通大学"]);

        // Exactly five candidates and no alternates: expert1 is certainly on the panel.
        var activity = await CreateActivityAsync(cq, Activity(alternates: 0));
        await AddItemAsync(cq, activity, await OrgAsync(_host, "重庆大学"));
        Assert.True((await cq.PostAsync($"/api/v1/review-activities/{activity}/draw", null)).IsSuccessStatusCode);

        var mine = await expert1.GetFromJsonAsync<JsonElement>("/api/v1/experts/me/invitations");
        var invitation = Assert.Single(mine.EnumerateArray());
        Assert.Equal("Invited", invitation.GetProperty("status").GetString());
        Assert.DoesNotContain("考古专家", mine.GetRawText(), StringComparison.Ordinal);
        var seatId = invitation.GetProperty("seatId").GetGuid();

        // Another expert cannot read or answer it; nor can the administrator answer for the expert.
        var expert2 = await SignedInAsync(_host, "expert2@chuanyu.demo");
        Assert.Empty((await expert2.GetFromJsonAsync<JsonElement>("/api/v1/experts/me/invitations")).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await expert2.PostAsJsonAsync($"/api/v1/experts/me/invitations/{seatId}/answer", new { answer = "Accept" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cq.PostAsJsonAsync($"/api/v1/experts/me/invitations/{seatId}/answer", new { answer = "Accept" })).StatusCode);

        // A decline needs a reason.
        var noReason = await expert1.PostAsJsonAsync($"/api/v1/experts/me/invitations/{seatId}/answer", new { answer = "Decline" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.True((await noReason.ReadJsonAsync()).GetProperty("errors").TryGetProperty("reason", out _));

        // Two experts join after the draw: not on the frozen list, so only a new committed draw can call one of them.
        var late = await PoolAsync(cq, sc, ["重庆市计量质量检测研究院", "西南石油大学"]);
        var declined = await expert1.PostAsJsonAsync($"/api/v1/experts/me/invitations/{seatId}/answer", new { answer = "DeclareConflict", reason = "近三年与申请单位有合作" });
        Assert.True(declined.IsSuccessStatusCode, await declined.Content.ReadAsStringAsync());

        var seats = await SeatsAsync(activity);
        var draws = await WithDbAsync(_host, db => db.Set<ReviewDraw>().AsNoTracking().Where(d => d.ActivityId == activity).OrderBy(d => d.Sequence).ToListAsync());
        Assert.Equal(2, draws.Count);
        var substitute = Assert.Single(seats, s => s.DrawId == draws[1].Id && s.Role == SeatRole.Member);
        Assert.Equal(seatId, substitute.ReplacesSeatId);
        Assert.Contains(late, l => l.Id == substitute.ExpertId);
        Assert.Equal(SeatStatus.ConflictDeclared, seats.Single(s => s.Id == seatId).Status);
        // The declared conflict is kept as an exclusion of the activity.
        var exclusions = await cq.GetFromJsonAsync<JsonElement>($"/api/v1/review-activities/{activity}/exclusions");
        Assert.Contains(exclusions.EnumerateArray(), x => x.GetProperty("source").GetString() == "ExpertDeclared"
            && x.GetProperty("expertId").GetGuid() == profile.GetProperty("id").GetGuid());

        // Cannot close before the review is over; afterwards the seeds are revealed and both draws recompute.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await cq.PostAsync($"/api/v1/review-activities/{activity}/close", null)).StatusCode);
        _clock.Set(T0.AddDays(13));
        cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        Assert.True((await cq.PostAsync($"/api/v1/review-activities/{activity}/close", null)).IsSuccessStatusCode);

        var anonymous = _host.CreateClient();
        var published = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/review-draws/{activity}");
        foreach (var d in published.GetProperty("draws").EnumerateArray())
        {
            Assert.True(d.GetProperty("intact").GetBoolean(), d.GetRawText());
            Assert.Equal(64, d.GetProperty("seed").GetString()!.Length);
        }
        Assert.Contains("考古专家", published.GetRawText(), StringComparison.Ordinal);
        for (var sequence = 1; sequence <= 2; sequence++)
        {
            var json = await anonymous.GetStringAsync($"/api/v1/review-draws/{activity}/{sequence}/record");
            var record = DrawRecord.FromJson(json);
            Assert.True(DrawVerifier.Verify(record, VerifyDrawCommand.HashById).Intact);
            // A tampered seed or list no longer verifies.
            Assert.False(DrawVerifier.Verify(record with { Seed = new string('0', 64) }, VerifyDrawCommand.HashById).Intact);
            Assert.False(DrawVerifier.Verify(record with { Candidates = record.Candidates.Skip(1).ToList() }, VerifyDrawCommand.HashById).Intact);
        }
        var reveal = await WithDbAsync(_host, db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "expert-draw.reveal" && e.Target == $"review:{activity}"));
        var seeds = await WithDbAsync(_host, db => db.Set<ReviewDraw>().Where(d => d.ActivityId == activity).Select(d => d.SeedRevealed!).ToListAsync());
        Assert.All(seeds, seed => Assert.Contains(seed, reveal.Detail!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoAnswerByTheDeadline_CallsTheFirstFittingAlternate_AndTheSubstitutionIsInTheRecord()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var sc = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        await PoolAsync(cq, sc, ["重庆大学", "西南大学", "重庆医科大学", "四川大学", "电子科技大学", "西南交通大学"]);
        var activity = await CreateActivityAsync(cq, Activity(alternates: 1, seniorPercent: 0, otherRegion: 0));
        await AddItemAsync(cq, activity, await OrgAsync(_host, "四川省农业科学院"));
        Assert.True((await cq.PostAsync($"/api/v1/review-activities/{activity}/draw", null)).IsSuccessStatusCode);
        var before = await SeatsAsync(activity);
        var alternate = Assert.Single(before, s => s.Role == SeatRole.Alternate);

        // Four members accept in the database's view; one does not answer by the deadline.
        var silent = before.First(s => s.Role == SeatRole.Member);
        await WithDbAsync(_host, db => db.Set<ReviewSeat>().Where(s => s.ActivityId == activity && s.Role == SeatRole.Member && s.Id != silent.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SeatStatus.Accepted)));
        _clock.Set(T0.AddDays(3).AddMinutes(1));
        var replaced = await WithScopeAsync(s => s.GetRequiredService<ReviewDraws>().ProcessOverdueAsync(CancellationToken.None));
        Assert.Equal(1, replaced);

        var after = await SeatsAsync(activity);
        Assert.Equal(SeatStatus.NoAnswer, after.Single(s => s.Id == silent.Id).Status);
        var called = after.Single(s => s.Id == alternate.Id);
        Assert.Equal(SeatRole.Member, called.Role);
        Assert.Equal(SeatStatus.Invited, called.Status);
        Assert.Equal(silent.Id, called.ReplacesSeatId);
        Assert.True(called.AnswerBy > _clock.GetUtcNow(), "a substitute gets time to answer");

        _clock.Set(T0.AddDays(13));
        cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        Assert.True((await cq.PostAsync($"/api/v1/review-activities/{activity}/close", null)).IsSuccessStatusCode);
        var record = DrawRecord.FromJson(await _host.CreateClient().GetStringAsync($"/api/v1/review-draws/{activity}/1/record"));
        var substitution = Assert.Single(record.Substitutions);
        Assert.Equal(silent.ExpertId.ToString("D"), substitution.Declined);
        Assert.Equal(alternate.ExpertId.ToString("D"), substitution.Substitute);
        Assert.True(DrawVerifier.Verify(record, VerifyDrawCommand.HashById).Intact);
        // Swapping the substitute for another candidate breaks the verification.
        Assert.False(DrawVerifier.Verify(record with { Substitutions = [substitution with { Substitute = record.Panel[1] }] }, VerifyDrawCommand.HashById).Intact);
    }

    [Fact]
    public async Task CancellingADrawnActivity_RevealsItsSeeds_TellsTheInvited_AndTheDrawStillVerifies_ButNotOnceTheReviewStarted()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var sc = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        await PoolAsync(cq, sc, ["重庆大学", "西南大学", "重庆医科大学", "四川大学", "电子科技大学", "西南交通大学", "西南石油大学"]);
        var activity = await CreateActivityAsync(cq, Activity(alternates: 1, seniorPercent: 0, otherRegion: 0));
        await AddItemAsync(cq, activity, await OrgAsync(_host, "四川省农业科学院"));
        Assert.True((await cq.PostAsync($"/api/v1/review-activities/{activity}/draw", null)).IsSuccessStatusCode);

        // A reason is required; the other region's administrator cannot even see the activity.
        var noReason = await cq.PostAsJsonAsync($"/api/v1/review-activities/{activity}/cancel", new { reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.True((await noReason.ReadJsonAsync()).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await sc.PostAsJsonAsync($"/api/v1/review-activities/{activity}/cancel", new { reason = "申请单位撤回申报" })).StatusCode);
        Assert.Null(await WithDbAsync(_host, db => db.Set<ReviewDraw>().Where(d => d.ActivityId == activity).Select(d => d.SeedRevealed).SingleAsync()));

        var cancelled = await cq.PostAsJsonAsync($"/api/v1/review-activities/{activity}/cancel", new { reason = "申请单位撤回申报" });
        Assert.True(cancelled.IsSuccessStatusCode, await cancelled.Content.ReadAsStringAsync());
        Assert.Equal("Cancelled", (await cq.GetFromJsonAsync<JsonElement>($"/api/v1/review-activities/{activity}")).GetProperty("status").GetString());

        // The five invited members are told on both channels; the alternate, never invited, is not.
        var notices = await WithDbAsync(_host, db => db.Outbox.AsNoTracking().Where(m => m.Body.Contains("申请单位撤回申报")).ToListAsync());
        Assert.Equal(5, notices.Count(m => m.Channel == "email"));
        Assert.Equal(5, notices.Count(m => m.Channel == ExpertInvitations.SmsChannel));

        // The seed is out and the public record verifies: a cancelled draw cannot hide an unwelcome panel.
        var record = DrawRecord.FromJson(await _host.CreateClient().GetStringAsync($"/api/v1/review-draws/{activity}/1/record"));
        Assert.True(DrawVerifier.Verify(record, VerifyDrawCommand.HashById).Intact);
        var audit = await WithDbAsync(_host, db => db.AuditEntries.AsNoTracking().Where(e => e.Target == $"review:{activity}").Select(e => e.Action).ToListAsync());
        Assert.Contains("expert-draw.reveal", audit);
        Assert.Contains("review.cancel", audit);
        Assert.Equal(HttpStatusCode.Conflict, (await cq.PostAsJsonAsync($"/api/v1/review-activities/{activity}/cancel", new { reason = "再次撤销" })).StatusCode);

        // Once the review has started a drawn activity can only be closed.
        var started = await CreateActivityAsync(cq, Activity(alternates: 0, seniorPercent: 0, otherRegion: 0));
        await AddItemAsync(cq, started, await OrgAsync(_host, "四川省农业科学院"));
        Assert.True((await cq.PostAsync($"/api/v1/review-activities/{started}/draw", null)).IsSuccessStatusCode);
        _clock.Set(T0.AddDays(10).AddMinutes(1));
        cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        Assert.Equal(HttpStatusCode.Conflict, (await cq.PostAsJsonAsync($"/api/v1/review-activities/{started}/cancel", new { reason = "申请单位撤回申报" })).StatusCode);
        Assert.Null(await WithDbAsync(_host, db => db.Set<ReviewDraw>().Where(d => d.ActivityId == started).Select(d => d.SeedRevealed).SingleAsync()));
    }

    [Fact]
    public async Task ActivityRules_AreCheckedField_ByField_AndApplicantsGetAtMostThreeExclusions()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var bad = Activity(panel: 4);
        bad["disciplines"] = new[] { "12345" };
        bad["minOtherRegion"] = 9;
        bad["responseDeadline"] = T0.AddDays(11);
        bad["reviewStartsAt"] = T0.AddDays(-1);
        var response = await cq.PostAsJsonAsync("/api/v1/review-activities", bad);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        foreach (var field in new[] { "panelSize", "disciplines", "minOtherRegion", "responseDeadline", "reviewStartsAt" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"{field} in {errors}");
        }
        Assert.Equal(0, await WithDbAsync(_host, db => db.Set<ReviewActivity>().CountAsync(a => !a.Synthetic)));

        // No discipline: the whole pool would be the candidate list; refused with the field named.
        var noField = Activity();
        noField["disciplines"] = new[] { " ", "" };
        var refused = await cq.PostAsJsonAsync("/api/v1/review-activities", noField);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.ReadJsonAsync()).GetProperty("errors").TryGetProperty("disciplines", out _));
        Assert.Equal(0, await WithDbAsync(_host, db => db.Set<ReviewActivity>().CountAsync(a => !a.Synthetic)));

        var sc = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        var pool = await PoolAsync(cq, sc, ["西南大学", "重庆医科大学", "四川大学", "电子科技大学"]);
        var activity = await CreateActivityAsync(cq, Activity());
        await AddItemAsync(cq, activity, await OrgAsync(_host, "重庆大学"));
        var item = (await cq.GetFromJsonAsync<JsonElement>($"/api/v1/review-activities/{activity}/items"))[0].GetProperty("id").GetGuid();
        for (var n = 0; n < 3; n++)
        {
            Assert.True((await cq.PostAsJsonAsync($"/api/v1/review-activities/{activity}/exclusions",
                new { itemId = item, expertId = pool[n].Id, source = "Applicant", reason = "申请人申请回避" })).IsSuccessStatusCode);
        }
        var fourth = await cq.PostAsJsonAsync($"/api/v1/review-activities/{activity}/exclusions",
            new { itemId = item, expertId = pool[3].Id, source = "Applicant", reason = "申请人申请回避" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, fourth.StatusCode);
        // An exclusion of an expert the pool does not hold, or of another activity's item, is refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await cq.PostAsJsonAsync($"/api/v1/review-activities/{activity}/exclusions",
            new { expertId = Guid.NewGuid(), source = "Administrator", reason = "测试" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await cq.PostAsJsonAsync($"/api/v1/review-activities/{activity}/exclusions",
            new { itemId = Guid.NewGuid(), expertId = pool[3].Id, source = "Administrator", reason = "测试" })).StatusCode);
    }

    /// <summary>
    /// Property: over random pools and random applicants, no drawn expert (member or alternate) ever works at an
    /// applicant, is a named person, or was excluded on request.
    /// </summary>
    [Fact]
    public async Task Property_NoExpertOfAnApplicantInstitution_IsEverDrawn()
    {
        var cq = await SignedInAsync(_host, "cq.admin@chuanyu.demo");
        var sc = await SignedInAsync(_host, "sc.admin@chuanyu.demo");
        var random = new Random(20261207);
        var all = Institutions.Concat(SichuanInstitutions).ToArray();
        // Two or three experts at each of the ten institutions, title levels mixed.
        var pool = new List<(Guid Id, Guid Org, string IdNumber)>();
        foreach (var name in all)
        {
            pool.AddRange(await PoolAsync(cq, sc, Enumerable.Repeat(name, 2 + random.Next(2)), random.Next(2) == 0 ? "FullSenior" : "Intermediate"));
        }
        for (var round = 0; round < 8; round++)
        {
            var applicants = all.OrderBy(_ => random.Next()).Take(1 + random.Next(3)).ToList();
            var spec = Activity(panel: 3 + (2 * random.Next(2)), alternates: random.Next(3), seniorPercent: 0, otherRegion: random.Next(2));
            spec["kind"] = "Evaluation";
            var activity = await CreateActivityAsync(cq, spec);
            var applicantOrgs = new List<Guid>();
            foreach (var name in applicants)
            {
                var org = await OrgAsync(_host, name);
                applicantOrgs.Add(org);
                await AddItemAsync(cq, activity, org);
            }
            var response = await cq.PostAsync($"/api/v1/review-activities/{activity}/draw", null);
            if (!response.IsSuccessStatusCode)
            {
                // Only a real shortfall may refuse a draw.
                Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
                continue;
            }
            var seats = await SeatsAsync(activity);
            Assert.NotEmpty(seats);
            foreach (var seat in seats)
            {
                var expert = pool.Single(p => p.Id == seat.ExpertId);
                Assert.DoesNotContain(expert.Org, applicantOrgs);
            }
            Assert.Equal(seats.Count, seats.Select(s => pool.Single(p => p.Id == s.ExpertId).Org).Distinct().Count());
        }
    }

    [Fact]
    public async Task TheDemo_HoldsAFinishedActivityWhoseRevealedDrawVerifies_AndAnOpenOneThatIsSealed()
    {
        var activities = await WithDbAsync(_host, db => db.Set<ReviewActivity>().AsNoTracking().Where(a => a.Synthetic).ToListAsync());
        var finished = Assert.Single(activities, a => a.Status == ReviewActivityStatus.Closed);
        var open = Assert.Single(activities, a => a.Status == ReviewActivityStatus.Drawn);
        var anonymous = _host.CreateClient();
        var published = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/review-draws/{finished.Id}");
        Assert.True(published.GetProperty("draws")[0].GetProperty("intact").GetBoolean());
        Assert.Equal(5, published.GetProperty("draws")[0].GetProperty("drawn").EnumerateArray().Count(d => d.GetProperty("role").GetString() == "Member"));
        var sealedDraw = (await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/review-draws/{open.Id}")).GetProperty("draws")[0];
        Assert.Equal(JsonValueKind.Null, sealedDraw.GetProperty("seed").ValueKind);
        Assert.Empty(sealedDraw.GetProperty("drawn").EnumerateArray());
        // The public page says so in Chinese.
        var page = await anonymous.GetStringAsync($"/Experts/Draws/{finished.Id}");
        Assert.Contains("核验通过", page, StringComparison.Ordinal);
    }

    private async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        using var scope = _host.Services.CreateScope();
        return await work(scope.ServiceProvider);
    }
}
