using ChineseAnalyzer = Chuanyu.Web.Features.Search.ChineseAnalyzer;

namespace Chuanyu.Bench;

/// <summary>One synthetic resource row as both engines store it (codes are integers, as EF stores enums and GB/T 2260 codes).</summary>
internal sealed record SpikeRow(
    int Id, long SearchKey, string Name, string Model, string Manufacturer, int Kind, int Region, int District, int Category,
    bool HasCma, bool HasCnas, long PriceFen, int Quality, string OrgName, string Description, string SearchTitle, string SearchBody);

/// <summary>
/// Deterministic generator of plausible instrument and resource records (fixed seed, no I/O): about 60 instrument families
/// with realistic Chinese names, weighted so that some terms occur in 10–25 % of rows and others are rare; prefixes and
/// suffixes; makers with Latin names and model numbers; 300 organisations in Sichuan and Chongqing with their districts.
/// </summary>
internal static class SpikeData
{
    public static readonly string[] Kinds =
        ["Instrument", "Facility", "Laboratory", "TestService", "Software", "Dataset", "Technology", "Standard", "BioResource", "ServiceAgency"];

    private static readonly double[] KindWeights = [72, 3, 5, 8, 2, 3, 3, 1, 2, 1];

    public static readonly string[] Categories =
    [
        "电子光学仪器", "质谱仪器", "色谱仪器", "光谱仪器", "波谱仪器", "X射线仪器", "热分析仪器", "颗粒度测量仪器",
        "力学性能测试仪器", "电子测量仪器", "生化分离分析仪器", "显微镜及图像分析仪器", "计量仪器", "工艺试验设备", "其他",
    ];

    /// <summary>Sichuan districts first (region 510000), then Chongqing (500000): 40 GB/T 2260 codes.</summary>
    public static readonly int[] Districts =
    [
        510104, 510105, 510106, 510107, 510108, 510112, 510113, 510114, 510115, 510116, 510117, 510118, 510181,
        510703, 510704, 510603, 511502, 510502, 510302, 511102, 511302, 510402, 511702, 511402, 511802,
        500103, 500104, 500105, 500106, 500107, 500108, 500109, 500112, 500113, 500115, 500117, 500118, 500120, 500151, 500101,
    ];

    public static readonly string[] PriceRanges = ["<100", "100-500", "500-1000", "1000-5000", ">=5000"];

    public static int PriceBucket(long fen) => fen switch
    {
        < 10_000 => 0,
        < 50_000 => 1,
        < 100_000 => 2,
        < 500_000 => 3,
        _ => 4,
    };

    /// <summary>The synonym table the spike's analyzer uses (the catalogue ships its own; these are the abbreviations people type).</summary>
    public const string SynonymsCsv = """
        term,expansion
        电镜,电子显微镜
        扫描电镜,扫描电子显微镜
        透射电镜,透射电子显微镜
        核磁,核磁共振
        色质,色谱-质谱联用
        气质,气相色谱-质谱联用
        液质,液相色谱-质谱联用
        液相,液相色谱
        气相,气相色谱
        XRD,X射线衍射仪
        XRF,X射线荧光光谱仪
        XPS,X射线光电子能谱仪
        SEM,扫描电子显微镜
        TEM,透射电子显微镜
        AFM,原子力显微镜
        NMR,核磁共振
        ICP-MS,电感耦合等离子体质谱仪
        ICP-OES,电感耦合等离子体发射光谱仪
        GC-MS,气相色谱-质谱联用仪
        LC-MS,液相色谱-质谱联用仪
        HPLC,高效液相色谱仪
        PCR,聚合酶链式反应
        热分析,热重分析
        粒度,粒径
        """;

    // name, abbreviation, category index, weight, price range in yuan (min, max), model stems (empty: generated)
    private static readonly (string Name, string Abbr, int Cat, double W, int PMin, int PMax, string[] Models)[] Families =
    [
        ("场发射扫描电子显微镜", "FE-SEM", 0, 30, 400, 3000, ["Sigma 300", "GeminiSEM 500", "SU8010", "Regulus 8100", "JSM-7800F", "Apreo 2"]),
        ("扫描电子显微镜", "SEM", 0, 40, 300, 2000, ["EVO 10", "JSM-IT500", "SU3500", "Phenom XL", "VEGA3"]),
        ("透射电子显微镜", "TEM", 0, 20, 1000, 6000, ["JEM-2100F", "JEM-2100Plus", "JEM-F200", "Talos F200X", "Tecnai G2 F20"]),
        ("聚焦离子束双束电子显微镜", "FIB-SEM", 0, 5, 2000, 8000, ["Helios 5 UX", "Crossbeam 550"]),
        ("激光共聚焦显微镜", "CLSM", 11, 15, 200, 1500, ["LSM 980", "TCS SP8", "FV3000", "A1R HD25"]),
        ("原子力显微镜", "AFM", 11, 12, 300, 1500, ["Dimension Icon", "MFP-3D", "NX10"]),
        ("荧光显微镜", "", 11, 25, 50, 400, []),
        ("倒置显微镜", "", 11, 20, 50, 300, []),
        ("体视显微镜", "", 11, 18, 30, 200, []),
        ("金相显微镜", "", 11, 20, 50, 300, []),
        ("偏光显微镜", "", 11, 10, 50, 300, []),
        ("X射线衍射仪", "XRD", 5, 30, 200, 1200, ["D8 ADVANCE", "SmartLab", "Empyrean", "XRD-7000", "MiniFlex 600"]),
        ("单晶X射线衍射仪", "SC-XRD", 5, 6, 500, 3000, ["D8 VENTURE", "XtaLAB Synergy"]),
        ("X射线荧光光谱仪", "XRF", 5, 15, 200, 1000, ["ZSX Primus IV", "S8 TIGER", "Axios mAX"]),
        ("X射线光电子能谱仪", "XPS", 5, 10, 800, 3000, ["ESCALAB Xi+", "K-Alpha", "AXIS SUPRA"]),
        ("核磁共振波谱仪", "NMR", 4, 15, 500, 4000, ["AVANCE NEO 600", "AVANCE III HD 400", "JNM-ECZ600R"]),
        ("电子顺磁共振波谱仪", "EPR", 4, 5, 500, 3000, ["EMXplus", "JES-FA200"]),
        ("电感耦合等离子体质谱仪", "ICP-MS", 1, 15, 400, 2500, ["Agilent 8900", "Agilent 7900", "iCAP RQ", "NexION 2000"]),
        ("电感耦合等离子体发射光谱仪", "ICP-OES", 3, 15, 200, 1200, ["Agilent 5110", "iCAP PRO", "Optima 8300"]),
        ("气相色谱-质谱联用仪", "GC-MS", 1, 25, 300, 2000, ["7890B-5977B", "GCMS-QP2020", "TSQ 9000"]),
        ("液相色谱-质谱联用仪", "LC-MS", 1, 25, 500, 3000, ["6545 Q-TOF", "Q Exactive Plus", "Xevo TQ-S", "LCMS-8060"]),
        ("高分辨质谱仪", "HRMS", 1, 8, 800, 4000, ["Orbitrap Exploris 480", "timsTOF Pro"]),
        ("基质辅助激光解吸电离飞行时间质谱仪", "MALDI-TOF", 1, 5, 500, 3000, ["ultrafleXtreme", "MALDI-7090"]),
        ("同位素比质谱仪", "IRMS", 1, 4, 500, 3000, ["Delta V Plus", "IsoPrime 100"]),
        ("高效液相色谱仪", "HPLC", 2, 45, 100, 800, ["1260 Infinity II", "LC-20AT", "e2695", "UltiMate 3000"]),
        ("超高效液相色谱仪", "UPLC", 2, 15, 200, 1000, ["ACQUITY UPLC H-Class", "Nexera X2", "Vanquish"]),
        ("气相色谱仪", "GC", 2, 40, 100, 600, ["7890B", "GC-2030", "TRACE 1310", "8890"]),
        ("离子色谱仪", "IC", 2, 15, 100, 600, ["ICS-6000", "Aquion", "930 Compact IC"]),
        ("凝胶渗透色谱仪", "GPC", 2, 8, 200, 1000, ["PL-GPC 50", "EcoSEC"]),
        ("流式细胞仪", "FCM", 10, 15, 200, 1500, ["FACSCanto II", "CytoFLEX S", "Attune NxT"]),
        ("实时荧光定量PCR仪", "qPCR", 10, 25, 100, 500, ["QuantStudio 5", "CFX96", "LightCycler 480"]),
        ("酶标仪", "", 10, 30, 50, 300, ["Synergy H1", "SpectraMax M5", "Multiskan SkyHigh"]),
        ("超速离心机", "", 10, 10, 100, 800, ["Optima XPN-100", "CP100NX"]),
        ("高速冷冻离心机", "", 10, 25, 50, 300, ["Avanti JXN-26", "5810R", "Sorvall LYNX 6000"]),
        ("万能材料试验机", "", 8, 30, 100, 800, ["5967", "AG-X plus", "Z100"]),
        ("电子万能试验机", "", 8, 20, 80, 500, ["CMT5105", "UTM5305"]),
        ("冲击试验机", "", 8, 12, 50, 300, ["HIT450P", "ZBC2302"]),
        ("疲劳试验机", "", 8, 10, 200, 1500, ["8801", "EHF-UV100"]),
        ("显微硬度计", "", 8, 20, 50, 300, ["HV-1000", "Q10 A+"]),
        ("频谱分析仪", "", 9, 20, 100, 800, ["N9020B", "FSW43", "RSA5126B"]),
        ("矢量网络分析仪", "VNA", 9, 18, 200, 1500, ["N5227B", "ZNB40", "E5080B"]),
        ("数字示波器", "", 9, 35, 50, 400, ["MSO64", "DSOX6004A", "RTO2044"]),
        ("信号发生器", "", 9, 15, 50, 400, ["N5182B", "SMW200A"]),
        ("逻辑分析仪", "", 9, 6, 50, 300, ["16962A", "TLA6400"]),
        ("同步热分析仪", "STA", 6, 10, 200, 1000, ["STA 449 F5", "TGA/DSC 3+", "SDT 650"]),
        ("差示扫描量热仪", "DSC", 6, 15, 150, 800, ["DSC 214", "Q2000", "DSC 3"]),
        ("热重分析仪", "TGA", 6, 12, 150, 800, ["TG 209 F1", "TGA 5500"]),
        ("比表面积及孔隙度分析仪", "BET", 7, 12, 200, 1000, ["ASAP 2460", "Autosorb-iQ", "TriStar II 3020"]),
        ("激光粒度仪", "", 7, 15, 100, 600, ["Mastersizer 3000", "LS 13 320", "Bettersizer 2600"]),
        ("纳米粒度及Zeta电位分析仪", "", 7, 8, 150, 800, ["Zetasizer Nano ZS", "Litesizer 500"]),
        ("拉曼光谱仪", "Raman", 3, 15, 200, 1200, ["LabRAM HR Evolution", "inVia Qontor", "DXR3xi"]),
        ("傅里叶变换红外光谱仪", "FTIR", 3, 30, 100, 600, ["Nicolet iS50", "TENSOR II", "IRTracer-100"]),
        ("紫外可见分光光度计", "UV-Vis", 3, 40, 50, 300, ["UV-2600i", "Cary 60", "Lambda 365"]),
        ("原子吸收光谱仪", "AAS", 3, 25, 100, 500, ["AA-7000", "PinAAcle 900T", "contrAA 800"]),
        ("荧光光谱仪", "", 3, 12, 100, 600, ["FLS1000", "F-7100", "FluoroMax-4"]),
        ("元素分析仪", "EA", 3, 12, 100, 500, ["vario EL cube", "FlashSmart"]),
        ("总有机碳分析仪", "TOC", 3, 8, 100, 400, ["TOC-L CPH", "multi N/C 3100"]),
        ("三坐标测量机", "CMM", 12, 10, 200, 1500, ["CONTURA G2", "Global S"]),
        ("电化学工作站", "", 9, 20, 50, 300, ["CHI760E", "Reference 600+", "VersaSTAT 4"]),
        ("扫描探针显微镜", "SPM", 11, 5, 300, 1500, ["SPM-9700HT", "MultiMode 8"]),
        ("环境扫描电子显微镜", "ESEM", 0, 4, 500, 3000, ["Quattro S", "Prisma E"]),
        ("高低温交变湿热试验箱", "", 13, 15, 50, 300, []),
        ("盐雾腐蚀试验箱", "", 13, 10, 50, 200, []),
    ];

    private static readonly string[] Prefixes = ["全自动", "高分辨", "台式", "便携式", "智能", "多功能", "超高分辨", "低温", "高温", "进口", "双通道", "在线"];
    private static readonly string[] Suffixes = ["系统", "工作站", "（配能谱仪）", "及附件", "测试平台", "分析系统"];

    private static readonly (string Cn, string Latin)[] Makers =
    [
        ("赛默飞世尔", "Thermo Fisher"), ("安捷伦", "Agilent"), ("岛津", "Shimadzu"), ("日立", "Hitachi"), ("蔡司", "ZEISS"),
        ("布鲁克", "Bruker"), ("日本电子", "JEOL"), ("沃特世", "Waters"), ("珀金埃尔默", "PerkinElmer"), ("马尔文帕纳科", "Malvern Panalytical"),
        ("英斯特朗", "Instron"), ("是德科技", "Keysight"), ("罗德与施瓦茨", "Rohde & Schwarz"), ("泰克", "Tektronix"), ("麦克默瑞提克", "Micromeritics"),
        ("耐驰", "NETZSCH"), ("梅特勒-托利多", "METTLER TOLEDO"), ("贝克曼库尔特", "Beckman Coulter"), ("伯乐", "Bio-Rad"), ("徕卡", "Leica"),
        ("奥林巴斯", "Olympus"), ("尼康", "Nikon"), ("理学", "Rigaku"), ("聚光科技", "FPI"), ("天美", "Techcomp"), ("普析通用", "Persee"),
        ("中科科仪", "KYKY"), ("国仪量子", "CIQTEK"), ("新三思", "MTS China"), ("海克斯康", "Hexagon"),
    ];

    private static readonly string[] Applications =
    [
        "材料表面形貌观察", "微区成分分析", "晶体结构鉴定", "物相定性定量分析", "元素含量测定", "有机物定性定量分析",
        "药物杂质分析", "蛋白质组学研究", "代谢组学研究", "细胞分选与表型分析", "基因表达定量", "力学性能测试",
        "高频信号测量", "射频器件表征", "热稳定性评价", "孔径分布测定", "粒径分布测定", "环境样品检测", "食品安全检测",
        "新能源材料研发", "集成电路失效分析", "中药成分分析", "土壤重金属检测", "航空材料检验",
    ];

    private static readonly string[] Domains = ["新材料", "生物医药", "电子信息", "航空航天", "先进制造", "生态环境", "现代农业", "清洁能源", "化学化工", "食品安全", "中医药", "轨道交通"];

    private static readonly string[] KindSuffixes =
    [
        "", "大型科学装置", "重点实验室", "检测服务", "分析软件", "科学数据集", "技术成果", "标准物质", "种质资源库", "科技服务机构",
    ];

    public sealed record Org(string Name, int District);

    public static readonly IReadOnlyList<Org> Organisations = BuildOrganisations();

    private static List<Org> BuildOrganisations()
    {
        var orgs = new List<Org>
        {
            new("四川大学", 510107), new("电子科技大学", 510117), new("西南交通大学", 510106), new("成都理工大学", 510108),
            new("西南石油大学", 510114), new("四川农业大学", 511802), new("西南科技大学", 510703), new("中国科学院成都生物研究所", 510107),
            new("中国科学院光电技术研究所", 510116), new("中国工程物理研究院", 510703), new("中国科学院成都有机化学研究所", 510107),
            new("四川省农业科学院", 510108), new("成都中医药大学", 510105), new("西华大学", 510106), new("四川师范大学", 510108),
            new("成都信息工程大学", 510116), new("西南民族大学", 510116), new("四川省产品质量监督检验检测院", 510104),
            new("成都市食品药品检验研究院", 510106), new("中国测试技术研究院", 510106), new("西南医科大学", 510502), new("川北医学院", 511302),
            new("四川轻化工大学", 510302), new("宜宾学院", 511502), new("攀枝花学院", 510402), new("乐山师范学院", 511102),
            new("重庆大学", 500106), new("西南大学", 500109), new("重庆医科大学", 500103), new("重庆邮电大学", 500108),
            new("重庆交通大学", 500108), new("重庆理工大学", 500107), new("重庆工商大学", 500108), new("重庆师范大学", 500106),
            new("陆军军医大学", 500106), new("中国科学院重庆绿色智能技术研究院", 500109), new("重庆市计量质量检测研究院", 500112),
            new("重庆市农业科学院", 500107), new("中国汽车工程研究院", 500112), new("重庆市生态环境监测中心", 500112),
            new("重庆科技大学", 500106), new("重庆文理学院", 500118), new("长江师范学院", 500101),
        };
        var cities = new (string Name, int[] Districts)[]
        {
            ("成都", [510104, 510105, 510106, 510107, 510108, 510112, 510113, 510114, 510115, 510116, 510117, 510118, 510181]),
            ("绵阳", [510703, 510704]), ("德阳", [510603]), ("宜宾", [511502]), ("泸州", [510502]), ("自贡", [510302]),
            ("乐山", [511102]), ("南充", [511302]), ("攀枝花", [510402]), ("达州", [511702]), ("眉山", [511402]), ("雅安", [511802]),
            ("重庆", [500103, 500104, 500105, 500106, 500107, 500108, 500109, 500112, 500113, 500115, 500117, 500118, 500120, 500151, 500101]),
            ("重庆", [500106, 500109, 500112]),
        };
        string[] words = ["华西", "天府", "蜀都", "锦江", "嘉陵", "长江", "西部", "巴渝", "科创", "凯瑞", "中测", "新材", "精工", "博纳", "海特", "英诺", "瑞达", "九洲", "中电", "宏明", "川仪", "金石", "青城", "峨眉", "两江", "渝新"];
        string[] types = ["检测技术有限公司", "科技有限公司", "分析测试中心", "质量检验中心", "计量测试研究院", "新材料研究院", "生物技术有限公司", "电子科技有限公司"];
        var rng = new Random(20261122);
        var seen = orgs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        while (orgs.Count < 300)
        {
            var city = cities[rng.Next(cities.Length)];
            var name = city.Name + words[rng.Next(words.Length)] + types[rng.Next(types.Length)];
            if (seen.Add(name))
            {
                orgs.Add(new Org(name, city.Districts[rng.Next(city.Districts.Length)]));
            }
        }
        return orgs;
    }

    /// <summary>Rows 1..n in id order; the same seed gives the same rows on every run and for both engines.</summary>
    public static IEnumerable<SpikeRow> Generate(int n, int seed)
    {
        var rng = new Random(seed);
        var familyCdf = Cdf(Families.Select(f => f.W).ToArray());
        var kindCdf = Cdf(KindWeights);
        // Organisations own resources Zipf-like: the big universities hold many, small companies a few.
        var orgCdf = Cdf(Enumerable.Range(1, Organisations.Count).Select(i => 1.0 / Math.Pow(i, 0.8)).ToArray());
        for (var id = 1; id <= n; id++)
        {
            var org = Organisations[Pick(orgCdf, rng)];
            var region = org.District / 10000 * 10000;
            var kind = Pick(kindCdf, rng);
            var f = Families[Pick(familyCdf, rng)];
            var maker = Makers[rng.Next(Makers.Length)];
            string name, model, abbr = "";
            int category;
            long priceFen;
            if (kind == 0)
            {
                name = f.Name;
                if (rng.NextDouble() < 0.35)
                {
                    name = Prefixes[rng.Next(Prefixes.Length)] + name;
                }
                if (rng.NextDouble() < 0.15)
                {
                    name += Suffixes[rng.Next(Suffixes.Length)];
                }
                model = f.Models.Length > 0 && rng.NextDouble() < 0.7
                    ? f.Models[rng.Next(f.Models.Length)]
                    : GeneratedModel(maker.Latin, rng);
                abbr = rng.NextDouble() < 0.5 ? f.Abbr : "";
                category = f.Cat;
                priceFen = (long)(f.PMin + (rng.NextDouble() * (f.PMax - f.PMin))) * 100;
            }
            else
            {
                var domain = Domains[rng.Next(Domains.Length)];
                name = kind switch
                {
                    2 => (region == 510000 ? "四川省" : "重庆市") + domain + KindSuffixes[kind],
                    3 => domain + (rng.NextDouble() < 0.5 ? f.Name : "") + KindSuffixes[kind],
                    _ => domain + KindSuffixes[kind],
                };
                model = "";
                category = kind == 3 ? f.Cat : 14;
                priceFen = kind is 3 or 1 ? (long)(100 + (rng.NextDouble() * 5000)) * 100 : 0;
            }
            var quality = (int)(1000 * Math.Pow(rng.NextDouble(), 2.2));
            var hasCma = rng.NextDouble() < (kind == 3 ? 0.8 : 0.3);
            var hasCnas = rng.NextDouble() < (kind == 3 ? 0.6 : 0.15);
            var description = org.Name + "的" + name + "，主要用于" + Applications[rng.Next(Applications.Length)] + "和" +
                Applications[rng.Next(Applications.Length)] + "等分析测试。";
            var manufacturer = kind == 0 ? maker.Cn + " " + maker.Latin : "";
            var title = name + (abbr.Length > 0 ? " " + abbr : "") + (model.Length > 0 ? " " + model : "");
            var body = manufacturer + " " + org.Name + " " + Categories[category] + " " + description;
            yield return new SpikeRow(
                id, SearchKey(quality, id), name, model, manufacturer, kind, region, org.District, category, hasCma, hasCnas,
                priceFen, quality, org.Name, description, ChineseAnalyzer.IndexText(title), ChineseAnalyzer.IndexText(body));
        }
    }

    /// <summary>
    /// The key both engines order candidates by: static quality descending, then id. FTS5 uses it as its rowid, so an
    /// unranked MATCH returns the best records first; id stays the public identity and never changes.
    /// </summary>
    public static long SearchKey(int quality, int id) => ((long)(1000 - Math.Clamp(quality, 0, 1000)) << 32) | (uint)id;

    public static int IdOfKey(long key) => (int)(key & 0xFFFFFFFF);

    private static string GeneratedModel(string makerLatin, Random rng)
    {
        var letters = new string(makerLatin.Where(char.IsAsciiLetterUpper).Take(2).ToArray());
        if (letters.Length < 2)
        {
            letters = makerLatin[..2].ToUpperInvariant();
        }
        var number = rng.Next(100, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tail = rng.NextDouble() < 0.4 ? ((char)('A' + rng.Next(26))).ToString() : "";
        return letters + (rng.NextDouble() < 0.5 ? "-" : "") + number + tail;
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

    private static int Pick(double[] cdf, Random rng)
    {
        var i = Array.BinarySearch(cdf, rng.NextDouble());
        return i >= 0 ? i : Math.Min(~i, cdf.Length - 1);
    }
}
