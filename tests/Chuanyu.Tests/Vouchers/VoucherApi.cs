using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;

namespace Chuanyu.Tests.Vouchers;

/// <summary>The voucher API as the tests call it.</summary>
public static class VoucherApi
{
    public static Task<HttpResponseMessage> RedeemAsync(HttpClient client, string code, Guid bookingId, long? eligibleFeeFen = null, string? invoiceNumber = null) =>
        client.PostAsJsonAsync($"/api/v1/vouchers/{code}/redemptions", new { bookingId, eligibleFeeFen, invoiceNumber });

    /// <summary>Redeems and asserts 201; the created redemption's JSON.</summary>
    public static async Task<JsonElement> RedeemedAsync(HttpClient client, string code, Guid bookingId)
    {
        var response = await RedeemAsync(client, code, bookingId);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    /// <summary>The provider's submission: the invoice number and a one-page PDF as the proof of payment.</summary>
    public static Task<HttpResponseMessage> SubmitAsync(HttpClient client, Guid redemptionId, string invoiceNumber)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(invoiceNumber), "invoiceNumber" },
            { new ByteArrayContent("%PDF-1.4\n% proof of payment\n%%EOF\n"u8.ToArray()), "file", "proof.pdf" },
        };
        return client.PostAsync($"/api/v1/voucher-redemptions/{redemptionId}/submit", form);
    }

    public static Task<HttpResponseMessage> DecideAsync(HttpClient client, Guid redemptionId, bool approve, long? approvedFen = null, string? reason = null) =>
        client.PostAsJsonAsync($"/api/v1/voucher-redemptions/{redemptionId}/decision", new { approve, approvedFen, reason });

    public static async Task<long> BalanceAsync(HttpClient holder, string code) =>
        (await holder.GetFromJsonAsync<JsonElement>($"/api/v1/vouchers/{code}")).GetProperty("voucher").GetProperty("balanceFen").GetInt64();
}
