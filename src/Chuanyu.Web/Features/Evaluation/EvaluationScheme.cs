using System.Globalization;
using System.Text.Json;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Evaluation;

/// <summary>One indicator of a scheme: what it measures (<see cref="EvaluationScheme.Known"/>), its weight, and the value that earns the full weight.</summary>
public sealed record EvaluationIndicator(string Code, double Weight, double Target);

/// <summary>What an indicator code measures, for people: name, unit, where the figure comes from.</summary>
public sealed record IndicatorInfo(string Code, string Name, string Unit, string Source);

/// <summary>
/// An indicator scheme of the annual open-sharing evaluation (评价指标体系): each indicator scores
/// <c>weight × min(value ÷ target, 1)</c>, the scores add up to at most 100, and the total is graded against the
/// thresholds. The default follows the Ministry of Education's annual benefit evaluation of large instruments:
/// running hours 35 (1,400 h a year for general instruments), training 20, results 25, income 15, function development 5.
/// </summary>
public sealed record EvaluationScheme(string Name, IReadOnlyList<EvaluationIndicator> Indicators, double ExcellentFrom, double GoodFrom, double PassFrom)
{
    public static readonly IReadOnlyList<IndicatorInfo> Known =
    [
        new("runningHours", "运行机时", "小时", "签到至签退的有效机时与送样检测机时之和"),
        new("externalHours", "对外服务机时", "小时", "外单位用户的有效机时"),
        new("sharingRate", "共享率", "%", "对外服务机时 ÷ 有效机时"),
        new("training", "培训人员", "人", "当年取得上机资格的人数"),
        new("results", "科研成果", "项", "当年登记的论文、专利、获奖、项目、标准"),
        new("income", "服务收入", "元", "当年机时费与送样检测费（校内外合计）"),
        new("externalIncome", "对外服务收入", "元", "外单位支付的机时费与检测费"),
        new("functions", "功能开发", "项", "当年登记的功能开发、附件研制、方法开发"),
        new("externalUsers", "服务外单位用户", "人", "使用过仪器的外单位用户人数"),
        new("rating", "用户评价", "分", "当年用户评分的平均值（1–5）"),
    ];

    public static EvaluationScheme Default { get; } = new("参照教育部高校大型仪器设备年度使用效益评价（默认）",
    [
        new("runningHours", 35, 1400),
        new("training", 20, 10),
        new("results", 25, 5),
        new("income", 15, 50_000),
        new("functions", 5, 1),
    ], 85, 70, 60);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static EvaluationScheme FromJson(string json) => JsonSerializer.Deserialize<EvaluationScheme>(json, Json) ?? Default;

    public static IndicatorInfo Info(string code) => Known.First(k => k.Code == code);

    /// <summary>Field errors of a scheme someone wrote, empty when it can be used.</summary>
    public FieldErrors Validate()
    {
        var e = new FieldErrors();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 100)
        {
            e.Add("name", "请填写指标体系名称（最多 100 个字）。");
        }
        if (Indicators is not { Count: > 0 and <= 10 })
        {
            e.Add("indicators", "至少一项、最多十项指标。");
            return e;
        }
        for (var i = 0; i < Indicators.Count; i++)
        {
            var x = Indicators[i];
            if (x is null || Known.All(k => k.Code != x.Code))
            {
                e.Add($"indicators[{i}].code", $"未知的指标，可选：{string.Join("、", Known.Select(k => $"{k.Code}（{k.Name}）"))}。");
                continue;
            }
            if (Indicators.Take(i).Any(p => p?.Code == x.Code))
            {
                e.Add($"indicators[{i}].code", $"指标“{Info(x.Code).Name}”重复。");
            }
            if (!double.IsFinite(x.Weight) || x.Weight is <= 0 or > 100)
            {
                e.Add($"indicators[{i}].weight", "权重须大于 0、不超过 100。");
            }
            if (!double.IsFinite(x.Target) || x.Target <= 0 || x.Target > 1e12 || (x.Code == "rating" && x.Target > 5) || (x.Code == "sharingRate" && x.Target > 100))
            {
                e.Add($"indicators[{i}].target", "满分值须大于 0（用户评价不超过 5 分，共享率不超过 100%）。");
            }
        }
        if (e.Count == 0 && Math.Abs(Indicators.Sum(x => x.Weight) - 100) > 0.001)
        {
            e.Add("indicators", $"各项权重之和须为 100，现为 {Indicators.Sum(x => x.Weight).ToString("0.##", CultureInfo.InvariantCulture)}。");
        }
        if (!(PassFrom > 0 && PassFrom < GoodFrom && GoodFrom < ExcellentFrom && ExcellentFrom <= 100))
        {
            e.Add("thresholds", "等级分数线须满足 0 < 合格 < 良好 < 优秀 ≤ 100。");
        }
        return e;
    }

    /// <summary>The value an indicator reads from one set of figures (hours in hours, money in yuan, the rate in %).</summary>
    public static double Value(string code, EvaluationFigures f) => code switch
    {
        "runningHours" => f.EffectiveMinutes / 60.0,
        "externalHours" => f.ExternalMinutes / 60.0,
        "sharingRate" => f.EffectiveMinutes == 0 ? 0 : 100.0 * f.ExternalMinutes / f.EffectiveMinutes,
        "training" => f.Trainees,
        "results" => f.Results,
        "income" => (f.IncomeInternalFen + f.IncomeExternalFen) / 100.0,
        "externalIncome" => f.IncomeExternalFen / 100.0,
        "functions" => f.Functions,
        "externalUsers" => f.ExternalUsers,
        "rating" => f.RatingAverage ?? 0,
        _ => 0,
    };

    /// <summary>Each indicator's score for the figures, rounded to 0.1, in the scheme's order.</summary>
    public double[] Scores(EvaluationFigures f) =>
        Indicators.Select(x => Math.Round(x.Weight * Math.Min(Value(x.Code, f) / x.Target, 1), 1, MidpointRounding.AwayFromZero)).ToArray();

    public EvaluationGrade Grade(double score) =>
        score >= ExcellentFrom ? EvaluationGrade.Excellent : score >= GoodFrom ? EvaluationGrade.Good : score >= PassFrom ? EvaluationGrade.Pass : EvaluationGrade.Poor;

    public static string GradeLabel(EvaluationGrade g) => g switch
    {
        EvaluationGrade.Excellent => "优秀",
        EvaluationGrade.Good => "良好",
        EvaluationGrade.Pass => "合格",
        _ => "较差",
    };
}
