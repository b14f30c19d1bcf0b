using Chuanyu.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Features.Contracts;

/// <summary>
/// Keeps the statistics' aggregates (<see cref="TechContractFlowStat"/>, <see cref="TechContractProfileStat"/>) in step
/// with the contracts: each write moves the rows of what the contract counted before (minus) and after (plus), in the
/// caller's transaction, so a figure never disagrees with the registrations. The statement is an upsert
/// (<c>INSERT … ON CONFLICT … DO UPDATE</c>, the same text on SQLite ≥ 3.24 and PostgreSQL): two registrations of the
/// same month, region and type at once add up instead of one failing on the key. <see cref="RebuildAsync"/> recomputes
/// both tables from the contracts (the <c>contracts-stats</c> command, and the load-test seed).
/// </summary>
public static class ContractStatsWriter
{
    /// <summary>What one registered contract adds to the aggregates.</summary>
    public sealed record Counted(int Month, string SellerRegion, string BuyerRegion, ContractType Type, ContractPartyType SellerType, string FieldGroup,
        long ContractFen, long TransactionFen)
    {
        /// <summary>The contract's share of the figures now; null when it counts nowhere (revoked).</summary>
        public static Counted? Of(TechContract c) => c.Status != TechContractStatus.Registered ? null
            : new(c.RegisteredMonth, c.SellerRegion, c.BuyerRegion, c.Type, c.SellerType, c.FieldGroup, c.ContractAmountFen, c.TransactionAmountFen);
    }

    public static async Task MoveAsync(AppDbContext db, Counted? before, Counted? after, CancellationToken ct)
    {
        if (before == after)
        {
            return;
        }
        if (before is not null)
        {
            await AddAsync(db, before, -1, ct);
        }
        if (after is not null)
        {
            await AddAsync(db, after, 1, ct);
        }
    }

    private static async Task AddAsync(AppDbContext db, Counted c, int sign, CancellationToken ct)
    {
        var type = c.Type.ToString();
        var sellerType = c.SellerType.ToString();
        long n = sign, contract = sign * c.ContractFen, transaction = sign * c.TransactionFen;
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO tech_contract_flow_stats (month, seller_region, buyer_region, type, contracts, contract_fen, transaction_fen)
            VALUES ({c.Month}, {c.SellerRegion}, {c.BuyerRegion}, {type}, {n}, {contract}, {transaction})
            ON CONFLICT (month, seller_region, buyer_region, type) DO UPDATE SET
                contracts = tech_contract_flow_stats.contracts + excluded.contracts,
                contract_fen = tech_contract_flow_stats.contract_fen + excluded.contract_fen,
                transaction_fen = tech_contract_flow_stats.transaction_fen + excluded.transaction_fen
            """, ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO tech_contract_profile_stats (month, seller_region, type, seller_type, field_group, contracts, contract_fen, transaction_fen)
            VALUES ({c.Month}, {c.SellerRegion}, {type}, {sellerType}, {c.FieldGroup}, {n}, {contract}, {transaction})
            ON CONFLICT (month, seller_region, type, seller_type, field_group) DO UPDATE SET
                contracts = tech_contract_profile_stats.contracts + excluded.contracts,
                contract_fen = tech_contract_profile_stats.contract_fen + excluded.contract_fen,
                transaction_fen = tech_contract_profile_stats.transaction_fen + excluded.transaction_fen
            """, ct);
    }

    /// <summary>Recomputes both aggregates from the registered contracts, in one transaction: one GROUP BY per table.</summary>
    public static async Task<long> RebuildAsync(AppDbContext db, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("DELETE FROM tech_contract_flow_stats", ct);
        await db.Database.ExecuteSqlRawAsync("DELETE FROM tech_contract_profile_stats", ct);
        var rows = await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO tech_contract_flow_stats (month, seller_region, buyer_region, type, contracts, contract_fen, transaction_fen)
            SELECT registered_month, seller_region, buyer_region, type, COUNT(*), SUM(contract_amount_fen), SUM(transaction_amount_fen)
            FROM tech_contracts WHERE status = 'Registered'
            GROUP BY registered_month, seller_region, buyer_region, type
            """, ct);
        rows += await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO tech_contract_profile_stats (month, seller_region, type, seller_type, field_group, contracts, contract_fen, transaction_fen)
            SELECT registered_month, seller_region, type, seller_type, field_group, COUNT(*), SUM(contract_amount_fen), SUM(transaction_amount_fen)
            FROM tech_contracts WHERE status = 'Registered'
            GROUP BY registered_month, seller_region, type, seller_type, field_group
            """, ct);
        await tx.CommitAsync(ct);
        return rows;
    }
}
