using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Microsoft.EntityFrameworkCore;
using static Chuanyu.Tests.Booking.BookingTestData;

namespace Chuanyu.Tests.Booking;

/// <summary>
/// Booking speaks the reader's language (one language path): its API errors in the client's Accept-Language with the
/// message key as their <c>code</c> (the <c>rule</c> unchanged), Chinese by default; its pages in the language switched to.
/// </summary>
public sealed partial class BookingMessagesTests(ChuanyuFactory factory) : IClassFixture<ChuanyuFactory>
{
    private static async Task<HttpClient> EnglishAsync(ChuanyuFactory factory, string email)
    {
        var client = await factory.ApiClientAsync(email);
        client.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("en-GB"));
        return client;
    }

    [Fact]
    public async Task BookingErrors_AreInTheClientsLanguage_WithTheMessageKeyAsCode_AndTheRuleKept()
    {
        var manager = await factory.ApiClientAsync(Demo.CquInstrumentManager);
        var instrument = await InstrumentAsync(factory, manager, "语言 扫描电镜");
        var chinese = await factory.ApiClientAsync(Demo.ScuResearcher);
        var english = await EnglishAsync(factory, Demo.ScuResearcher);
        var lastWeek = Weekday(DateTimeOffset.UtcNow, -7, DayOfWeek.Tuesday, 9);

        // 422: a time that has passed.
        var zh = await (await chinese.PostAsJsonAsync("/api/v1/bookings", Request(instrument, lastWeek, lastWeek.AddHours(1)))).AssertProblemAsync(422);
        Assert.Equal("past", zh.GetProperty("rule").GetString());
        Assert.Equal("Booking.StartInPast", zh.GetProperty("code").GetString());
        Assert.Equal("不能预约已经开始或已经过去的时间。", zh.GetProperty("detail").GetString());
        var en = await (await english.PostAsJsonAsync("/api/v1/bookings", Request(instrument, lastWeek, lastWeek.AddHours(1)))).AssertProblemAsync(422);
        Assert.Equal("past", en.GetProperty("rule").GetString());
        Assert.Equal("Booking.StartInPast", en.GetProperty("code").GetString());
        Assert.Equal("A time that has begun or passed cannot be booked.", en.GetProperty("detail").GetString());
        Assert.DoesNotMatch(Cjk(), en.GetProperty("title").GetString()!);

        // One booking of a repeated request: the message says which, the code stays the rule's.
        var friday = Weekday(DateTimeOffset.UtcNow, 8, DayOfWeek.Friday, 9);
        object Daily(int count) => new { instrumentId = instrument, start = Iso(friday), end = Iso(friday.AddHours(1)), purpose = "语言 重复预约", repeat = new { frequency = "Daily", count } };
        var saturday = friday.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var seriesZh = await (await chinese.PostAsJsonAsync("/api/v1/bookings", Daily(2))).AssertProblemAsync(422);
        Assert.Equal("Booking.ClosedDay", seriesZh.GetProperty("code").GetString());
        Assert.Equal($"第 2 次（{saturday}）：星期六不开放预约（开放日：星期一、星期二、星期三、星期四、星期五）。", seriesZh.GetProperty("detail").GetString());
        var seriesEn = await (await english.PostAsJsonAsync("/api/v1/bookings", Daily(2))).AssertProblemAsync(422);
        Assert.Equal("openingHours", seriesEn.GetProperty("rule").GetString());
        Assert.Equal("Booking.ClosedDay", seriesEn.GetProperty("code").GetString());
        Assert.Equal($"Booking 2 ({saturday}): The instrument cannot be booked on a Saturday (open on Monday, Tuesday, Wednesday, Thursday, Friday).",
            seriesEn.GetProperty("detail").GetString());

        // 400: the field's reason in English, its key under errorCodes.
        var invalid = await (await english.PostAsJsonAsync("/api/v1/bookings", Request(instrument, friday, friday.AddHours(1), purpose: ""))).AssertProblemAsync(400);
        Assert.Equal("Booking.PurposeRequired", invalid.GetProperty("errorCodes").GetProperty("purpose")[0].GetString());
        Assert.Equal("Please state the purpose of use (the experiment, the samples) in at least 2 characters.", invalid.GetProperty("errors").GetProperty("purpose")[0].GetString());

        // 409: the booking's status, a label, is said in English too.
        var created = await chinese.PostAsJsonAsync("/api/v1/bookings", Request(instrument, friday, friday.AddHours(1)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await manager.PostAsJsonAsync($"/api/v1/bookings/{id}/reject", new { note = "仪器校准" })).StatusCode);
        var again = await (await (await EnglishAsync(factory, Demo.CquInstrumentManager)).PostAsJsonAsync($"/api/v1/bookings/{id}/approve", new { note = "" })).AssertProblemAsync(409);
        Assert.Equal("Booking.NotPending", again.GetProperty("code").GetString());
        Assert.Equal("This booking is ‘Rejected’; only pending bookings can be approved or rejected.", again.GetProperty("detail").GetString());
        var againZh = await (await manager.PostAsJsonAsync($"/api/v1/bookings/{id}/approve", new { note = "" })).AssertProblemAsync(409);
        Assert.Equal("该预约当前为“未通过”，只有待审核的预约可以审批。", againZh.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task RulesPage_AfterSwitchingToEnglish_ShowsTheServicesReasonsInEnglish()
    {
        var instrument = await factory.WithDbAsync(async db =>
        {
            var cqu = await db.Organizations.Where(o => o.Name == "重庆大学").Select(o => o.Id).FirstAsync();
            return await db.Set<Resource>().Where(r => r.OrganizationId == cqu && r.Kind == ResourceKind.Instrument && r.Status == ResourceStatus.Published)
                .OrderBy(r => r.Name).Select(r => r.Id).FirstAsync();
        });
        var session = new PageSession(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(Demo.CquInstrumentManager)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await session.Client.GetAsync("/culture/en?returnUrl=/")).StatusCode);

        var url = $"/Resources/{instrument}/BookingRules";
        var response = await session.SubmitAsync(url, new Dictionary<string, string> { ["Form.MaxHorizonDays"] = "thirty", ["Form.MinMinutes"] = "1" }, "form[data-testid=rules-form]");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Equal("Please enter a whole number, e.g. 30.", doc.QuerySelector("[data-testid=error-maxHorizonDays]")!.TextContent.Trim());
        var stepped = await session.SubmitAsync(url, new Dictionary<string, string> { ["Form.MinMinutes"] = "1" }, "form[data-testid=rules-form]");
        var steppedDoc = new HtmlParser().ParseDocument(await stepped.Content.ReadAsStringAsync());
        Assert.Equal("The minimum length (minutes) must be a whole number from 5 to 1440.", steppedDoc.QuerySelector("[data-testid=error-minMinutes]")!.TextContent.Trim());
        Assert.DoesNotMatch(Cjk(), steppedDoc.QuerySelector("[data-testid=error-minMinutes]")!.TextContent);
    }

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Cjk();
}
