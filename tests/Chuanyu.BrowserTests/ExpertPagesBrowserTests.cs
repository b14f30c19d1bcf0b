using System.Text.RegularExpressions;
using Chuanyu.BrowserTests.Infrastructure;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Experts;
using Microsoft.Playwright;
using NPOI.XSSF.UserModel;
using static Chuanyu.BrowserTests.Infrastructure.PageActions;
using static Microsoft.Playwright.Assertions;

namespace Chuanyu.BrowserTests;

/// <summary>
/// The Chongqing region administrator's expert pool in a real Chromium: opens it from the header, filters the list,
/// reveals one expert's personal data (audited), and imports a file with one bad row, which is refused in Chinese
/// with its row and column and nothing imported.
/// </summary>
[Collection(BrowserSuite.Name)]
public sealed class ExpertPagesBrowserTests(BrowserFixture browser)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToContainTextOptions SlowContains = new() { Timeout = 30_000 };

    [Fact]
    public async Task RegionAdmin_FiltersRevealsAndImportsWithABadRow()
    {
        var admin = await browser.NewPageAsync();
        await SignInAsync(admin, "cq.admin@chuanyu.demo");
        await ClickInHeaderAsync(admin, "nav-admin-experts");
        await Expect(admin).ToHaveURLAsync(new Regex("/Admin/Experts$"), new() { Timeout = 30_000 });

        // Filter: active experts with a senior title, in pinyin order.
        await admin.Locator("select#Status").SelectOptionAsync("Active");
        await admin.Locator("select#Title").SelectOptionAsync("FullSenior");
        await admin.GetByTestId("admin-expert-filter-submit").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex("Status=Active.*Title=FullSenior"), new() { Timeout = 30_000 });
        var rows = admin.GetByTestId("admin-experts").Locator("tbody tr");
        await Expect(rows.First).ToBeVisibleAsync(Slow);
        await Expect(rows.First.GetByTestId("expert-status")).ToHaveTextAsync("在库", new() { Timeout = 30_000 });

        // Reveal one expert's personal data: shown once, the view audited.
        await rows.First.Locator("a").First.ClickAsync();
        await Expect(admin.GetByTestId("masked")).ToBeVisibleAsync(Slow);
        await admin.GetByTestId("reveal").ClickAsync();
        await Expect(admin.GetByTestId("revealed-id")).ToHaveTextAsync(new Regex(@"^\d{17}[\dX]$"), new() { Timeout = 30_000 });
        await SaveScreenshotAsync(admin, "expert-reveal.png");

        // Import a file with one good and one bad row: nothing is imported and the bad row is named in Chinese.
        await admin.GotoAsync("/Admin/Experts/Import");
        await admin.Locator("#Upload").SetInputFilesAsync(new FilePayload
        {
            Name = "experts.xlsx",
            MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Buffer = Workbook(),
        });
        await admin.GetByTestId("expert-import-submit").ClickAsync();
        await Expect(admin.GetByTestId("import-failed")).ToBeVisibleAsync(Slow);
        var error = admin.GetByTestId("import-errors").Locator("tbody tr");
        await Expect(error).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(error).ToContainTextAsync("99999", SlowContains);
        await Expect(error.Locator("td").Nth(1)).ToHaveTextAsync(ExpertImport.Columns.Single(c => c.Field == "disciplines").Header, new() { Timeout = 30_000 });
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", await error.Locator("td").Nth(2).InnerTextAsync());
        await SaveScreenshotAsync(admin, "expert-import-errors.png");
    }

    /// <summary>The template's columns with its example values: row 2 valid, row 3 with a discipline code GB/T 13745 does not have.</summary>
    private static byte[] Workbook()
    {
        var workbook = new XSSFWorkbook();
        var sheet = workbook.CreateSheet("experts");
        var header = sheet.CreateRow(0);
        for (var i = 0; i < ExpertImport.Columns.Count; i++)
        {
            header.CreateCell(i).SetCellValue(ExpertImport.Columns[i].Header);
        }
        for (var r = 1; r <= 2; r++)
        {
            var row = sheet.CreateRow(r);
            for (var i = 0; i < ExpertImport.Columns.Count; i++)
            {
                var column = ExpertImport.Columns[i];
                var value = column.Field switch
                {
                    "name" => r == 1 ? "浏览器导入甲" : "浏览器导入乙",
                    "idNumber" => ResidentIdNumber.Complete($"50010619780{r}0{Random.Shared.Next(1, 9)}{Random.Shared.Next(100, 999)}"),
                    "disciplines" when r == 2 => "99999",
                    _ => column.Example,
                };
                row.CreateCell(i).SetCellValue(value);
            }
        }
        using var output = new MemoryStream();
        workbook.Write(output, leaveOpen: true);
        return output.ToArray();
    }
}
