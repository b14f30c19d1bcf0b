using System.Diagnostics;
using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Features.Search;
using Chuanyu.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Chuanyu.Bench;

public sealed record ImportBenchOptions(int Rows, int Seed, string Format, string? Postgres, bool SkipSqlite, string WorkDir, bool Keep)
{
    public static ImportBenchOptions Parse(ReadOnlySpan<string> args)
    {
        var o = new ImportBenchOptions(100_000, 42, "xlsx", null, false, Path.Combine(Path.GetTempPath(), "chuanyu-import-bench"), false);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "--skip-sqlite" or "--keep")
            {
                o = name == "--keep" ? o with { Keep = true } : o with { SkipSqlite = true };
                continue;
            }
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value");
            }
            var value = args[++i];
            o = name switch
            {
                "--rows" => o with { Rows = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= ResourceImporter.MaxRows ? n : throw new ArgumentException($"--rows must be 1–{ResourceImporter.MaxRows}") },
                "--seed" => o with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                "--format" => value is "xlsx" or "csv" ? o with { Format = value } : throw new ArgumentException("--format xlsx|csv"),
                "--pg" => o with { Postgres = value },
                "--dir" => o with { WorkDir = value },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        return o;
    }
}

/// <summary>
/// The import benchmark: writes a plausible N-row sheet (instruments of real makes and classes at districts of both
/// regions, fees, certificates) with the platform's own writer, then imports it with the platform's importer
/// (<see cref="ResourceImporter"/>, the same code the API runs) into a fresh SQLite database and, with --pg, a fresh
/// PostgreSQL database; prints rows/s, the seconds for parse, validate and write, and the database size.
/// </summary>
public static class ImportBench
{
    public static async Task<int> RunAsync(ImportBenchOptions o)
    {
        Directory.CreateDirectory(o.WorkDir);
        var file = Path.Combine(o.WorkDir, $"import-{o.Rows}.{o.Format}");
        var sw = Stopwatch.StartNew();
        var written = await WriteFileAsync(file, o);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"file: {file} ({written} rows, {new FileInfo(file).Length / 1024d / 1024d:0.0} MB, written in {sw.Elapsed.TotalSeconds:0.0} s)"));
        Console.WriteLine("engine     rows   parse_s  validate_s  write_s  total_s    cpu_s   rows/s  db_before_MB  db_after_MB  peak_ws_MB");
        if (!o.SkipSqlite)
        {
            var path = Path.Combine(o.WorkDir, $"bench-{Guid.NewGuid():N}.db");
            try
            {
                await RunOneAsync("sqlite", DatabaseProvider.Sqlite, $"Data Source={path};Pooling=True;Default Timeout=30", file,
                    async () => await Task.FromResult(SqliteSize(path)));
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                if (!o.Keep)
                {
                    foreach (var f in Directory.GetFiles(o.WorkDir, Path.GetFileName(path) + "*"))
                    {
                        File.Delete(f);
                    }
                }
            }
        }
        if (o.Postgres is not null)
        {
            var name = "chuanyu_importbench_" + Guid.NewGuid().ToString("N")[..12];
            await using (var admin = new NpgsqlConnection(o.Postgres))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'", admin);
                await create.ExecuteNonQueryAsync();
            }
            var cs = new NpgsqlConnectionStringBuilder(o.Postgres) { Database = name }.ConnectionString;
            try
            {
                await RunOneAsync("postgres", DatabaseProvider.Postgres, cs, file, async () =>
                {
                    await using var conn = new NpgsqlConnection(cs);
                    await conn.OpenAsync();
                    await using var cmd = new NpgsqlCommand("SELECT pg_database_size(current_database())", conn);
                    return (long)(await cmd.ExecuteScalarAsync())!;
                });
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                if (!o.Keep)
                {
                    await using var admin = new NpgsqlConnection(o.Postgres);
                    await admin.OpenAsync();
                    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
                    await drop.ExecuteNonQueryAsync();
                }
            }
        }
        if (!o.Keep)
        {
            File.Delete(file);
        }
        return 0;
    }

    private static long SqliteSize(string path) =>
        new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);

    private static async Task RunOneAsync(string label, DatabaseProvider provider, string connectionString, string file, Func<Task<long>> size)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["Database:Provider"] = provider.ToString();
        builder.Configuration[$"ConnectionStrings:{provider}"] = connectionString;
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<Chuanyu.Web.Infrastructure.Crypto.CryptoOptions>();
        builder.Services.AddDatabase(builder.Configuration);
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddCatalog();
        builder.Services.AddSearch(); // the index is written by the import's save, as in the platform
        builder.Services.AddResourceImport();
        using var host = builder.Build();

        Guid organizationId;
        using (var scope = host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<MigrationRunner>().MigrateAsync();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await DivisionsPreparation.EnsureAsync(db);
            var org = new Organization
            {
                Id = Guid.CreateVersion7(),
                Name = BenchOrganization,
                Kind = OrganizationKind.University,
                CreditCode = "12500000450400184A",
                RegionCode = "500000",
                DistrictCode = "500106",
                Status = OrganizationStatus.Verified,
                CreatedAt = DateTimeOffset.UtcNow,
            };
            db.Organizations.Add(org);
            await db.SaveChangesAsync();
            organizationId = org.Id;
        }
        var before = await size();
        var sw = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        ImportResult result;
        using (var scope = host.Services.CreateScope())
        {
            var importer = scope.ServiceProvider.GetRequiredService<ResourceImporter>();
            await using var content = File.OpenRead(file);
            result = await importer.ImportAsync(content, content.Length, Path.GetFileName(file), organizationId, Guid.CreateVersion7(), "import-bench",
                new ImportOptions(), CancellationToken.None);
        }
        var total = sw.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        if (!result.Applied)
        {
            throw new InvalidOperationException($"{label}: import failed: {result.Message} {string.Join("; ", result.Errors.Take(5))}");
        }
        if (provider == DatabaseProvider.Sqlite)
        {
            using var scope = host.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        var after = await size();
        var t = result.Timings;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label,-8} {result.Created,7} {t.Parse.TotalSeconds,8:0.0} {t.Validate.TotalSeconds,11:0.0} {t.Write.TotalSeconds,8:0.0} {total.TotalSeconds,8:0.0} {cpu.TotalSeconds,8:0.0} {result.Created / total.TotalSeconds,8:0} {before / 1048576d,13:0.0} {after / 1048576d,12:0.0} {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576d,11:0}"));
    }

    private const string BenchOrganization = "导入基准测试大学";

    // name, class name (national classification), makers and models
    private static readonly (string Name, string Class, string Maker, string Country, string[] Models, int PriceWan)[] Families =
    [
        ("场发射扫描电子显微镜", "扫描电镜", "Carl Zeiss", "德国", ["Sigma 300", "GeminiSEM 500"], 320),
        ("扫描电子显微镜", "扫描电镜", "日立高新技术", "日本", ["SU3500", "Regulus 8100"], 180),
        ("透射电子显微镜", "透射电镜", "日本电子株式会社", "日本", ["JEM-2100F", "JEM-F200"], 900),
        ("X射线衍射仪", "X射线衍射仪", "布鲁克", "德国", ["D8 ADVANCE", "D8 DISCOVER"], 260),
        ("X射线荧光光谱仪", "X射线荧光光谱仪", "理学", "日本", ["ZSX Primus IV"], 210),
        ("电感耦合等离子体质谱仪", "无机质谱仪", "安捷伦科技", "美国", ["Agilent 8900", "Agilent 7900"], 240),
        ("液相色谱-质谱联用仪", "有机质谱仪", "赛默飞世尔科技", "美国", ["Q Exactive Plus", "TSQ Altis"], 450),
        ("气相色谱-质谱联用仪", "有机质谱仪", "岛津", "日本", ["GCMS-QP2020 NX"], 120),
        ("核磁共振波谱仪", "核磁共振波谱仪", "布鲁克", "瑞士", ["AVANCE NEO 600", "AVANCE III HD 400"], 700),
        ("激光共聚焦显微镜", "激光共焦显微镜", "徕卡显微系统", "德国", ["TCS SP8", "STELLARIS 5"], 380),
        ("原子力显微镜", "原子力显微镜", "布鲁克", "美国", ["Dimension Icon"], 260),
        ("流式细胞仪", "流式细胞仪", "贝克曼库尔特", "美国", ["CytoFLEX S", "CytoFLEX LX"], 150),
        ("高效液相色谱仪", "液相色谱仪", "沃特世", "美国", ["e2695", "ACQUITY Arc"], 60),
        ("电子万能试验机", "材料试验机", "英斯特朗", "美国", ["5967", "68TM-10"], 80),
        ("矢量网络分析仪", "矢量网络分析仪", "是德科技", "美国", ["N5227B", "E5080B"], 190),
        ("同步热分析仪", "热分析仪器", "耐驰", "德国", ["STA 449 F5"], 70),
    ];

    private static readonly string[] Districts = ["500106", "500103", "500104", "500105", "500107", "500108", "500112", "510107", "510104", "510106", "510116", "511102"];
    private static readonly string[] Buildings = ["分析测试中心", "材料学院实验楼", "生命科学大楼", "化学化工学院", "电子信息学院", "资源与环境楼"];

    private static async Task<int> WriteFileAsync(string path, ImportBenchOptions o)
    {
        var random = new Random(o.Seed);
        var organizationId = Guid.Empty;
        IEnumerable<Resource> Records()
        {
            for (var i = 1; i <= o.Rows; i++)
            {
                var f = Families[random.Next(Families.Length)];
                var model = f.Models[random.Next(f.Models.Length)];
                var price = random.Next(100, 900);
                var r = new Resource
                {
                    Kind = ResourceKind.Instrument,
                    Name = f.Name,
                    EnglishName = null,
                    OrganizationId = organizationId,
                    Model = model,
                    Manufacturer = f.Maker,
                    CountryOfOrigin = f.Country,
                    CategoryCode = InstrumentClasses.FindByName(f.Class)?.Code ?? throw new InvalidOperationException(f.Class),
                    OriginalValueFen = (long)(f.PriceWan * (0.7 + (random.NextDouble() * 0.6)) * 10_000 * 100),
                    PurchaseDate = new DateOnly(2008, 1, 1).AddDays(random.Next(0, 6000)),
                    TechnicalIndicators = $"{f.Name}（{model}）：主要技术指标见说明书，分辨率与灵敏度满足常规测试；附件齐全，状态良好。",
                    MainFunctions = $"用于{f.Name}相关的分析测试、科研与教学，可对外提供委托测试服务。",
                    ApplicationFields = "材料科学；化学；生命科学；环境科学",
                    Keywords = $"{f.Name}；{model}",
                    DistrictCode = Districts[random.Next(Districts.Length)],
                    // The asset number keeps each row's name + model + address unique, as in a real inventory.
                    Address = $"{Buildings[random.Next(Buildings.Length)]} {random.Next(1, 8)}{random.Next(1, 30):00} 室（资产编号 {2008 + (i % 16)}{i:000000}）",
                    SharingStatus = (SharingStatus)(random.Next(10) switch { < 7 => 0, < 9 => 1, _ => 2 }),
                    ContactName = "仪器共享办公室",
                    ContactPhone = $"023-6510{random.Next(0, 10000):0000}",
                    ContactEmail = "share@example.edu.cn",
                    Fees =
                    [
                        new ResourceFee { UserType = FeeUserType.Internal, PriceFen = price * 100, Unit = "小时" },
                        new ResourceFee { UserType = FeeUserType.SameRegion, PriceFen = price * 150, Unit = "小时" },
                        new ResourceFee { UserType = FeeUserType.Enterprise, PriceFen = price * 200, Unit = "小时" },
                    ],
                    Certifications = random.Next(4) == 0
                        ? [new ResourceCertification { Type = CertificationType.Cma, Number = $"1623120{i:00000}", ExpiresOn = new DateOnly(2027, 12, 31) }]
                        : [],
                };
                yield return r;
            }
        }
        var names = new Dictionary<Guid, string> { [organizationId] = BenchOrganization };
        await using var output = File.Create(path);
        return o.Format == "xlsx"
            ? await ResourceSheet.WriteXlsxAsync(output, Records(), names)
            : await ResourceSheet.WriteCsvAsync(output, Records().ToAsyncEnumerable(), names);
    }
}
