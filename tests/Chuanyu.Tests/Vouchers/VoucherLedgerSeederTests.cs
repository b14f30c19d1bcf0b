using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Vouchers;

/// <summary>The synthetic ledger of <c>seed --voucher-entries</c>: balanced, consistent balances, marked synthetic, in the quarter asked for.</summary>
public sealed class VoucherLedgerSeederTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    [Fact]
    public async Task TheSyntheticLedger_KeepsTheInvariants_AndFillsTheQuarter()
    {
        var options = SeedCommand.ParseVoucherOptions(["seed", "--voucher-entries", "3000", "--quarter", "2023Q2"], TimeProvider.System)!;
        Assert.Equal(20232, options.Quarter);
        Assert.Null(SeedCommand.ParseVoucherOptions(["seed", "--voucher-entries", "3000", "--quarter", "2023Q5"], TimeProvider.System));

        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var report = await new VoucherLedgerSeeder(db, TimeProvider.System).RunAsync(options, _ => { });

        Assert.InRange(report.Entries, 3000, 3400);
        Assert.True((await scope.ServiceProvider.GetRequiredService<VoucherInvariants>().CheckAsync(null, default)).Intact);
        Assert.InRange(await db.Set<VoucherLedgerEntry>().CountAsync(e => e.Quarter == 20232), 2990, 3010);
        Assert.True(await db.Set<VoucherRedemption>().AllAsync(r => r.UseKind == VoucherUseKind.Synthetic));
        Assert.Equal(2, await db.Set<VoucherProgramme>().CountAsync(p => p.Synthetic));
        // A second run on the same database writes after the first (fresh ids, codes and numbers).
        await new VoucherLedgerSeeder(db, TimeProvider.System).RunAsync(options, _ => { });
        Assert.True((await scope.ServiceProvider.GetRequiredService<VoucherInvariants>().CheckAsync(null, default)).Intact);
    }
}
