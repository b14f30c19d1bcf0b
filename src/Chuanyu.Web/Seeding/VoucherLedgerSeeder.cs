using System.Diagnostics;
using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Seeding;

/// <summary><c>seed --voucher-entries N [--quarter 2026Q3] [--seed S]</c>: how many ledger entries, in which quarter (China time).</summary>
public sealed record VoucherSeedOptions(int Entries, int Quarter, int Seed = 15);

public sealed record VoucherSeedReport(int Entries, int Transactions, int Redemptions, int Vouchers, double Seconds);

/// <summary>
/// A synthetic voucher ledger for the settlement benchmark (docs/benchmarks.md): two programmes marked
/// <c>synthetic</c> (Sichuan and Chongqing), their vouchers held by existing organisations, and redemptions of
/// <c>use_kind = Synthetic</c> at providers of both regions whose postings (Redeem, Approve, Pay, Reverse) fill the
/// chosen quarter. Every transaction balances and every account's balance is the sum of its entries, so
/// <c>vouchers-check</c> stays intact; funding and issuing are posted the quarter before. Written with the bulk writer
/// (binary COPY on PostgreSQL) in one transaction, then the identity sequences are moved past the written ids.
/// </summary>
public sealed class VoucherLedgerSeeder(AppDbContext db, TimeProvider clock)
{
    private const int HoldersPerRegion = 20;
    private const int ProvidersPerRegion = 20;
    private const int VouchersPerHolder = 10;

    private sealed class Ledger(long firstAccount, long firstTransaction, long firstEntry)
    {
        public readonly List<VoucherLedgerAccount> Accounts = [];
        public readonly Dictionary<string, VoucherLedgerAccount> ByKey = new(StringComparer.Ordinal);
        public readonly List<VoucherLedgerTransaction> Transactions = [];
        public readonly List<VoucherLedgerEntry> Entries = [];
        private long _account = firstAccount;
        private long _transaction = firstTransaction;
        private long _entry = firstEntry;

        public VoucherLedgerAccount Account(string key, Guid programme, LedgerAccountKind kind, Guid? voucher = null, Guid? payee = null)
        {
            if (!ByKey.TryGetValue(key, out var a))
            {
                a = new VoucherLedgerAccount
                {
                    Id = _account++,
                    Key = key,
                    ProgrammeId = programme,
                    Kind = kind,
                    VoucherId = voucher,
                    PayeeOrganizationId = payee,
                    NormalSign = kind == LedgerAccountKind.Funding ? (short)-1 : (short)1,
                };
                ByKey[key] = a;
                Accounts.Add(a);
            }
            return a;
        }

        public void Post(VoucherProgramme p, LedgerEvent e, DateTimeOffset at, string? providerRegion, Guid? redemption, Guid? voucher,
            params (VoucherLedgerAccount Account, long Amount)[] legs)
        {
            var tx = new VoucherLedgerTransaction { Id = _transaction++, ProgrammeId = p.Id, Event = e, RedemptionId = redemption, VoucherId = voucher, PostedAt = at, Note = "synthetic" };
            Transactions.Add(tx);
            foreach (var (account, amount) in legs)
            {
                account.BalanceFen += account.NormalSign * amount;
                Entries.Add(new VoucherLedgerEntry
                {
                    Id = _entry++,
                    TransactionId = tx.Id,
                    AccountId = account.Id,
                    AmountFen = amount,
                    AccountKind = account.Kind,
                    Event = e,
                    ProgrammeId = p.Id,
                    IssuingRegionCode = p.IssuingRegionCode,
                    ProviderRegionCode = providerRegion,
                    RedemptionId = redemption,
                    Quarter = VoucherLedger.QuarterOf(at),
                    PostedAt = at,
                });
            }
        }
    }

    public async Task<VoucherSeedReport> RunAsync(VoucherSeedOptions options, Action<string> log, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var quarter = new SettlementQuarter(options.Quarter);
        var start = quarter.Previous.EndsAt;
        var span = quarter.EndsAt - start;
        var random = new Random(options.Seed);
        var regions = new[] { "510000", "500000" };
        var organizations = await db.Organizations.AsNoTracking().OrderBy(o => o.Id).Select(o => new { o.Id, o.RegionCode }).ToListAsync(ct);
        // One resource per owner (min over uuid is not PostgreSQL's): grouped here.
        var resources = (await db.Set<Resource>().AsNoTracking().Select(r => new { Owner = r.OrganizationId, Resource = r.Id }).ToListAsync(ct))
            .GroupBy(r => r.Owner).Select(g => g.MinBy(r => r.Resource)!).OrderBy(r => r.Owner).ToList();
        var providers = regions.ToDictionary(r => r, r => resources.Join(organizations.Where(o => o.RegionCode == r), x => x.Owner, o => o.Id, (x, _) => x)
            .Take(ProvidersPerRegion).ToList());
        if (providers.Values.Any(p => p.Count == 0))
        {
            throw new InvalidOperationException("The synthetic ledger needs organisations with resources in both regions: seed the demo data or run seed --resources first.");
        }
        // A fresh tag each run: codes and numbers stay unique when the command runs again on the same database.
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ledger = new Ledger(
            (await db.Set<VoucherLedgerAccount>().MaxAsync(a => (long?)a.Id, ct) ?? 0) + 1,
            (await db.Set<VoucherLedgerTransaction>().MaxAsync(t => (long?)t.Id, ct) ?? 0) + 1,
            (await db.Set<VoucherLedgerEntry>().MaxAsync(e => (long?)e.Id, ct) ?? 0) + 1);

        var programmes = regions.Select(region => new VoucherProgramme
        {
            Id = Guid.CreateVersion7(),
            Code = $"SYN-{tag}-{region[..2]}",
            Name = $"synthetic ledger {tag} {region}",
            IssuingRegionCode = region,
            IssuerDivisionCode = region,
            Year = quarter.Year,
            Mode = VoucherMode.Redeem,
            FaceValues = "100000000",
            RatioNum = 1,
            RatioDen = 5,
            VouchersPerEnterprise = VouchersPerHolder,
            Categories = VoucherServiceCategory.InstrumentUse | VoucherServiceCategory.Testing,
            AllowOtherRegion = true,
            Allocation = VoucherAllocation.FirstCome,
            ApplyFrom = DateOnly.FromDateTime(start.AddMonths(-3).DateTime),
            ApplyUntil = DateOnly.FromDateTime(start.DateTime),
            UseUntil = DateOnly.FromDateTime(quarter.EndsAt.AddMonths(3).DateTime),
            RedeemUntil = DateOnly.FromDateTime(quarter.EndsAt.AddMonths(6).DateTime),
            Status = VoucherProgrammeStatus.Closed,
            Synthetic = true,
            CreatedAt = clock.GetUtcNow(),
        }).ToList();
        var vouchers = new List<Voucher>();
        foreach (var p in programmes)
        {
            var holders = organizations.Where(o => o.RegionCode == p.IssuingRegionCode).Take(HoldersPerRegion).Select(o => o.Id).DefaultIfEmpty(organizations[0].Id);
            foreach (var holder in holders)
            {
                for (var i = 0; i < VouchersPerHolder; i++)
                {
                    vouchers.Add(new Voucher
                    {
                        Id = Guid.CreateVersion7(),
                        Code = $"SY{tag}-{vouchers.Count:D6}",
                        ProgrammeId = p.Id,
                        HolderOrganizationId = holder,
                        RatioNum = 1,
                        RatioDen = 5,
                        Status = VoucherStatus.Active,
                        IssuedAt = start.AddDays(-1),
                        UseUntil = p.UseUntil,
                    });
                }
            }
        }
        var byProgramme = vouchers.GroupBy(v => v.ProgrammeId).ToDictionary(g => g.Key, g => g.ToList());
        var used = new Dictionary<Voucher, long>();

        // The redemptions: ~5 entries each (paid 6, approved 4, reserved 2, reversed 4), until the quarter holds N entries.
        var redemptions = new List<VoucherRedemption>();
        var pending = new List<(VoucherProgramme P, Voucher V, VoucherRedemption R, double Roll)>();
        long planned = 0;
        while (planned < options.Entries - 8)
        {
            var p = programmes[random.Next(programmes.Count)];
            // Half the flows cross to the other region: the pair the benchmark reads.
            var providerRegion = random.NextDouble() < 0.5 ? regions.First(r => r != p.IssuingRegionCode) : p.IssuingRegionCode;
            var provider = providers[providerRegion][random.Next(providers[providerRegion].Count)];
            var v = byProgramme[p.Id][random.Next(byProgramme[p.Id].Count)];
            var subsidy = random.Next(1_000, 500_000);
            var roll = random.NextDouble();
            planned += roll < 0.6 ? 6 : roll < 0.95 && roll >= 0.85 ? 2 : 4;
            var id = Guid.CreateVersion7();
            var at = start + span * random.NextDouble() * 0.9;
            var r = new VoucherRedemption
            {
                Id = id,
                Number = $"SY{tag}-{redemptions.Count:D10}",
                VoucherId = v.Id,
                ProgrammeId = p.Id,
                Mode = VoucherMode.Redeem,
                HolderOrganizationId = v.HolderOrganizationId,
                ProviderOrganizationId = provider.Owner,
                PayeeOrganizationId = provider.Owner,
                IssuingRegionCode = p.IssuingRegionCode,
                ProviderRegionCode = providerRegion,
                UseKind = VoucherUseKind.Synthetic,
                ResourceId = provider.Resource,
                FeeFen = subsidy * 5L,
                EligibleFeeFen = subsidy * 5L,
                RatioNum = 1,
                RatioDen = 5,
                RatioRule = "Base",
                SubsidyFen = subsidy,
                ShareFen = subsidy * 4L,
                Status = VoucherRedemptionStatus.Reserved,
                CreatedAt = at,
            };
            redemptions.Add(r);
            pending.Add((p, v, r, roll));
        }
        log(string.Create(CultureInfo.InvariantCulture, $"Seeding a synthetic voucher ledger: {redemptions.Count:N0} redemptions in {quarter} (~{planned:N0} entries), tag {tag}."));

        // The money: each voucher is issued what its redemptions take plus a remainder, each programme funded what it issued.
        foreach (var (_, v, r, roll) in pending)
        {
            used[v] = used.GetValueOrDefault(v) + (roll >= 0.95 ? 0 : r.SubsidyFen);
        }
        foreach (var v in vouchers)
        {
            v.FaceValueFen = used.GetValueOrDefault(v) + 1_000_000;
        }
        foreach (var p in programmes)
        {
            p.BudgetFen = byProgramme[p.Id].Sum(v => v.FaceValueFen);
            var funding = ledger.Account(LedgerKeys.Funding(p.Id), p.Id, LedgerAccountKind.Funding);
            var budget = ledger.Account(LedgerKeys.Budget(p.Id), p.Id, LedgerAccountKind.Budget);
            ledger.Post(p, LedgerEvent.Fund, start.AddDays(-2), null, null, null, (budget, p.BudgetFen), (funding, -p.BudgetFen));
            foreach (var v in byProgramme[p.Id])
            {
                var account = ledger.Account(LedgerKeys.Voucher(v.Id), p.Id, LedgerAccountKind.Voucher, v.Id);
                ledger.Post(p, LedgerEvent.Issue, v.IssuedAt, null, null, v.Id, (account, v.FaceValueFen), (budget, -v.FaceValueFen));
            }
        }
        foreach (var (p, v, r, roll) in pending)
        {
            var s = r.SubsidyFen;
            var voucher = ledger.ByKey[LedgerKeys.Voucher(v.Id)];
            var pendingAccount = ledger.Account(LedgerKeys.Pending(p.Id, r.PayeeOrganizationId), p.Id, LedgerAccountKind.Pending, null, r.PayeeOrganizationId);
            var at = r.CreatedAt;
            ledger.Post(p, LedgerEvent.Redeem, at, r.ProviderRegionCode, r.Id, v.Id, (pendingAccount, s), (voucher, -s));
            if (roll >= 0.95)
            {
                ledger.Post(p, LedgerEvent.Reverse, at.AddMinutes(30), r.ProviderRegionCode, r.Id, v.Id, (voucher, s), (pendingAccount, -s));
                r.Status = VoucherRedemptionStatus.Reversed;
                continue;
            }
            if (roll >= 0.85)
            {
                continue;
            }
            var payable = ledger.Account(LedgerKeys.Payable(p.Id, r.PayeeOrganizationId), p.Id, LedgerAccountKind.Payable, null, r.PayeeOrganizationId);
            ledger.Post(p, LedgerEvent.Approve, at.AddHours(1), r.ProviderRegionCode, r.Id, v.Id, (payable, s), (pendingAccount, -s));
            (r.Status, r.ApprovedFen, r.SubmittedAt, r.DecidedAt) = (VoucherRedemptionStatus.Approved, s, at.AddMinutes(30), at.AddHours(1));
            if (roll < 0.6)
            {
                var paid = ledger.Account(LedgerKeys.PaidOut(p.Id, r.PayeeOrganizationId), p.Id, LedgerAccountKind.PaidOut, null, r.PayeeOrganizationId);
                ledger.Post(p, LedgerEvent.Pay, at.AddHours(2), r.ProviderRegionCode, r.Id, v.Id, (paid, s), (payable, -s));
                (r.Status, r.PaidAt) = (VoucherRedemptionStatus.Paid, at.AddHours(2));
            }
        }
        var quotas = redemptions.GroupBy(r => (r.ProgrammeId, r.HolderOrganizationId))
            .Select(g => new VoucherHolderQuota { ProgrammeId = g.Key.ProgrammeId, OrganizationId = g.Key.HolderOrganizationId, UsedFen = g.Where(r => r.Status != VoucherRedemptionStatus.Reversed).Sum(r => r.SubsidyFen) })
            .ToList();
        var holdersWithout = vouchers.Select(v => (v.ProgrammeId, v.HolderOrganizationId)).Distinct().Where(k => !quotas.Any(q => q.ProgrammeId == k.ProgrammeId && q.OrganizationId == k.HolderOrganizationId));
        quotas.AddRange(holdersWithout.Select(k => new VoucherHolderQuota { ProgrammeId = k.ProgrammeId, OrganizationId = k.HolderOrganizationId }));

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                await BulkInsert.WriteAsync(db, programmes, ct);
                await BulkInsert.WriteAsync(db, vouchers, ct);
                await BulkInsert.WriteAsync(db, quotas, ct);
                await BulkInsert.WriteAsync(db, ledger.Accounts, ct);
                await BulkInsert.WriteAsync(db, redemptions, ct);
                const int Batch = 200_000;
                for (var i = 0; i < ledger.Transactions.Count; i += Batch)
                {
                    await BulkInsert.WriteAsync(db, ledger.Transactions.GetRange(i, Math.Min(Batch, ledger.Transactions.Count - i)), ct);
                }
                for (var i = 0; i < ledger.Entries.Count; i += Batch)
                {
                    await BulkInsert.WriteAsync(db, ledger.Entries.GetRange(i, Math.Min(Batch, ledger.Entries.Count - i)), ct);
                    log(string.Create(CultureInfo.InvariantCulture, $"  {Math.Min(i + Batch, ledger.Entries.Count):N0} entries"));
                }
                if (db.Database.IsNpgsql())
                {
                    // Explicit ids were written: the identity sequences continue after them.
                    await db.Database.ExecuteSqlRawAsync("""
                        SELECT setval(pg_get_serial_sequence('voucher_ledger_accounts', 'id'), (SELECT MAX(id) FROM voucher_ledger_accounts));
                        SELECT setval(pg_get_serial_sequence('voucher_ledger_transactions', 'id'), (SELECT MAX(id) FROM voucher_ledger_transactions));
                        SELECT setval(pg_get_serial_sequence('voucher_ledger_entries', 'id'), (SELECT MAX(id) FROM voucher_ledger_entries));
                        """, ct);
                }
                await tx.CommitAsync(ct);
            }
            if (db.Database.IsNpgsql())
            {
                // Fresh statistics and the visibility map, so the statement is answered by an index-only scan.
                db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
                await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE voucher_ledger_entries", ct);
                await db.Database.ExecuteSqlRawAsync("ANALYZE voucher_redemptions", ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return new VoucherSeedReport(ledger.Entries.Count, ledger.Transactions.Count, redemptions.Count, vouchers.Count, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
