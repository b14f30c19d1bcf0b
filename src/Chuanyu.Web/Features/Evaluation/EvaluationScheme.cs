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
    /// <summary>The indicators there are: code, and the messages of the name, the unit and where the figure comes from.</summary>
    private static readonly (string Code, Message Name, Message Unit, Message Source)[] Definitions =
    [
        ("runningHours", new("Evaluation.Indicator.RunningHours"), new("Evaluation.Unit.Hours"), new("Evaluation.IndicatorSource.RunningHours")),
        ("externalHours", new("Evaluation.Indicator.ExternalHours"), new("Evaluation.Unit.Hours"), new("Evaluation.IndicatorSource.ExternalHours")),
        ("sharingRate", new("Evaluation.Indicator.SharingRate"), new("Evaluation.Unit.Percent"), new("Evaluation.IndicatorSource.SharingRate")),
        ("training", new("Evaluation.Indicator.Training"), new("Evaluation.Unit.People"), new("Evaluation.IndicatorSource.Training")),
        ("results", new("Evaluation.Indicator.Results"), new("Evaluation.Unit.Items"), new("Evaluation.IndicatorSource.Results")),
        ("income", new("Evaluation.Indicator.Income"), new("Evaluation.Unit.Yuan"), new("Evaluation.IndicatorSource.Income")),
        ("externalIncome", new("Evaluation.Indicator.ExternalIncome"), new("Evaluation.Unit.Yuan"), new("Evaluation.IndicatorSource.ExternalIncome")),
        ("functions", new("Evaluation.Indicator.Functions"), new("Evaluation.Unit.Items"), new("Evaluation.IndicatorSource.Functions")),
        ("externalUsers", new("Evaluation.Indicator.ExternalUsers"), new("Evaluation.Unit.People"), new("Evaluation.IndicatorSource.ExternalUsers")),
        ("rating", new("Evaluation.Indicator.Rating"), new("Evaluation.Unit.Points"), new("Evaluation.IndicatorSource.Rating")),
        ("voucherServices", new("Evaluation.Indicator.VoucherServices"), new("Evaluation.Unit.Items"), new("Evaluation.IndicatorSource.VoucherServices")),
        ("voucherSubsidy", new("Evaluation.Indicator.VoucherSubsidy"), new("Evaluation.Unit.Yuan"), new("Evaluation.IndicatorSource.VoucherSubsidy")),
    ];

    /// <summary>Every indicator there is, in the current UI culture (the request's).</summary>
    public static IReadOnlyList<IndicatorInfo> Known => [.. Definitions.Select(d => Info(d.Code))];

    /// <summary>
    /// The scheme until administrators save their own, named in the current UI culture; once saved (or used by a run) its
    /// name is data, stored with it and edited as the administrators like.
    /// </summary>
    public static EvaluationScheme Default => new(new Message("Evaluation.DefaultSchemeName").ToString(),
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

    /// <summary>What an indicator measures, in <paramref name="culture"/> (the current UI culture when null).</summary>
    public static IndicatorInfo Info(string code, CultureInfo? culture = null)
    {
        var d = Definitions.First(k => k.Code == code);
        culture ??= CultureInfo.CurrentUICulture;
        return new(code, Messages.Translate(d.Name, culture), Messages.Translate(d.Unit, culture), Messages.Translate(d.Source, culture));
    }

    /// <summary>The name of an indicator, as a message.</summary>
    public static Message NameOf(string code) => Definitions.First(k => k.Code == code).Name;

    /// <summary>Field errors of a scheme someone wrote, empty when it can be used.</summary>
    public FieldErrors Validate()
    {
        var e = new FieldErrors();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 100)
        {
            e.Add("name", new Message("Evaluation.SchemeNameRequired"));
        }
        if (Indicators is not { Count: > 0 and <= 12 })
        {
            e.Add("indicators", new Message("Evaluation.IndicatorCount"));
            return e;
        }
        for (var i = 0; i < Indicators.Count; i++)
        {
            var x = Indicators[i];
            if (x is null || Definitions.All(k => k.Code != x.Code))
            {
                e.Add($"indicators[{i}].code", new Message("Evaluation.UnknownIndicator", Choices()));
                continue;
            }
            if (Indicators.Take(i).Any(p => p?.Code == x.Code))
            {
                e.Add($"indicators[{i}].code", new Message("Evaluation.IndicatorDuplicated", NameOf(x.Code)));
            }
            if (!double.IsFinite(x.Weight) || x.Weight is <= 0 or > 100)
            {
                e.Add($"indicators[{i}].weight", new Message("Evaluation.WeightRange"));
            }
            if (!double.IsFinite(x.Target) || x.Target <= 0 || x.Target > 1e12 || (x.Code == "rating" && x.Target > 5) || (x.Code == "sharingRate" && x.Target > 100))
            {
                e.Add($"indicators[{i}].target", new Message("Evaluation.TargetRange"));
            }
        }
        if (e.Count == 0 && Math.Abs(Indicators.Sum(x => x.Weight) - 100) > 0.001)
        {
            e.Add("indicators", new Message("Evaluation.WeightsSum", Indicators.Sum(x => x.Weight)));
        }
        if (!(PassFrom > 0 && PassFrom < GoodFrom && GoodFrom < ExcellentFrom && ExcellentFrom <= 100))
        {
            e.Add("thresholds", new Message("Evaluation.ThresholdsOrder"));
        }
        return e;
    }

    /// <summary>The indicators one may choose, "code（name）" in a list, in the current UI culture.</summary>
    private static string Choices()
    {
        var culture = CultureInfo.CurrentUICulture;
        return string.Join(Messages.Translate(new Message("Evaluation.ListSeparator"), culture),
            Definitions.Select(d => Messages.Translate(new Message("Evaluation.IndicatorChoice", d.Code, d.Name), culture)));
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
        "voucherServices" => f.VoucherServices,
        "voucherSubsidy" => f.VoucherSubsidyFen / 100.0,
        _ => 0,
    };

    /// <summary>Each indicator's score for the figures, rounded to 0.1, in the scheme's order.</summary>
    public double[] Scores(EvaluationFigures f) =>
        Indicators.Select(x => Math.Round(x.Weight * Math.Min(Value(x.Code, f) / x.Target, 1), 1, MidpointRounding.AwayFromZero)).ToArray();

    public EvaluationGrade Grade(double score) =>
        score >= ExcellentFrom ? EvaluationGrade.Excellent : score >= GoodFrom ? EvaluationGrade.Good : score >= PassFrom ? EvaluationGrade.Pass : EvaluationGrade.Poor;
}
