using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using static Chuanyu.Tests.Vouchers.VoucherApi;
using static Chuanyu.Tests.Vouchers.VoucherTestData;

namespace Chuanyu.Tests.Vouchers;

/// <summary>The suspicious patterns (a)–(d) of docs/vouchers.md, each found by GET /api/v1/voucher-alerts for the issuing region.</summary>
public sealed class VoucherAlertTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private const long Cap = 10_000;

    /// <summary>Redemptions of a ¥100 cap programme (1/3) at 重庆大学 with the given fees; their numbers.</summary>
    private async Task<List<string>> RedeemAsync(params long[] fees)
    {
        var (_, voucher) = await SceneAsync(factory, faceValueFen: 1_000_000, change: p => p.PerClaimCapFen = Cap);
        var engineer = await factory.ApiClientAsync(Demo.Engineer);
        var numbers = new List<string>();
        foreach (var fee in fees)
        {
            numbers.Add((await RedeemedAsync(engineer, voucher.Code, await BookingAsync(factory, fee))).GetProperty("number").GetString()!);
        }
        return numbers;
    }

    private async Task<List<JsonElement>> AlertsAsync(string pattern, string admin = Demo.SichuanAdmin)
    {
        var client = await factory.ApiClientAsync(admin);
        var alerts = await client.GetFromJsonAsync<JsonElement>("/api/v1/voucher-alerts");
        return [.. alerts.EnumerateArray().Where(a => a.GetProperty("pattern").GetString() == pattern)];
    }

    private static bool Covers(JsonElement alert, IEnumerable<string> numbers)
    {
        var listed = alert.GetProperty("redemptions").EnumerateArray().Select(n => n.GetString()).ToHashSet();
        return numbers.All(listed.Contains);
    }

    [Fact]
    public async Task A_ThreeRedemptionsAtOneProvider_JustUnderTheCap()
    {
        // ¥285 at 1/3 = 9500 fen: 95 % of the ¥100 cap, three times.
        var numbers = await RedeemAsync(28_500, 28_500, 28_500);

        var found = await AlertsAsync("NearCap");
        Assert.Contains(found, a => Covers(a, numbers) && a.GetProperty("providerName").GetString() == "重庆大学");
        // Chongqing's administrator does not see what Sichuan issued.
        Assert.DoesNotContain(await AlertsAsync("NearCap", Demo.ChongqingAdmin), a => Covers(a, numbers));
    }

    [Fact]
    public async Task B_SplitUsesOfOneResourceWithinAWeek_TogetherAboveTheCap()
    {
        // 4000 fen each, well under the cap, but 12000 together on one instrument within days.
        var numbers = await RedeemAsync(12_000, 12_000, 12_000);

        Assert.Contains(await AlertsAsync("SplitUses"), a => a.GetProperty("redemptions").EnumerateArray().Any(n => numbers.Contains(n.GetString()!))
            && a.GetProperty("resourceId").ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task C_OneProofOfPaymentOnTwoRedemptions()
    {
        var numbers = await RedeemAsync(3_000, 3_000);
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var admin = await factory.ApiClientAsync(Demo.SichuanAdmin);
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/voucher-redemptions?pageSize=200");
        foreach (var r in list.GetProperty("items").EnumerateArray().Where(r => numbers.Contains(r.GetProperty("number").GetString()!)))
        {
            // The same PDF bytes as the proof of both.
            Assert.Equal(System.Net.HttpStatusCode.NoContent, (await SubmitAsync(manager, r.GetProperty("id").GetGuid(), "FP" + Guid.NewGuid().ToString("N")[..12])).StatusCode);
        }

        Assert.Contains(await AlertsAsync("SharedProof"), a => Covers(a, numbers) && a.GetProperty("proofSha256").GetString()!.Length == 64);
    }

    [Fact]
    public async Task D_OneHolderWithMoreThanHalfOfAProvidersRedemptions()
    {
        var numbers = await RedeemAsync(3_000, 3_000, 3_000, 3_000);

        Assert.Contains(await AlertsAsync("DominantHolder"), a => Covers(a, numbers) && a.GetProperty("holderName").GetString() == "成都蓉芯微纳检测技术有限公司");
    }
}
