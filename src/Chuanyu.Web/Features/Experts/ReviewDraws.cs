using System.Linq.Expressions;
using System.Text.Json;
using Chuanyu.Matching.Draws;
using Chuanyu.Web.Data;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Options;

namespace Chuanyu.Web.Features.Experts;

public sealed record ReviewSeatDto(Guid Id, Guid ExpertId, string? ExpertName, string? Institution, SeatRole Role, int Position, SeatStatus Status,
    Guid? ReplacesSeatId, string? ResponseNote, DateTimeOffset? InvitedAt, DateTimeOffset? RespondedAt);

public sealed record ReviewDrawDto(Guid Id, int Sequence, string HashAlgorithm, string CandidateListHash, string Commitment, string? SeedRevealed,
    int CandidateCount, IReadOnlyDictionary<string, int> ExclusionCounts, int PanelSize, int Alternates, int MinSenior, int MinOtherRegion,
    bool OnePerInstitution, DateTimeOffset DrawnAt, DateTimeOffset? RevealedAt);

/// <summary>What the activity's page shows of its draws: the seats only to whoever may see them (the list is sealed).</summary>
public sealed record ReviewPanelDto(IReadOnlyList<ReviewDrawDto> Draws, bool Sealed, IReadOnlyList<ReviewSeatDto> Seats);

/// <summary>An invitation as the invited expert sees it: their own seat, never the other members.</summary>
public sealed record InvitationDto(Guid SeatId, Guid ActivityId, string ActivityTitle, ReviewKind Kind, string RegionCode, SeatStatus Status,
    DateTimeOffset ReviewStartsAt, DateTimeOffset ReviewEndsAt, DateTimeOffset ResponseDeadline, string? ResponseNote, int Version);

/// <summary>
/// The committed, verifiable draw of a review panel (issue 16, points 3 and 4) and what follows it: invitations,
/// answers, substitutes, the reveal. The avoidance rules are applied here, each with its source:
/// <list type="bullet">
/// <item>the expert works at an applicant (same legal entity) — 招标投标法实施条例 第四十六条 (与投标人有利害关系的人不得进入评标委员会),
/// 国家自然科学基金条例 第二十条;</item>
/// <item>worked at an applicant, or declared another relation to it, within the last three years — 政府采购法实施条例 第九条
/// (参加采购活动前3年内与供应商存在劳动关系 …);</item>
/// <item>is a person named on an item, or declared a relation (kin, supervisor, collaborator) to one — 国家自然科学基金条例 第二十条
/// (申请人是其近亲属或者与其有其他重大利害关系), 政府采购法实施条例 第九条 (四);</item>
/// <item>an applicant asked for the exclusion (at most three per item) — 国家自然科学基金条例 第二十条; or the administrator did, with a reason;</item>
/// <item>an active integrity record — 重庆市科技专家库管理办法 (渝科局发〔2023〕68号), 《科研失信行为调查处理规则》;</item>
/// <item>served on a panel whose review ended within the activity's cool-down — 渝科局发〔2023〕68号 (专家参加评审活动的频次);</item>
/// <item>declared a conflict when invited — 招标投标法实施条例 第四十六条 (应当主动回避).</item>
/// </list>
/// The draw itself is <see cref="ExpertDraw"/>: a deterministic function of the committed seed and the frozen candidate
/// list (docs/expert-draws.md), so anyone can recompute it once the seed is revealed.
/// </summary>
public sealed partial class ReviewDraws(AppDbContext db, CurrentUser me, ReviewActivities activities, FieldProtector protector, AuditLog audit,
    TimeProvider clock, IOptions<CryptoOptions> crypto, ExpertInvitations invitations, IntegrityRecords integrity)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The platform's hash for draws: SM3 under the 国密 suite, SHA-256 otherwise.</summary>
    private DrawHash CurrentHash
    {
        get
        {
            var id = Hashes.IdFor(crypto.Value.Suite);
            // The keys of a draw (one per candidate) go through a reusable hasher: nothing allocated per candidate.
            return VerifyDrawCommand.HashById(id)! with { ComputeInto = new DrawHashInto(Hashes.Reusable(id).Invoke) };
        }
    }

    // ---- the candidate list ----

    /// <summary>One avoidance rule: its name in the exclusion counts and which experts it keeps off.</summary>
    private sealed record Rule(string Name, Expression<Func<Expert, bool>> Excludes);

    /// <summary>Active experts of the activity's disciplines: the pool the rules are applied to.</summary>
    private IQueryable<Expert> Pool(ReviewActivity a)
    {
        var pool = db.Set<Expert>().AsNoTracking().Where(e => e.Status == ExpertStatus.Active);
        var codes = ReviewActivities.SplitCodes(a.Disciplines);
        if (codes.Count > 0)
        {
            var firstLevel = codes.Where(c => c.Length == 3).ToList();
            var exact = codes.Where(c => c.Length != 3).ToList();
            // "e.id IN (experts of these codes)": the database starts from the codes' index instead of testing every
            // expert. A first-level code (digits) is the range [520, 521) of the codes under it, which the index serves.
            Expression<Func<ExpertDiscipline, bool>> matches = d => exact.Contains(d.Code);
            foreach (var code in firstLevel)
            {
                matches = Or(matches, code.All(char.IsAsciiDigit) ? UnderCode(code) : d => d.Code.Substring(0, 3) == code);
            }
            var experts = db.Set<ExpertDiscipline>().Where(matches).Select(d => d.ExpertId);
            pool = pool.Where(e => experts.Contains(e.Id));
        }
        return pool;
    }

    /// <summary>Codes that start with the first-level <paramref name="code"/> (three digits): code ≤ c &lt; the next number.</summary>
    private static Expression<Func<ExpertDiscipline, bool>> UnderCode(string code)
    {
        var next = int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1;
        if (next > 999)
        {
            return d => string.Compare(d.Code, code) >= 0;
        }
        var upper = next.ToString("000", System.Globalization.CultureInfo.InvariantCulture);
        return d => string.Compare(d.Code, code) >= 0 && string.Compare(d.Code, upper) < 0;
    }

    private static Expression<Func<T, bool>> Or<T>(Expression<Func<T, bool>> left, Expression<Func<T, bool>> right) =>
        Expression.Lambda<Func<T, bool>>(Expression.OrElse(left.Body,
            ReplacingExpressionVisitor.Replace(right.Parameters[0], left.Parameters[0], right.Body)), left.Parameters);

    private List<Rule> Rules(ReviewActivity a, IQueryable<Guid> blocked)
    {
        var activityId = a.Id;
        var now = clock.GetUtcNow();
        var relationCutoff = ChinaTime.Today(clock).AddYears(-ReviewRules.RelationYears);
        var coolDownSince = now.AddDays(-a.CoolDownDays);
        var items = db.Set<ReviewItem>().Where(i => i.ActivityId == activityId);
        var applicants = items.Select(i => i.ApplicantOrganizationId);
        // "item_id IN (this activity's items)", not a correlated EXISTS: the persons of every activity ever are not scanned.
        var itemIds = items.Select(i => i.Id);
        var persons = db.Set<ReviewItemPerson>().Where(p => itemIds.Contains(p.ItemId)).Select(p => p.IdNumberKey);
        var relations = db.Set<ExpertRelation>().Where(r => r.EndedOn == null || r.EndedOn >= relationCutoff);
        var exclusions = db.Set<ReviewExclusion>().Where(x => x.ActivityId == activityId).Select(x => x.ExpertId);
        var seats = db.Set<ReviewSeat>();
        var activitiesSet = db.Set<ReviewActivity>();
        // Each rule is "e.id IN (a set that does not depend on e)": the database computes every set once per query
        // (SQLite an ephemeral index, PostgreSQL a hashed subplan) instead of one correlated subquery per expert.
        var formerEmployers = relations.Where(r => r.Kind == ExpertRelationKind.FormerEmployer
            && r.OrganizationId != null && applicants.Contains(r.OrganizationId.Value)).Select(r => r.ExpertId);
        var declared = relations.Where(r => r.Kind != ExpertRelationKind.FormerEmployer
            && ((r.OrganizationId != null && applicants.Contains(r.OrganizationId.Value)) || (r.PersonIdNumberKey != null && persons.Contains(r.PersonIdNumberKey))))
            .Select(r => r.ExpertId);
        // From the activities that ended within the cool-down to their seats (by the seats' activity index), not from
        // every seat ever taken.
        var recentActivities = activitiesSet.Where(o => o.Id != activityId && o.ReviewEndsAt > coolDownSince).Select(o => o.Id);
        var servedRecently = seats.Where(s => recentActivities.Contains(s.ActivityId) && s.Status == SeatStatus.Accepted).Select(s => s.ExpertId);
        var drawnHere = seats.Where(s => s.ActivityId == activityId).Select(s => s.ExpertId);
        return
        [
            new("unavailable", e => e.Availability == ExpertAvailability.Unavailable),
            new("applicantInstitution", e => applicants.Contains(e.OrganizationId)),
            new("formerEmployer", e => formerEmployers.Contains(e.Id)),
            new("declaredRelation", e => declared.Contains(e.Id)),
            new("namedPerson", e => persons.Contains(e.IdNumberKey)),
            new("requested", e => exclusions.Contains(e.Id)),
            new("integrityRecord", e => blocked.Contains(e.Id)),
            new("coolDown", e => servedRecently.Contains(e.Id)),
            new("alreadyDrawn", e => drawnHere.Contains(e.Id)),
        ];
    }

    /// <summary>
    /// The frozen candidate list of a draw (sorted by id, as the algorithm's canonical form) and how many experts of the
    /// pool each rule kept off. <paramref name="extraInstitutions"/>: institutions already on the panel (a redraw).
    /// </summary>
    internal async Task<(List<DrawCandidate> Candidates, Dictionary<string, int> Excluded)> CandidatesAsync(ReviewActivity a,
        IReadOnlyCollection<Guid> extraInstitutions, CancellationToken ct)
    {
        var rules = Rules(a, BlockedExperts());
        // One pass over the pool: every expert with one bit per rule that keeps them off (CASE WHEN … THEN 2^i), so the
        // counts per rule and the candidate list come from the same rows instead of one query per rule and one more.
        var e = Expression.Parameter(typeof(Expert), "e");
        Expression mask = Expression.Constant(0);
        for (var i = 0; i < rules.Count; i++)
        {
            var excludes = ReplacingExpressionVisitor.Replace(rules[i].Excludes.Parameters[0], e, rules[i].Excludes.Body);
            mask = Expression.Add(mask, Expression.Condition(excludes, Expression.Constant(1 << i), Expression.Constant(0)));
        }
        var row = Expression.Lambda<Func<Expert, PoolRow>>(Expression.MemberInit(Expression.New(typeof(PoolRow)),
            Expression.Bind(typeof(PoolRow).GetProperty(nameof(PoolRow.Id))!, Expression.Property(e, nameof(Expert.Id))),
            Expression.Bind(typeof(PoolRow).GetProperty(nameof(PoolRow.OrganizationId))!, Expression.Property(e, nameof(Expert.OrganizationId))),
            Expression.Bind(typeof(PoolRow).GetProperty(nameof(PoolRow.RegionCode))!, Expression.Property(e, nameof(Expert.RegionCode))),
            Expression.Bind(typeof(PoolRow).GetProperty(nameof(PoolRow.TitleLevel))!, Expression.Property(e, nameof(Expert.TitleLevel))),
            Expression.Bind(typeof(PoolRow).GetProperty(nameof(PoolRow.Excluded))!, mask)), e);
        var rows = await Pool(a).Select(row).ToListAsync(ct);
        var counts = new int[rules.Count];
        var list = new List<DrawCandidate>(rows.Count);
        foreach (var r in rows)
        {
            for (var i = 0; i < rules.Count; i++)
            {
                counts[i] += (r.Excluded >> i) & 1;
            }
            if (r.Excluded == 0 && !extraInstitutions.Contains(r.OrganizationId))
            {
                list.Add(new DrawCandidate(r.Id.ToString("D"), r.OrganizationId.ToString("D"), r.RegionCode,
                    r.TitleLevel is TitleLevel.FullSenior or TitleLevel.AssociateSenior));
            }
        }
        list.Sort(static (x, y) => string.CompareOrdinal(x.Id, y.Id));
        var excluded = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            excluded[rules[i].Name] = counts[i];
        }
        return (list, excluded);
    }

    /// <summary>An expert of the pool as the draw reads it, with the bits of the rules that keep them off.</summary>
    private sealed class PoolRow
    {
        public Guid Id { get; init; }
        public Guid OrganizationId { get; init; }
        public string RegionCode { get; init; } = "";
        public TitleLevel TitleLevel { get; init; }
        public int Excluded { get; init; }
    }


    /// <summary>Experts kept off every draw by an active integrity record (科研诚信), as a subquery.</summary>
    private IQueryable<Guid> BlockedExperts() => integrity.BlockedExpertIds(ChinaTime.Today(clock));

    // ---- the draw ----

    /// <summary>
    /// Draws the panel of a draft activity: freezes the candidate list, commits to a fresh random seed (its hash and the
    /// list's hash are written to the audit chain in the same transaction as the result), draws the panel and the
    /// alternates, and invites the panel. The names stay sealed: only the activity's owner sees them until the review opens.
    /// </summary>
    public async Task<ServiceResult> DrawAsync(Guid activityId, CancellationToken ct)
    {
        if (await activities.ManagedAsync(activityId, ct, track: true) is not { } a)
        {
            return new ServiceResult.NotFound();
        }
        if (a.OwnerId != me.Id)
        {
            return new ServiceResult.Forbidden();
        }
        if (a.Status != ReviewActivityStatus.Draft)
        {
            return new ServiceResult.Conflict(new Message("Reviews.NotDraft"));
        }
        if (a.ReviewStartsAt <= clock.GetUtcNow())
        {
            return new ServiceResult.RuleBroken("reviewStarted", new Message("Reviews.ReviewStarted"));
        }
        if (!await db.Set<ReviewItem>().AnyAsync(i => i.ActivityId == a.Id, ct))
        {
            return new ServiceResult.RuleBroken("noItems", new Message("Reviews.NoItems"));
        }
        if (ReviewActivities.SplitCodes(a.Disciplines).Count == 0)
        {
            // Activities saved before a discipline was required: the whole pool is not a candidate list.
            return new ServiceResult.RuleBroken("disciplines", new Message("Reviews.NoDisciplines"));
        }
        if (!protector.CanProtect)
        {
            return new ServiceResult.RuleBroken("noDataKey", new Message("Experts.NoDataKey"));
        }
        var spec = new PanelSpec(a.PanelSize, a.Alternates, ReviewRules.MinSenior(a.PanelSize, a.MinSeniorPercent), a.RegionCode, a.MinOtherRegion, a.OnePerInstitution);
        // The draw, its seats, the invitations, the audit rows and the status change commit together: an activity is
        // never left Draft with a committed draw (which would allow a second one), and of two owners' sessions drawing at
        // once the second fails on the activity's version and leaves nothing behind.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await CommitAndDrawAsync(a, spec, 1, [], null, ct);
        if (result is ServiceResult.Ok)
        {
            a.Status = ReviewActivityStatus.Drawn;
            a.UpdatedAt = clock.GetUtcNow();
            a.Version++;
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                return new ServiceResult.Conflict(new Message("Reviews.NotDraft"));
            }
        }
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>One committed draw (the first, or a redraw for seats the alternates could not fill), staged and saved.</summary>
    internal async Task<ServiceResult> CommitAndDrawAsync(ReviewActivity a, PanelSpec spec, int sequence, IReadOnlyCollection<Guid> panelInstitutions,
        Guid? replaces, CancellationToken ct)
    {
        var (candidates, excluded) = await CandidatesAsync(a, panelInstitutions, ct);
        var hash = CurrentHash;
        var seed = ExpertDraw.NewSeed();
        var listHash = ExpertDraw.CandidateListHash(candidates, hash);
        var commitment = ExpertDraw.Commitment(seed, hash);
        var outcome = ExpertDraw.Run(candidates, spec, seed, hash);
        if (outcome.Shortfall is { } shortfall)
        {
            // Nothing is stored but the attempt: a shortfall does not depend on the seed unless the pool is at its limit.
            await audit.RecordAsync("expert-draw.shortfall", $"review:{a.Id}", AuditOutcome.Failure,
                detail: $"draw {sequence}: {candidates.Count} candidates, list {listHash}, {shortfall}", ct: ct);
            return new ServiceResult.RuleBroken("drawShortfall", new Message("Reviews.Shortfall." + shortfall, candidates.Count));
        }
        var now = clock.GetUtcNow();
        var draw = new ReviewDraw
        {
            Id = Guid.CreateVersion7(),
            ActivityId = a.Id,
            Sequence = sequence,
            HashAlgorithm = hash.Id,
            CandidateListHash = listHash,
            Commitment = commitment,
            SeedProtected = protector.Protect(Convert.ToHexStringLower(seed)),
            CandidatesJson = JsonSerializer.Serialize(candidates, Json),
            CandidateCount = candidates.Count,
            ExclusionCounts = JsonSerializer.Serialize(excluded, Json),
            PanelSize = spec.PanelSize,
            Alternates = spec.Alternates,
            MinSenior = spec.MinSenior,
            HomeRegion = spec.HomeRegion,
            MinOtherRegion = spec.MinOtherRegion,
            OnePerInstitution = spec.OnePerInstitution,
            DrawnBy = a.OwnerId,
            DrawnAt = now,
        };
        var seats = outcome.Panel.Select((c, i) => NewSeat(a, draw.Id, c, SeatRole.Member, i, SeatStatus.Invited, now))
            .Concat(outcome.Alternates.Select((c, i) => NewSeat(a, draw.Id, c, SeatRole.Alternate, outcome.Panel.Count + i, SeatStatus.Reserve, null)))
            .ToList();
        foreach (var s in seats.Where(s => s.Role == SeatRole.Member))
        {
            s.ReplacesSeatId = replaces;
        }
        // A draw runs inside its caller's transaction (the first draw's, or the answer's that needed a redraw) or its own.
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await using (own)
        {
            db.Add(draw);
            db.AddRange(seats);
            await db.SaveChangesAsync(ct);
            await invitations.InviteAsync(a, seats.Where(s => s.Role == SeatRole.Member).ToList(), ct);
            await audit.RecordAsync("expert-draw.commit", $"review:{a.Id}",
                detail: $"draw {sequence} ({hash.Id}): {candidates.Count} candidates, list {listHash}, commitment {commitment}, panel {outcome.Panel.Count}, alternates {outcome.Alternates.Count}", ct: ct);
            if (own is not null)
            {
                await own.CommitAsync(ct);
            }
        }
        return new ServiceResult.Ok();
    }

    private static ReviewSeat NewSeat(ReviewActivity a, Guid drawId, DrawCandidate c, SeatRole role, int position, SeatStatus status, DateTimeOffset? invitedAt) => new()
    {
        Id = Guid.CreateVersion7(),
        ActivityId = a.Id,
        DrawId = drawId,
        ExpertId = Guid.Parse(c.Id),
        Role = role,
        Position = position,
        Status = status,
        InvitedAt = invitedAt,
        AnswerBy = invitedAt is { } t ? AnswerByFor(a, t) : null,
    };

    /// <summary>How long someone invited now has to answer: the activity's deadline, or at least two days for a late substitute, never past the review's start.</summary>
    internal static DateTimeOffset AnswerByFor(ReviewActivity a, DateTimeOffset invitedAt)
    {
        var late = invitedAt.AddDays(2) < a.ReviewStartsAt ? invitedAt.AddDays(2) : a.ReviewStartsAt;
        return a.ResponseDeadline > late ? a.ResponseDeadline : late;
    }

    // ---- reading the panel ----

    /// <summary>
    /// The activity's draws and seats for its region's administrators. Sealed until the review opens: only the owner sees
    /// who was drawn; the others see the commitments and counts.
    /// </summary>
    public async Task<ReviewPanelDto?> PanelAsync(Guid activityId, CancellationToken ct)
    {
        if (await activities.ManagedAsync(activityId, ct) is not { } a)
        {
            return null;
        }
        var draws = await db.Set<ReviewDraw>().AsNoTracking().Where(d => d.ActivityId == activityId).OrderBy(d => d.Sequence).ToListAsync(ct);
        var sealedList = a.OwnerId != me.Id && clock.GetUtcNow() < a.ReviewStartsAt;
        IReadOnlyList<ReviewSeatDto> seats = [];
        if (!sealedList)
        {
            seats = await SeatsAsync(activityId, ct);
        }
        return new ReviewPanelDto(draws.Select(ToDto).ToList(), sealedList, seats);
    }

    private async Task<List<ReviewSeatDto>> SeatsAsync(Guid activityId, CancellationToken ct) =>
        await (from s in db.Set<ReviewSeat>().AsNoTracking()
               join e in db.Set<Expert>() on s.ExpertId equals e.Id
               join d in db.Set<ReviewDraw>() on s.DrawId equals d.Id
               where s.ActivityId == activityId
               orderby d.Sequence, s.Position
               select new ReviewSeatDto(s.Id, s.ExpertId, e.Name, null, s.Role, s.Position, s.Status, s.ReplacesSeatId, s.ResponseNote, s.InvitedAt, s.RespondedAt))
            .ToListAsync(ct);

    internal static ReviewDrawDto ToDto(ReviewDraw d) => new(d.Id, d.Sequence, d.HashAlgorithm, d.CandidateListHash, d.Commitment, d.SeedRevealed,
        d.CandidateCount, JsonSerializer.Deserialize<Dictionary<string, int>>(d.ExclusionCounts, Json) ?? [], d.PanelSize, d.Alternates, d.MinSenior,
        d.MinOtherRegion, d.OnePerInstitution, d.DrawnAt, d.RevealedAt);

    // ---- answers and substitutes ----

    /// <summary>
    /// Replaces a member who declined, declared a conflict or did not answer: the first alternate that keeps the panel
    /// within its rules (<see cref="ExpertDraw.Substitute"/>), or — when none does — a new committed draw for the seat.
    /// Runs inside the caller's transaction.
    /// </summary>
    internal async Task ReplaceAsync(ReviewActivity a, ReviewSeat gone, CancellationToken ct)
    {
        var seats = await db.Set<ReviewSeat>().Where(s => s.ActivityId == a.Id && s.Id != gone.Id).ToListAsync(ct);
        var draws = await db.Set<ReviewDraw>().AsNoTracking().Where(d => d.ActivityId == a.Id).OrderBy(d => d.Sequence).ToListAsync(ct);
        var frozen = new Dictionary<string, DrawCandidate>(StringComparer.Ordinal);
        foreach (var d in draws)
        {
            foreach (var c in JsonSerializer.Deserialize<List<DrawCandidate>>(d.CandidatesJson, Json) ?? [])
            {
                frozen.TryAdd(c.Id, c);
            }
        }
        DrawCandidate Of(ReviewSeat s) => frozen[s.ExpertId.ToString("D")];
        var panel = seats.Where(s => s.Role == SeatRole.Member && s.Status is SeatStatus.Invited or SeatStatus.Accepted).ToList();
        var drawOf = draws.ToDictionary(d => d.Id, d => d.Sequence);
        var reserve = seats.Where(s => s.Role == SeatRole.Alternate && s.Status == SeatStatus.Reserve)
            .OrderBy(s => drawOf[s.DrawId]).ThenBy(s => s.Position).ToList();
        var first = draws[0];
        var spec = new PanelSpec(first.PanelSize, first.Alternates, first.MinSenior, first.HomeRegion, first.MinOtherRegion, first.OnePerInstitution);
        var pick = ExpertDraw.Substitute(panel.Select(Of).ToList(), reserve.Select(Of).ToList(), spec);
        var now = clock.GetUtcNow();
        if (pick is not null)
        {
            var seat = reserve.First(s => s.ExpertId.ToString("D") == pick.Id);
            seat.Role = SeatRole.Member;
            seat.Status = SeatStatus.Invited;
            seat.InvitedAt = now;
            seat.AnswerBy = AnswerByFor(a, now);
            seat.ReplacesSeatId = gone.Id;
            seat.Version++;
            await db.SaveChangesAsync(ct);
            await invitations.InviteAsync(a, [seat], ct);
            await audit.RecordAsync("expert-draw.substitute", $"review:{a.Id}", detail: $"seat {gone.Id} ({gone.Status}) → alternate {seat.Id}", ct: ct);
            return;
        }
        // No alternate fits: a new committed draw for this one seat, with what the remaining panel still needs.
        var remaining = panel.Select(Of).ToList();
        var redraw = new PanelSpec(1, Math.Min(first.Alternates, 3),
            Math.Max(0, first.MinSenior - remaining.Count(c => c.Senior)) > 0 ? 1 : 0,
            first.HomeRegion,
            Math.Max(0, first.MinOtherRegion - remaining.Count(c => c.Region != first.HomeRegion)) > 0 ? 1 : 0,
            first.OnePerInstitution);
        var institutions = first.OnePerInstitution ? remaining.Select(c => Guid.Parse(c.Institution)).ToList() : [];
        // A shortfall leaves the seat empty: the attempt is in the audit and the owner sees the panel one short.
        await CommitAndDrawAsync(a, redraw, draws[^1].Sequence + 1, institutions, gone.Id, ct);
    }

    /// <summary>Invited members who did not answer by the deadline: marked, and replaced. Returns how many.</summary>
    public async Task<int> ProcessOverdueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var overdue = await (from s in db.Set<ReviewSeat>()
                             join a in db.Set<ReviewActivity>() on s.ActivityId equals a.Id
                             where s.Status == SeatStatus.Invited && a.Status == ReviewActivityStatus.Drawn && s.AnswerBy < now
                             select s.Id).Take(200).ToListAsync(ct);
        foreach (var id in overdue)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var seat = await db.Set<ReviewSeat>().FirstAsync(s => s.Id == id, ct);
            var a = await db.Set<ReviewActivity>().FirstAsync(x => x.Id == seat.ActivityId, ct);
            seat.Status = SeatStatus.NoAnswer;
            seat.RespondedAt = now;
            seat.Version++;
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync("review.invitation.no-answer", $"review:{a.Id}", detail: $"seat {seat.Id}", ct: ct);
            if (now < a.ReviewStartsAt)
            {
                await ReplaceAsync(a, seat, ct);
            }
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
        }
        return overdue.Count;
    }

    // ---- the reveal ----

    /// <summary>
    /// Closes an activity whose review window is over and reveals every draw's seed, so that anyone can recompute the
    /// panel (the auditor page, <c>verify-draw</c>). Audited with the seeds.
    /// </summary>
    public async Task<ServiceResult> CloseAsync(Guid activityId, CancellationToken ct)
    {
        if (await activities.ManagedAsync(activityId, ct, track: true) is not { } a)
        {
            return new ServiceResult.NotFound();
        }
        if (a.Status != ReviewActivityStatus.Drawn)
        {
            return new ServiceResult.Conflict(new Message("Reviews.NotDrawn"));
        }
        var now = clock.GetUtcNow();
        if (now < a.ReviewEndsAt)
        {
            return new ServiceResult.RuleBroken("reviewNotOver", new Message("Reviews.NotOver"));
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await RevealAsync(a, ReviewActivityStatus.Closed, now, ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }

    /// <summary>Ends an activity (closed or cancelled) and reveals every draw's seed; audited with the seeds. Inside the caller's transaction.</summary>
    private async Task RevealAsync(ReviewActivity a, ReviewActivityStatus end, DateTimeOffset now, CancellationToken ct)
    {
        var draws = await db.Set<ReviewDraw>().Where(d => d.ActivityId == a.Id).OrderBy(d => d.Sequence).ToListAsync(ct);
        foreach (var d in draws)
        {
            d.SeedRevealed = protector.Unprotect(d.SeedProtected);
            d.RevealedAt = now;
        }
        a.Status = end;
        a.UpdatedAt = now;
        a.Version++;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("expert-draw.reveal", $"review:{a.Id}",
            detail: string.Join("; ", draws.Select(d => $"draw {d.Sequence}: seed {d.SeedRevealed}")), ct: ct);
    }

    // ---- cancelling ----

    /// <summary>A draft can be cancelled until it is drawn or closed; a drawn activity until its review starts.</summary>
    public static bool Cancellable(ReviewActivityStatus status, DateTimeOffset reviewStartsAt, DateTimeOffset now) =>
        status == ReviewActivityStatus.Draft || (status == ReviewActivityStatus.Drawn && now < reviewStartsAt);

    /// <summary>
    /// Cancels an activity before its review starts, with a reason. A drawn one has committed seeds: they are revealed
    /// at once (a cancelled draw stays verifiable, so no one can cancel a draw they disliked unseen), and the members
    /// invited or accepted are told through the outbox. Audited with the reason.
    /// </summary>
    public async Task<ServiceResult> CancelAsync(Guid activityId, string? reason, CancellationToken ct)
    {
        if (await activities.ManagedAsync(activityId, ct, track: true) is not { } a)
        {
            return new ServiceResult.NotFound();
        }
        var now = clock.GetUtcNow();
        if (!Cancellable(a.Status, a.ReviewStartsAt, now))
        {
            return new ServiceResult.Conflict(new Message("Reviews.CannotCancel"));
        }
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > ExpertRules.MaxReasonLength)
        {
            var errors = new FieldErrors();
            errors.Add("reason", new Message("Experts.ReasonRequired", ExpertRules.MaxReasonLength));
            return new ServiceResult.Invalid(errors);
        }
        reason = reason.Trim();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (a.Status == ReviewActivityStatus.Drawn)
        {
            var told = await db.Set<ReviewSeat>().Where(s => s.ActivityId == a.Id && (s.Status == SeatStatus.Invited || s.Status == SeatStatus.Accepted)).ToListAsync(ct);
            await invitations.CancelledAsync(a, told, reason, ct);
            await RevealAsync(a, ReviewActivityStatus.Cancelled, now, ct);
        }
        else
        {
            a.Status = ReviewActivityStatus.Cancelled;
            a.UpdatedAt = now;
            a.Version++;
            await db.SaveChangesAsync(ct);
        }
        await audit.RecordAsync("review.cancel", $"review:{a.Id}", detail: reason, ct: ct);
        await tx.CommitAsync(ct);
        return new ServiceResult.Ok();
    }
}
