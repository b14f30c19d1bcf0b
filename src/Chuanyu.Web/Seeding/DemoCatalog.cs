using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;
using Chuanyu.Web.Infrastructure;
using CsvHelper;
using Microsoft.EntityFrameworkCore;

namespace Chuanyu.Web.Seeding;

/// <summary>
/// The demo catalogue: the 240 records of the embedded <c>Data/Reference/demo-instruments.csv</c> (real models and
/// makers at real institutions of both regions; holdings, values, fees and certificate numbers illustrative, see
/// demo-instruments.md), plus one draft of 重庆大学's instrument manager. Records are added through EF in one
/// transaction, so whatever indexes saved resources sees them. Seeded once: when the first record of the file is
/// already there, nothing is added.
/// </summary>
public static class DemoCatalog
{
    public const string DraftName = "原子力显微镜（待发布）";

    /// <summary>
    /// The public contact of six institutions' shared-instrument service desks, put on each of their records: a desk,
    /// its landline and a shared mailbox, never a person (demo-instruments.md). Illustrative: the numbers are made up
    /// with the cities' area codes, the mailboxes are under chuanyu.demo, which delivers nowhere. The other
    /// institutions' records show the page's fallback.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Desk, string Phone, string Email)> ServiceDesks =
        new Dictionary<string, (string, string, string)>
        {
            ["cqu"] = ("分析测试中心 共享服务窗口", "023-65106000", "share@cqu.chuanyu.demo"),
            ["swu"] = ("分析测试中心 仪器共享平台", "023-68253000", "yqgx@swu.chuanyu.demo"),
            ["scu"] = ("分析测试中心 大型仪器共享服务平台", "028-85405000", "share@scu.chuanyu.demo"),
            ["uestc"] = ("分析测试中心 服务窗口", "028-61830000", "fxcs@uestc.chuanyu.demo"),
            ["cib"] = ("公共技术服务中心", "028-82890000", "ptsc@cib.chuanyu.demo"),
            ["cqmetro"] = ("客户服务中心", "023-67185000", "kefu@cqmetro.chuanyu.demo"),
        };

    public sealed record Row(
        string OrgKey, ResourceKind Kind, string Name, string EnglishName, string? Model, string? Manufacturer, string? Country,
        string? ClassTop, string? ClassSub, long? OriginalValueYuan, DateOnly? PurchaseDate, string TechnicalIndicators, string MainFunctions,
        string ApplicationFields, string DistrictCode, string Address, SharingStatus Sharing, IReadOnlyList<(FeeUserType Type, long Yuan)> Fees,
        string? FeeUnit, string? CmaNumber, DateOnly? CmaExpiry, string? CnasNumber, DateOnly? CnasExpiry);

    public static IReadOnlyList<Row> ReadRows()
    {
        using var stream = typeof(DemoCatalog).Assembly.GetManifestResourceStream("Chuanyu.Web.Data.Reference.demo-instruments.csv")
            ?? throw new InvalidOperationException("demo-instruments.csv is not embedded.");
        using var csv = CsvReader.Create(stream, null, leaveOpen: false);
        var rows = new List<Row>();
        while (csv.Read())
        {
            string? Opt(string name) => csv.GetString(name) is { Length: > 0 } v ? v : null;
            long? Long(string name) => Opt(name) is { } v ? long.Parse(v, CultureInfo.InvariantCulture) : null;
            DateOnly? Date(string name) => Opt(name) is { } v ? DateOnly.ParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
            var fees = new List<(FeeUserType, long)>();
            foreach (var (type, column) in new[]
                     {
                         (FeeUserType.Internal, "fee_internal"), (FeeUserType.SameRegion, "fee_same_region"),
                         (FeeUserType.OtherRegion, "fee_other_region"), (FeeUserType.Enterprise, "fee_enterprise"),
                     })
            {
                if (Long(column) is { } yuan)
                {
                    fees.Add((type, yuan));
                }
            }
            rows.Add(new Row(
                csv.GetString("org_key"), Enum.Parse<ResourceKind>(csv.GetString("kind")), csv.GetString("name"), csv.GetString("english_name"),
                Opt("model"), Opt("manufacturer"), Opt("country"), Opt("class_top"), Opt("class_sub"), Long("original_value_yuan"), Date("purchase_date"),
                csv.GetString("technical_indicators"), csv.GetString("main_functions"), csv.GetString("application_fields"),
                csv.GetString("district_code"), csv.GetString("address"), Enum.Parse<SharingStatus>(csv.GetString("sharing_status")),
                fees, Opt("fee_unit"), Opt("cma_number"), Date("cma_expiry"), Opt("cnas_number"), Date("cnas_expiry")));
        }
        return rows;
    }

    /// <summary>
    /// The class code for a row: the second-level name within its first-level class (the file writes 图像 where the
    /// national list writes 图象), else the first-level class itself.
    /// </summary>
    public static string? ClassCodeOf(string? top, string? sub)
    {
        var topClass = InstrumentClasses.FindByName(top);
        if (topClass is null || topClass.Level != 1)
        {
            return null;
        }
        foreach (var name in new[] { sub, sub?.Replace("图像", "图象", StringComparison.Ordinal) })
        {
            if (InstrumentClasses.FindByName(name) is { Level: > 1 } byName && byName.TopCode == topClass.Code)
            {
                return byName.Code;
            }
            var within = InstrumentClasses.All.Where(c => c.Level > 1 && c.TopCode == topClass.Code && c.Name == name).OrderBy(c => c.Level).FirstOrDefault();
            if (within is not null)
            {
                return within.Code;
            }
        }
        return topClass.Code;
    }

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var clock = services.GetRequiredService<TimeProvider>();
        var audit = services.GetRequiredService<AuditLog>();
        var now = clock.GetUtcNow();
        var rows = ReadRows();

        // Organisations added to the demo after a database was first seeded join it here.
        var orgIds = await db.Organizations.AsNoTracking().ToDictionaryAsync(o => o.Name, o => o.Id, ct);
        var added = 0;
        for (var i = 0; i < DemoData.Organizations.Length; i++)
        {
            var o = DemoData.Organizations[i];
            if (!orgIds.ContainsKey(o.Name))
            {
                var org = DemoData.NewOrganization(o, i + 1, now);
                db.Organizations.Add(org);
                orgIds[o.Name] = org.Id;
                added++;
            }
        }
        if (added > 0)
        {
            await db.SaveChangesAsync(ct);
        }

        var byKey = DemoData.Organizations.ToDictionary(o => o.Key, o => (Id: orgIds[o.Name], o.Verified));
        var first = rows[0];
        var firstOrg = byKey[first.OrgKey].Id;
        if (await db.Set<Resource>().AnyAsync(r => r.OrganizationId == firstOrg && r.Name == first.Name, ct))
        {
            return;
        }

        var emails = DemoData.Accounts.Select(a => a.Email).ToList();
        var userIds = await db.Users.AsNoTracking().Where(u => emails.Contains(u.Email!)).ToDictionaryAsync(u => u.Email!, u => u.Id, ct);
        var systemAdmin = userIds.GetValueOrDefault("sysadmin@chuanyu.demo");
        Guid CreatorOf(string orgKey) =>
            DemoData.Accounts.Where(a => a.Org == orgKey && a.Role is PlatformRole.ResourceManager or PlatformRole.OrgAdmin)
                .OrderBy(a => a.Role == PlatformRole.ResourceManager ? 0 : 1)
                .Select(a => userIds.GetValueOrDefault(a.Email)).FirstOrDefault(id => id != Guid.Empty) is { } id && id != Guid.Empty ? id : systemAdmin;

        var regionOf = await db.Districts.AsNoTracking().ToDictionaryAsync(d => d.Code, d => d.RegionCode, ct);
        var resources = new List<Resource>();
        foreach (var row in rows)
        {
            var (orgId, verified) = byKey[row.OrgKey];
            var creator = CreatorOf(row.OrgKey);
            // A record is public only once its organisation is verified (CatalogService's rule): the pending demo
            // enterprise keeps its records as drafts.
            var status = verified ? ResourceStatus.Published : ResourceStatus.Draft;
            var resource = new Resource
            {
                Id = Guid.CreateVersion7(),
                Kind = row.Kind,
                Name = row.Name,
                EnglishName = row.EnglishName,
                OrganizationId = orgId,
                RegionCode = regionOf[row.DistrictCode],
                DistrictCode = row.DistrictCode,
                Address = row.Address,
                Status = status,
                SharingStatus = row.Sharing,
                CategoryCode = row.Kind == ResourceKind.Instrument ? ClassCodeOf(row.ClassTop, row.ClassSub) : null,
                Model = row.Model,
                Manufacturer = row.Manufacturer,
                CountryOfOrigin = row.Country,
                OriginalValueFen = row.OriginalValueYuan * 100,
                PurchaseDate = row.PurchaseDate,
                TechnicalIndicators = row.TechnicalIndicators,
                MainFunctions = row.MainFunctions,
                ApplicationFields = row.ApplicationFields,
                CreatedBy = creator,
                CreatedAt = now,
                UpdatedBy = creator,
                UpdatedAt = now,
                PublishedAt = status == ResourceStatus.Published ? now : null,
            };
            if (ServiceDesks.TryGetValue(row.OrgKey, out var desk))
            {
                (resource.ContactName, resource.ContactPhone, resource.ContactEmail) = desk;
            }
            resource.Fees.AddRange(row.Fees.Select(f => new ResourceFee { ResourceId = resource.Id, UserType = f.Type, PriceFen = f.Yuan * 100, Unit = row.FeeUnit! }));
            if (row.CmaNumber is not null)
            {
                resource.Certifications.Add(new ResourceCertification { ResourceId = resource.Id, Type = CertificationType.Cma, Number = row.CmaNumber, ExpiresOn = row.CmaExpiry });
            }
            if (row.CnasNumber is not null)
            {
                resource.Certifications.Add(new ResourceCertification { ResourceId = resource.Id, Type = CertificationType.Cnas, Number = row.CnasNumber, ExpiresOn = row.CnasExpiry });
            }
            resources.Add(resource);
        }

        // Work waiting for 重庆大学's instrument manager: a record still being written.
        var cqu = byKey["cqu"].Id;
        var manager = CreatorOf("cqu");
        resources.Add(new Resource
        {
            Id = Guid.CreateVersion7(),
            Kind = ResourceKind.Instrument,
            Name = DraftName,
            EnglishName = "Atomic force microscope",
            OrganizationId = cqu,
            RegionCode = "500000",
            DistrictCode = "500106",
            Address = "重庆大学虎溪校区 分析测试中心 表面分析室",
            Status = ResourceStatus.Draft,
            SharingStatus = SharingStatus.OpenToAll,
            CategoryCode = ClassCodeOf("分析仪器", "显微镜及图像分析仪器"),
            Model = "Dimension Icon",
            Manufacturer = "布鲁克纳米（Bruker Nano）",
            CountryOfOrigin = "美国",
            OriginalValueFen = 2_150_000_00,
            PurchaseDate = new DateOnly(2021, 5, 20),
            TechnicalIndicators = "闭环扫描，最大扫描范围约 90 μm × 90 μm；支持 PeakForce Tapping 成像模式。（草稿：待补充收费标准和照片）",
            MainFunctions = "材料表面纳米级三维形貌与力学性质成像。",
            ApplicationFields = "薄膜材料、二维材料、高分子、生物样品。",
            CreatedBy = manager,
            CreatedAt = now,
            UpdatedBy = manager,
            UpdatedAt = now,
        });

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.AddRange(resources);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync("demo.seed.catalog", null,
            detail: $"{resources.Count} resources ({resources.Count(r => r.Status == ResourceStatus.Published)} published), {added} organisations added", ct: ct);
        await tx.CommitAsync(ct);
    }
}
