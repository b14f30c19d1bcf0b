using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chuanyu.Tests.Booking;

/// <summary>Instruments created for one test through the API, and instants in China Standard Time.</summary>
public static class BookingTestData
{
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    public static Task<Guid> OrgAsync(WebApplicationFactory<Program> factory, string name) => WithDbAsync(factory, db => db.Organizations.Where(o => o.Name == name).Select(o => o.Id).FirstAsync());

    public static async Task<T> WithDbAsync<T>(WebApplicationFactory<Program> factory, Func<Chuanyu.Web.Data.AppDbContext, Task<T>> work)
    {
        using var scope = factory.Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<Chuanyu.Web.Data.AppDbContext>());
    }

    /// <summary>A client of <paramref name="host"/> signed in at the host's clock (tests that move a manual clock sign in again after).</summary>
    public static async Task<HttpClient> SignedInAsync(WebApplicationFactory<Program> host, string email)
    {
        var client = host.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Chuanyu.Web.Seeding.DemoData.Password });
        response.EnsureSuccessStatusCode();
        var token = (await response.ReadJsonAsync()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A published instrument of 重庆大学 (300 元/h internal, 500 元/h other region, 800 元/h enterprise).</summary>
    public static async Task<Guid> InstrumentAsync(WebApplicationFactory<Program> factory, HttpClient manager, string name, string sharing = "OpenToAll", string kind = "Instrument",
        object[]? fees = null)
    {
        var cqu = await OrgAsync(factory, "重庆大学");
        var created = await manager.PostAsJsonAsync("/api/v1/resources", new
        {
            kind,
            name,
            organizationId = cqu,
            districtCode = "500106",
            address = "重庆大学 A 区 分析测试中心 101",
            sharingStatus = sharing,
            categoryCode = "010102",
            model = "Gemini 300",
            manufacturer = "Carl Zeiss",
            countryOfOrigin = "德国",
            originalValue = 3_200_000.00m,
            mainFunctions = "材料表面形貌观察",
            fees = fees ?? new object[]
            {
                new { userType = "Internal", price = 300m, unit = "小时" },
                new { userType = "SameRegion", price = 400m, unit = "小时" },
                new { userType = "OtherRegion", price = 500m, unit = "小时" },
                new { userType = "Enterprise", price = 800m, unit = "小时" },
            },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsync($"/api/v1/resources/{id}/publish", null)).StatusCode);
        return id;
    }

    /// <summary>The default rules with some fields replaced (anonymous object of BookingRulesInput fields).</summary>
    public static async Task SetRulesAsync(HttpClient manager, Guid instrument, Action<Dictionary<string, object?>> change)
    {
        var current = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/instruments/{instrument}/booking-rules");
        var body = current.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        change(body);
        var put = await manager.PutAsJsonAsync($"/api/v1/instruments/{instrument}/booking-rules", body);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    /// <summary>A weekday at least <paramref name="daysAhead"/> days from now, at a time of day in China Standard Time.</summary>
    public static DateTimeOffset Weekday(DateTimeOffset now, int daysAhead, DayOfWeek day, int hour, int minute = 0)
    {
        var date = now.ToOffset(Cst).Date.AddDays(daysAhead);
        while (date.DayOfWeek != day)
        {
            date = date.AddDays(1);
        }
        return new DateTimeOffset(date.Year, date.Month, date.Day, hour, minute, 0, Cst);
    }

    public static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static object Request(Guid instrument, DateTimeOffset start, DateTimeOffset end, string purpose = "场发射扫描电镜观察锂电正极材料形貌") =>
        new { instrumentId = instrument, start = Iso(start), end = Iso(end), purpose };
}
