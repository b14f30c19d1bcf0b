using System.Text.Json;
using Chuanyu.Matching.Draws;
using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Experts;

public sealed record DrawCheckDto(DrawCheckKind Kind, bool Passed, string? Reason);

public sealed record DrawnExpertDto(Guid ExpertId, string Name, SeatRole Role, SeatStatus Status);

public sealed record PublishedDrawDto(int Sequence, string HashAlgorithm, string CandidateListHash, string Commitment, int CandidateCount,
    IReadOnlyDictionary<string, int> ExclusionCounts, int PanelSize, int Alternates, int MinSenior, int MinOtherRegion, bool OnePerInstitution,
    DateTimeOffset DrawnAt, string? Seed, DateTimeOffset? RevealedAt, IReadOnlyList<DrawnExpertDto> Drawn, IReadOnlyList<DrawCheckDto> Checks, bool? Intact);

public sealed record PublishedActivityDto(Guid Id, string Title, ReviewKind Kind, string RegionCode, ReviewActivityStatus Status,
    DateTimeOffset ReviewStartsAt, DateTimeOffset ReviewEndsAt, IReadOnlyList<PublishedDrawDto> Draws);

/// <summary>
/// What anyone may check of a drawn activity (the auditor page, <c>/api/v1/review-draws</c>): from the draw on, each
/// draw's commitment, candidate-list hash, counts and the rules it was bound to; once the activity is closed and the
/// seeds revealed, the full record of each draw (docs/expert-draws.md), the names drawn and the platform's own
/// recomputation of it. Before the reveal no name, no list and no panel leave the platform: the list is sealed.
/// </summary>
public sealed class DrawAudit(AppDbContext db)
{
    public async Task<PublishedActivityDto?> PublicAsync(Guid activityId, CancellationToken ct)
    {
        var a = await db.Set<ReviewActivity>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == activityId, ct);
        if (a is null || a.Status is ReviewActivityStatus.Draft)
        {
            return null;
        }
        var draws = await db.Set<ReviewDraw>().AsNoTracking().Where(d => d.ActivityId == activityId).OrderBy(d => d.Sequence).ToListAsync(ct);
        if (draws.Count == 0)
        {
            return null;
        }
        var revealed = draws.All(d => d.SeedRevealed is not null);
        var seats = revealed
            ? await (from s in db.Set<ReviewSeat>().AsNoTracking()
                     join e in db.Set<Expert>() on s.ExpertId equals e.Id
                     where s.ActivityId == activityId
                     orderby s.Position
                     select new { s.DrawId, Seat = new DrawnExpertDto(s.ExpertId, e.Name, s.Role, s.Status) }).ToListAsync(ct)
            : [];
        var list = new List<PublishedDrawDto>();
        foreach (var d in draws)
        {
            IReadOnlyList<DrawCheckDto> checks = [];
            bool? intact = null;
            if (d.SeedRevealed is not null)
            {
                var verification = DrawVerifier.Verify(await RecordAsync(d, ct), VerifyDrawCommand.HashById);
                checks = verification.Checks.Select(c => new DrawCheckDto(c.Kind, c.Passed, c.Reason)).ToList();
                intact = verification.Intact;
            }
            list.Add(new PublishedDrawDto(d.Sequence, d.HashAlgorithm, d.CandidateListHash, d.Commitment, d.CandidateCount,
                JsonSerializer.Deserialize<Dictionary<string, int>>(d.ExclusionCounts, ReviewDraws.Json) ?? [], d.PanelSize, d.Alternates, d.MinSenior,
                d.MinOtherRegion, d.OnePerInstitution, d.DrawnAt, d.SeedRevealed, d.RevealedAt,
                seats.Where(s => s.DrawId == d.Id).Select(s => s.Seat).ToList(), checks, intact));
        }
        return new PublishedActivityDto(a.Id, a.Title, a.Kind, a.RegionCode, a.Status, a.ReviewStartsAt, a.ReviewEndsAt, list);
    }

    /// <summary>The revealed record of one draw as JSON (null before the reveal or when there is no such draw).</summary>
    public async Task<string?> RecordJsonAsync(Guid activityId, int sequence, CancellationToken ct)
    {
        var d = await db.Set<ReviewDraw>().AsNoTracking().FirstOrDefaultAsync(x => x.ActivityId == activityId && x.Sequence == sequence, ct);
        return d?.SeedRevealed is null ? null : (await RecordAsync(d, ct)).ToJson();
    }

    /// <summary>
    /// The record of a draw from what is stored: the frozen list, the spec, the seats in draw order (members first, then
    /// alternates, by their position) and the substitutions made from this draw's alternates, in the order they happened.
    /// </summary>
    internal async Task<DrawRecord> RecordAsync(ReviewDraw d, CancellationToken ct)
    {
        var seats = await db.Set<ReviewSeat>().AsNoTracking().Where(s => s.DrawId == d.Id).OrderBy(s => s.Position).ToListAsync(ct);
        var replaced = seats.Where(s => s.ReplacesSeatId is not null).Select(s => s.ReplacesSeatId!.Value).ToList();
        var gone = await db.Set<ReviewSeat>().AsNoTracking().Where(s => replaced.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.ExpertId, ct);
        static string Id(Guid g) => g.ToString("D");
        return new DrawRecord
        {
            Hash = d.HashAlgorithm,
            Spec = new PanelSpec(d.PanelSize, d.Alternates, d.MinSenior, d.HomeRegion, d.MinOtherRegion, d.OnePerInstitution),
            Candidates = JsonSerializer.Deserialize<List<DrawCandidate>>(d.CandidatesJson, ReviewDraws.Json) ?? [],
            CandidateListHash = d.CandidateListHash,
            Commitment = d.Commitment,
            Seed = d.SeedRevealed,
            Panel = seats.Where(s => s.Position < d.PanelSize).Select(s => Id(s.ExpertId)).ToList(),
            Alternates = seats.Where(s => s.Position >= d.PanelSize).Select(s => Id(s.ExpertId)).ToList(),
            Substitutions = seats.Where(s => s.Position >= d.PanelSize && s.ReplacesSeatId is { } r && gone.ContainsKey(r))
                .OrderBy(s => s.InvitedAt).Select(s => new DrawSubstitution(Id(gone[s.ReplacesSeatId!.Value]), Id(s.ExpertId))).ToList(),
        };
    }
}
