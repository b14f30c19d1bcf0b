using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Web.Features.Search;

public sealed record VocabularyInput(string? Term, string? Expansion, string? Source, int? Version = null);

public sealed record VocabularyEntryDto(Guid Id, string Term, string Expansion, string Source, Guid? UpdatedBy, DateTimeOffset UpdatedAt, int Version);

/// <summary>
/// The background reindex after a vocabulary change: the vocabulary's version, the version the index was last
/// rewritten for, whether one is waiting or running, and the rows read of the rows in all.
/// </summary>
public sealed record VocabularyReindexStatus(long VocabularyVersion, long ReindexedVersion, bool Pending, bool Running, long Done, long Total);

/// <summary>An import: applied (all rows) or not (none), the rows read, the pairs added and updated, and every bad row.</summary>
public sealed record VocabularyImportResult(bool Applied, int Rows, int Created, int Updated, ImportFailure Failure, Message? Message, IReadOnlyList<ImportError> Errors);

/// <summary>
/// The search vocabulary for its administrators: list, read, add, change, remove, import and export. Every change is
/// checked (<see cref="VocabularyRules"/>), written with the vocabulary's new version in one transaction (taken first,
/// so changes from several instances queue and each is checked against the one before), audited, and followed by the
/// background reindex (<see cref="VocabularyReindex"/>). Reading is open to anyone; changing is the system
/// administrator's (the endpoints and the page say so).
/// </summary>
public sealed class VocabularyService(AppDbContext db, CurrentUser me, SearchVocabulary vocabulary, JobLeases leases, AuditLog audit, TimeProvider clock)
{
    public const long MaxImportBytes = 5L * 1024 * 1024;
    public const int MaxImportRows = 10_000;
    private static readonly string[] Columns = ["term", "expansion", "source"];

    public async Task<PagedList<VocabularyEntryDto>> ListAsync(string? q, int page, int pageSize, CancellationToken ct)
    {
        var query = db.Set<VocabularyEntry>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var needle = q.Trim().ToLowerInvariant();
            // ToLower() here is SQL lower() on both engines (EF cannot translate ToLowerInvariant); no .NET culture applies.
#pragma warning disable CA1304, CA1311
            query = query.Where(e => e.Term.ToLower().Contains(needle) || e.Expansion.ToLower().Contains(needle) || e.Source.ToLower().Contains(needle));
#pragma warning restore CA1304, CA1311
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(e => e.Term).ThenBy(e => e.Expansion).ThenBy(e => e.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).Select(e => Dto(e)).ToListAsync(ct);
        return new PagedList<VocabularyEntryDto>(total, page, pageSize, items);
    }

    public async Task<VocabularyEntryDto?> GetAsync(Guid id, CancellationToken ct) =>
        await db.Set<VocabularyEntry>().AsNoTracking().Where(e => e.Id == id).Select(e => Dto(e)).FirstOrDefaultAsync(ct);

    public Task<(VocabularyEntryDto? Entry, ServiceResult Result)> CreateAsync(VocabularyInput input, CancellationToken ct) =>
        ChangeAsync(null, input, ct);

    public Task<(VocabularyEntryDto? Entry, ServiceResult Result)> UpdateAsync(Guid id, VocabularyInput input, CancellationToken ct) =>
        ChangeAsync(id, input, ct);

    private async Task<(VocabularyEntryDto?, ServiceResult)> ChangeAsync(Guid? id, VocabularyInput input, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var version = await BumpAsync(ct);
        var all = await db.Set<VocabularyEntry>().ToListAsync(ct);
        var entry = id is { } existing ? all.FirstOrDefault(e => e.Id == existing) : null;
        if (id is not null && entry is null)
        {
            return (null, new ServiceResult.NotFound());
        }
        if (entry is not null && input.Version is { } read && read != entry.Version)
        {
            return (null, new ServiceResult.Conflict(new Message("Vocabulary.Stale")));
        }
        var errors = VocabularyRules.Check(input.Term, input.Expansion, input.Source, Others(all, entry));
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var before = entry is null ? null : $"{entry.Term} → {entry.Expansion} ({entry.Source})";
        if (entry is null)
        {
            entry = new VocabularyEntry { Id = Guid.CreateVersion7(), Version = 0 };
            db.Add(entry);
        }
        entry.Term = input.Term!.Trim();
        entry.Expansion = input.Expansion!.Trim();
        entry.Source = input.Source!.Trim();
        entry.UpdatedBy = me.Id;
        entry.UpdatedAt = clock.GetUtcNow();
        entry.Version++;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(id is null ? "search.vocabulary.create" : "search.vocabulary.update", $"vocabulary:{entry.Id}",
            detail: (before is null ? "" : before + " ⇒ ") + $"{entry.Term} → {entry.Expansion} ({entry.Source}); version={version}", ct: ct);
        await tx.CommitAsync(ct);
        await vocabulary.ReloadAsync(db, ct);
        return (Dto(entry), new ServiceResult.Ok());
    }

    public async Task<ServiceResult> DeleteAsync(Guid id, int? version, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var vocabularyVersion = await BumpAsync(ct);
        var entry = await db.Set<VocabularyEntry>().FirstOrDefaultAsync(e => e.Id == id, ct);
        if (entry is null)
        {
            return new ServiceResult.NotFound();
        }
        if (version is { } read && read != entry.Version)
        {
            return new ServiceResult.Conflict(new Message("Vocabulary.Stale"));
        }
        db.Remove(entry);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("search.vocabulary.delete", $"vocabulary:{entry.Id}", detail: $"{entry.Term} → {entry.Expansion} ({entry.Source}); version={vocabularyVersion}", ct: ct);
        await tx.CommitAsync(ct);
        await vocabulary.ReloadAsync(db, ct);
        return new ServiceResult.Ok();
    }

    /// <summary>
    /// Imports a .csv or .xlsx with the columns <c>term, expansion, source</c> (header first, as the seed file and the
    /// export): a pair not in the vocabulary is added, a pair already there takes the file's source. All or nothing:
    /// every row is checked against the vocabulary and the rows above it, and one bad row leaves everything as it was.
    /// </summary>
    public async Task<VocabularyImportResult> ImportAsync(Stream content, long length, string? fileName, CancellationToken ct)
    {
        VocabularyImportResult Failed(ImportFailure failure, Message message, IReadOnlyList<ImportError>? errors = null, int rows = 0) =>
            new(false, rows, 0, 0, failure, message, errors ?? []);
        var (upload, fileError) = await Uploads.CheckAsync(fileName, content, length, UploadKind.Spreadsheet, MaxImportBytes, ct);
        if (upload is null)
        {
            return Failed(length > MaxImportBytes ? ImportFailure.TooLarge : ImportFailure.File, fileError!);
        }
        List<SheetRow> rows;
        try
        {
            if (upload.Extension == ".xlsx")
            {
                using var xlsx = XlsxSheetReader.Open(content);
                rows = xlsx.Rows().Where(r => !r.IsEmpty).Take(MaxImportRows + 2).ToList();
            }
            else
            {
                var bytes = new byte[length];
                await content.ReadExactlyAsync(bytes, ct);
                rows = CsvSheetReader.Rows(bytes).Where(r => !r.IsEmpty).Take(MaxImportRows + 2).ToList();
            }
        }
        catch (SheetFormatException e)
        {
            return Failed(ImportFailure.File, e.Reason);
        }
        if (rows.Count == 0)
        {
            return Failed(ImportFailure.File, new Message("Vocabulary.ImportEmpty"));
        }
        var header = rows[0];
        var at = Columns.Select(c => Array.FindIndex(header.Cells, h => string.Equals(h?.Trim(), c, StringComparison.OrdinalIgnoreCase))).ToArray();
        var missing = Columns.Where((c, i) => at[i] < 0).ToList();
        if (missing.Count > 0)
        {
            return Failed(ImportFailure.Rows, new Message("Vocabulary.ImportRowsFailed"),
                [.. missing.Select(c => new ImportError(header.Number, c, new Message("Vocabulary.ImportColumnMissing", c)))], 0);
        }
        if (rows.Count - 1 > MaxImportRows)
        {
            return Failed(ImportFailure.File, new Message("Vocabulary.ImportTooManyRows", MaxImportRows));
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var version = await BumpAsync(ct);
        var all = await db.Set<VocabularyEntry>().ToListAsync(ct);
        var pairs = all.Select(e => new VocabularyRules.Pair(e.Id, e.Term, e.Expansion)).ToList();
        var errors = new List<ImportError>();
        var changes = new List<(VocabularyEntry? Existing, string Term, string Expansion, string Source)>();
        foreach (var row in rows.Skip(1))
        {
            string? Cell(int column) => at[column] < row.Cells.Length ? row.Cells[at[column]] : null;
            var (term, expansion, source) = (Cell(0), Cell(1), Cell(2));
            var existing = term is null || expansion is null ? null
                : all.FirstOrDefault(e => VocabularyRules.SamePair(e.Term, e.Expansion, term, expansion));
            var rowErrors = VocabularyRules.Check(term, expansion, source, existing is null ? pairs : [.. pairs.Where(p => p.Id != existing.Id)]);
            if (rowErrors.Count > 0)
            {
                errors.AddRange(rowErrors.SelectMany(kv => kv.Value.Select(reason => new ImportError(row.Number, kv.Key, reason))));
                continue;
            }
            changes.Add((existing, term!.Trim(), expansion!.Trim(), source!.Trim()));
            if (existing is null)
            {
                // Later rows are checked against this one too: a duplicate or a cycle within the file is found.
                pairs.Add(new VocabularyRules.Pair(Guid.NewGuid(), term, expansion));
            }
        }
        if (errors.Count > 0)
        {
            return Failed(ImportFailure.Rows, new Message("Vocabulary.ImportRowsFailed"), errors, rows.Count - 1);
        }
        var now = clock.GetUtcNow();
        int created = 0, updated = 0;
        foreach (var (existing, term, expansion, source) in changes)
        {
            if (existing is null)
            {
                db.Add(new VocabularyEntry { Id = Guid.CreateVersion7(), Term = term, Expansion = expansion, Source = source, UpdatedBy = me.Id, UpdatedAt = now, Version = 1 });
                created++;
            }
            else if (existing.Source != source)
            {
                existing.Source = source;
                existing.UpdatedBy = me.Id;
                existing.UpdatedAt = now;
                existing.Version++;
                updated++;
            }
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("search.vocabulary.import", "vocabulary",
            detail: $"file={Uploads.SafeFileName(fileName)}; rows={rows.Count - 1}; created={created}; updated={updated}; version={version}", ct: ct);
        await tx.CommitAsync(ct);
        await vocabulary.ReloadAsync(db, ct);
        return new VocabularyImportResult(true, rows.Count - 1, created, updated, ImportFailure.None, null, []);
    }

    /// <summary>The whole vocabulary as .xlsx in the import layout (so the file imports again).</summary>
    public async Task<MemoryStream> ExportXlsxAsync(CancellationToken ct)
    {
        var entries = await db.Set<VocabularyEntry>().AsNoTracking().OrderBy(e => e.Term).ThenBy(e => e.Expansion).ToListAsync(ct);
        var workbook = new XSSFWorkbook();
        var sheet = workbook.CreateSheet("vocabulary");
        var head = sheet.CreateRow(0);
        for (var i = 0; i < Columns.Length; i++)
        {
            head.CreateCell(i).SetCellValue(Columns[i]);
        }
        for (var r = 0; r < entries.Count; r++)
        {
            var row = sheet.CreateRow(r + 1);
            row.CreateCell(0).SetCellValue(entries[r].Term);
            row.CreateCell(1).SetCellValue(entries[r].Expansion);
            row.CreateCell(2).SetCellValue(entries[r].Source);
        }
        var output = new MemoryStream();
        workbook.Write(output, leaveOpen: true);
        output.Position = 0;
        await audit.RecordAsync("search.vocabulary.export", "vocabulary", detail: $"rows={entries.Count}", ct: ct);
        return output;
    }

    public async Task<VocabularyReindexStatus> ReindexStatusAsync(CancellationToken ct)
    {
        var counters = await db.Set<PlatformCounter>().AsNoTracking()
            .Where(c => c.Name == SearchVocabulary.VersionCounter || c.Name == SearchVocabulary.ReindexedCounter
                || c.Name == SearchVocabulary.ReindexTotalCounter || c.Name == SearchVocabulary.ReindexDoneCounter)
            .ToDictionaryAsync(c => c.Name, c => c.Value, ct);
        var lease = await leases.GetAsync(VocabularyReindex.LeaseName, ct);
        var running = lease is not null && lease.ExpiresAt > clock.GetUtcNow();
        var current = counters.GetValueOrDefault(SearchVocabulary.VersionCounter);
        var reindexed = counters.GetValueOrDefault(SearchVocabulary.ReindexedCounter);
        return new VocabularyReindexStatus(current, reindexed, current > reindexed, running,
            counters.GetValueOrDefault(SearchVocabulary.ReindexDoneCounter), counters.GetValueOrDefault(SearchVocabulary.ReindexTotalCounter));
    }

    /// <summary>
    /// The next vocabulary version (the counter row stays locked until the transaction ends, so changes queue), and the
    /// index's synonym stamp set to "not known": rows written from here on may hold the new pairs or not, so searches
    /// ask for every alternative until the reindex has rewritten them all and stamped the index again.
    /// </summary>
    private async Task<long> BumpAsync(CancellationToken ct)
    {
        var value = await db.Database.SqlQuery<long>($"UPDATE platform_counters SET value = value + 1 WHERE name = {SearchVocabulary.VersionCounter} RETURNING value AS \"Value\"")
            .ToListAsync(ct);
        await db.Database.ExecuteSqlAsync($"UPDATE platform_counters SET value = 0 WHERE name = {SearchIndexer.SynonymsCounter}", ct);
        return value.Count == 1 ? value[0] : throw new InvalidOperationException($"The counter {SearchVocabulary.VersionCounter} is missing: apply migration 0017.");
    }

    private static List<VocabularyRules.Pair> Others(List<VocabularyEntry> all, VocabularyEntry? self) =>
        [.. all.Where(e => e != self).Select(e => new VocabularyRules.Pair(e.Id, e.Term, e.Expansion))];

    private static VocabularyEntryDto Dto(VocabularyEntry e) => new(e.Id, e.Term, e.Expansion, e.Source, e.UpdatedBy, e.UpdatedAt, e.Version);
}
