using System.Globalization;
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

        await Expect(researcher).ToHaveURLAsync(new Uri(browser.BaseAddress, "/Me/Bookings").ToString());
        await Expect(researcher.GetByRole(AriaRole.Status)).ToContainTextAsync("预约申请已提交");
        var mine = researcher.GetByTestId("bookings").Locator("tbody tr").Filter(new() { HasText = purpose });
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

        await researcher.GetByTestId("nav-my-bookings").ClickAsync();
        var approved = researcher.GetByTestId("bookings").Locator("tbody tr").Filter(new() { HasText = purpose });
        await Expect(approved.GetByTestId("status")).ToHaveTextAsync("已批准");
        await Expect(approved.GetByTestId("note")).ToHaveTextAsync("请提前十分钟到场");
        await SaveScreenshotAsync(researcher, "booking-approved.png");
    }
}
