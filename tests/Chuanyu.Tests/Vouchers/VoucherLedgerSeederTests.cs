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
        var check = await scope.ServiceProvider.GetRequiredService<VoucherInvariants>().CheckAsync(null, default);
        Assert.True(check.Intact, System.Text.Json.JsonSerializer.Serialize(check));
        Assert.InRange(await db.Set<VoucherLedgerEntry>().CountAsync(e => e.Quarter == 20232), 2990, 3010);
        var synthetic = await db.Set<VoucherProgramme>().Where(p => p.Synthetic).Select(p => p.Id).ToListAsync();
        Assert.Equal(2, synthetic.Count);
        Assert.True(await db.Set<VoucherRedemption>().Where(r => synthetic.Contains(r.ProgrammeId)).AllAsync(r => r.UseKind == VoucherUseKind.Synthetic));
        // A second run on the same database writes after the first (fresh ids, codes and numbers).
        await new VoucherLedgerSeeder(db, TimeProvider.System).RunAsync(options, _ => { });
        Assert.True((await scope.ServiceProvider.GetRequiredService<VoucherInvariants>().CheckAsync(null, default)).Intact);
    }
}
