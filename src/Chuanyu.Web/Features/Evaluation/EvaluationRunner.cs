using System.Diagnostics;
using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Booking;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Usage;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Evaluation;

/// <summary>
/// Computes an evaluation run from the platform's own records: every instrument's usage records of the year (China
/// Standard Time), training records, registered results and ratings, aggregated by the database in a few grouped
/// reads; the scores, grades and ranks in memory; the results written in batches. Run by one instance at a time
/// (lease <see cref="LeaseName"/>); a run left running by an instance that died is computed again from the start.
/// </summary>
public sealed class EvaluationRunner(AppDbContext db, CatalogDirectory catalog, BookingDirectory bookings, UsageDirectory usageData, VoucherDirectory vouchers,
    IServiceScopeFactory scopes,
    JobLeases leases, TimeProvider clock, ILogger<EvaluationRunner> logger)
{
    public const string LeaseName = "evaluation-runs";

    /// <summary>A run of <paramref name="year"/> with the platform's scheme as it is now, added to the context (saved by the caller).</summary>
    public async Task<EvaluationRun> QueueAsync(int year, Guid requestedBy, CancellationToken ct)
    {
        var run = new EvaluationRun
        {
            Id = Guid.CreateVersion7(),
            Year = year,
            Status = EvaluationRunStatus.Queued,
            SchemeJson = await db.Set<EvaluationSchemeRow>().AsNoTracking().Where(r => r.Id == EvaluationSchemeRow.OnlyId).Select(r => r.Json).FirstOrDefaultAsync(ct) ?? EvaluationScheme.Default.ToJson(),
            RequestedBy = requestedBy,
            RequestedAt = clock.GetUtcNow(),
        };
        db.Add(run);
        return run;
    }

    /// <summary>Takes the lease and computes the oldest waiting run, if any; returns its id.</summary>
    public async Task<Guid?> RunNextAsync(TimeSpan lease, CancellationToken ct)
    {
        var waiting = await db.Set<EvaluationRun>().AsNoTracking()
            .Where(r => r.Status == EvaluationRunStatus.Queued || r.Status == EvaluationRunStatus.Running)
            .OrderBy(r => r.RequestedAt).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(ct);
        if (waiting is null || !await leases.TryAcquireAsync(LeaseName, leases.Holder, lease, ct))
        {
            return null;
        }
        try
        {
            await RunAsync(waiting.Value, ct);
            return waiting;
        }
        finally
        {
            await leases.ReleaseAsync(LeaseName, leases.Holder, CancellationToken.None);
        }
    }

    /// <summary>Computes one run; a failure is recorded on the run (and logged) rather than thrown.</summary>
    public async Task RunAsync(Guid runId, CancellationToken ct)
    {
        var run = await db.Set<EvaluationRun>().FirstAsync(r => r.Id == runId, ct);
        run.Status = EvaluationRunStatus.Running;
        run.StartedAt = clock.GetUtcNow();
        run.Progress = 0;
        run.Error = null;
        await db.SaveChangesAsync(ct);
        try
        {
            await ComputeAsync(run, ct);
            run.Status = EvaluationRunStatus.Completed;
            run.Progress = 100;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Evaluation run {RunId} for {Year} failed", run.Id, run.Year);
            db.ChangeTracker.Clear();
            db.Attach(run);
            run.Status = EvaluationRunStatus.Failed;
            run.Error = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
        }
        run.FinishedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private async Task ProgressAsync(EvaluationRun run, int percent, CancellationToken ct)
    {
        run.Progress = percent;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The last year that has ended in China Standard Time: what the evaluation evaluates unless asked for another.</summary>
    public static int LastCompleteYear(TimeProvider clock) => ChinaTime.Today(clock).Year - 1;

    /// <summary>The year's bounds in China Standard Time, as UTC instants.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) YearOf(int year) =>
        (new DateTimeOffset(year, 1, 1, 0, 0, 0, Display.ChinaStandardTime).ToUniversalTime(),
         new DateTimeOffset(year + 1, 1, 1, 0, 0, 0, Display.ChinaStandardTime).ToUniversalTime());

    private async Task ComputeAsync(EvaluationRun run, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var scheme = EvaluationScheme.FromJson(run.SchemeJson);
        var (from, to) = YearOf(run.Year);
        var firstDay = new DateOnly(run.Year, 1, 1);
        var lastDay = new DateOnly(run.Year, 12, 31);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));

        // A rerun (the instance that ran it died) starts from nothing.
        await db.Set<EvaluationResult>().Where(r => r.RunId == run.Id).ExecuteDeleteAsync(ct);
        await db.Set<EvaluationOrganizationResult>().Where(r => r.RunId == run.Id).ExecuteDeleteAsync(ct);

        // The instruments evaluated: every published large instrument (retired ones only when they were used in the year).
        var usage = Usage(usageData, from, to);
        var instruments = await catalog.Instruments()
            .Where(r => r.Kind == ResourceKind.Instrument &&
                        (r.Status == ResourceStatus.Published || (r.Status == ResourceStatus.Retired && usage.Any(u => u.ResourceId == r.Id))))
            .Select(r => new { r.Id, r.OrganizationId, r.RegionCode }).ToListAsync(ct);
        await ProgressAsync(run, 10, ct);

        // The three grouped reads over the year's records run at once, each on a connection of its own (the machine
        // has more than one core; SQLite's readers do not block each other): machine time and income per instrument …
        var perInstrumentRead = ReadAsync(d => Usage(d, from, to).GroupBy(u => u.ResourceId).Select(g => new
        {
            ResourceId = g.Key,
            Records = g.Count(),
            Minutes = g.Sum(u => (long)u.Minutes),
            ExternalMinutes = g.Sum(u => u.External ? (long)u.Minutes : 0),
            InternalFen = g.Sum(u => u.External ? 0 : u.FeeFen),
            ExternalFen = g.Sum(u => u.External ? u.FeeFen : 0),
        }).ToDictionaryAsync(x => x.ResourceId, ct));
        // … the external users and organisations served per instrument, over the external records only (distinct counts
        // are the costly part; asked together with the sums they took as long again) …
        var servedRead = ReadAsync(d => Usage(d, from, to).Where(u => u.External).GroupBy(u => u.ResourceId).Select(g => new
        {
            ResourceId = g.Key,
            Users = g.Select(u => u.UserId).Distinct().Count(),
            Organizations = g.Select(u => u.UserOrganizationId).Distinct().Count(),
        }).ToDictionaryAsync(x => x.ResourceId, ct));
        // … and per organisation, whose external users count once however many of its instruments they used.
        var perOwnerRead = ReadAsync(d => Usage(d, from, to).Where(u => u.External).GroupBy(u => u.OwnerOrganizationId).Select(g => new
        {
            OrganizationId = g.Key,
            Users = g.Select(u => u.UserId).Distinct().Count(),
            Organizations = g.Select(u => u.UserOrganizationId).Distinct().Count(),
        }).ToDictionaryAsync(x => x.OrganizationId, ct));
        var perInstrument = await perInstrumentRead;
        var served = await servedRead;
        var perOwner = await perOwnerRead;
        var read = watch.Elapsed;
        await ProgressAsync(run, 70, ct);

        var trainees = await bookings.Qualifications().Where(q => q.GrantedAt >= from && q.GrantedAt < to)
            .GroupBy(q => q.ResourceId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var outputs = await usageData.Outputs().Where(a => a.AchievedOn >= firstDay && a.AchievedOn <= lastDay)
            .GroupBy(a => new { a.ResourceId, Function = a.Kind == InstrumentOutputKind.FunctionDevelopment })
            .Select(g => new { g.Key.ResourceId, g.Key.Function, Count = g.Count() }).ToListAsync(ct);
        var results = outputs.Where(a => !a.Function).ToDictionary(a => a.ResourceId, a => a.Count);
        var functions = outputs.Where(a => a.Function).ToDictionary(a => a.ResourceId, a => a.Count);
        var ratings = await bookings.Ratings().Where(r => r.CreatedAt >= from && r.CreatedAt < to)
            .GroupBy(r => r.ResourceId).Select(g => new { g.Key, Sum = g.Sum(r => r.Score), Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, ct);
        // Services paid in part with an innovation voucher (issue 15 §9): the live redemptions of the year's uses, by the
        // instrument used; a redemption reversed by a refund no longer counts.
        var voucherPaid = await vouchers.Subsidies().Where(v => v.RedeemedAt >= from && v.RedeemedAt < to)
            .GroupBy(v => v.ResourceId).Select(g => new { g.Key, Count = g.Count(), Fen = g.Sum(v => v.SubsidyFen) })
            .ToDictionaryAsync(x => x.Key, ct);
        await ProgressAsync(run, 75, ct);

        var rows = new List<EvaluationResult>(instruments.Count);
        foreach (var i in instruments)
        {
            var u = perInstrument.GetValueOrDefault(i.Id);
            var rating = ratings.GetValueOrDefault(i.Id);
            var voucher = voucherPaid.GetValueOrDefault(i.Id);
            var row = new EvaluationResult
            {
                RunId = run.Id,
                ResourceId = i.Id,
                OrganizationId = i.OrganizationId,
                RegionCode = i.RegionCode,
                EffectiveMinutes = u?.Minutes ?? 0,
                ExternalMinutes = u?.ExternalMinutes ?? 0,
                ExternalUsers = served.GetValueOrDefault(i.Id)?.Users ?? 0,
                ExternalOrganizations = served.GetValueOrDefault(i.Id)?.Organizations ?? 0,
                IncomeInternalFen = u?.InternalFen ?? 0,
                IncomeExternalFen = u?.ExternalFen ?? 0,
                RatingCount = rating?.Count ?? 0,
                RatingAverage = rating is null ? null : Math.Round((double)rating.Sum / rating.Count, 2),
                Trainees = trainees.GetValueOrDefault(i.Id),
                Results = results.GetValueOrDefault(i.Id),
                Functions = functions.GetValueOrDefault(i.Id),
                VoucherServices = voucher?.Count ?? 0,
                VoucherSubsidyFen = voucher?.Fen ?? 0,
            };
            var scores = scheme.Scores(row);
            row.Score = Math.Round(scores.Sum(), 1);
            row.Grade = scheme.Grade(row.Score);
            row.IndicatorScores = "[" + string.Join(",", scores.Select(s => s.ToString(CultureInfo.InvariantCulture))) + "]";
            rows.Add(row);
        }
        Rank(rows);

        var organizations = rows.GroupBy(r => r.OrganizationId).Select(g =>
        {
            var owner = perOwner.GetValueOrDefault(g.Key);
            var rated = g.Where(r => r.RatingAverage is not null).ToList();
            var score = Math.Round(g.Average(r => r.Score), 1);
            return new EvaluationOrganizationResult
            {
                RunId = run.Id,
                OrganizationId = g.Key,
                RegionCode = g.First().RegionCode,
                Instruments = g.Count(),
                EffectiveMinutes = g.Sum(r => r.EffectiveMinutes),
                ExternalMinutes = g.Sum(r => r.ExternalMinutes),
                ExternalUsers = owner?.Users ?? 0,
                ExternalOrganizations = owner?.Organizations ?? 0,
                IncomeInternalFen = g.Sum(r => r.IncomeInternalFen),
                IncomeExternalFen = g.Sum(r => r.IncomeExternalFen),
                RatingCount = g.Sum(r => r.RatingCount),
                RatingAverage = rated.Count == 0 ? null
                    : Math.Round(rated.Sum(r => r.RatingAverage!.Value * r.RatingCount) / rated.Sum(r => r.RatingCount), 2),
                Trainees = g.Sum(r => r.Trainees),
                Results = g.Sum(r => r.Results),
                Functions = g.Sum(r => r.Functions),
                VoucherServices = g.Sum(r => r.VoucherServices),
                VoucherSubsidyFen = g.Sum(r => r.VoucherSubsidyFen),
                Score = score,
                Grade = scheme.Grade(score),
                Excellent = g.Count(r => r.Grade == EvaluationGrade.Excellent),
                Good = g.Count(r => r.Grade == EvaluationGrade.Good),
                Pass = g.Count(r => r.Grade == EvaluationGrade.Pass),
                Poor = g.Count(r => r.Grade == EvaluationGrade.Poor),
            };
        }).ToList();
        Rank(organizations);
        await ProgressAsync(run, 80, ct);

        var computed = watch.Elapsed;
        // Binary COPY on PostgreSQL, one prepared INSERT on SQLite: EF's batched inserts took ten seconds here.
        await BulkInsert.WriteAsync(db, rows, ct);
        db.AddRange(organizations);
        run.Instruments = rows.Count;
        run.UsageRecords = perInstrument.Values.Sum(x => (long)x.Records);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        logger.LogInformation("Evaluation {Year}: {Instruments} instruments, {Records} usage records, {Organizations} organisations in {Seconds:0.0} s " +
                              "(reading {Read:0.0} s, scoring {Scoring:0.0} s, writing {Writing:0.0} s)",
            run.Year, rows.Count, run.UsageRecords, organizations.Count, watch.Elapsed.TotalSeconds, read.TotalSeconds,
            (computed - read).TotalSeconds, (watch.Elapsed - computed).TotalSeconds);
    }

    private static IQueryable<UsageRef> Usage(UsageDirectory usage, DateTimeOffset from, DateTimeOffset to) =>
        usage.Records().Where(u => u.StartedAt >= from && u.StartedAt < to);

    /// <summary>A read of the usage records on a context (and connection) of its own, so several can run at once.</summary>
    private async Task<T> ReadAsync<T>(Func<UsageDirectory, Task<T>> read)
    {
        await using var scope = scopes.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        context.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        return await read(scope.ServiceProvider.GetRequiredService<UsageDirectory>());
    }

    /// <summary>Ranks by score (ties share a place; equal scores in order of more hours), overall and within each region.</summary>
    private static void Rank<T>(List<T> rows) where T : EvaluationFigures
    {
        rows.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : b.EffectiveMinutes.CompareTo(a.EffectiveMinutes));
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Rank = i > 0 && rows[i].Score == rows[i - 1].Score ? rows[i - 1].Rank : i + 1;
        }
        foreach (var region in rows.GroupBy(r => r.RegionCode))
        {
            var list = region.ToList();
            for (var i = 0; i < list.Count; i++)
            {
                list[i].RegionRank = i > 0 && list[i].Score == list[i - 1].Score ? list[i - 1].RegionRank : i + 1;
            }
        }
    }
}

/// <summary>Computes waiting evaluation runs in the background (every <c>Evaluation:PollSeconds</c>, default 5).</summary>
public sealed class EvaluationRunnerService(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider clock, ILogger<EvaluationRunnerService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Evaluation:PollSeconds", 5)));
        await PeriodicLoop.RunAsync(interval, clock, async ct =>
        {
            using var scope = scopes.CreateScope();
            await scope.ServiceProvider.GetRequiredService<EvaluationRunner>().RunNextAsync(TimeSpan.FromMinutes(30), ct);
        }, logger, "Evaluation runner failed", stoppingToken);
    }
}
