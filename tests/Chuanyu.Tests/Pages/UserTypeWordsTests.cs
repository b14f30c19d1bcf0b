using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Tests.Pages;

/// <summary>
/// One word for one user type (Catalog.FeeUserType.*): the fee table a requester reads and the approval queue the
/// manager reads name the same type alike, in both languages.
/// </summary>
public sealed class UserTypeWordsTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    [Fact]
    public async Task FeeTable_AndApprovalQueue_NameAUserTypeAlike()
    {
        // 重庆大学's scanning electron microscope publishes a fee for each of the four user types.
        // Several demo institutions own an instrument of that name: the one of 重庆大学 (whose manager reads the queue).
        var instrument = await factory.WithDbAsync(db => (from r in db.Set<Resource>()
                                                          join o in db.Organizations on r.OrganizationId equals o.Id
                                                          where o.Name == "重庆大学" && r.Model == "GeminiSEM 300" && r.Status == ResourceStatus.Published
                                                          select r.Id).SingleAsync());
        var monday = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(Cst).DateTime).AddDays(3);
        while (monday.DayOfWeek != DayOfWeek.Monday)
        {
            monday = monday.AddDays(1);
        }
        var fromSichuan = await BookAsync(Demo.ScuResearcher, instrument, monday, 9);   // 四川大学: the other region
        var fromEnterprise = await BookAsync(Demo.Engineer, instrument, monday, 11);    // 成都蓉芯微纳: an enterprise

        var manager = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await manager.SignInAsync(Demo.CquInstrumentManager)).StatusCode);
        foreach (var (language, otherRegion) in new[] { ("zh-CN", "跨区域"), ("en", "Cross-region") })
        {
            await manager.Client.GetAsync($"/culture/{language}?returnUrl=/");
            var (queueResponse, queue) = await manager.GetAsync($"/Me/BookingQueue?instrument={instrument}");
            Assert.True(queueResponse.StatusCode == HttpStatusCode.OK, $"{queueResponse.StatusCode} {queueResponse.RequestMessage?.RequestUri}");
            string InQueue(Guid booking) =>
                queue.QuerySelector($"[data-testid=queue] tr[data-booking-id='{booking}'] [data-testid=user-type]")?.TextContent.Trim()
                ?? $"({language}: booking {booking} not among {string.Join(", ", queue.QuerySelectorAll("[data-testid=queue] tr[data-booking-id]").Select(r => r.GetAttribute("data-booking-id")))} on {queueResponse.RequestMessage?.RequestUri})";
            var (_, details) = await manager.GetAsync($"/Resources/{instrument}");
            string InFeeTable(FeeUserType type) =>
                details.QuerySelector($"[data-testid=fees] tr[data-user-type={type}] td")!.TextContent.Trim();

            Assert.Equal(otherRegion, InQueue(fromSichuan));
            Assert.Equal(InFeeTable(FeeUserType.OtherRegion), InQueue(fromSichuan));
            Assert.Equal(InFeeTable(FeeUserType.Enterprise), InQueue(fromEnterprise));
        }
    }

    private async Task<Guid> BookAsync(string email, Guid instrument, DateOnly day, int hour)
    {
        var client = await factory.ApiClientAsync(email);
        var start = new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, 0)), Cst);
        var response = await client.PostAsJsonAsync("/api/v1/bookings", new
        {
            instrumentId = instrument,
            start = start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            end = start.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            purpose = "用户类型用语测试",
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }
}
