using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Vouchers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Chuanyu.Tests.Vouchers.VoucherApi;
using static Chuanyu.Tests.Vouchers.VoucherTestData;

namespace Chuanyu.Tests.Vouchers;

/// <summary>
/// Never overdrawn, under fire: 200 concurrent redemptions of one ¥1,000 voucher, each on its own completed ¥100 booking
/// at 1/3, through the HTTP API on the engine this run uses. 30 pay 3,333 fen, one pays the last 10, the rest are refused
/// (422 nothing to pay, or 409); none fails; the 2xx subsidies add up to what left the voucher, each 2xx is a row, and the
/// ledger's invariants hold.
/// </summary>
public sealed class VoucherStormTests(ChuanyuFactory factory, ITestOutputHelper output) : IClassFixture<ChuanyuFactory>
{
    private const int Requests = 200;
    private const long Face = 100_000;

    [Fact]
    public async Task ConcurrentRedemptionsOfOneVoucher_NeverOverdraw_AndTheLedgerBalances()
    {
        var (_, voucher) = await SceneAsync(factory, Face);
        var bookings = await BookingsAsync(factory, Requests, 10_000);
        var clients = new List<HttpClient>();
        for (var i = 0; i < 4; i++)
        {
            clients.Add(await factory.ApiClientAsync(Demo.Engineer));
        }

        var outcomes = new ConcurrentBag<(HttpStatusCode Status, long Subsidy, string? Number)>();
        using var gate = new SemaphoreSlim(0);
        var watch = Stopwatch.StartNew();
        var tasks = bookings.Select(async (booking, i) =>
        {
            await gate.WaitAsync();
            var response = await RedeemAsync(clients[i % clients.Count], voucher.Code, booking);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var json = JsonDocument.Parse(body).RootElement;
                outcomes.Add((response.StatusCode, json.GetProperty("subsidyFen").GetInt64(), json.GetProperty("number").GetString()));
            }
            else
            {
                outcomes.Add((response.StatusCode, 0, null));
            }
        }).ToList();
        gate.Release(tasks.Count);
        await Task.WhenAll(tasks);
        output.WriteLine($"{factory.Database.Provider}: {Requests} concurrent redemptions in {watch.ElapsedMilliseconds} ms: "
            + string.Join(", ", outcomes.GroupBy(o => o.Status).Select(g => $"{(int)g.Key} × {g.Count()}")));

        Assert.Equal(Requests, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Status is HttpStatusCode.Created or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity, $"unexpected {o.Status}"));
        var won = outcomes.Where(o => o.Status == HttpStatusCode.Created).ToList();
        Assert.Equal(31, won.Count);
        Assert.Equal(30, won.Count(o => o.Subsidy == 3_333));
        Assert.Single(won, o => o.Subsidy == 10);

        var engineer = clients[0];
        var balance = await BalanceAsync(engineer, voucher.Code);
        Assert.Equal(0, balance);
        Assert.Equal(Face - balance, won.Sum(o => o.Subsidy));
        var rows = await factory.WithDbAsync(db => db.Set<VoucherRedemption>().Where(r => r.VoucherId == voucher.Id).Select(r => r.Number).ToListAsync());
        Assert.Equal(won.Select(o => o.Number).Order(), rows.Order());

        using var scope = factory.Services.CreateScope();
        var check = await scope.ServiceProvider.GetRequiredService<VoucherInvariants>().CheckAsync(null, default);
        Assert.True(check.Intact, JsonSerializer.Serialize(check));
    }
}
