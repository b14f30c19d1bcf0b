using System.Globalization;
using System.Text.RegularExpressions;
using Chuanyu.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Chuanyu.BrowserTests.Infrastructure.PageActions;
using static Microsoft.Playwright.Assertions;

namespace Chuanyu.BrowserTests;

/// <summary>
/// Booking an instrument in a real Chromium: the researcher finds an instrument, books machine time and sees the
/// request waiting; the instrument manager approves it in the approval queue; the researcher sees it approved.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class BookingTests(BrowserFixture browser)
{
    [Fact]
    public async Task Researcher_BooksAnInstrument_ManagerApproves_ResearcherSeesItApproved()
    {
        // The first Monday at least three days ahead (Beijing time): bookable under the default rules whatever today is.
        var day = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime).AddDays(3);
        while (day.DayOfWeek != DayOfWeek.Monday)
        {
            day = day.AddDays(1);
        }
        var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var purpose = $"浏览器测试 锂电正极材料断口形貌观察 {Guid.NewGuid():N}"[..30];

        var researcher = await browser.NewPageAsync();
        await SignInAsync(researcher, "scu.researcher@chuanyu.demo");
        await researcher.GotoAsync("/Search?q=" + Uri.EscapeDataString("GeminiSEM 300"));
        await researcher.GetByTestId("results").GetByRole(AriaRole.Link).Filter(new() { HasText = "GeminiSEM 300" }).First.ClickAsync();
        await Expect(researcher.GetByTestId("resource-name")).ToHaveTextAsync("场发射扫描电子显微镜");

        await researcher.GetByTestId("book-link").ClickAsync();
        await Expect(researcher.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("预约机时");
        var bookUrl = researcher.Url;
        await Expect(researcher.GetByTestId("week")).ToContainTextAsync("空闲");
        var form = researcher.GetByTestId("booking-form");
        await form.GetByLabel("日期").FillAsync(date);
        await form.GetByLabel("开始时间").SelectOptionAsync("09:00");
        await form.GetByLabel("结束时间").SelectOptionAsync("11:00");
        await form.GetByLabel("使用目的").FillAsync(purpose);
        await form.GetByRole(AriaRole.Button, new() { Name = "提交预约申请" }).ClickAsync();

        // The new booking is first in "my bookings", marked, and no fragment of the form follows into the address.
        await Expect(researcher).ToHaveURLAsync(new Regex("^" + Regex.Escape(new Uri(browser.BaseAddress, "/Me/Bookings?created=").ToString()) + "[0-9a-f-]{36}$"));
        await Expect(researcher.GetByRole(AriaRole.Status)).ToContainTextAsync("预约申请已提交");
        var mine = researcher.GetByTestId("bookings").Locator("tbody tr").Filter(new() { HasText = purpose });
        await Expect(researcher.GetByTestId("bookings").Locator("tbody tr").First).ToContainTextAsync(purpose);
        await Expect(mine).ToHaveClassAsync(new Regex(@"\bbooking-created\b"));
        await Expect(mine.GetByTestId("time")).ToHaveTextAsync($"{date} 09:00–11:00");
        await Expect(mine.GetByTestId("status")).ToHaveTextAsync("待审核");
        await SaveScreenshotAsync(researcher, "booking-pending.png");

        // The week of that day shows the time as the researcher's own.
        await researcher.GotoAsync($"{bookUrl}?from={date}");
        await Expect(researcher.Locator($"[data-testid=week] td[data-start='{date}T09:00']")).ToHaveTextAsync("我的预约");
        await Expect(researcher.Locator($"[data-testid=week] td[data-start='{date}T11:00']")).ToHaveTextAsync("空闲");
        await SaveScreenshotAsync(researcher, "booking-week.png");

        var manager = await browser.NewPageAsync();
        await SignInAsync(manager, "cqu.instrument@chuanyu.demo");
        await ClickInHeaderAsync(manager, "nav-booking-queue");
        await Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "预约审批", Level = 1 })).ToBeVisibleAsync();
        var request = manager.GetByTestId("queue").Locator("tbody tr").Filter(new() { HasText = purpose });
        await Expect(request.GetByTestId("user")).ToHaveTextAsync("四川大学 李娜（研究员）");
        await Expect(request.GetByTestId("user-type")).ToHaveTextAsync("跨区域");
        await SaveScreenshotAsync(manager, "booking-queue.png");
        await request.GetByLabel("审批意见（可选）").FillAsync("请提前十分钟到场");
        await request.GetByRole(AriaRole.Button, new() { Name = "批准", Exact = true }).ClickAsync();
        await Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("已批准该预约");
        await Expect(manager.GetByTestId("queue").Locator("tbody tr").Filter(new() { HasText = purpose })).ToHaveCountAsync(0);

        await researcher.Locator("#nav-account-toggle").ClickAsync();
        await researcher.GetByTestId("nav-my-bookings").ClickAsync();
        var approved = researcher.GetByTestId("bookings").Locator("tbody tr").Filter(new() { HasText = purpose });
        await Expect(approved.GetByTestId("status")).ToHaveTextAsync("已批准");
        await Expect(approved.GetByTestId("note")).ToHaveTextAsync("请提前十分钟到场");
        await SaveScreenshotAsync(researcher, "booking-approved.png");
    }

    [Fact]
    public async Task ChoosingAFreeSlot_MarksIt_AndFillsTheTimes_WithoutLeavingThePage()
    {
        // The Thursday of the first week at least three days ahead (Beijing time), away from the other test's Monday.
        var monday = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime).AddDays(3);
        while (monday.DayOfWeek != DayOfWeek.Monday)
        {
            monday = monday.AddDays(1);
        }
        var thursday = monday.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var page = await browser.NewPageAsync();
        await SignInAsync(page, "scu.researcher@chuanyu.demo");
        var (resource, _) = await DemoInstrumentAsync(page);
        await page.GotoAsync($"/Resources/{resource}/Book?from={monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
        var bookUrl = page.Url;
        // A mark on this document: a reload or a navigation would lose it.
        await page.EvaluateAsync("() => { window.sameDocument = true; }");

        var cell = page.Locator($"[data-testid=week] td[data-start='{thursday}T14:00']");
        await cell.GetByRole(AriaRole.Link).ClickAsync();

        await Expect(cell).ToHaveClassAsync(new Regex(@"\bslot-chosen\b"));
        await Expect(cell.GetByRole(AriaRole.Link)).ToHaveAttributeAsync("aria-current", "true");
        var form = page.GetByTestId("booking-form");
        await Expect(form.GetByLabel("日期")).ToHaveValueAsync(thursday);
        await Expect(form.GetByLabel("开始时间")).ToHaveValueAsync("14:00");
        // The end is the instrument's usual length from there (its demo history), after the start and by closing time.
        await Expect(form.GetByLabel("结束时间")).ToHaveValueAsync(new Regex("^1[4-8]:[03]0$"));
        Assert.True(string.CompareOrdinal(await form.GetByLabel("结束时间").InputValueAsync(), "14:00") > 0);
        await Expect(page.GetByTestId("estimate-amount")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"));
        Assert.Equal(bookUrl, page.Url);
        await SaveScreenshotAsync(page, "booking-slot-chosen.png");
    }
}
