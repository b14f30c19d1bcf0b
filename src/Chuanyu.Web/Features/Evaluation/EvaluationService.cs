using System.Text.Json;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NPOI.SS.UserModel;
using NPOI.XSSF.Streaming;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Web.Features.Evaluation;

public sealed record SchemeDto(EvaluationScheme Scheme, IReadOnlyList<IndicatorInfo> Known, int Version, DateTimeOffset? UpdatedAt, bool CanEdit);

public sealed record SchemeInput(EvaluationScheme? Scheme, int? Version);

public sealed record EvaluationRunInput(int? Year);

public sealed record EvaluationRunDto(Guid Id, int Year, EvaluationRunStatus Status, int Progress, EvaluationScheme Scheme, DateTimeOffset RequestedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, double? Seconds, int Instruments, long UsageRecords, string? Error);

public sealed record EvaluationResultDto(int Rank, int RegionRank, Guid ResourceId, string Name, string? Model, Guid OrganizationId, string OrganizationName,
    string RegionCode, double EffectiveHours, double ExternalHours, double SharingRate, int ExternalUsers, int ExternalOrganizations,
    decimal IncomeInternal, decimal IncomeExternal, double? RatingAverage, int RatingCount, int Trainees, int Results, int Functions,
    double Score, EvaluationGrade Grade, IReadOnlyList<double> IndicatorScores, int VoucherServices, decimal VoucherSubsidy);

public sealed record EvaluationOrganizationDto(int Rank, int RegionRank, Guid OrganizationId, string Name, string RegionCode, int Instruments,
    double EffectiveHours, double ExternalHours, double SharingRate, int ExternalUsers, int ExternalOrganizations, decimal IncomeInternal,
    decimal IncomeExternal, double? RatingAverage, int RatingCount, int Trainees, int Results, int Functions, double Score, EvaluationGrade Grade,
    int Excellent, int Good, int Pass, int Poor, int VoucherServices, decimal VoucherSubsidy);

public sealed record RegionFigures(string RegionCode, string RegionName, int Instruments, double EffectiveHours, double ExternalHours, double SharingRate,
    decimal Income, double AverageScore, IReadOnlyDictionary<EvaluationGrade, int> Grades);

/// <summary>
/// What the report page draws: the grade distribution, the score histogram (ten bands of 10 points) and the regions
/// within the caller's scope (<see cref="Regions"/>), and the regions side by side (<see cref="Comparison"/>): for a
/// region's administrator every region's totals, so the comparison compares something. Those are sums and averages
/// over a whole region, nothing of one organisation or instrument of another region.
/// </summary>
public sealed record EvaluationSummary(EvaluationRunDto Run, IReadOnlyList<RegionFigures> Regions, IReadOnlyDictionary<EvaluationGrade, int> Grades,
    IReadOnlyList<int> ScoreBands, string ScopeLabel, IReadOnlyList<RegionFigures> Comparison);

public enum EvaluationSort
{
    Rank,
    Hours,
    ExternalHours,
    Income,
}

/// <summary>
/// The annual open-sharing evaluation (开放共享评价考核) for people: the indicator scheme (the platform administrator
/// edits it), runs (started by the platform administrator, computed by <see cref="EvaluationRunner"/>), and the results.
/// The platform administrator sees both regions, a region's administrators their region, an organisation's admins and
/// resource managers their own organisation's instruments.
/// </summary>
public sealed class EvaluationService(AppDbContext db, CurrentUser me, EvaluationRunner runner, CatalogDirectory catalog, OrganizationDirectory organizations,
    RegionDirectory divisions, AuditLog audit, TimeProvider clock)
{
    public const int MaxExportRows = 200_000;

    private sealed record Scope(bool All, List<string> Regions, IReadOnlyList<Guid> Organizations)
    {
        public bool Any => All || Regions.Count > 0 || Organizations.Count > 0;
    }

    private Scope MyScope() => new(me.IsSystemAdmin, me.AdminRegions.ToList(), me.ManagedOrganizations);

    public bool CanView => MyScope().Any;

    public bool CanRun => me.IsSystemAdmin;

    // ---- the scheme ----------------------------------------------------------------------------------------------

    public async Task<SchemeDto> GetSchemeAsync(CancellationToken ct)
    {
        var row = await db.Set<EvaluationSchemeRow>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == EvaluationSchemeRow.OnlyId, ct);
        return new SchemeDto(row is null ? EvaluationScheme.Default : EvaluationScheme.FromJson(row.Json), EvaluationScheme.Known,
            row?.Version ?? 0, row?.UpdatedAt, me.IsSystemAdmin);
    }

    public async Task<(SchemeDto? Scheme, ServiceResult Result)> SetSchemeAsync(SchemeInput input, CancellationToken ct)
    {
        if (!me.IsSystemAdmin)
        {
            return (null, new ServiceResult.Forbidden());
        }
        if (input.Scheme is null)
        {
            var e = new FieldErrors();
            e.Add("scheme", new Message("Evaluation.SchemeRequired"));
            return (null, new ServiceResult.Invalid(e));
        }
        var scheme = input.Scheme with { Name = input.Scheme.Name?.Trim() ?? "" };
        var errors = scheme.Validate();
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var row = await db.Set<EvaluationSchemeRow>().FirstOrDefaultAsync(r => r.Id == EvaluationSchemeRow.OnlyId, ct);
        if ((row?.Version ?? 0) != (input.Version ?? -1))
        {
            return (null, new ServiceResult.Conflict(SchemeChangedMeanwhile));
        }
        if (row is null)
        {
            db.Add(row = new EvaluationSchemeRow());
        }
        row.Json = scheme.ToJson();
        row.UpdatedBy = me.Id;
        row.UpdatedAt = clock.GetUtcNow();
        row.Version++;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return (null, new ServiceResult.Conflict(SchemeChangedMeanwhile));
        }
        // Audit details are records, kept in the platform's language (Chinese) whatever the actor reads.
        await audit.RecordAsync("evaluation.scheme", "evaluation-scheme", detail: string.Join("；",
            scheme.Indicators.Select(i => $"{EvaluationScheme.Info(i.Code, PlatformSetup.Cultures[0]).Name} {i.Weight}/{i.Target}")), ct: ct);
        await tx.CommitAsync(ct);
        return (await GetSchemeAsync(ct), new ServiceResult.Ok());
    }

    // ---- runs ----------------------------------------------------------------------------------------------------

    /// <summary>Queues the evaluation of a finished or current year (the last complete year when none is given) with the scheme as it is now.</summary>
    public async Task<(EvaluationRunDto? Run, ServiceResult Result)> StartAsync(EvaluationRunInput input, CancellationToken ct)
    {
        if (!CanRun)
        {
            return (null, new ServiceResult.Forbidden());
        }
        var thisYear = ChinaTime.Today(clock).Year;
        // No year given: the last complete one (a year still running would be graded on part of its use).
        var year = input.Year ?? EvaluationRunner.LastCompleteYear(clock);
        if (year < 2000 || year > thisYear)
        {
            var e = new FieldErrors();
            e.Add("year", new Message("Evaluation.YearOutOfRange", thisYear));
            return (null, new ServiceResult.Invalid(e));
        }
        if (await db.Set<EvaluationRun>().AnyAsync(r => r.Status == EvaluationRunStatus.Queued || r.Status == EvaluationRunStatus.Running, ct))
        {
            return (null, new ServiceResult.Conflict(new Message("Evaluation.RunInProgress")));
        }
        var run = await runner.QueueAsync(year, me.Id!.Value, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("evaluation.start", $"evaluation:{run.Id}", detail: $"{year} 年度", ct: ct); // audit detail: a record, kept in Chinese

        await tx.CommitAsync(ct);
        return (ToDto(run), new ServiceResult.Ok());
    }

    public static EvaluationRunDto ToDto(EvaluationRun r) => new(r.Id, r.Year, r.Status, r.Progress, EvaluationScheme.FromJson(r.SchemeJson), r.RequestedAt,
        r.StartedAt, r.FinishedAt, r.StartedAt is { } s && r.FinishedAt is { } f ? Math.Round((f - s).TotalSeconds, 1) : null, r.Instruments, r.UsageRecords, r.Error);

    public async Task<List<EvaluationRunDto>?> ListRunsAsync(CancellationToken ct) => !CanView ? null
        : (await db.Set<EvaluationRun>().AsNoTracking().OrderByDescending(r => r.RequestedAt).Take(50).ToListAsync(ct)).Select(ToDto).ToList();

    public async Task<EvaluationRunDto?> GetRunAsync(Guid id, CancellationToken ct) => !CanView ? null
        : await db.Set<EvaluationRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is { } run ? ToDto(run) : null;

    /// <summary>
    /// The run the report opens with: the latest completed run of the last complete year (China Standard Time), else
    /// the latest completed run of any year.
    /// </summary>
    public async Task<Guid?> DefaultRunAsync(CancellationToken ct) =>
        await LatestCompletedAsync(EvaluationRunner.LastCompleteYear(clock), ct) ?? await LatestCompletedAsync(null, ct);

    /// <summary>The latest completed run (of a year, when given) the caller may read.</summary>
    public async Task<Guid?> LatestCompletedAsync(int? year, CancellationToken ct) => !CanView ? null
        : await db.Set<EvaluationRun>().AsNoTracking().Where(r => r.Status == EvaluationRunStatus.Completed && (year == null || r.Year == year))
            .OrderByDescending(r => r.FinishedAt).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(ct);

    // ---- results -------------------------------------------------------------------------------------------------

    private async Task<(EvaluationRun? Run, Scope Scope, ServiceResult? Refused)> OpenAsync(Guid runId, string? region, CancellationToken ct)
    {
        var scope = MyScope();
        if (!scope.Any)
        {
            return (null, scope, new ServiceResult.Forbidden());
        }
        var run = await db.Set<EvaluationRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null)
        {
            return (null, scope, new ServiceResult.NotFound());
        }
        if (run.Status != EvaluationRunStatus.Completed)
        {
            return (null, scope, new ServiceResult.Conflict(new Message("Evaluation.RunNotFinished", run.Status, run.Progress)));
        }
        if (region is not null && !scope.All && !scope.Regions.Contains(region))
        {
            return (null, scope, new ServiceResult.Forbidden());
        }
        return (run, scope, null);
    }

    private static IQueryable<T> Within<T>(IQueryable<T> q, Scope scope, string? region, Guid? organizationId, EvaluationGrade? grade)
        where T : EvaluationFigures
    {
        if (!scope.All)
        {
            var (regions, orgs) = (scope.Regions, scope.Organizations);
            q = q.Where(r => regions.Contains(r.RegionCode) || orgs.Contains(r.OrganizationId));
        }
        if (region is not null)
        {
            q = q.Where(r => r.RegionCode == region);
        }
        if (organizationId is { } org)
        {
            q = q.Where(r => r.OrganizationId == org);
        }
        if (grade is not null)
        {
            q = q.Where(r => r.Grade == grade);
        }
        return q;
    }

    private static IOrderedQueryable<T> Sort<T>(IQueryable<T> q, EvaluationSort sort, bool byRegion) where T : EvaluationFigures => sort switch
    {
        EvaluationSort.Hours => q.OrderByDescending(r => r.EffectiveMinutes).ThenBy(r => r.Rank),
        EvaluationSort.ExternalHours => q.OrderByDescending(r => r.ExternalMinutes).ThenBy(r => r.Rank),
        EvaluationSort.Income => q.OrderByDescending(r => r.IncomeInternalFen + r.IncomeExternalFen).ThenBy(r => r.Rank),
        _ => byRegion ? q.OrderBy(r => r.RegionRank) : q.OrderBy(r => r.Rank),
    };

    public async Task<(PagedList<EvaluationResultDto>? Page, ServiceResult Result)> InstrumentsAsync(Guid runId, string? region, Guid? organizationId,
        EvaluationGrade? grade, EvaluationSort sort, int page, int pageSize, CancellationToken ct)
    {
        var (run, scope, refused) = await OpenAsync(runId, region, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var q = Within(db.Set<EvaluationResult>().AsNoTracking().Where(r => r.RunId == run!.Id), scope, region, organizationId, grade);
        var total = await q.CountAsync(ct);
        var rows = await Sort(q, sort, region is not null).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return (new PagedList<EvaluationResultDto>(total, page, pageSize, await InstrumentDtosAsync(rows, ct)), new ServiceResult.Ok());
    }

    private async Task<List<EvaluationResultDto>> InstrumentDtosAsync(List<EvaluationResult> rows, CancellationToken ct)
    {
        var ids = rows.Select(r => r.ResourceId).ToList();
        var resources = await catalog.Instruments().Where(r => ids.Contains(r.Id)).Select(r => new { r.Id, r.Name, r.Model })
            .ToDictionaryAsync(r => r.Id, ct);
        var orgs = await organizations.NamesAsync(rows.Select(r => r.OrganizationId), ct);
        return rows.Select(r => new EvaluationResultDto(r.Rank, r.RegionRank, r.ResourceId, resources.GetValueOrDefault(r.ResourceId)?.Name ?? "",
            resources.GetValueOrDefault(r.ResourceId)?.Model, r.OrganizationId, orgs.GetValueOrDefault(r.OrganizationId, ""), r.RegionCode,
            Hours(r.EffectiveMinutes), Hours(r.ExternalMinutes), Rate(r), r.ExternalUsers, r.ExternalOrganizations, r.IncomeInternalFen / 100m,
            r.IncomeExternalFen / 100m, r.RatingAverage, r.RatingCount, r.Trainees, r.Results, r.Functions, r.Score, r.Grade,
            JsonSerializer.Deserialize<double[]>(r.IndicatorScores) ?? [], r.VoucherServices, r.VoucherSubsidyFen / 100m)).ToList();
    }

    public async Task<(PagedList<EvaluationOrganizationDto>? Page, ServiceResult Result)> OrganizationsAsync(Guid runId, string? region,
        EvaluationGrade? grade, EvaluationSort sort, int page, int pageSize, CancellationToken ct)
    {
        var (run, scope, refused) = await OpenAsync(runId, region, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var q = Within(db.Set<EvaluationOrganizationResult>().AsNoTracking().Where(r => r.RunId == run!.Id), scope, region, null, grade);
        var total = await q.CountAsync(ct);
        var rows = await Sort(q, sort, region is not null).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return (new PagedList<EvaluationOrganizationDto>(total, page, pageSize, await OrganizationDtosAsync(rows, ct)), new ServiceResult.Ok());
    }

    private async Task<List<EvaluationOrganizationDto>> OrganizationDtosAsync(List<EvaluationOrganizationResult> rows, CancellationToken ct)
    {
        var orgs = await organizations.NamesAsync(rows.Select(r => r.OrganizationId), ct);
        return rows.Select(r => new EvaluationOrganizationDto(r.Rank, r.RegionRank, r.OrganizationId, orgs.GetValueOrDefault(r.OrganizationId, ""),
            r.RegionCode, r.Instruments, Hours(r.EffectiveMinutes), Hours(r.ExternalMinutes), Rate(r), r.ExternalUsers, r.ExternalOrganizations,
            r.IncomeInternalFen / 100m, r.IncomeExternalFen / 100m, r.RatingAverage, r.RatingCount, r.Trainees, r.Results, r.Functions, r.Score, r.Grade,
            r.Excellent, r.Good, r.Pass, r.Poor, r.VoucherServices, r.VoucherSubsidyFen / 100m)).ToList();
    }

    private static double Hours(long minutes) => Math.Round(minutes / 60.0, 1);

    private static double Rate(EvaluationFigures f) => f.EffectiveMinutes == 0 ? 0 : Math.Round(100.0 * f.ExternalMinutes / f.EffectiveMinutes, 1);

    public async Task<(EvaluationSummary? Summary, ServiceResult Result)> SummaryAsync(Guid runId, CancellationToken ct)
    {
        var (run, scope, refused) = await OpenAsync(runId, null, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var all = db.Set<EvaluationResult>().AsNoTracking().Where(r => r.RunId == run!.Id);
        var q = Within(all, scope, null, null, null);
        var names = await divisions.ProvinceNamesAsync(ct);
        var regions = await RegionsAsync(q, names, ct);
        // Compared, not cast: PostgreSQL rounds a float cast to integer (96 / 10 would fall into an eleventh band).
        var bands = await q.GroupBy(r => r.Score >= 90 ? 9 : r.Score >= 80 ? 8 : r.Score >= 70 ? 7 : r.Score >= 60 ? 6 : r.Score >= 50 ? 5
                : r.Score >= 40 ? 4 : r.Score >= 30 ? 3 : r.Score >= 20 ? 2 : r.Score >= 10 ? 1 : 0)
            .Select(g => new { Band = g.Key, Count = g.Count() }).ToListAsync(ct);
        var grades = Enum.GetValues<EvaluationGrade>().ToDictionary(x => x, x => regions.Sum(r => r.Grades.GetValueOrDefault(x)));
        var histogram = Enumerable.Range(0, 10).Select(i => bands.Where(b => b.Band == i).Sum(b => b.Count)).ToList();
        // A region's administrator compares his region with the others, whole regions against whole regions; someone
        // who sees only his own organisation's instruments keeps them.
        var comparison = scope.All || scope.Regions.Count == 0 ? regions : await RegionsAsync(all, names, ct);
        // Region names are reference data (Chinese); the words around them follow the reader.
        var label = scope.All ? new Message("Evaluation.Scope.BothRegions").ToString()
            : scope.Regions.Count > 0 ? string.Join(new Message("Evaluation.ListSeparator").ToString(), scope.Regions.Select(r => names.GetValueOrDefault(r, r)))
            : new Message("Evaluation.Scope.OwnOrganization").ToString();
        return (new EvaluationSummary(ToDto(run!), regions, grades, histogram, label, comparison), new ServiceResult.Ok());
    }

    /// <summary>The results' figures per region, summed in the database (one grouped read).</summary>
    private static async Task<List<RegionFigures>> RegionsAsync(IQueryable<EvaluationResult> q, IReadOnlyDictionary<string, string> names, CancellationToken ct)
    {
        var byRegionGrade = await q.GroupBy(r => new { r.RegionCode, r.Grade }).Select(g => new
        {
            g.Key.RegionCode,
            g.Key.Grade,
            Count = g.Count(),
            Minutes = g.Sum(r => r.EffectiveMinutes),
            External = g.Sum(r => r.ExternalMinutes),
            Fen = g.Sum(r => r.IncomeInternalFen + r.IncomeExternalFen),
            ScoreSum = g.Sum(r => r.Score),
        }).ToListAsync(ct);
        return byRegionGrade.GroupBy(x => x.RegionCode).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var n = g.Sum(x => x.Count);
            var minutes = g.Sum(x => x.Minutes);
            var external = g.Sum(x => x.External);
            return new RegionFigures(g.Key, names.GetValueOrDefault(g.Key, g.Key), n, Hours(minutes), Hours(external),
                minutes == 0 ? 0 : Math.Round(100.0 * external / minutes, 1), g.Sum(x => x.Fen) / 100m, n == 0 ? 0 : Math.Round(g.Sum(x => x.ScoreSum) / n, 1),
                Enum.GetValues<EvaluationGrade>().ToDictionary(x => x, x => g.Where(y => y.Grade == x).Sum(y => y.Count)));
        }).ToList();
    }

    private static readonly Message SchemeChangedMeanwhile = new("Evaluation.SchemeChangedMeanwhile");

    // ---- export --------------------------------------------------------------------------------------------------

    /// <summary>The instruments' results within the caller's scope as a streamed .xlsx (rank order), at most <see cref="MaxExportRows"/> rows.</summary>
    public async Task<(byte[]? File, ServiceResult Result)> ExportInstrumentsAsync(Guid runId, string? region, CancellationToken ct)
    {
        var (run, scope, refused) = await OpenAsync(runId, region, ct);
        if (refused is not null)
        {
            return (null, refused);
        }
        var scheme = EvaluationScheme.FromJson(run!.SchemeJson);
        var q = Within(db.Set<EvaluationResult>().AsNoTracking().Where(r => r.RunId == run.Id), scope, region, null, null);
        // An informational export (nothing re-imports it): its words follow the reader, region names are reference data.
        var headers = new List<Message>
        {
            new("Evaluation.Export.Rank"), new("Evaluation.Export.RegionRank"), new("Evaluation.Export.Name"), new("Evaluation.Export.Model"),
            new("Evaluation.Export.Organization"), new("Evaluation.Export.Region"), new("Evaluation.Export.EffectiveHours"),
            new("Evaluation.Export.ExternalHours"), new("Evaluation.Export.SharingRate"), new("Evaluation.Export.ExternalUsers"),
            new("Evaluation.Export.ExternalOrganizations"), new("Evaluation.Export.IncomeInternal"), new("Evaluation.Export.IncomeExternal"),
            new("Evaluation.Export.Rating"), new("Evaluation.Export.RatingCount"), new("Evaluation.Export.Trainees"), new("Evaluation.Export.Results"),
            new("Evaluation.Export.Functions"), new("Evaluation.Export.VoucherServices"), new("Evaluation.Export.VoucherSubsidy"),
        };
        headers.AddRange(scheme.Indicators.Select(i => new Message("Evaluation.Export.IndicatorScore", EvaluationScheme.NameOf(i.Code), i.Weight)));
        headers.AddRange([new("Evaluation.Export.Score"), new("Evaluation.Export.Grade")]);
        var regionNames = await divisions.ProvinceNamesAsync(ct);
        using var output = new MemoryStream();
        var workbook = new SXSSFWorkbook(new XSSFWorkbook(), 100);
        try
        {
            var sheet = XlsxStream.CreateSheet(workbook, new Message("Evaluation.Export.Sheet").ToString());
            var r = 0;
            sheet.CreateRow(r++).CreateCell(0).SetCellValue(new Message("Evaluation.Export.Title", run.Year, scheme.Name).ToString());
            var heading = sheet.CreateRow(r++);
            for (var i = 0; i < headers.Count; i++)
            {
                heading.CreateCell(i).SetCellValue(headers[i].ToString());
            }
            sheet.CreateFreezePane(0, r);
            var written = 0;
            // Read in pages of the rank order, so memory holds one page of names at a time.
            for (var skip = 0; skip < MaxExportRows; skip += 5_000)
            {
                var rows = await q.OrderBy(x => x.Rank).ThenBy(x => x.ResourceId).Skip(skip).Take(5_000).ToListAsync(ct);
                if (rows.Count == 0)
                {
                    break;
                }
                foreach (var x in await InstrumentDtosAsync(rows, ct))
                {
                    var row = sheet.CreateRow(r++);
                    var c = 0;
                    row.CreateCell(c++, CellType.Numeric).SetCellValue(x.Rank);
                    row.CreateCell(c++, CellType.Numeric).SetCellValue(x.RegionRank);
                    row.CreateCell(c++).SetCellValue(x.Name);
                    row.CreateCell(c++).SetCellValue(x.Model ?? "");
                    row.CreateCell(c++).SetCellValue(x.OrganizationName);
                    row.CreateCell(c++).SetCellValue(regionNames.GetValueOrDefault(x.RegionCode, x.RegionCode));
                    foreach (var v in new double[] { x.EffectiveHours, x.ExternalHours, x.SharingRate, x.ExternalUsers, x.ExternalOrganizations,
                                 (double)x.IncomeInternal, (double)x.IncomeExternal })
                    {
                        row.CreateCell(c++, CellType.Numeric).SetCellValue(v);
                    }
                    // A blank cell, not none: NPOI's streamed row stops writing at the first missing cell.
                    var rating = row.CreateCell(c++, CellType.Blank);
                    if (x.RatingAverage is { } avg)
                    {
                        rating.SetCellValue(avg);
                    }
                    foreach (var v in new double[] { x.RatingCount, x.Trainees, x.Results, x.Functions, x.VoucherServices, (double)x.VoucherSubsidy })
                    {
                        row.CreateCell(c++, CellType.Numeric).SetCellValue(v);
                    }
                    foreach (var s in x.IndicatorScores)
                    {
                        row.CreateCell(c++, CellType.Numeric).SetCellValue(s);
                    }
                    row.CreateCell(c++, CellType.Numeric).SetCellValue(x.Score);
                    row.CreateCell(c, CellType.String).SetCellValue(Messages.Label(x.Grade).ToString());
                    written++;
                }
            }
            XlsxStream.Write(workbook, [sheet], output, clock.GetUtcNow());
            // The audit detail is a record, kept in Chinese.
            await audit.RecordAsync("evaluation.export", $"evaluation:{run.Id}", detail: $"{run.Year} 年度，{written} 台仪器" + (region is null ? "" : $"，地区 {region}"), ct: ct);
        }
        finally
        {
            workbook.Dispose();
        }
        return (output.ToArray(), new ServiceResult.Ok());
    }
}
