using System.Buffers.Binary;
using System.Globalization;
using Chuanyu.Web.Data;
using Chuanyu.Web.Features.Accounts;
using Chuanyu.Web.Features.Catalog;

namespace Chuanyu.Web.Seeding;

/// <summary>An organisation that may own synthetic resources: its id, name and seat.</summary>
public sealed record SeedOwner(Guid Id, string Name, string DistrictCode);

/// <summary>
/// Deterministic generator of synthetic but plausible catalogue records for load tests (the <c>seed</c> command): real
/// instrument families with their Chinese and English names, makers, real model numbers and countries of origin, the
/// national class codes that fit them, fee schedules by user type, CMA/CNAS certificates, and the other resource kinds
/// with plausible names, over about 300 synthetic organisations of both regions plus the real ones already in the
/// database (Zipf-like ownership: a few hold many). Record <c>n</c> depends only on the seed and <c>n</c> (its own
/// random stream), so batches can be generated in parallel and a run with the same seed on the same database gives
/// the same records. Every record is marked so it can never pass as real: <see cref="Marker"/> as its keywords, an
/// address ending in <see cref="AddressSuffix"/>, and synthetic owners whose address is <see cref="OrganizationAddress"/>.
/// Adapted from the search spike's generator (bench/Chuanyu.Bench/SearchSpikeData.cs).
/// </summary>
public sealed class SyntheticCatalog
{
    public const string Marker = "synthetic";
    public const string AddressSuffix = "（压测合成数据）";
    public const string OrganizationAddress = "压测合成数据，非真实单位";
    public const int DefaultSeed = 20261122;
    public const int OrganizationCount = 300;

    /// <summary>The synthetic organisations do not depend on the resource seed: every run reuses the same 300.</summary>
    private const ulong OrganizationSeed = 0x5EED_0000_0000_0300;

    /// <summary>Synthetic ids are version-7 shaped (time-ordered, so bulk inserts append to the key indexes) from this instant on.</summary>
    private static readonly long IdEpochMs = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private readonly ulong _seed;
    private readonly IReadOnlyList<SeedOwner> _owners;
    private readonly double[] _ownerCdf;

    public SyntheticCatalog(int seed, IReadOnlyList<SeedOwner> owners)
    {
        if (owners.Count == 0)
        {
            throw new ArgumentException("At least one owner is needed.", nameof(owners));
        }
        _seed = (ulong)(uint)seed;
        _owners = owners;
        // Organisations own resources Zipf-like: the first (the real universities) hold many, small companies a few.
        _ownerCdf = Cdf(Enumerable.Range(1, owners.Count).Select(i => 1.0 / Math.Pow(i, 0.8)).ToArray());
    }

    /// <summary>The owners in generation order: real verified organisations that own instruments (by name), then the synthetic ones (by name).</summary>
    public static IReadOnlyList<SeedOwner> OwnersFrom(IEnumerable<Organization> organizations)
    {
        var all = organizations.Where(o => o.Status == OrganizationStatus.Verified && o.Kind != OrganizationKind.GovernmentAgency && Districts.ContainsKey(o.DistrictCode)).ToList();
        var real = all.Where(o => o.Address != OrganizationAddress).OrderBy(o => o.Name, StringComparer.Ordinal);
        var synthetic = all.Where(o => o.Address == OrganizationAddress).OrderBy(o => o.Name, StringComparer.Ordinal);
        return real.Concat(synthetic).Select(o => new SeedOwner(o.Id, o.Name, o.DistrictCode)).ToList();
    }

    /// <summary>The 300 synthetic organisations (verified, both regions), always the same ids, names and credit codes.</summary>
    public static IReadOnlyList<Organization> Organizations(DateTimeOffset now)
    {
        var rng = new Rng(OrganizationSeed);
        var list = new List<Organization>(OrganizationCount);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var cityCdf = Cdf(Cities.Select(c => c.Weight).ToArray());
        var serial = 1000;
        while (list.Count < OrganizationCount)
        {
            var city = Cities[Pick(cityCdf, ref rng)];
            var word = OrgWords[rng.Next(OrgWords.Length)];
            var (suffix, kind, creditPrefix) = OrgTypes[rng.Next(OrgTypes.Length)];
            var name = city.Name + word + suffix;
            var district = city.Districts[rng.Next(city.Districts.Length)];
            var id = NewId(ref rng, list.Count);
            if (!seen.Add(name))
            {
                continue;
            }
            list.Add(new Organization
            {
                Id = id,
                Name = name,
                Kind = kind,
                CreditCode = DemoData.MakeCreditCode(creditPrefix, district, ++serial),
                RegionCode = RegionOf(district),
                DistrictCode = district,
                Address = OrganizationAddress,
                Status = OrganizationStatus.Verified,
                StatusNote = "压测合成数据（seed 命令生成）",
                CreatedBy = Guid.Empty,
                CreatedAt = now,
                VerifiedAt = now,
            });
        }
        return list;
    }

    /// <summary>The GB/T 2260 district codes synthetic organisations and second sites use (each must exist in the districts table).</summary>
    public static IReadOnlyCollection<string> DistrictCodes => CityOfDistrict.Keys;

    /// <summary>Record number <paramref name="ordinal"/> (the command uses its search doc id): the same seed and ordinal give the same record.</summary>
    public Resource Create(long ordinal, DateTimeOffset now)
    {
        var rng = new Rng(Mix(_seed, (ulong)ordinal));
        var owner = _owners[Pick(_ownerCdf, ref rng)];
        var kind = Kinds[Pick(KindCdf, ref rng)];
        var district = owner.DistrictCode;
        if (rng.NextDouble() < 0.15 && CityOfDistrict.TryGetValue(district, out var city))
        {
            // A second site in the same city (a new campus, a branch lab).
            district = city.Districts[rng.Next(city.Districts.Length)];
        }
        var r = new Resource
        {
            Id = NewId(ref rng, ordinal),
            Kind = kind,
            OrganizationId = owner.Id,
            RegionCode = RegionOf(district),
            DistrictCode = district,
            Status = ResourceStatus.Published,
            SharingStatus = PickSharing(ref rng),
            Keywords = Marker,
            ContactName = "共享服务窗口",
            ContactEmail = string.Create(CultureInfo.InvariantCulture, $"share-{ordinal % 1000:D3}@synthetic.invalid"),
            CreatedBy = Guid.Empty,
            CreatedAt = now,
            UpdatedBy = Guid.Empty,
            UpdatedAt = now,
            PublishedAt = now,
            Version = 1,
        };
        r.Address = Districts[district] + " " + Buildings[rng.Next(Buildings.Length)] + string.Create(CultureInfo.InvariantCulture, $"{rng.Next(1, 9)}{rng.Next(1, 30):D2}室") + AddressSuffix;
        if (kind == ResourceKind.Instrument)
        {
            FillInstrument(r, ref rng);
        }
        else
        {
            FillOther(r, owner, ref rng);
        }
        AddFees(r, ref rng);
        AddCertifications(r, ref rng);
        foreach (var f in r.Fees)
        {
            f.ResourceId = r.Id;
            f.Id = NewId(ref rng, ordinal);
        }
        foreach (var c in r.Certifications)
        {
            c.ResourceId = r.Id;
            c.Id = NewId(ref rng, ordinal);
        }
        return r;
    }

    private static void FillInstrument(Resource r, ref Rng rng)
    {
        var f = Families[Pick(FamilyCdf, ref rng)];
        var name = f.Name;
        if (rng.NextDouble() < 0.3)
        {
            name = Prefixes[rng.Next(Prefixes.Length)] + name;
        }
        if (rng.NextDouble() < 0.12)
        {
            name += Suffixes[rng.Next(Suffixes.Length)];
        }
        var (model, makerKey) = f.Models[rng.Next(f.Models.Length)];
        if (rng.NextDouble() < 0.2)
        {
            // A configuration or a less common variant of the line: a model number few records share.
            model += string.Create(CultureInfo.InvariantCulture, $"-{rng.Next(10, 99)}{(char)('A' + rng.Next(26))}");
        }
        var maker = Makers[makerKey];
        r.Name = name;
        r.EnglishName = rng.NextDouble() < 0.4 ? f.English + (f.Abbr.Length > 0 ? " (" + f.Abbr + ")" : "") : null;
        r.Model = model;
        r.Manufacturer = maker.Chinese + "（" + makerKey + "）";
        r.CountryOfOrigin = maker.Country;
        r.CategoryCode = f.ClassCode;
        // Original value in yuan, to the hundred; the range is the family's (many are large instruments, ≥ 50 万元).
        var wan = f.ValueMin + (Math.Pow(rng.NextDouble(), 1.5) * (f.ValueMax - f.ValueMin));
        r.OriginalValueFen = (long)Math.Round(wan * 100) * 100_00;
        r.PurchaseDate = new DateOnly(2004 + (int)(Math.Sqrt(rng.NextDouble()) * 21), 1, 1).AddDays(rng.Next(365));
        r.TechnicalIndicators = Indicators(f.Group, ref rng);
        r.MainFunctions = "可用于" + Join(Functions[f.Group], 2, ref rng, "、") + "。";
        r.ApplicationFields = Join(Domains, 3, ref rng, "、");
        r.Fees.Add(new ResourceFee { UserType = FeeUserType.SameRegion, PriceFen = RoundFee(f.FeeMin + (rng.NextDouble() * (f.FeeMax - f.FeeMin))), Unit = f.Unit });
    }

    private static void FillOther(Resource r, SeedOwner owner, ref Rng rng)
    {
        var city = CityOfDistrict.TryGetValue(owner.DistrictCode, out var c) ? c.Name : RegionOf(owner.DistrictCode) == "500000" ? "重庆" : "成都";
        var province = RegionOf(owner.DistrictCode) == "500000" ? "重庆市" : "四川省";
        var domain = Domains[rng.Next(Domains.Length)];
        string unit;
        long fee;
        switch (r.Kind)
        {
            case ResourceKind.Facility:
                r.Name = Facilities[rng.Next(Facilities.Length)];
                r.OriginalValueFen = (long)(500 + (rng.NextDouble() * 20000)) * 1_000_000; // 万元 → fen
                r.PurchaseDate = new DateOnly(2008 + rng.Next(17), 1 + rng.Next(12), 1 + rng.Next(28));
                r.TechnicalIndicators = string.Create(CultureInfo.InvariantCulture, $"建筑面积 {rng.Next(5, 120) * 100} 平方米；主要设备 {rng.Next(20, 300)} 台（套）；可开展{domain}领域的大型试验与工程验证。");
                r.MainFunctions = "面向" + Join(Domains, 2, ref rng, "、") + "等领域开放共享，提供试验方案设计、试验实施与数据分析服务。";
                (unit, fee) = ("天", RoundFee(2000 + (rng.NextDouble() * 30000)));
                break;
            case ResourceKind.TestingService:
                if (rng.NextDouble() < 0.5)
                {
                    var f = Families[Pick(FamilyCdf, ref rng)];
                    r.Name = f.Name + TestSuffixes[rng.Next(TestSuffixes.Length)];
                    r.CategoryCode = f.ClassCode;
                }
                else
                {
                    r.Name = TestItems[rng.Next(TestItems.Length)];
                }
                r.TechnicalIndicators = "检测依据：" + Standards[rng.Next(Standards.Length)] + string.Create(CultureInfo.InvariantCulture, $"；检测周期：{3 + rng.Next(8)} 个工作日；可出具带 CMA 标识的检测报告。");
                r.MainFunctions = "为" + Join(Domains, 2, ref rng, "、") + "企业和科研单位提供委托检测，" + Join(Functions[(Group)rng.Next(FunctionGroups)], 1, ref rng, "") + "。";
                (unit, fee) = ("样品", RoundFee(100 + (Math.Pow(rng.NextDouble(), 2) * 3000)));
                break;
            case ResourceKind.DataSet:
                r.Name = DataPlaces[rng.Next(DataPlaces.Length)] + DataTopics[rng.Next(DataTopics.Length)] + DataSuffixes[rng.Next(DataSuffixes.Length)];
                var from = 1960 + rng.Next(55);
                r.TechnicalIndicators = string.Create(CultureInfo.InvariantCulture, $"数据量 {rng.Next(1, 900)} GB；时间跨度 {from}—{Math.Min(2024, from + 5 + rng.Next(40))} 年；格式：{DataFormats[rng.Next(DataFormats.Length)]}；更新频率：{Updates[rng.Next(Updates.Length)]}。");
                r.MainFunctions = "提供在线检索、浏览、下载与定制加工服务，支撑" + domain + "研究。";
                (unit, fee) = ("项", rng.NextDouble() < 0.6 ? 0 : RoundFee(50 + (rng.NextDouble() * 500)));
                break;
            case ResourceKind.Literature:
                r.Name = Literature[rng.Next(Literature.Length)].Replace("{d}", domain, StringComparison.Ordinal);
                r.TechnicalIndicators = string.Create(CultureInfo.InvariantCulture, $"收录文献 {rng.Next(5, 900)} 万篇；语种：中文、英文；服务方式：在线检索、文献传递、查新咨询。");
                r.MainFunctions = "面向科研人员和企业提供文献检索、全文传递、科技查新与专利分析服务。";
                (unit, fee) = ("次", rng.NextDouble() < 0.5 ? 0 : RoundFee(50 + (rng.NextDouble() * 800)));
                break;
            case ResourceKind.GermplasmResource:
                r.Name = Germplasm[rng.Next(Germplasm.Length)] + GermplasmSuffixes[rng.Next(GermplasmSuffixes.Length)];
                r.TechnicalIndicators = string.Create(CultureInfo.InvariantCulture, $"保存资源 {rng.Next(300, 30000)} 份；保存方式：{Storage[rng.Next(Storage.Length)]}；已完成表型鉴定 {rng.Next(100, 5000)} 份。");
                r.MainFunctions = "提供种质资源的保存、鉴定评价与共享分发，支撑新品种选育和遗传多样性研究。";
                (unit, fee) = ("份", RoundFee(50 + (rng.NextDouble() * 1000)));
                break;
            case ResourceKind.Material:
                r.Name = Materials[rng.Next(Materials.Length)];
                r.TechnicalIndicators = string.Create(CultureInfo.InvariantCulture, $"规格：{Packs[rng.Next(Packs.Length)]}；纯度 ≥ {Purities[rng.Next(Purities.Length)]}%；随附分析证书，有效期 {1 + rng.Next(3)} 年。");
                r.MainFunctions = "用于仪器校准、方法验证、质量控制和科研实验。";
                (unit, fee) = ("份", RoundFee(80 + (rng.NextDouble() * 3000)));
                break;
            case ResourceKind.InnovationPlatform:
                r.Name = (rng.NextDouble() < 0.5 ? province : city) + domain + PlatformTypes[rng.Next(PlatformTypes.Length)];
                r.TechnicalIndicators = string.Create(CultureInfo.InvariantCulture, $"科研用房 {rng.Next(10, 200) * 100} 平方米；仪器设备 {rng.Next(50, 900)} 台（套）；固定研究人员 {rng.Next(20, 300)} 人。");
                r.MainFunctions = "开展" + domain + "领域关键技术攻关、成果转化与人才培养，对外提供技术服务与联合研发。";
                (unit, fee) = ("项", 0);
                break;
            case ResourceKind.Incubator:
                r.Name = city + IncubatorWords[rng.Next(IncubatorWords.Length)] + IncubatorTypes[rng.Next(IncubatorTypes.Length)];
                r.TechnicalIndicators = string.Create(CultureInfo.InvariantCulture, $"孵化面积 {rng.Next(20, 500) * 100} 平方米；在孵企业 {rng.Next(10, 200)} 家；提供工位、路演、投融资对接和知识产权服务。");
                r.MainFunctions = "为" + domain + "领域初创企业提供办公空间、创业辅导和公共技术服务。";
                (unit, fee) = ("工位·月", RoundFee(300 + (rng.NextDouble() * 1200)));
                break;
            default:
                r.Name = PopularScience[rng.Next(PopularScience.Length)].Replace("{d}", domain, StringComparison.Ordinal).Replace("{c}", city, StringComparison.Ordinal);
                r.TechnicalIndicators = string.Create(CultureInfo.InvariantCulture, $"展陈面积 {rng.Next(5, 100) * 100} 平方米；年接待 {rng.Next(1, 50)} 万人次；开放时间：周二至周日 9:00—17:00。");
                r.MainFunctions = "面向公众和中小学生开展科普展览、科学讲座和研学实践活动。";
                (unit, fee) = ("人次", 0);
                break;
        }
        r.ApplicationFields = Join(Domains, 2, ref rng, "、");
        r.Fees.Add(new ResourceFee { UserType = FeeUserType.SameRegion, PriceFen = fee, Unit = unit });
    }

    /// <summary>The SameRegion fee is set by the kind; the others follow it (own users pay less, enterprises more).</summary>
    private static void AddFees(Resource r, ref Rng rng)
    {
        var baseFee = r.Fees[0];
        var layout = rng.NextDouble();
        if (layout < 0.05 && r.Kind is ResourceKind.Instrument or ResourceKind.TestingService)
        {
            r.Fees.Clear(); // price on request (面议)
            return;
        }
        if (layout < 0.15 || baseFee.PriceFen == 0)
        {
            return;
        }
        r.Fees.Add(new ResourceFee { UserType = FeeUserType.Enterprise, PriceFen = RoundFee(baseFee.PriceFen * 1.3 / 100), Unit = baseFee.Unit });
        if (layout < 0.4)
        {
            return;
        }
        r.Fees.Add(new ResourceFee { UserType = FeeUserType.Internal, PriceFen = RoundFee(baseFee.PriceFen * 0.5 / 100), Unit = baseFee.Unit, Note = "本单位用户" });
        if (layout < 0.7)
        {
            return;
        }
        r.Fees.Add(new ResourceFee { UserType = FeeUserType.OtherRegion, PriceFen = baseFee.PriceFen, Unit = baseFee.Unit, Note = "川渝科技资源共享互认价格" });
    }

    private static void AddCertifications(Resource r, ref Rng rng)
    {
        var (cma, cnas) = r.Kind switch
        {
            ResourceKind.TestingService => (0.8, 0.6),
            ResourceKind.Instrument => (0.25, 0.15),
            ResourceKind.Material => (0.1, 0.3),
            _ => (0.0, 0.0),
        };
        if (rng.NextDouble() < cma)
        {
            r.Certifications.Add(new ResourceCertification
            {
                Type = CertificationType.Cma,
                Number = string.Create(CultureInfo.InvariantCulture, $"{15 + rng.Next(10)}{(r.RegionCode == "500000" ? "22" : "21")}12{rng.Next(100_000, 999_999):D6}"),
                ExpiresOn = new DateOnly(2026 + rng.Next(6), 1 + rng.Next(12), 1 + rng.Next(28)),
            });
        }
        if (rng.NextDouble() < cnas)
        {
            r.Certifications.Add(new ResourceCertification
            {
                Type = CertificationType.Cnas,
                Number = string.Create(CultureInfo.InvariantCulture, $"CNAS L{rng.Next(1000, 29999)}"),
                ExpiresOn = new DateOnly(2026 + rng.Next(6), 1 + rng.Next(12), 1 + rng.Next(28)),
            });
        }
    }

    private static SharingStatus PickSharing(ref Rng rng) => rng.NextDouble() switch
    {
        < 0.82 => SharingStatus.OpenToAll,
        < 0.92 => SharingStatus.WithinRegion,
        < 0.96 => SharingStatus.InternalOnly,
        _ => SharingStatus.UnderMaintenance,
    };

    private static string Indicators(Group g, ref Rng rng)
    {
        string P(ref Rng r, params string[] options) => options[r.Next(options.Length)];
        var i = CultureInfo.InvariantCulture;
        return g switch
        {
            Group.ElectronMicroscopy => string.Create(i, $"分辨率：{0.5 + (rng.Next(25) / 10.0):F1} nm（{P(ref rng, "15", "30", "200")} kV）；放大倍数：{P(ref rng, "10", "20", "50")}～{P(ref rng, "30万", "100万", "200万")}倍；加速电压：{P(ref rng, "0.02", "0.1", "0.5")}～{P(ref rng, "30", "200")} kV；配能谱仪（EDS）。"),
            Group.OpticalMicroscopy => string.Create(i, $"物镜：{P(ref rng, "4", "5", "10")}×～{P(ref rng, "60", "100")}×；相机：{P(ref rng, "sCMOS", "CCD", "EMCCD")}，{P(ref rng, "500", "1200", "2000")} 万像素；照明：{P(ref rng, "LED", "汞灯", "卤素灯", "激光")}；电动载物台重复精度 ±{1 + rng.Next(3)} μm。"),
            Group.Xray => string.Create(i, $"测角仪半径：{200 + (rng.Next(11) * 10)} mm；角度范围：{P(ref rng, "-10", "-3", "0")}～{P(ref rng, "150", "160", "168")}°；最小步长 0.0001°；X射线管：{P(ref rng, "Cu", "Mo", "Rh")}靶，{P(ref rng, "2.2", "3", "4")} kW。"),
            Group.Spectroscopy => string.Create(i, $"波长范围：{P(ref rng, "190", "200", "350")}～{P(ref rng, "900", "1100", "3300", "25000")} nm；分辨率：{0.1 + (rng.Next(20) / 10.0):F1} nm；信噪比 ≥ {P(ref rng, "1000", "5000", "20000", "50000")}:1。"),
            Group.Chromatography => string.Create(i, $"流量范围：0.001～{P(ref rng, "5", "10")} mL/min；耐压：{P(ref rng, "40", "60", "103", "130")} MPa；检测器：{P(ref rng, "DAD", "VWD", "FLD", "RID", "FID", "TCD", "ECD", "电导")}；进样精度 RSD < {P(ref rng, "0.2", "0.5", "1.0")}%。"),
            Group.MassSpec => string.Create(i, $"质量范围：m/z {P(ref rng, "2", "5", "50")}～{P(ref rng, "1000", "2000", "3000", "6000")}；分辨率 {P(ref rng, "20000", "60000", "140000", "240000")}（FWHM）；质量精度 < {P(ref rng, "1", "2", "3", "5")} ppm。"),
            Group.Magnetic => string.Create(i, $"磁场强度：{P(ref rng, "9.4 T（400 MHz）", "11.7 T（500 MHz）", "14.1 T（600 MHz）", "0.35 T（X 波段）")}；探头：{P(ref rng, "BBO", "TXI", "超低温冷冻探头", "宽带探头")}；变温范围：-150～150 ℃。"),
            Group.LifeScience => string.Create(i, $"通量：{P(ref rng, "96", "384")} 孔板；温控精度 ±{P(ref rng, "0.1", "0.2", "0.5")} ℃；检测通道 {2 + rng.Next(10)} 个；最高转速/激发：{P(ref rng, "100000 rpm", "488/561/640 nm 三激光", "紫外-可见全波长")}。"),
            Group.Mechanics => string.Create(i, $"最大试验力：{P(ref rng, "5", "10", "50", "100", "250", "600")} kN；力值精度 ±0.5%；位移速度：0.001～{P(ref rng, "500", "1000")} mm/min；配{P(ref rng, "高低温环境箱（-70～350 ℃）", "视频引伸计", "疲劳夹具")}。"),
            Group.Electronics => string.Create(i, $"频率范围：{P(ref rng, "2 Hz", "10 Hz", "9 kHz", "10 MHz")}～{P(ref rng, "8.5", "26.5", "43.5", "50", "67")} GHz；带宽 {P(ref rng, "160", "500", "1000", "2000")} MHz；采样率 {P(ref rng, "5", "10", "25")} GSa/s。"),
            Group.Thermal => string.Create(i, $"温度范围：{P(ref rng, "-150", "-70", "室温")}～{P(ref rng, "600", "1000", "1500", "1600")} ℃；升温速率 0.001～{P(ref rng, "50", "100")} K/min；天平灵敏度 {P(ref rng, "0.1", "1")} μg；气氛：N₂/Ar/空气。"),
            Group.Particle => string.Create(i, $"测量范围：{P(ref rng, "0.01 μm", "0.3 nm", "0.02 μm")}～{P(ref rng, "2000 μm", "3500 μm", "10 μm")}；比表面积 ≥ {P(ref rng, "0.0005", "0.01")} m²/g；重复性误差 < {P(ref rng, "0.5", "1")}%。"),
            Group.Metrology => string.Create(i, $"测量范围：{P(ref rng, "700×1000×600", "1000×1200×800", "1200×2000×1000")} mm；示值误差 MPE：({P(ref rng, "0.9", "1.5", "1.9")}+L/{P(ref rng, "300", "333", "400")}) μm；测量距离可达 {P(ref rng, "40", "80", "160")} m。"),
            Group.Environment => string.Create(i, $"温度范围：{P(ref rng, "-40", "-70")}～{P(ref rng, "150", "180")} ℃；湿度范围：{P(ref rng, "10", "20")}%～98% RH；箱体容积 {P(ref rng, "225", "408", "1000")} L；盐雾沉降量 1～2 mL/(80 cm²·h)。"),
            Group.Geo => string.Create(i, $"频带：{P(ref rng, "120 s", "360 s")}～{P(ref rng, "50 Hz", "100 Hz")}；动态范围 > {P(ref rng, "140", "150")} dB；探测距离 {P(ref rng, "3", "6", "10")} km；时间同步：GNSS。"),
            Group.Laser => string.Create(i, $"中心波长：{P(ref rng, "800", "1030", "1064")} nm；脉宽 < {P(ref rng, "35", "100", "290")} fs；单脉冲能量 {P(ref rng, "1", "4", "7")} mJ；重复频率 {P(ref rng, "1", "10", "200")} kHz。"),
            Group.Computing => string.Create(i, $"计算节点 {P(ref rng, "64", "128", "256", "512")} 个；峰值性能 {P(ref rng, "500", "1000", "2000")} TFLOPS；并行存储 {P(ref rng, "1", "2", "5")} PB；互联 {P(ref rng, "100", "200")} Gb/s InfiniBand。"),
            Group.Medical => string.Create(i, $"磁场强度 3.0 T；梯度场强 {P(ref rng, "45", "80")} mT/m；梯度切换率 200 T/m/s；射频通道 {P(ref rng, "48", "64", "128")} 个；孔径 {P(ref rng, "60", "70")} cm。"),
            _ => string.Create(i, $"能量分辨率 {P(ref rng, "1.8", "1.9", "2.0")} keV（1332 keV）；相对探测效率 {P(ref rng, "40", "50", "70")}%；铅室屏蔽 10 cm；配多道分析器。"),
        };
    }

    private static long RoundFee(double yuan) => yuan <= 0 ? 0 : Math.Max(10, (long)Math.Round(yuan / 10) * 10) * 100;

    private static string RegionOf(string district) => district.StartsWith("50", StringComparison.Ordinal) ? "500000" : "510000";

    private static string Join(string[] pool, int max, ref Rng rng, string separator)
    {
        var count = 1 + rng.Next(max);
        var picked = new List<string>(count);
        for (var i = 0; i < count * 3 && picked.Count < count; i++)
        {
            var s = pool[rng.Next(pool.Length)];
            if (!picked.Contains(s))
            {
                picked.Add(s);
            }
        }
        return string.Join(separator, picked);
    }

    /// <summary>A version-7 shaped id: 48-bit milliseconds (epoch + <paramref name="ordinal"/>, so ids sort in generation order), then random bits.</summary>
    private static Guid NewId(ref Rng rng, long ordinal)
    {
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(b, ((ulong)(IdEpochMs + ordinal) << 16) | (rng.NextUInt64() & 0xFFFF));
        BinaryPrimitives.WriteUInt64BigEndian(b[8..], rng.NextUInt64());
        b[6] = (byte)(0x70 | (b[6] & 0x0F));
        b[8] = (byte)(0x80 | (b[8] & 0x3F));
        return new Guid(b, bigEndian: true);
    }

    private static ulong Mix(ulong seed, ulong ordinal)
    {
        var z = (seed * 0x9E3779B97F4A7C15UL) ^ (ordinal + 0x632BE59BD9B4E019UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static double[] Cdf(double[] weights)
    {
        var total = weights.Sum();
        var cdf = new double[weights.Length];
        var sum = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i] / total;
            cdf[i] = sum;
        }
        cdf[^1] = 1.0;
        return cdf;
    }

    private static int Pick(double[] cdf, ref Rng rng)
    {
        var i = Array.BinarySearch(cdf, rng.NextDouble());
        return i >= 0 ? i : Math.Min(~i, cdf.Length - 1);
    }

    /// <summary>SplitMix64: tiny, fast, and the same sequence on every platform and runtime version (System.Random promises neither).</summary>
    private struct Rng(ulong state)
    {
        private ulong _state = state;

        public ulong NextUInt64()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

        public int Next(int maxExclusive) => (int)((NextUInt64() >> 32) * (ulong)maxExclusive >> 32);

        public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);
    }

    // ---- reference tables ----

    private enum Group
    {
        ElectronMicroscopy,
        OpticalMicroscopy,
        Xray,
        Spectroscopy,
        Chromatography,
        MassSpec,
        Magnetic,
        LifeScience,
        Mechanics,
        Electronics,
        Thermal,
        Particle,
        Metrology,
        Environment,
        Geo,
        Laser,
        Computing,
        Medical,
        Nuclear,
    }

    private const int FunctionGroups = 12;

    /// <summary>
    /// An instrument family: Chinese and English name, abbreviation, the most specific national class that fits (level 3,
    /// else level 2, else level 1), weight, original value range in 万元, fee range in yuan per unit, and real model
    /// numbers with their makers.
    /// </summary>
    private sealed record Family(string Name, string English, string Abbr, string ClassCode, double Weight, int ValueMin, int ValueMax,
        int FeeMin, int FeeMax, string Unit, Group Group, (string Model, string Maker)[] Models);

    private static readonly Dictionary<string, (string Chinese, string Country)> Makers = new(StringComparer.Ordinal)
    {
        ["ZEISS"] = ("卡尔蔡司", "德国"),
        ["Hitachi"] = ("日立", "日本"),
        ["JEOL"] = ("日本电子", "日本"),
        ["Thermo Fisher"] = ("赛默飞世尔", "美国"),
        ["TESCAN"] = ("泰思肯", "捷克"),
        ["Phenom"] = ("飞纳", "荷兰"),
        ["KYKY"] = ("中科科仪", "中国"),
        ["CIQTEK"] = ("国仪量子", "中国"),
        ["Leica"] = ("徕卡", "德国"),
        ["Olympus"] = ("奥林巴斯", "日本"),
        ["Nikon"] = ("尼康", "日本"),
        ["Bruker"] = ("布鲁克", "德国"),
        ["Oxford Instruments"] = ("牛津仪器", "英国"),
        ["Park Systems"] = ("帕克", "韩国"),
        ["Rigaku"] = ("理学", "日本"),
        ["Malvern Panalytical"] = ("马尔文帕纳科", "英国"),
        ["Shimadzu"] = ("岛津", "日本"),
        ["Kratos"] = ("岛津-Kratos", "英国"),
        ["Agilent"] = ("安捷伦", "美国"),
        ["PerkinElmer"] = ("珀金埃尔默", "美国"),
        ["Waters"] = ("沃特世", "美国"),
        ["Elementar"] = ("元素", "德国"),
        ["Metrohm"] = ("万通", "瑞士"),
        ["Tosoh"] = ("东曹", "日本"),
        ["BD"] = ("碧迪", "美国"),
        ["Beckman Coulter"] = ("贝克曼库尔特", "美国"),
        ["Bio-Rad"] = ("伯乐", "美国"),
        ["Roche"] = ("罗氏", "瑞士"),
        ["Molecular Devices"] = ("美谷分子", "美国"),
        ["Eppendorf"] = ("艾本德", "德国"),
        ["Instron"] = ("英斯特朗", "美国"),
        ["ZwickRoell"] = ("兹韦克", "德国"),
        ["MTS China"] = ("美特斯", "中国"),
        ["SUNS"] = ("三思纵横", "中国"),
        ["Huayin"] = ("莱州华银", "中国"),
        ["Qness"] = ("Qness", "奥地利"),
        ["Keysight"] = ("是德科技", "美国"),
        ["Rohde & Schwarz"] = ("罗德与施瓦茨", "德国"),
        ["RIGOL"] = ("普源精电", "中国"),
        ["Tektronix"] = ("泰克", "美国"),
        ["NETZSCH"] = ("耐驰", "德国"),
        ["METTLER TOLEDO"] = ("梅特勒-托利多", "瑞士"),
        ["TA Instruments"] = ("TA仪器", "美国"),
        ["Micromeritics"] = ("麦克默瑞提克", "美国"),
        ["Anton Paar"] = ("安东帕", "奥地利"),
        ["Bettersize"] = ("百特", "中国"),
        ["HORIBA"] = ("堀场", "日本"),
        ["Renishaw"] = ("雷尼绍", "英国"),
        ["Edinburgh Instruments"] = ("爱丁堡仪器", "英国"),
        ["Analytik Jena"] = ("耶拿分析仪器", "德国"),
        ["Hexagon"] = ("海克斯康", "瑞典"),
        ["CH Instruments"] = ("上海辰华", "中国"),
        ["Gamry"] = ("Gamry", "美国"),
        ["AMETEK"] = ("阿美特克", "美国"),
        ["Illumina"] = ("因美纳", "美国"),
        ["MGI"] = ("华大智造", "中国"),
        ["Mindray"] = ("迈瑞", "中国"),
        ["Milestone"] = ("迈尔斯通", "意大利"),
        ["Labconco"] = ("Labconco", "美国"),
        ["Christ"] = ("Christ", "德国"),
        ["Waygate"] = ("韦盖特", "德国"),
        ["Leica Geosystems"] = ("徕卡测量系统", "瑞士"),
        ["FARO"] = ("法如", "美国"),
        ["Coherent"] = ("相干", "美国"),
        ["Spectra-Physics"] = ("光谱物理", "美国"),
        ["Light Conversion"] = ("Light Conversion", "立陶宛"),
        ["Guralp"] = ("Güralp", "英国"),
        ["Nanometrics"] = ("Nanometrics", "加拿大"),
        ["Vaisala"] = ("维萨拉", "法国"),
        ["Sugon"] = ("中科曙光", "中国"),
        ["Inspur"] = ("浪潮", "中国"),
        ["Lenovo"] = ("联想", "中国"),
        ["Siemens Healthineers"] = ("西门子医疗", "德国"),
        ["GE HealthCare"] = ("GE医疗", "美国"),
        ["United Imaging"] = ("联影", "中国"),
        ["ORTEC"] = ("ORTEC", "美国"),
        ["Mirion"] = ("Mirion", "美国"),
        ["ESPEC"] = ("爱斯佩克", "日本"),
        ["Weiss Technik"] = ("伟思富奇", "德国"),
        ["Q-Lab"] = ("Q-Lab", "美国"),
        ["Ascott"] = ("Ascott", "英国"),
        ["Persee"] = ("普析通用", "中国"),
        ["Techcomp"] = ("天美", "中国"),
    };

    private static readonly Family[] Families =
    [
        new("场发射扫描电子显微镜", "Field Emission Scanning Electron Microscope", "FE-SEM", "010102", 30, 250, 700, 300, 1200, "小时", Group.ElectronMicroscopy,
            [("Sigma 300", "ZEISS"), ("GeminiSEM 500", "ZEISS"), ("SU8010", "Hitachi"), ("Regulus 8100", "Hitachi"), ("JSM-7800F", "JEOL"), ("Apreo 2", "Thermo Fisher")]),
        new("扫描电子显微镜", "Scanning Electron Microscope", "SEM", "010102", 40, 80, 350, 200, 800, "小时", Group.ElectronMicroscopy,
            [("EVO 10", "ZEISS"), ("JSM-IT500", "JEOL"), ("SU3500", "Hitachi"), ("Phenom XL", "Phenom"), ("VEGA3", "TESCAN"), ("EM6900", "KYKY"), ("SEM3200", "CIQTEK")]),
        new("透射电子显微镜", "Transmission Electron Microscope", "TEM", "010101", 20, 600, 3000, 800, 3000, "小时", Group.ElectronMicroscopy,
            [("JEM-2100F", "JEOL"), ("JEM-2100Plus", "JEOL"), ("JEM-F200", "JEOL"), ("Talos F200X", "Thermo Fisher"), ("Tecnai G2 F20", "Thermo Fisher")]),
        new("聚焦离子束双束电子显微镜", "Focused Ion Beam Scanning Electron Microscope", "FIB-SEM", "010102", 5, 1200, 2500, 1500, 5000, "小时", Group.ElectronMicroscopy,
            [("Helios 5 UX", "Thermo Fisher"), ("Crossbeam 550", "ZEISS")]),
        new("环境扫描电子显微镜", "Environmental Scanning Electron Microscope", "ESEM", "010102", 4, 300, 700, 400, 1500, "小时", Group.ElectronMicroscopy,
            [("Quattro S", "Thermo Fisher"), ("Prisma E", "Thermo Fisher")]),
        new("激光共聚焦显微镜", "Confocal Laser Scanning Microscope", "CLSM", "010802", 15, 200, 600, 150, 600, "小时", Group.OpticalMicroscopy,
            [("LSM 980", "ZEISS"), ("TCS SP8", "Leica"), ("FV3000", "Olympus"), ("A1R HD25", "Nikon")]),
        new("原子力显微镜", "Atomic Force Microscope", "AFM", "010803", 12, 150, 500, 200, 800, "小时", Group.OpticalMicroscopy,
            [("Dimension Icon", "Bruker"), ("MFP-3D", "Oxford Instruments"), ("NX10", "Park Systems")]),
        new("扫描探针显微镜", "Scanning Probe Microscope", "SPM", "010803", 5, 150, 400, 200, 800, "小时", Group.OpticalMicroscopy,
            [("SPM-9700HT", "Shimadzu"), ("MultiMode 8", "Bruker")]),
        new("荧光显微镜", "Fluorescence Microscope", "", "010801", 25, 15, 80, 50, 200, "小时", Group.OpticalMicroscopy,
            [("BX53", "Olympus"), ("Eclipse Ni-U", "Nikon"), ("DM6 B", "Leica"), ("Axio Imager.M2", "ZEISS")]),
        new("倒置显微镜", "Inverted Microscope", "", "010801", 20, 10, 60, 40, 150, "小时", Group.OpticalMicroscopy,
            [("IX73", "Olympus"), ("Eclipse Ts2R", "Nikon"), ("DMi8", "Leica"), ("Axio Observer 7", "ZEISS")]),
        new("体视显微镜", "Stereo Microscope", "", "010801", 18, 5, 30, 30, 100, "小时", Group.OpticalMicroscopy,
            [("SZX16", "Olympus"), ("SMZ18", "Nikon"), ("M205 C", "Leica"), ("Stemi 508", "ZEISS")]),
        new("金相显微镜", "Metallographic Microscope", "", "010801", 20, 8, 50, 40, 150, "小时", Group.OpticalMicroscopy,
            [("GX53", "Olympus"), ("Eclipse MA200", "Nikon"), ("DM2700 M", "Leica"), ("Axio Imager.A2m", "ZEISS")]),
        new("偏光显微镜", "Polarizing Microscope", "", "010801", 10, 8, 40, 40, 150, "小时", Group.OpticalMicroscopy,
            [("BX53-P", "Olympus"), ("Eclipse LV100N POL", "Nikon"), ("DM4 P", "Leica"), ("Axioscope 5", "ZEISS")]),
        new("X射线衍射仪", "X-ray Diffractometer", "XRD", "010301", 30, 80, 300, 100, 500, "样品", Group.Xray,
            [("D8 ADVANCE", "Bruker"), ("SmartLab", "Rigaku"), ("Empyrean", "Malvern Panalytical"), ("XRD-7000", "Shimadzu"), ("MiniFlex 600", "Rigaku")]),
        new("单晶X射线衍射仪", "Single Crystal X-ray Diffractometer", "SC-XRD", "010301", 6, 300, 600, 500, 2000, "样品", Group.Xray,
            [("D8 VENTURE", "Bruker"), ("XtaLAB Synergy", "Rigaku")]),
        new("X射线荧光光谱仪", "X-ray Fluorescence Spectrometer", "XRF", "010302", 15, 100, 300, 150, 600, "样品", Group.Xray,
            [("ZSX Primus IV", "Rigaku"), ("S8 TIGER", "Bruker"), ("Axios mAX", "Malvern Panalytical")]),
        new("X射线光电子能谱仪", "X-ray Photoelectron Spectrometer", "XPS", "010104", 10, 500, 1000, 600, 2000, "样品", Group.Xray,
            [("ESCALAB Xi+", "Thermo Fisher"), ("K-Alpha", "Thermo Fisher"), ("AXIS SUPRA", "Kratos")]),
        new("核磁共振波谱仪", "Nuclear Magnetic Resonance Spectrometer", "NMR", "010601", 15, 400, 1200, 200, 1500, "样品", Group.Magnetic,
            [("AVANCE NEO 600", "Bruker"), ("AVANCE III HD 400", "Bruker"), ("JNM-ECZ600R", "JEOL")]),
        new("电子顺磁共振波谱仪", "Electron Paramagnetic Resonance Spectrometer", "EPR", "010602", 5, 200, 500, 300, 1500, "样品", Group.Magnetic,
            [("EMXplus", "Bruker"), ("JES-FA200", "JEOL"), ("EPR200M", "CIQTEK")]),
        new("电感耦合等离子体质谱仪", "Inductively Coupled Plasma Mass Spectrometer", "ICP-MS", "010202", 15, 150, 400, 200, 800, "样品", Group.MassSpec,
            [("8900", "Agilent"), ("7900", "Agilent"), ("iCAP RQ", "Thermo Fisher"), ("NexION 2000", "PerkinElmer")]),
        new("电感耦合等离子体发射光谱仪", "Inductively Coupled Plasma Optical Emission Spectrometer", "ICP-OES", "010405", 15, 60, 150, 100, 400, "样品", Group.Spectroscopy,
            [("5110", "Agilent"), ("iCAP PRO", "Thermo Fisher"), ("Optima 8300", "PerkinElmer")]),
        new("气相色谱-质谱联用仪", "Gas Chromatograph Mass Spectrometer", "GC-MS", "010201", 25, 60, 200, 200, 800, "样品", Group.MassSpec,
            [("7890B-5977B", "Agilent"), ("GCMS-QP2020", "Shimadzu"), ("TSQ 9000", "Thermo Fisher")]),
        new("液相色谱-质谱联用仪", "Liquid Chromatograph Mass Spectrometer", "LC-MS", "010201", 25, 150, 600, 300, 1500, "样品", Group.MassSpec,
            [("6545 Q-TOF", "Agilent"), ("Q Exactive Plus", "Thermo Fisher"), ("Xevo TQ-S", "Waters"), ("LCMS-8060", "Shimadzu")]),
        new("高分辨质谱仪", "High Resolution Mass Spectrometer", "HRMS", "010201", 8, 300, 800, 800, 3000, "样品", Group.MassSpec,
            [("Orbitrap Exploris 480", "Thermo Fisher"), ("timsTOF Pro", "Bruker")]),
        new("基质辅助激光解吸电离飞行时间质谱仪", "MALDI-TOF Mass Spectrometer", "MALDI-TOF", "010201", 5, 200, 500, 300, 1500, "样品", Group.MassSpec,
            [("ultrafleXtreme", "Bruker"), ("MALDI-7090", "Shimadzu")]),
        new("同位素比质谱仪", "Isotope Ratio Mass Spectrometer", "IRMS", "010203", 4, 200, 400, 300, 1200, "样品", Group.MassSpec,
            [("Delta V Plus", "Thermo Fisher"), ("isoprime 100", "Elementar")]),
        new("高效液相色谱仪", "High Performance Liquid Chromatograph", "HPLC", "010502", 45, 20, 80, 100, 500, "样品", Group.Chromatography,
            [("1260 Infinity II", "Agilent"), ("LC-20AT", "Shimadzu"), ("e2695", "Waters"), ("UltiMate 3000", "Thermo Fisher")]),
        new("超高效液相色谱仪", "Ultra Performance Liquid Chromatograph", "UPLC", "010502", 15, 50, 120, 150, 600, "样品", Group.Chromatography,
            [("ACQUITY UPLC H-Class", "Waters"), ("Nexera X2", "Shimadzu"), ("Vanquish", "Thermo Fisher")]),
        new("气相色谱仪", "Gas Chromatograph", "GC", "010501", 40, 15, 60, 100, 400, "样品", Group.Chromatography,
            [("7890B", "Agilent"), ("8890", "Agilent"), ("GC-2030", "Shimadzu"), ("TRACE 1310", "Thermo Fisher"), ("GC7980", "Techcomp")]),
        new("离子色谱仪", "Ion Chromatograph", "IC", "010503", 15, 20, 60, 100, 400, "样品", Group.Chromatography,
            [("ICS-6000", "Thermo Fisher"), ("Aquion", "Thermo Fisher"), ("930 Compact IC", "Metrohm")]),
        new("凝胶渗透色谱仪", "Gel Permeation Chromatograph", "GPC", "010505", 8, 30, 100, 200, 800, "样品", Group.Chromatography,
            [("PL-GPC 50", "Agilent"), ("EcoSEC", "Tosoh")]),
        new("流式细胞仪", "Flow Cytometer", "FCM", "011012", 15, 80, 400, 150, 800, "小时", Group.LifeScience,
            [("FACSCanto II", "BD"), ("CytoFLEX S", "Beckman Coulter"), ("Attune NxT", "Thermo Fisher")]),
        new("实时荧光定量PCR仪", "Real-Time PCR System", "qPCR", "011011", 25, 20, 60, 50, 300, "样品", Group.LifeScience,
            [("QuantStudio 5", "Thermo Fisher"), ("CFX96", "Bio-Rad"), ("LightCycler 480", "Roche")]),
        new("高通量测序仪", "High-Throughput Sequencer", "NGS", "011007", 6, 500, 1500, 500, 3000, "样品", Group.LifeScience,
            [("NovaSeq 6000", "Illumina"), ("DNBSEQ-T7", "MGI"), ("MGISEQ-2000", "MGI")]),
        new("全自动生化分析仪", "Automatic Biochemistry Analyzer", "", "011004", 8, 60, 300, 30, 200, "样品", Group.LifeScience,
            [("AU5800", "Beckman Coulter"), ("cobas c 702", "Roche"), ("BS-2000M", "Mindray")]),
        new("酶标仪", "Microplate Reader", "", "011005", 30, 10, 50, 50, 200, "小时", Group.LifeScience,
            [("Synergy H1", "Agilent"), ("SpectraMax M5", "Molecular Devices"), ("Multiskan SkyHigh", "Thermo Fisher")]),
        new("超速离心机", "Ultracentrifuge", "", "011023", 10, 60, 150, 100, 500, "小时", Group.LifeScience,
            [("Optima XPN-100", "Beckman Coulter"), ("CP100NX", "Eppendorf")]),
        new("高速冷冻离心机", "High-Speed Refrigerated Centrifuge", "", "011023", 25, 20, 60, 50, 200, "小时", Group.LifeScience,
            [("Avanti JXN-26", "Beckman Coulter"), ("5810R", "Eppendorf"), ("Sorvall LYNX 6000", "Thermo Fisher")]),
        new("微波消解仪", "Microwave Digestion System", "", "011201", 8, 20, 60, 50, 200, "样品", Group.Chromatography,
            [("ETHOS UP", "Milestone"), ("Multiwave 7000", "Anton Paar")]),
        new("真空冷冻干燥机", "Freeze Dryer", "", "011206", 10, 10, 80, 50, 300, "天", Group.LifeScience,
            [("FreeZone 6", "Labconco"), ("Alpha 1-4 LSCbasic", "Christ")]),
        new("万能材料试验机", "Universal Testing Machine", "UTM", "020101", 30, 30, 200, 100, 500, "小时", Group.Mechanics,
            [("5967", "Instron"), ("AG-X plus", "Shimadzu"), ("Z100", "ZwickRoell")]),
        new("电子万能试验机", "Electronic Universal Testing Machine", "", "020101", 20, 20, 80, 80, 300, "小时", Group.Mechanics,
            [("CMT5105", "MTS China"), ("UTM5305", "SUNS")]),
        new("冲击试验机", "Impact Testing Machine", "", "020101", 12, 10, 40, 50, 200, "样品", Group.Mechanics,
            [("HIT450P", "ZwickRoell"), ("ZBC2302", "MTS China")]),
        new("疲劳试验机", "Fatigue Testing Machine", "", "020101", 10, 80, 400, 200, 1000, "小时", Group.Mechanics,
            [("8801", "Instron"), ("EHF-UV100", "Shimadzu")]),
        new("显微硬度计", "Microhardness Tester", "", "020102", 20, 5, 30, 30, 150, "样品", Group.Mechanics,
            [("HV-1000", "Huayin"), ("Q10 A+", "Qness")]),
        new("超声波探伤仪", "Ultrasonic Flaw Detector", "UT", "020603", 8, 5, 40, 50, 300, "小时", Group.Mechanics,
            [("USM 36", "Waygate"), ("EPOCH 650", "Olympus")]),
        new("频谱分析仪", "Spectrum Analyzer", "", "040108", 20, 50, 300, 100, 500, "小时", Group.Electronics,
            [("N9020B", "Keysight"), ("FSW43", "Rohde & Schwarz"), ("RSA5126B", "RIGOL")]),
        new("矢量网络分析仪", "Vector Network Analyzer", "VNA", "040401", 18, 80, 500, 150, 800, "小时", Group.Electronics,
            [("N5227B", "Keysight"), ("E5080B", "Keysight"), ("ZNB40", "Rohde & Schwarz")]),
        new("数字示波器", "Digital Oscilloscope", "", "040103", 35, 20, 200, 50, 300, "小时", Group.Electronics,
            [("MSO64", "Tektronix"), ("DSOX6004A", "Keysight"), ("RTO2044", "Rohde & Schwarz")]),
        new("信号发生器", "Signal Generator", "", "040102", 15, 30, 200, 50, 300, "小时", Group.Electronics,
            [("N5182B", "Keysight"), ("SMW200A", "Rohde & Schwarz")]),
        new("逻辑分析仪", "Logic Analyzer", "", "040402", 6, 30, 150, 50, 300, "小时", Group.Electronics,
            [("16962A", "Keysight"), ("TLA6400", "Tektronix")]),
        new("电磁兼容测试系统", "EMC Test System", "EMC", "040201", 5, 300, 2000, 500, 3000, "小时", Group.Electronics,
            [("ESW26", "Rohde & Schwarz"), ("N9038B", "Keysight")]),
        new("同步热分析仪", "Simultaneous Thermal Analyzer", "STA", "010901", 10, 60, 150, 150, 500, "样品", Group.Thermal,
            [("STA 449 F5", "NETZSCH"), ("TGA/DSC 3+", "METTLER TOLEDO"), ("SDT 650", "TA Instruments")]),
        new("差示扫描量热仪", "Differential Scanning Calorimeter", "DSC", "010902", 15, 30, 100, 100, 400, "样品", Group.Thermal,
            [("DSC 214", "NETZSCH"), ("Q2000", "TA Instruments"), ("DSC 3", "METTLER TOLEDO")]),
        new("热重分析仪", "Thermogravimetric Analyzer", "TGA", "010903", 12, 30, 100, 100, 400, "样品", Group.Thermal,
            [("TG 209 F1", "NETZSCH"), ("TGA 5500", "TA Instruments")]),
        new("比表面积及孔隙度分析仪", "Surface Area and Porosity Analyzer", "BET", "020503", 12, 50, 150, 200, 800, "样品", Group.Particle,
            [("ASAP 2460", "Micromeritics"), ("TriStar II 3020", "Micromeritics"), ("Autosorb-iQ", "Anton Paar")]),
        new("激光粒度仪", "Laser Particle Size Analyzer", "", "020502", 15, 30, 100, 100, 400, "样品", Group.Particle,
            [("Mastersizer 3000", "Malvern Panalytical"), ("LS 13 320", "Beckman Coulter"), ("Bettersizer 2600", "Bettersize")]),
        new("纳米粒度及Zeta电位分析仪", "Nanoparticle Size and Zeta Potential Analyzer", "", "020502", 8, 40, 120, 150, 600, "样品", Group.Particle,
            [("Zetasizer Nano ZS", "Malvern Panalytical"), ("Litesizer 500", "Anton Paar")]),
        new("拉曼光谱仪", "Raman Spectrometer", "Raman", "010410", 15, 80, 250, 150, 600, "样品", Group.Spectroscopy,
            [("LabRAM HR Evolution", "HORIBA"), ("inVia Qontor", "Renishaw"), ("DXR3xi", "Thermo Fisher")]),
        new("傅里叶变换红外光谱仪", "Fourier Transform Infrared Spectrometer", "FTIR", "010409", 30, 30, 120, 80, 300, "样品", Group.Spectroscopy,
            [("Nicolet iS50", "Thermo Fisher"), ("TENSOR II", "Bruker"), ("IRTracer-100", "Shimadzu")]),
        new("紫外可见分光光度计", "UV-Vis Spectrophotometer", "UV-Vis", "010401", 40, 5, 40, 50, 200, "样品", Group.Spectroscopy,
            [("UV-2600i", "Shimadzu"), ("Cary 60", "Agilent"), ("Lambda 365", "PerkinElmer"), ("TU-1901", "Persee")]),
        new("原子吸收光谱仪", "Atomic Absorption Spectrometer", "AAS", "010403", 25, 20, 60, 80, 300, "样品", Group.Spectroscopy,
            [("AA-7000", "Shimadzu"), ("PinAAcle 900T", "PerkinElmer"), ("contrAA 800", "Analytik Jena")]),
        new("荧光光谱仪", "Fluorescence Spectrometer", "", "010402", 12, 30, 150, 100, 400, "样品", Group.Spectroscopy,
            [("FLS1000", "Edinburgh Instruments"), ("F-7100", "Hitachi"), ("FluoroMax-4", "HORIBA")]),
        new("元素分析仪", "Elemental Analyzer", "EA", "010000", 12, 40, 100, 100, 400, "样品", Group.Chromatography,
            [("vario EL cube", "Elementar"), ("FlashSmart", "Thermo Fisher")]),
        new("总有机碳分析仪", "Total Organic Carbon Analyzer", "TOC", "011104", 8, 30, 80, 100, 300, "样品", Group.Chromatography,
            [("TOC-L CPH", "Shimadzu"), ("multi N/C 3100", "Analytik Jena")]),
        new("电化学工作站", "Electrochemical Workstation", "", "010700", 20, 5, 30, 50, 200, "小时", Group.Electronics,
            [("CHI760E", "CH Instruments"), ("Reference 600+", "Gamry"), ("VersaSTAT 4", "AMETEK")]),
        new("三坐标测量机", "Coordinate Measuring Machine", "CMM", "030100", 10, 80, 400, 200, 800, "小时", Group.Metrology,
            [("CONTURA G2", "ZEISS"), ("Global S", "Hexagon")]),
        new("激光跟踪仪", "Laser Tracker", "", "030121", 5, 100, 300, 300, 1000, "小时", Group.Metrology,
            [("AT960", "Leica Geosystems"), ("Vantage", "FARO")]),
        new("高低温交变湿热试验箱", "Temperature and Humidity Test Chamber", "", "990000", 15, 10, 40, 50, 300, "天", Group.Environment,
            [("PL-3KPH", "ESPEC"), ("ClimeEvent C/340/70/3", "Weiss Technik")]),
        new("盐雾腐蚀试验箱", "Salt Spray Test Chamber", "", "990000", 10, 5, 20, 50, 200, "天", Group.Environment,
            [("Q-FOG CCT1100", "Q-Lab"), ("CC1000ip", "Ascott")]),
        new("宽频带地震仪", "Broadband Seismometer", "", "060500", 3, 50, 150, 200, 800, "天", Group.Geo,
            [("CMG-3T", "Guralp"), ("Trillium 120", "Nanometrics")]),
        new("测风激光雷达", "Wind Lidar", "Lidar", "070400", 2, 200, 600, 500, 2000, "天", Group.Geo,
            [("WindCube 100s", "Vaisala")]),
        new("飞秒激光器", "Femtosecond Laser", "", "140100", 4, 150, 600, 300, 1500, "小时", Group.Laser,
            [("Astrella", "Coherent"), ("Spitfire Ace", "Spectra-Physics"), ("PHAROS", "Light Conversion")]),
        new("高性能计算集群", "High Performance Computing Cluster", "HPC", "130200", 4, 500, 5000, 100, 500, "节点·天", Group.Computing,
            [("TC6600", "Sugon"), ("NF5280M6", "Inspur"), ("ThinkSystem SD650", "Lenovo")]),
        new("磁共振成像系统", "Magnetic Resonance Imaging System", "MRI", "090202", 3, 1500, 3500, 1000, 5000, "小时", Group.Medical,
            [("MAGNETOM Prisma", "Siemens Healthineers"), ("SIGNA Premier", "GE HealthCare"), ("uMR 790", "United Imaging")]),
        new("高纯锗γ能谱仪", "HPGe Gamma Spectrometer", "HPGe", "100100", 3, 60, 200, 300, 1000, "样品", Group.Nuclear,
            [("GEM50P4-83", "ORTEC"), ("BE5030", "Mirion")]),
    ];

    private static readonly double[] FamilyCdf = Cdf(Families.Select(f => f.Weight).ToArray());

    /// <summary>Resource kinds weighted like a real catalogue: about 72 % instruments.</summary>
    private static readonly (ResourceKind Kind, double Weight)[] KindWeights =
    [
        (ResourceKind.Instrument, 72), (ResourceKind.Facility, 3), (ResourceKind.TestingService, 9), (ResourceKind.DataSet, 3),
        (ResourceKind.Literature, 2), (ResourceKind.GermplasmResource, 2), (ResourceKind.Material, 2), (ResourceKind.InnovationPlatform, 4),
        (ResourceKind.Incubator, 1.5), (ResourceKind.PopularScience, 1.5),
    ];

    private static readonly ResourceKind[] Kinds = KindWeights.Select(k => k.Kind).ToArray();
    private static readonly double[] KindCdf = Cdf(KindWeights.Select(k => k.Weight).ToArray());

    private static readonly Dictionary<Group, string[]> Functions = new()
    {
        [Group.ElectronMicroscopy] = ["样品表面微观形貌观察", "微区元素定性定量分析", "背散射电子成分衬度成像", "电子背散射衍射晶体取向分析", "纳米材料结构表征", "集成电路失效分析"],
        [Group.OpticalMicroscopy] = ["细胞与组织荧光成像", "活细胞长时程观察", "材料显微组织分析", "三维重构与共定位分析", "表面粗糙度与三维形貌测量"],
        [Group.Xray] = ["物相定性定量分析", "晶体结构解析", "残余应力与织构测定", "薄膜厚度与界面分析", "元素含量测定", "表面化学态分析"],
        [Group.Spectroscopy] = ["元素含量测定", "有机物结构鉴定", "物质定性定量分析", "分子振动光谱分析", "荧光寿命与量子产率测定"],
        [Group.Chromatography] = ["有机物分离与定量分析", "药物杂质分析", "食品添加剂检测", "农药残留检测", "阴阳离子含量测定", "高分子分子量分布测定"],
        [Group.MassSpec] = ["痕量元素分析", "蛋白质组学研究", "代谢组学研究", "未知化合物结构鉴定", "环境污染物筛查", "同位素比值测定"],
        [Group.Magnetic] = ["有机化合物结构解析", "自由基与顺磁中心检测", "高分子链结构分析", "药物分子相互作用研究"],
        [Group.LifeScience] = ["细胞分选与表型分析", "基因表达定量", "全基因组测序", "生物大分子分离纯化", "免疫与生化指标检测"],
        [Group.Mechanics] = ["金属与复合材料拉伸压缩弯曲试验", "冲击韧性测定", "疲劳寿命评价", "硬度测定", "焊缝与铸件无损检测"],
        [Group.Electronics] = ["射频器件表征", "高频信号测量", "天线与滤波器参数测试", "高速数字信号完整性分析", "电磁兼容预测试"],
        [Group.Thermal] = ["热稳定性评价", "相变温度与热焓测定", "材料热分解行为研究", "比热容测定"],
        [Group.Particle] = ["粒径分布测定", "比表面积与孔径分布测定", "Zeta电位测定", "粉体材料表征"],
        [Group.Metrology] = ["复杂零件几何尺寸检测", "形位公差测量", "大尺寸装配精度测量"],
        [Group.Environment] = ["产品环境适应性试验", "高低温与湿热试验", "盐雾腐蚀试验"],
        [Group.Geo] = ["地震波形观测", "边界层风场探测", "地质灾害监测"],
        [Group.Laser] = ["超快光谱研究", "飞秒激光微纳加工", "非线性光学研究"],
        [Group.Computing] = ["大规模数值模拟", "人工智能模型训练", "分子动力学计算"],
        [Group.Medical] = ["脑功能成像研究", "临床前影像研究", "代谢与灌注成像"],
        [Group.Nuclear] = ["环境样品放射性核素分析", "食品放射性检测", "核素活度测量"],
    };

    private static readonly string[] Prefixes = ["全自动", "高分辨", "台式", "便携式", "智能", "多功能", "超高分辨", "低温", "高温", "双通道", "在线"];
    private static readonly string[] Suffixes = ["系统", "工作站", "（配能谱仪）", "及附件", "测试平台", "分析系统"];

    private static readonly string[] Domains = ["新材料", "生物医药", "电子信息", "航空航天", "先进制造", "生态环境", "现代农业", "清洁能源", "化学化工", "食品安全", "中医药", "轨道交通", "汽车", "集成电路"];

    private static readonly string[] Buildings = ["分析测试中心", "实验楼A座", "实验楼B座", "科研楼", "综合楼", "测试大楼", "研发中心", "中试基地", "工程中心", "检测大楼"];

    private static readonly string[] Facilities =
    [
        "高速列车空气动力学试验平台", "超重力离心模拟与实验装置", "大型地震模拟振动台阵", "生物安全三级实验室", "微纳加工洁净平台",
        "超算中心计算平台", "野外科学观测研究站", "人工气候室", "岩土工程大型物理模拟试验系统", "大型结构试验加载系统",
        "水工模型试验大厅", "电磁兼容半电波暗室", "无人机飞行试验场", "汽车风洞试验设施", "动物实验中心（SPF级）",
    ];

    private static readonly string[] TestSuffixes = ["测试服务", "检测服务", "分析测试", "委托测试"];

    private static readonly string[] TestItems =
    [
        "金属材料力学性能检测", "食品中重金属检测", "水质全分析检测", "电磁兼容（EMC）检测", "室内空气质量检测", "药物杂质谱分析",
        "土壤重金属检测", "环境噪声监测", "计量器具校准", "塑料及橡胶性能检测", "电线电缆检测", "建筑材料检测", "中药材质量检验",
        "农产品农药残留检测", "汽车零部件可靠性试验", "锂电池安全性能检测",
    ];

    private static readonly string[] Standards =
    [
        "GB/T 228.1-2021", "GB 5009.12-2017", "HJ 491-2019", "GB 3838-2002", "GB/T 17626.3-2023", "GB/T 2423.17-2024", "GB/T 18883-2022",
        "GB/T 16594-2008", "GB 5749-2022",
    ];

    private static readonly string[] DataPlaces = ["四川盆地", "川西高原", "长江上游", "嘉陵江流域", "三峡库区", "成渝地区", "岷江流域", "重庆主城区", "攀西地区", "大巴山区"];
    private static readonly string[] DataTopics = ["土壤重金属调查", "水文观测", "气象观测", "地震台网观测", "植被遥感", "生物多样性调查", "大气污染物监测", "地质灾害隐患点", "农作物病虫害监测", "森林资源清查"];
    private static readonly string[] DataSuffixes = ["数据集", "数据库", "观测数据", "专题数据"];
    private static readonly string[] DataFormats = ["CSV", "NetCDF", "GeoTIFF", "Shapefile", "HDF5", "Excel"];
    private static readonly string[] Updates = ["每月", "每季度", "每年", "不定期"];

    private static readonly string[] Literature =
    [
        "科技查新服务", "专利检索与分析服务", "外文期刊文献传递", "标准文献检索服务", "{d}专题文献数据库", "学位论文全文数据库",
        "{d}产业情报分析", "科技报告共享服务",
    ];

    private static readonly string[] Germplasm = ["水稻", "小麦", "玉米", "油菜", "茶树", "柑橘", "猕猴桃", "中药材", "花椒", "魔芋", "榨菜", "柠檬", "食用菌", "蚕桑"];
    private static readonly string[] GermplasmSuffixes = ["种质资源库", "种质资源圃", "遗传资源共享平台", "种质资源保存中心"];
    private static readonly string[] Storage = ["低温种质库（-18 ℃）", "田间种质圃", "超低温冷冻保存", "离体试管苗保存"];

    private static readonly string[] Materials =
    [
        "土壤成分分析标准物质", "水中重金属标准溶液", "SPF级实验小鼠", "人源肿瘤细胞株", "高纯金属溅射靶材", "石墨烯薄膜样品",
        "锂电池正极材料标准样品", "中药对照品", "食品基体标准物质", "微生物标准菌株",
    ];

    private static readonly string[] Packs = ["10 g/瓶", "50 mL/瓶", "1 mL×5 支", "100 g/袋", "10 只/笼", "1×10⁶ 细胞/管", "Φ50.8 mm×3 mm"];
    private static readonly string[] Purities = ["95", "99", "99.9", "99.99", "99.999"];

    private static readonly string[] PlatformTypes = ["重点实验室", "技术创新中心", "工程技术研究中心", "中试熟化平台", "产业技术研究院", "新型研发机构"];
    private static readonly string[] IncubatorWords = ["天府", "两江", "锦江", "嘉陵", "长江", "西部", "科创", "青年", "智造", "未来"];
    private static readonly string[] IncubatorTypes = ["科技企业孵化器", "众创空间", "大学科技园", "创新创业中心"];

    private static readonly string[] PopularScience =
    [
        "{d}科普基地", "{c}科技馆{d}展区", "地震科普体验馆", "天文科普教育基地", "中医药科普馆", "{d}科普讲座资源包", "{d}科普视频库",
        "自然博物馆科普展陈", "{c}青少年科技创新实践基地",
    ];

    private static readonly string[] OrgWords =
    [
        "华西", "天府", "蜀都", "锦江", "嘉陵", "长江", "西部", "巴渝", "科创", "青城", "峨眉", "两江", "岷江", "沱江", "涪江", "缙云",
        "歌乐", "南山", "龙泉", "蓉城", "渝州", "三峡", "乌江", "剑门", "玉垒", "翠屏", "金沙", "西岭", "瑞达", "博纳", "英诺", "精工",
    ];

    private static readonly (string Suffix, OrganizationKind Kind, string CreditPrefix)[] OrgTypes =
    [
        ("检测技术有限公司", OrganizationKind.Enterprise, "91"), ("科技有限公司", OrganizationKind.Enterprise, "91"),
        ("仪器设备有限公司", OrganizationKind.Enterprise, "91"), ("生物技术有限公司", OrganizationKind.Enterprise, "91"),
        ("电子科技有限公司", OrganizationKind.Enterprise, "91"), ("新材料科技有限公司", OrganizationKind.Enterprise, "91"),
        ("分析测试中心", OrganizationKind.ServiceProvider, "12"), ("质量检验中心", OrganizationKind.ServiceProvider, "12"),
        ("计量测试研究院", OrganizationKind.ServiceProvider, "12"), ("产业技术研究院", OrganizationKind.ResearchInstitute, "12"),
        ("新材料研究院", OrganizationKind.ResearchInstitute, "12"), ("理工学院", OrganizationKind.University, "12"),
        ("职业技术学院", OrganizationKind.University, "12"),
    ];

    private sealed record City(string Name, double Weight, string[] Districts);

    /// <summary>Cities of both regions and the districts synthetic records sit in (GB/T 2260; all in the districts table).</summary>
    private static readonly City[] Cities =
    [
        new("成都", 35, ["510104", "510105", "510106", "510107", "510108", "510112", "510113", "510114", "510115", "510116", "510117", "510118", "510181"]),
        new("重庆", 35, ["500103", "500104", "500105", "500106", "500107", "500108", "500109", "500112", "500113", "500115", "500117", "500118", "500120", "500151", "500101"]),
        new("绵阳", 5, ["510703", "510704"]), new("德阳", 3, ["510603"]), new("宜宾", 3, ["511502"]), new("泸州", 3, ["510502"]),
        new("自贡", 2, ["510302"]), new("乐山", 2, ["511102"]), new("南充", 3, ["511302"]), new("攀枝花", 2, ["510402"]),
        new("达州", 2, ["511702"]), new("眉山", 2, ["511402"]), new("雅安", 3, ["511802"]),
    ];

    private static readonly Dictionary<string, City> CityOfDistrict = Cities.SelectMany(c => c.Districts.Select(d => (d, c)))
        .ToDictionary(x => x.d, x => x.c, StringComparer.Ordinal);

    /// <summary>District code → "成都市武侯区" / "重庆市沙坪坝区", from the embedded division list.</summary>
    private static readonly Dictionary<string, string> Districts = LoadDistricts();

    private static Dictionary<string, string> LoadDistricts()
    {
        var rows = ReferenceData.ReadDivisions().ToDictionary(d => d.Code, StringComparer.Ordinal);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var code in Cities.SelectMany(c => c.Districts).Concat(rows.Keys.Where(k => k.StartsWith("50", StringComparison.Ordinal) || k.StartsWith("51", StringComparison.Ordinal))))
        {
            if (!rows.TryGetValue(code, out var row) || row.Level != "county" || map.ContainsKey(code))
            {
                continue;
            }
            var parent = row.ParentCode is { } p && rows.TryGetValue(p, out var pr) ? pr.Name : "";
            map[code] = parent + row.Name;
        }
        return map;
    }
}
