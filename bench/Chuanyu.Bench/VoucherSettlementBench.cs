using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Vouchers;
using Chuanyu.Web.Infrastructure;
using Chuanyu.Web.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Chuanyu.Bench;

public sealed record VoucherSettlementOptions(string Postgres, string? Quarter, string Issuer, string Provider, int Reps)
{
    public static VoucherSettlementOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new VoucherSettlementOptions("", null, "510000", "500000", 5);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value");
            }
            var value = args[++i];
            o = name switch
            {
                "--pg" => o with { Postgres = value },
                "--quarter" => o with { Quarter = value },
                "--issuer" => o with { Issuer = value },
                "--provider" => o with { Provider = value },
                "--reps" => o with { Reps = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1000 ? n : throw new ArgumentException("--reps must be 1–1000") },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        return o.Postgres.Length == 0 ? throw new ArgumentException("voucher-settlement needs --pg \"<connection string>\"") : o;
    }
}

/// <summary>
/// The settlement figure (issue 15): on a PostgreSQL database filled by <c>seed --voucher-entries N</c>, times the real
/// <see cref="VoucherSettlements"/> code for one quarter and pair: the statement (<c>TotalsAsync</c>, design §5) and
/// the drill-down's first page, cold (first call) and warm (median and worst of the repetitions).
/// </summary>
public static class VoucherSettlementBench
{
    public static async Task<int> RunAsync(VoucherSettlementOptions o)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["Database:Provider"] = DatabaseProvider.Postgres.ToString();
        builder.Configuration[$"ConnectionStrings:{DatabaseProvider.Postgres}"] = o.Postgres;
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<CryptoOptions>();
        builder.Services.AddSingleton<DocumentSigner>();
        builder.Services.AddDatabase(builder.Configuration);
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddScoped<CurrentUser>();
        builder.Services.AddScoped<OrganizationService>();
        builder.Services.AddScoped<OrganizationDirectory>();
        builder.Services.AddScoped<VoucherExports>();
        builder.Services.AddScoped<VoucherSettlements>();
        using var host = builder.Build();

        using var scope = host.Services.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<AppDbContext>();
        SettlementQuarter quarter;
        if (o.Quarter is null)
        {
            quarter = new SettlementQuarter(await db.Set<VoucherLedgerEntry>().MaxAsync(e => e.Quarter));
        }
        else if (!SettlementQuarter.TryParse(o.Quarter, out quarter))
        {
            throw new ArgumentException("--quarter like 2026Q3");
        }
        // The region's administrator, as the page's request would have them (the drill-down checks the region).
        var me = services.GetRequiredService<CurrentUser>();
        typeof(CurrentUser).GetMethod("SignedIn", BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(me,
            [Guid.CreateVersion7(), Guid.CreateVersion7(), "bench@chuanyu.local", "bench", true, false, false, true, true,
             (IReadOnlyList<ScopedRole>)[new ScopedRole(PlatformRole.RegionAdmin, o.Issuer, null)]]);
        var settlements = services.GetRequiredService<VoucherSettlements>();
        var q = quarter.Value;
        var all = await db.Set<VoucherLedgerEntry>().LongCountAsync();
        var inQuarter = await db.Set<VoucherLedgerEntry>().LongCountAsync(e => e.Quarter == q);
        var inPair = await db.Set<VoucherLedgerEntry>().LongCountAsync(e => e.Quarter == q && e.IssuingRegionCode == o.Issuer && e.ProviderRegionCode == o.Provider);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"voucher-settlement {quarter} {o.Issuer}→{o.Provider}: {all:N0} ledger entries, {inQuarter:N0} in the quarter, {inPair:N0} of the pair"));
        await using (var connection = new NpgsqlConnection(o.Postgres))
        {
            await connection.OpenAsync();
            await using var explain = new NpgsqlCommand("""
                EXPLAIN (ANALYZE, BUFFERS) SELECT account_kind, event, SUM(amount_fen), COUNT(*) FROM voucher_ledger_entries
                 WHERE quarter = @q AND issuing_region_code = @i AND provider_region_code = @p
                   AND account_kind IN ('Pending','Payable','PaidOut') GROUP BY account_kind, event
                """, connection);
            explain.Parameters.AddWithValue("q", q);
            explain.Parameters.AddWithValue("i", o.Issuer);
            explain.Parameters.AddWithValue("p", o.Provider);
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Console.WriteLine("  plan: " + reader.GetString(0));
            }
        }

        var statement = new List<double>();
        var firstPage = new List<double>();
        SettlementTotals? totals = null;
        var lines = 0;
        for (var rep = 0; rep <= o.Reps; rep++)
        {
            db.ChangeTracker.Clear();
            var sw = Stopwatch.StartNew();
            totals = await settlements.TotalsAsync(quarter, o.Issuer, o.Provider, CancellationToken.None);
            statement.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            var page = await settlements.RedemptionsAsync(quarter, o.Issuer, o.Provider, null, CancellationToken.None);
            firstPage.Add(sw.Elapsed.TotalMilliseconds);
            lines = page!.Items.Count;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"totals: redeemed {totals!.RedeemedFen:N0}, approved {totals.ApprovedFen:N0}, paid {totals.PaidFen:N0}, reversed {totals.ReversedFen:N0}, outstanding {totals.OutstandingFen:N0} fen; {totals.Redemptions:N0} redemptions; first page {lines} lines"));
        Console.WriteLine("                     cold ms   median ms   worst warm ms   statement + first page (median) ms");
        var warmS = statement.Skip(1).Order().ToList();
        var warmP = firstPage.Skip(1).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"statement       {statement[0],12:0.0} {warmS[warmS.Count / 2],11:0.0} {warmS[^1],15:0.0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"first page      {firstPage[0],12:0.0} {warmP[warmP.Count / 2],11:0.0} {warmP[^1],15:0.0}   {warmS[warmS.Count / 2] + warmP[warmP.Count / 2]:0.0}"));
        var worst = statement[0] + firstPage[0];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cold statement + first page: {worst:0.0} ms ({(worst <= 2000 ? "within" : "OVER")} the 2 s target)"));
        return worst <= 2000 ? 0 : 1;
    }
}
