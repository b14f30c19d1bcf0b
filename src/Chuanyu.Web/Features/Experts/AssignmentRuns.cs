using System.Diagnostics;
using System.Security.Cryptography;
using Chuanyu.Matching.Assignment;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

/// <summary>The options of a bulk assignment as the form or the API gives them.</summary>
/// <param name="PerProposal">Experts per proposal (k).</param>
/// <param name="MaxLoad">Proposals per expert at most.</param>
/// <param name="PoolRegions">Regions the experts come from (none = both).</param>
/// <param name="PoolDisciplines">GB/T 13745 codes the experts must have one of (3-digit covers the codes under it), separated by 、 , ; or spaces; blank = any.</param>
/// <param name="Randomized">Randomised mode: no pair above <paramref name="MaxPairProbability"/>.</param>
/// <param name="MaxPairProbability">q in (0, 1].</param>
/// <param name="Region">The region the run belongs to (an administrator of both chooses; else their one region).</param>
public sealed record AssignmentOptions(int? PerProposal, int? MaxLoad, IReadOnlyList<string>? PoolRegions, string? PoolDisciplines, bool Randomized,
    double? MaxPairProbability, string? Region = null);

public sealed record AssignmentRunDto(Guid Id, string RegionCode, string FileName, AssignmentRunStatus Status, int Progress, int PerProposal, int MaxLoad,
    IReadOnlyList<string> PoolRegions, IReadOnlyList<string> PoolDisciplines, double? MaxPairProbability, int ProposalCount, int? CandidateExperts,
    long? TotalAffinity, double? ExpectedAffinity, long? GreedyAffinity, int? UnfilledSeats, int? ShortProposals, long? ElapsedMilliseconds,
    string? SolverStatus, string? Failure, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

/// <summary>One expert assigned to a proposal: the affinity and what it came from (the matched code, the shared keywords).</summary>
public sealed record AssignedExpertDto(Guid ExpertId, string Name, string Organization, string RegionCode, int Affinity, int Rank,
    string? MatchedDiscipline, IReadOnlyList<string> MatchedKeywords);

/// <summary>One proposal of a run with its experts and, when it is short, the empty places and why.</summary>
public sealed record AssignmentResultRow(int Row, string ExternalRef, string Name, string Organization, IReadOnlyList<string> Disciplines,
    IReadOnlyList<AssignedExpertDto> Experts, int Missing, ShortReason? ShortReason);

/// <summary>The answer to an upload: the queued run, or every bad row (nothing stored), or the file's problem.</summary>
public sealed record AssignmentUpload(AssignmentRunDto? Run, int Rows, IReadOnlyList<ExpertImportError> Errors, Message? FileProblem = null);

/// <summary>
/// Bulk assignment (批量分配, issue 16 point 7): a region administrator uploads the proposals of a large call and the
/// options; the run is queued and one instance (<see cref="AssignmentJobsService"/>) computes it with
/// <see cref="ExpertAssigner"/> — the optimal min-cost flow, or the randomised mode with every pair's probability capped —
/// and the greedy baseline on the same candidates. Hard conflicts, as the draw applies them (<see cref="ReviewDraws"/>):
/// <list type="bullet">
/// <item>an expert of the applicant institution — 招标投标法实施条例 第四十六条, 国家自然科学基金条例 第二十条;</item>
/// <item>a former employer within three years or another declared relation to the applicant — 政府采购法实施条例 第九条;</item>
/// <item>an active integrity record — 渝科局发〔2023〕68号, 《科研失信行为调查处理规则》;</item>
/// <item>at most one expert per institution per proposal, and the load limit per expert (the assigner's constraints).</item>
/// </list>
/// Experts marked unavailable and those not active are not in the pool.
/// </summary>
public sealed class AssignmentRuns(AppDbContext db, CurrentUser me, ExpertPool pool, OrganizationDirectory organizations, IntegrityRecords integrity,
    AssignmentResultFile files, AuditLog audit, TimeProvider clock, ILogger<AssignmentRuns> logger)
{
    public const int MaxRows = 20_000;
    public const long MaxFileBytes = 10L << 20;
    public const int MaxPerProposal = 15;
    public const int MaxLoadLimit = 500;
    public const int MaxRefLength = 100;
    public const int MaxNameLength = 300;

    /// <summary>Candidates per proposal that enter the flow network (the best by affinity).</summary>
    public const int TopCandidates = 200;

    /// <summary>A run still Running this long after it started lost its instance: it is queued again.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

    public static IReadOnlyList<ExpertImportColumn> Columns { get; } = ExpertImport.LoadColumns("assignment-proposal-columns.csv");

    /// <summary>The upload template: the proposal columns (required ones marked *), an example row, a sheet explaining them.</summary>
    public static byte[] Template() => ExpertImport.Template(Columns, "proposals");

    private static readonly char[] Separators = ['、', ',', '，', ';', '；', '\n'];
    private static readonly char[] CodeSeparators = [.. Separators, ' '];

    /// <summary>Codes and regions: separated by 、 , ; line breaks or spaces.</summary>
    internal static IReadOnlyList<string> Split(string? list) =>
        (list ?? "").Split(CodeSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Keywords: separated by 、 , ; or line breaks (a keyword may hold spaces).</summary>
    internal static IReadOnlyList<string> SplitList(string? list) =>
        (list ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Join(IEnumerable<string> items) => string.Join("、", items);

    // ---- start ----

    /// <summary>Checks the options and every row; stores the run (Queued) with its proposals, or nothing and every bad row.</summary>
    public async Task<(AssignmentUpload? Upload, ServiceResult Refused)> StartAsync(Stream content, string? fileName, AssignmentOptions options, CancellationToken ct)
    {
        var region = options.Region is { Length: > 0 } r ? r : pool.ManagedRegions.Order(StringComparer.Ordinal).FirstOrDefault();
        if (region is null || !pool.CanManage(region))
        {
            return (null, new ServiceResult.Forbidden());
        }
        var errors = CheckOptions(options, out var regions, out var disciplines);
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var (data, index, problem) = await ExpertImport.ReadSheetAsync(content, Columns, MaxRows, new Message("Assignments.Empty"), ct);
        if (problem is not null)
        {
            return (new AssignmentUpload(null, data.Count, [], problem), new ServiceResult.Ok());
        }
        string Header(string field) => Columns.First(c => c.Field == field).Header;
        string? Cell(SheetRow row, string field) => index[field] is var i and >= 0 && i < row.Cells.Length ? row.Cells[i]?.Trim() : null;

        // 申报单位: a unified social credit code or the exact name of an organisation of the platform.
        var orgKeys = data.Select(row => Cell(row, "organization")).Where(n => !string.IsNullOrEmpty(n)).Select(n => n!).Distinct().ToList();
        var orgs = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var chunk in orgKeys.Chunk(500))
        {
            foreach (var o in await organizations.Organizations().Where(o => chunk.Contains(o.CreditCode) || chunk.Contains(o.Name))
                .Select(o => new { o.Name, o.CreditCode, o.Id }).ToListAsync(ct))
            {
                orgs.TryAdd(o.CreditCode, o.Id);
                orgs.TryAdd(o.Name, o.Id);
            }
        }

        var rowErrors = new List<ExpertImportError>();
        var proposals = new List<AssignmentProposal>(data.Count);
        var seenRefs = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in data)
        {
            void Bad(string field, Message reason) => rowErrors.Add(new ExpertImportError(row.Number, Header(field), reason));
            foreach (var c in Columns)
            {
                if (InputText.Find(Cell(row, c.Field)) is { } refusal)
                {
                    Bad(c.Field, refusal.Message);
                }
            }
            var reference = Cell(row, "ref");
            if (string.IsNullOrEmpty(reference))
            {
                Bad("ref", new Message("Assignments.RefRequired"));
            }
            else if (reference.Length > MaxRefLength)
            {
                Bad("ref", new Message("Assignments.TooLong", MaxRefLength));
            }
            else if (!seenRefs.TryAdd(reference, row.Number))
            {
                Bad("ref", new Message("Assignments.RefDuplicate", seenRefs[reference]));
            }
            var name = Cell(row, "name");
            if (string.IsNullOrEmpty(name))
            {
                Bad("name", new Message("Assignments.NameRequired"));
            }
            else if (name.Length > MaxNameLength)
            {
                Bad("name", new Message("Assignments.TooLong", MaxNameLength));
            }
            var org = Cell(row, "organization");
            var orgId = Guid.Empty;
            if (string.IsNullOrEmpty(org))
            {
                Bad("organization", new Message("Assignments.OrganizationRequired"));
            }
            else if (!orgs.TryGetValue(org, out orgId))
            {
                Bad("organization", new Message("Assignments.OrganizationUnknown", org));
            }
            var codes = Split(Cell(row, "disciplines")).Distinct(StringComparer.Ordinal).ToList();
            if (codes.Count == 0)
            {
                Bad("disciplines", new Message("Assignments.DisciplinesRequired"));
            }
            foreach (var code in codes.Where(c => DisciplineCodes.Find(c) is null))
            {
                Bad("disciplines", new Message("Assignments.DisciplineUnknown", code));
            }
            var keywords = Join(SplitList(Cell(row, "keywords")).Distinct(StringComparer.Ordinal));
            if (keywords.Length > ExpertRules.MaxListLength)
            {
                Bad("keywords", new Message("Assignments.TooLong", ExpertRules.MaxListLength));
            }
            proposals.Add(new AssignmentProposal
            {
                RowNumber = row.Number,
                ExternalRef = reference ?? "",
                Name = name ?? "",
                OrganizationId = orgId,
                Disciplines = Join(codes),
                Keywords = keywords,
            });
        }
        if (rowErrors.Count > 0)
        {
            return (new AssignmentUpload(null, data.Count, rowErrors), new ServiceResult.Ok());
        }

        var run = new AssignmentRun
        {
            Id = Guid.NewGuid(),
            RegionCode = region,
            OwnerId = me.Id ?? Guid.Empty,
            FileName = Path.GetFileName(fileName ?? "") is { Length: > 0 } f && InputText.IsAcceptable(f) ? f[..Math.Min(f.Length, 200)] : "proposals.xlsx",
            PerProposal = options.PerProposal!.Value,
            MaxLoad = options.MaxLoad!.Value,
            PoolRegions = Join(regions),
            PoolDisciplines = Join(disciplines),
            MaxPairProbability = options.Randomized ? options.MaxPairProbability : null,
            Seed = RandomNumberGenerator.GetInt32(int.MaxValue),
            Status = AssignmentRunStatus.Queued,
            ProposalCount = proposals.Count,
            CreatedAt = clock.GetUtcNow(),
        };
        proposals.ForEach(p => p.RunId = run.Id);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(run);
        db.AddRange(proposals);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("assignment.start", $"assignment-run:{run.Id}",
            detail: $"region={region} proposals={proposals.Count} k={run.PerProposal} load={run.MaxLoad} q={run.MaxPairProbability?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}", ct: ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (new AssignmentUpload(Dto(run), proposals.Count, []), new ServiceResult.Ok());
    }

    private static FieldErrors CheckOptions(AssignmentOptions o, out List<string> regions, out List<string> disciplines)
    {
        var errors = new FieldErrors();
        if (o.PerProposal is not (>= 1 and <= MaxPerProposal))
        {
            errors.Add("perProposal", new Message("Assignments.PerProposalRange", 1, MaxPerProposal));
        }
        if (o.MaxLoad is not (>= 1 and <= MaxLoadLimit))
        {
            errors.Add("maxLoad", new Message("Assignments.MaxLoadRange", 1, MaxLoadLimit));
        }
        regions = (o.PoolRegions ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (regions.Any(r => !ExpertPages.Regions.Contains(r)))
        {
            errors.Add("poolRegions", new Message("Assignments.RegionUnknown"));
        }
        if (regions.Count == 0)
        {
            regions = [.. ExpertPages.Regions];
        }
        disciplines = Split(o.PoolDisciplines).Distinct(StringComparer.Ordinal).ToList();
        foreach (var code in disciplines.Where(c => DisciplineCodes.Find(c) is null))
        {
            errors.Add("poolDisciplines", new Message("Assignments.DisciplineUnknown", code));
        }
        if (string.Join("、", disciplines).Length > 200)
        {
            errors.Add("poolDisciplines", new Message("Assignments.TooLong", 200));
        }
        if (o.Randomized && o.MaxPairProbability is not (> 0 and <= 1))
        {
            errors.Add("maxPairProbability", new Message("Assignments.ProbabilityRange"));
        }
        return errors;
    }

    // ---- reading ----

    private IQueryable<AssignmentRun> Mine()
    {
        var regions = pool.ManagedRegions.ToList();
        return db.Set<AssignmentRun>().AsNoTracking().Where(r => regions.Contains(r.RegionCode));
    }

    public async Task<PagedList<AssignmentRunDto>> ListAsync(int page, int pageSize, CancellationToken ct)
    {
        var runs = Mine();
        var total = await runs.CountAsync(ct);
        var items = await runs.OrderByDescending(r => r.CreatedAt).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new PagedList<AssignmentRunDto>(total, page, pageSize, items.Select(Dto).ToList());
    }

    /// <summary>A run of a region the caller administers; null otherwise (another region's run is not found).</summary>
    public async Task<AssignmentRunDto?> GetAsync(Guid id, CancellationToken ct) =>
        await Mine().FirstOrDefaultAsync(r => r.Id == id, ct) is { } run ? Dto(run) : null;

    /// <summary>A page of the result: proposals in file order with their experts; null when the run is not the caller's region's.</summary>
    public async Task<PagedList<AssignmentResultRow>?> ResultAsync(Guid id, int page, int pageSize, CancellationToken ct)
    {
        if (await Mine().Where(r => r.Id == id).Select(r => (int?)r.PerProposal).FirstOrDefaultAsync(ct) is not { } k)
        {
            return null;
        }
        var proposals = db.Set<AssignmentProposal>().AsNoTracking().Where(p => p.RunId == id);
        var total = await proposals.CountAsync(ct);
        var rows = await RowsAsync(id, k, proposals.OrderBy(p => p.RowNumber).Skip((page - 1) * pageSize).Take(pageSize), ct);
        return new PagedList<AssignmentResultRow>(total, page, pageSize, rows);
    }

    private async Task<List<AssignmentResultRow>> RowsAsync(Guid id, int k, IQueryable<AssignmentProposal> proposals, CancellationToken ct)
    {
        var list = await proposals.ToListAsync(ct);
        var rowNumbers = list.Select(p => p.RowNumber).ToList();
        var pairs = new List<AssignmentPair>();
        foreach (var chunk in rowNumbers.Chunk(1000))
        {
            pairs.AddRange(await db.Set<AssignmentPair>().AsNoTracking().Where(p => p.RunId == id && chunk.Contains(p.RowNumber)).ToListAsync(ct));
        }
        var expertIds = pairs.Select(p => p.ExpertId).Distinct().ToList();
        var experts = new Dictionary<Guid, (string Name, Guid Org, string Region)>();
        foreach (var chunk in expertIds.Chunk(1000))
        {
            foreach (var e in await db.Set<Expert>().AsNoTracking().Where(e => chunk.Contains(e.Id)).Select(e => new { e.Id, e.Name, e.OrganizationId, e.RegionCode }).ToListAsync(ct))
            {
                experts[e.Id] = (e.Name, e.OrganizationId, e.RegionCode);
            }
        }
        var names = await organizations.NamesAsync(list.Select(p => p.OrganizationId).Concat(experts.Values.Select(e => e.Org)).Distinct(), ct);
        var byRow = pairs.ToLookup(p => p.RowNumber);
        return list.Select(p => new AssignmentResultRow(p.RowNumber, p.ExternalRef, p.Name, names.GetValueOrDefault(p.OrganizationId, ""), Split(p.Disciplines),
            byRow[p.RowNumber].OrderBy(x => x.Rank).Select(x => experts.TryGetValue(x.ExpertId, out var e)
                ? new AssignedExpertDto(x.ExpertId, e.Name, names.GetValueOrDefault(e.Org, ""), e.Region, x.Affinity, x.Rank, x.MatchedDiscipline, SplitList(x.MatchedKeywords))
                : new AssignedExpertDto(x.ExpertId, "", "", "", x.Affinity, x.Rank, x.MatchedDiscipline, SplitList(x.MatchedKeywords))).ToList(),
            p.ShortReason is null ? 0 : Math.Max(0, k - p.Assigned), p.ShortReason)).ToList();
    }

    /// <summary>The result as .xlsx: a sheet of figures and a sheet with one row per (proposal, expert) and per proposal's empty places.</summary>
    public async Task<Stream?> ResultXlsxAsync(Guid id, CancellationToken ct)
    {
        if (await Mine().FirstOrDefaultAsync(r => r.Id == id, ct) is not { } run || run.Status != AssignmentRunStatus.Done)
        {
            return null;
        }
        var rows = await RowsAsync(id, run.PerProposal, db.Set<AssignmentProposal>().AsNoTracking().Where(p => p.RunId == id).OrderBy(p => p.RowNumber), ct);
        return files.Write(Dto(run), rows);
    }

    internal static AssignmentRunDto Dto(AssignmentRun r) => new(r.Id, r.RegionCode, r.FileName, r.Status, r.Progress, r.PerProposal, r.MaxLoad,
        Split(r.PoolRegions), Split(r.PoolDisciplines), r.MaxPairProbability, r.ProposalCount, r.CandidateExperts, r.TotalAffinity, r.ExpectedAffinity,
        r.GreedyAffinity, r.UnfilledSeats, r.ShortProposals, r.ElapsedMilliseconds, r.SolverStatus,
        r.FailureKey is { } key ? new Message(key).ToString() : null, r.CreatedAt, r.FinishedAt);

    // ---- the job ----

    /// <summary>
    /// Runs every queued run, oldest first (what the background loop calls while it holds the lease; tests call it too).
    /// A run is claimed by moving it from Queued to Running in one statement, so two instances never run the same one.
    /// </summary>
    /// <summary>Whether a run waits (queued, or left running by a stopped instance): a read, so idle instances write nothing.</summary>
    public Task<bool> AnyWorkAsync(CancellationToken ct)
    {
        var staleBefore = clock.GetUtcNow() - StaleAfter;
        return db.Set<AssignmentRun>().AnyAsync(r => r.Status == AssignmentRunStatus.Queued || (r.Status == AssignmentRunStatus.Running && r.StartedAt < staleBefore), ct);
    }

    public async Task<int> ProcessQueuedAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var staleBefore = now - StaleAfter;
        // A run left Running by an instance that stopped is queued again.
        await db.Set<AssignmentRun>().Where(r => r.Status == AssignmentRunStatus.Running && r.StartedAt < staleBefore)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, AssignmentRunStatus.Queued).SetProperty(r => r.Progress, 0), ct);
        var done = 0;
        while (await db.Set<AssignmentRun>().AsNoTracking().Where(r => r.Status == AssignmentRunStatus.Queued)
            .OrderBy(r => r.CreatedAt).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(ct) is { } id)
        {
            var claimed = await db.Set<AssignmentRun>().Where(r => r.Id == id && r.Status == AssignmentRunStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, AssignmentRunStatus.Running).SetProperty(r => r.StartedAt, clock.GetUtcNow())
                    .SetProperty(r => r.Progress, 5), ct);
            if (claimed == 0)
            {
                continue;
            }
            try
            {
                await RunAsync(id, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Assignment run {Run} failed", id);
                db.ChangeTracker.Clear();
                await db.Set<AssignmentRun>().Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, AssignmentRunStatus.Failed)
                    .SetProperty(r => r.FailureKey, "Assignments.RunFailed").SetProperty(r => r.FinishedAt, clock.GetUtcNow()), ct);
            }
            done++;
        }
        return done;
    }

    private Task<int> SetProgressAsync(Guid id, int progress, CancellationToken ct) =>
        db.Set<AssignmentRun>().Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Progress, progress), ct);

    private async Task RunAsync(Guid id, CancellationToken ct)
    {
        var clockWatch = Stopwatch.StartNew();
        var run = await db.Set<AssignmentRun>().AsNoTracking().FirstAsync(r => r.Id == id, ct);
        var proposals = await db.Set<AssignmentProposal>().AsNoTracking().Where(p => p.RunId == id).OrderBy(p => p.RowNumber).ToListAsync(ct);
        var experts = await PoolAsync(run, ct);
        await SetProgressAsync(id, 20, ct);
        var conflicts = await ConflictsAsync(proposals, ct);
        await SetProgressAsync(id, 30, ct);

        var spec = new AssignmentSpec(run.PerProposal, Math.Max(TopCandidates, run.PerProposal), conflicts, run.MaxPairProbability, run.Seed);
        var inputs = proposals.Select(p => new Proposal(Key(p.RowNumber), [Key(p.OrganizationId)], Split(p.Disciplines), SplitList(p.Keywords))).ToList();
        var reviewers = experts.Select(e => new Reviewer(Key(e.Id), Key(e.OrganizationId), e.Codes, e.Keywords, run.MaxLoad)).ToList();
        var candidates = CandidateSet.Build(inputs, reviewers, spec);
        await SetProgressAsync(id, 40, ct);
        var result = run.MaxPairProbability is null ? ExpertAssigner.Optimal(candidates) : ExpertAssigner.Randomized(candidates);
        await SetProgressAsync(id, 80, ct);
        var greedy = ExpertAssigner.Greedy(candidates);
        await SetProgressAsync(id, 90, ct);

        var expertById = experts.ToDictionary(e => Key(e.Id));
        var proposalByKey = proposals.ToDictionary(p => Key(p.RowNumber));
        var pairs = result.Pairs.Select(p =>
        {
            var e = expertById[p.ReviewerId];
            var proposal = proposalByKey[p.ProposalId];
            var (code, keywords) = Reasons(Split(proposal.Disciplines), SplitList(proposal.Keywords), e);
            return new AssignmentPair
            {
                RunId = id,
                RowNumber = proposal.RowNumber,
                ExpertId = e.Id,
                Affinity = p.Affinity,
                Rank = p.Rank,
                MatchedDiscipline = code,
                MatchedKeywords = Truncate(Join(keywords), ExpertRules.MaxListLength),
            };
        }).ToList();
        var assigned = pairs.GroupBy(p => p.RowNumber).ToDictionary(g => g.Key, g => g.Count());
        var shortBy = result.ShortProposals.ToDictionary(s => s.ProposalId, s => s.Reason, StringComparer.Ordinal);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<AssignmentPair>().Where(p => p.RunId == id).ExecuteDeleteAsync(ct);
        foreach (var chunk in pairs.Chunk(2000))
        {
            db.AddRange(chunk);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        foreach (var group in proposals.GroupBy(p => (Assigned: assigned.GetValueOrDefault(p.RowNumber), Reason: shortBy.TryGetValue(Key(p.RowNumber), out var s) ? s : (ShortReason?)null)))
        {
            var (count, reason) = group.Key;
            foreach (var chunk in group.Select(p => p.RowNumber).Chunk(1000))
            {
                await db.Set<AssignmentProposal>().Where(p => p.RunId == id && chunk.Contains(p.RowNumber))
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.Assigned, count).SetProperty(p => p.ShortReason, reason), ct);
            }
        }
        var summary = AssignmentReport.Summary(result);
        await db.Set<AssignmentRun>().Where(r => r.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, AssignmentRunStatus.Done).SetProperty(r => r.Progress, 100)
            .SetProperty(r => r.CandidateExperts, experts.Count).SetProperty(r => r.TotalAffinity, result.TotalAffinity)
            .SetProperty(r => r.ExpectedAffinity, result.ExpectedAffinity).SetProperty(r => r.GreedyAffinity, greedy.TotalAffinity)
            .SetProperty(r => r.UnfilledSeats, summary.MissingPlaces).SetProperty(r => r.ShortProposals, summary.ProposalsShort)
            .SetProperty(r => r.SolverStatus, result.SolverStatus).SetProperty(r => r.ElapsedMilliseconds, clockWatch.ElapsedMilliseconds)
            .SetProperty(r => r.FinishedAt, clock.GetUtcNow()), ct);
        await tx.CommitAsync(ct);
    }

    private static string Key(int row) => row.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Key(Guid id) => id.ToString("N");

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    /// <summary>Why an expert fits a proposal: the best matching code (exact before same first level) and the shared keywords as the expert wrote them.</summary>
    private static (string? Code, List<string> Keywords) Reasons(IReadOnlyList<string> proposalCodes, IReadOnlyList<string> proposalKeywords, PoolExpert e)
    {
        var code = e.Codes.FirstOrDefault(c => proposalCodes.Contains(c))
            ?? e.Codes.FirstOrDefault(c => proposalCodes.Any(p => Affinity.FirstLevel(p) == Affinity.FirstLevel(c)));
        var wanted = proposalKeywords.Select(Affinity.NormaliseKeyword).ToHashSet(StringComparer.Ordinal);
        return (code, e.Keywords.Where(k => wanted.Contains(Affinity.NormaliseKeyword(k))).Distinct(StringComparer.Ordinal).ToList());
    }

    private sealed record PoolExpert(Guid Id, Guid OrganizationId, IReadOnlyList<string> Codes, IReadOnlyList<string> Keywords);

    /// <summary>
    /// The candidate pool: active, available experts of the chosen regions with one of the chosen codes (if any), without
    /// an active integrity record (they never enter the network).
    /// </summary>
    private async Task<List<PoolExpert>> PoolAsync(AssignmentRun run, CancellationToken ct)
    {
        var regions = Split(run.PoolRegions).ToList();
        var blocked = integrity.BlockedExpertIds(ChinaTime.Today(clock));
        var experts = db.Set<Expert>().AsNoTracking().Where(e => e.Status == ExpertStatus.Active && e.Availability != ExpertAvailability.Unavailable
            && regions.Contains(e.RegionCode) && !blocked.Contains(e.Id));
        var rows = await experts.Select(e => new { e.Id, e.OrganizationId, e.Keywords }).ToListAsync(ct);
        var codes = (await db.Set<ExpertDiscipline>().AsNoTracking().Where(d => experts.Any(e => e.Id == d.ExpertId)).Select(d => new { d.ExpertId, d.Code })
            .ToListAsync(ct)).ToLookup(d => d.ExpertId, d => d.Code);
        var filter = Split(run.PoolDisciplines);
        return rows.Select(e => new PoolExpert(e.Id, e.OrganizationId, codes[e.Id].Order(StringComparer.Ordinal).ToList(), SplitList(e.Keywords)))
            .Where(e => filter.Count == 0 || e.Codes.Any(c => filter.Any(f => c.StartsWith(f, StringComparison.Ordinal))))
            .OrderBy(e => e.Id)
            .ToList();
    }

    /// <summary>
    /// (expert, proposal) pairs that must never be assigned besides the applicant institution (the assigner's own rule):
    /// a former employer within <see cref="ReviewRules.RelationYears"/> years or another declared relation to the
    /// applicant organisation — 政府采购法实施条例 第九条, as <see cref="ReviewDraws"/> applies it.
    /// </summary>
    private async Task<HashSet<(string Reviewer, string Proposal)>> ConflictsAsync(List<AssignmentProposal> proposals, CancellationToken ct)
    {
        var cutoff = ChinaTime.Today(clock).AddYears(-ReviewRules.RelationYears);
        var byOrg = proposals.ToLookup(p => p.OrganizationId, p => p.RowNumber);
        var conflicts = new HashSet<(string, string)>();
        foreach (var chunk in byOrg.Select(g => g.Key).Chunk(500))
        {
            var relations = await db.Set<ExpertRelation>().AsNoTracking()
                .Where(r => r.OrganizationId != null && chunk.Contains(r.OrganizationId.Value) && (r.EndedOn == null || r.EndedOn >= cutoff))
                .Select(r => new { r.ExpertId, Organization = r.OrganizationId!.Value }).ToListAsync(ct);
            foreach (var r in relations)
            {
                foreach (var row in byOrg[r.Organization])
                {
                    conflicts.Add((Key(r.ExpertId), Key(row)));
                }
            }
        }
        return conflicts;
    }
}
