using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Market;

/// <summary>
/// A reaction to a (demand, result) pair seen from <c>side</c>: on a demand's match list the reaction is about the result,
/// on a result's list about the demand. <c>message</c>: the interest message, or the note a dismissal for Other needs.
/// </summary>
public sealed record MatchReactionInput(
    Guid? OrganizationId, Guid DemandId, Guid AchievementId, MatchSide? Side, MatchReactionKind? Kind, MatchDismissReason? Reason, string? Message);

public sealed record MatchReactionDto(Guid Id, Guid OrganizationId, Guid DemandId, Guid AchievementId, MatchSide Side, MatchReactionKind Kind,
    MatchDismissReason? Reason, string? Message, DateTimeOffset CreatedAt);

public sealed record MatchInterestItem(Guid OrganizationId, string OrganizationName, string Message, DateTimeOffset At, Guid OtherId, string OtherTitle, Guid ReactionId);

public sealed record MatchReasonCount(MatchDismissReason Reason, string Label, int Count);

/// <summary>What the owner of a record learns from the market's reactions to it: interest with messages, dismissals counted by reason.</summary>
public sealed record MatchInterest(IReadOnlyList<MatchInterestItem> Interests, IReadOnlyList<MatchReasonCount> Dismissals, int Saved, MatchSide Side, Guid RecordId)
{
    /// <summary>The (result, demand) pair of an interest: the record this list is about and the other one.</summary>
    public (Guid AchievementId, Guid DemandId) PairOf(MatchInterestItem item) => Side == MatchSide.Demand ? (RecordId, item.OtherId) : (item.OtherId, RecordId);
}

/// <summary>
/// Reactions to matches (issue 17 point 3): a member of an organisation saves, dismisses with a coded reason or shows
/// interest (audited) for that organisation; only live records that are not the organisation's own. The owner of the
/// record reacted to reads the interest and the dismissal reasons; nobody else reads another organisation's reactions.
/// </summary>
public sealed class MatchReactions(AppDbContext db, MarketService market, MarketDirectory directory, OrganizationDirectory organizations, CurrentUser me,
    AuditLog audit, TimeProvider clock)
{
    public async Task<(MatchReactionDto? Reaction, ServiceResult Result)> ReactAsync(MatchReactionInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (input.Side is null)
        {
            errors.Add("side", new Message("Market.Required"));
        }
        if (input.Kind is null)
        {
            errors.Add("kind", new Message("Market.Required"));
        }
        var message = MarketRules.Text(errors, "message", input.Message, MarketMatching.MaxMessage,
            required: input.Kind == MatchReactionKind.Interested || (input.Kind == MatchReactionKind.Dismissed && input.Reason == MatchDismissReason.Other));
        if (input.Kind == MatchReactionKind.Dismissed && input.Reason is null)
        {
            errors.Add("reason", new Message("Market.MatchReasonRequired"));
        }
        if (errors.Count > 0)
        {
            return (null, new ServiceResult.Invalid(errors));
        }
        var now = clock.GetUtcNow();
        var demand = await directory.LiveDemands(now).Where(d => d.Id == input.DemandId).Select(d => (Guid?)d.OrganizationId).FirstOrDefaultAsync(ct);
        var achievement = await directory.LiveAchievements(now).Where(a => a.Id == input.AchievementId).Select(a => (Guid?)a.OrganizationId).FirstOrDefaultAsync(ct);
        if (demand is null || achievement is null)
        {
            // Not live (draft, expired, closed) or no such record: nothing to react to, and nothing revealed about which.
            return (null, new ServiceResult.NotFound());
        }
        var mine = market.MyOrganizations;
        var org = input.OrganizationId ?? (mine.Count == 1 ? mine[0] : null);
        if (org is null || !mine.Contains(org.Value))
        {
            if (input.OrganizationId is not null)
            {
                return (null, new ServiceResult.Forbidden());
            }
            errors.Add("organizationId", new Message(mine.Count == 0 ? "Market.NoOrganization" : "Market.ChooseOrganization"));
            return (null, new ServiceResult.Invalid(errors));
        }
        var target = input.Side == MatchSide.Demand ? achievement.Value : demand.Value;
        if (target == org.Value)
        {
            return (null, new ServiceResult.RuleBroken("Market.MatchOwnRecord", new Message("Market.MatchOwnRecord")));
        }
        var side = input.Side!.Value;
        var row = await db.Set<MatchReaction>().FirstOrDefaultAsync(r => r.OrganizationId == org.Value && r.DemandId == input.DemandId
            && r.AchievementId == input.AchievementId && r.Side == side, ct);
        if (row is null)
        {
            row = new MatchReaction { Id = Guid.CreateVersion7(), OrganizationId = org.Value, DemandId = input.DemandId, AchievementId = input.AchievementId, Side = side };
            db.Add(row);
        }
        row.UserId = me.Id ?? Guid.Empty;
        row.Kind = input.Kind!.Value;
        row.Reason = row.Kind == MatchReactionKind.Dismissed ? input.Reason : null;
        row.Note = message.Length > 0 ? message : null;
        row.CreatedAt = now;
        await db.SaveChangesAsync(ct);
        if (row.Kind == MatchReactionKind.Interested)
        {
            var about = side == MatchSide.Demand ? $"achievement:{row.AchievementId}" : $"demand:{row.DemandId}";
            await audit.RecordAsync("market.match.interest", about, detail: $"organization:{org.Value} demand:{row.DemandId} achievement:{row.AchievementId}", ct: ct);
        }
        return (new MatchReactionDto(row.Id, row.OrganizationId, row.DemandId, row.AchievementId, row.Side, row.Kind, row.Reason, row.Note, row.CreatedAt),
            new ServiceResult.Ok());
    }

    /// <summary>The reactions to a result (<paramref name="side"/> Demand: seen on demands' lists) or a demand, for its owner organisation; else null (404).</summary>
    public async Task<MatchInterest?> InterestAsync(MatchSide side, Guid id, CancellationToken ct)
    {
        var owner = side == MatchSide.Demand
            ? await directory.Achievements().Where(a => a.Id == id).Select(a => (Guid?)a.OrganizationId).FirstOrDefaultAsync(ct)
            : await directory.Demands().Where(d => d.Id == id).Select(d => (Guid?)d.OrganizationId).FirstOrDefaultAsync(ct);
        if (owner is not { } org || !market.IsMember(org))
        {
            return null;
        }
        var rows = await (side == MatchSide.Demand
                ? db.Set<MatchReaction>().Where(r => r.AchievementId == id && r.Side == side)
                    .Select(r => new { r.Id, r.OrganizationId, r.Kind, r.Reason, r.Note, r.CreatedAt, Other = r.DemandId })
                : db.Set<MatchReaction>().Where(r => r.DemandId == id && r.Side == side)
                    .Select(r => new { r.Id, r.OrganizationId, r.Kind, r.Reason, r.Note, r.CreatedAt, Other = r.AchievementId }))
            .AsNoTracking().ToListAsync(ct);
        var interested = rows.Where(r => r.Kind == MatchReactionKind.Interested).OrderByDescending(r => r.CreatedAt).ToList();
        var names = await organizations.NamesAsync(interested.Select(r => r.OrganizationId).Distinct(), ct);
        var others = interested.Select(r => r.Other).Distinct().ToList();
        var titles = side == MatchSide.Demand
            ? await directory.Demands().Where(d => others.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Title, ct)
            : await directory.Achievements().Where(a => others.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Title, ct);
        return new MatchInterest(
            [.. interested.Select(r => new MatchInterestItem(r.OrganizationId, names.GetValueOrDefault(r.OrganizationId, ""), r.Note ?? "", r.CreatedAt, r.Other,
                titles.GetValueOrDefault(r.Other, ""), r.Id))],
            [.. rows.Where(r => r is { Kind: MatchReactionKind.Dismissed, Reason: not null }).GroupBy(r => r.Reason!.Value).OrderBy(g => g.Key)
                .Select(g => new MatchReasonCount(g.Key, Messages.Label(g.Key).ToString(), g.Count()))],
            rows.Count(r => r.Kind == MatchReactionKind.Saved), side, id);
    }

    /// <summary>
    /// The kind of reaction <paramref name="reactionId"/> if it is one to the pair (<paramref name="achievementId"/>,
    /// <paramref name="demandId"/>), else null: the deals check the interest or match a deal says it comes from.
    /// </summary>
    public Task<MatchReactionKind?> KindForPairAsync(Guid reactionId, Guid achievementId, Guid demandId, CancellationToken ct) =>
        db.Set<MatchReaction>().AsNoTracking().Where(r => r.Id == reactionId && r.AchievementId == achievementId && r.DemandId == demandId)
            .Select(r => (MatchReactionKind?)r.Kind).FirstOrDefaultAsync(ct);
}
