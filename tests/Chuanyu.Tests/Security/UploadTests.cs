using System.IO.Compression;
using System.Text;
using Chuanyu.Tests.Infrastructure;
using Chuanyu.Web.Infrastructure;
using NPOI.XSSF.UserModel;

namespace Chuanyu.Tests.Security;

/// <summary>Upload checks: size, name and real content type, with files made by the libraries users' tools use.</summary>
public sealed class UploadTests
{
    private const long TenMb = 10 * 1024 * 1024;

    private static byte[] RealXlsx()
    {
        var workbook = new XSSFWorkbook();
        var sheet = workbook.CreateSheet("仪器");
        sheet.CreateRow(0).CreateCell(0).SetCellValue("仪器名称");
        sheet.CreateRow(1).CreateCell(0).SetCellValue("场发射扫描电子显微镜");
        using var stream = new MemoryStream();
        workbook.Write(stream);
        return stream.ToArray();
    }

    private static async Task<(CheckedUpload? Upload, string? Error)> CheckAsync(string name, byte[] bytes, UploadKind kind = UploadKind.Spreadsheet, long max = TenMb)
    {
        var (upload, error) = await Uploads.CheckAsync(name, new MemoryStream(bytes), bytes.Length, kind, max);
        return (upload, error?.Zh());
    }

    [Fact]
    public async Task RealSpreadsheets_Pass_AndTheStreamIsRewound()
    {
        var xlsx = RealXlsx();
        var stream = new MemoryStream(xlsx);
        var (upload, error) = await Uploads.CheckAsync("仪器清单.xlsx", stream, xlsx.Length, UploadKind.Spreadsheet, TenMb);
        Assert.Null(error);
        Assert.Equal(".xlsx", upload!.Extension);
        Assert.Equal(0, stream.Position);
        Assert.Equal("场发射扫描电子显微镜", new XSSFWorkbook(stream).GetSheetAt(0).GetRow(1).GetCell(0).StringCellValue);

        Assert.Null((await CheckAsync("list.csv", Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("名称,型号\nX射线衍射仪,D8 ADVANCE\n")).ToArray())).Error);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Assert.Null((await CheckAsync("excel-gbk.CSV", Encoding.GetEncoding("GB18030").GetBytes("名称,型号\n扫描电镜,SU8010\n"))).Error);
    }

    [Fact]
    public async Task RenamedExecutablesAndArchives_AreRefused()
    {
        var exe = new byte[] { (byte)'M', (byte)'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0xFF };
        Assert.Contains("不符", (await CheckAsync("import.xlsx", exe)).Error, StringComparison.Ordinal);
        Assert.Contains("不符", (await CheckAsync("import.csv", exe)).Error, StringComparison.Ordinal);

        using var zipBytes = new MemoryStream();
        using (var zip = new ZipArchive(zipBytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry("payload.txt").Open());
            writer.Write("not a workbook");
        }
        Assert.Contains("不符", (await CheckAsync("import.xlsx", zipBytes.ToArray())).Error, StringComparison.Ordinal);

        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D };
        Assert.Null((await CheckAsync("photo.png", png, UploadKind.Image)).Error);
        Assert.Contains("不符", (await CheckAsync("photo.jpg", png, UploadKind.Image)).Error, StringComparison.Ordinal);
        Assert.Contains("不符", (await CheckAsync("report.pdf", png, UploadKind.Document)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongExtensionsNamesAndSizes_AreRefused()
    {
        var xlsx = RealXlsx();
        Assert.Contains("不支持", (await CheckAsync("import.xlsx.exe", xlsx)).Error, StringComparison.Ordinal);
        Assert.Contains("不支持", (await CheckAsync("import.xls", xlsx)).Error, StringComparison.Ordinal);
        Assert.Contains("不支持", (await CheckAsync("photo.svg", Encoding.UTF8.GetBytes("<svg onload=alert(1)>"), UploadKind.Image)).Error, StringComparison.Ordinal);
        Assert.Equal("文件名无效。", (await CheckAsync("..", xlsx)).Error);
        Assert.Equal("文件名无效。", (await CheckAsync("", xlsx)).Error);
        Assert.Equal("文件名无效。", (await CheckAsync("a\u0000b.xlsx", xlsx)).Error);
        Assert.Equal("文件名无效。", (await CheckAsync(new string('长', 300) + ".xlsx", xlsx)).Error);

        // A path in the name is reduced to the file name: nothing can point outside where the platform puts it.
        var (upload, _) = await CheckAsync("..\\..\\windows/../../etc/仪器.xlsx", xlsx);
        Assert.Equal("仪器.xlsx", upload!.FileName);

        // The size is refused from the declared length, before anything is read (a 50 MB upload to a 10 MB limit).
        var (_, tooBig) = await Uploads.CheckAsync("big.csv", new MemoryStream(), 50L * 1024 * 1024, UploadKind.Spreadsheet, TenMb);
        Assert.Equal("文件大小 50 MB 超过上限 10 MB。", tooBig.Zh());
        Assert.Contains("不能为空", (await CheckAsync("empty.csv", [])).Error, StringComparison.Ordinal);
        Assert.Contains("不符", (await CheckAsync("binary.csv", [0x41, 0x00, 0x42])).Error, StringComparison.Ordinal);
    }
}
