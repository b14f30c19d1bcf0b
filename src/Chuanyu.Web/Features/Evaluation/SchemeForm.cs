using System.Globalization;
using Chuanyu.Web.Infrastructure;

namespace Chuanyu.Web.Features.Evaluation;

/// <summary>The scheme form: up to ten indicator rows (a blank code skips the row), the grade thresholds, the version read.</summary>
public sealed class SchemeForm
{
    public const int Rows = 10;

    public string? Name { get; set; }
    public List<IndicatorRow> Indicators { get; set; } = [];
    public string? ExcellentFrom { get; set; }
    public string? GoodFrom { get; set; }
    public string? PassFrom { get; set; }
    public int? Version { get; set; }

    public sealed class IndicatorRow
    {
        public string? Code { get; set; }
        public string? Weight { get; set; }
        public string? Target { get; set; }
    }

    public static SchemeForm From(SchemeDto dto)
    {
        var s = dto.Scheme;
        var form = new SchemeForm
        {
            Name = s.Name,
            ExcellentFrom = Text(s.ExcellentFrom),
            GoodFrom = Text(s.GoodFrom),
            PassFrom = Text(s.PassFrom),
            Version = dto.Version,
        };
        form.Indicators.AddRange(s.Indicators.Select(i => new IndicatorRow { Code = i.Code, Weight = Text(i.Weight), Target = Text(i.Target) }));
        form.Pad();
        return form;
    }

    /// <summary>Fills the form up to <see cref="Rows"/> rows.</summary>
    public void Pad()
    {
        while (Indicators.Count < Rows)
        {
            Indicators.Add(new IndicatorRow());
        }
    }

    private static string Text(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    public (SchemeInput? Input, List<int> Rows, FieldErrors Errors) ToInput()
    {
        var errors = new FieldErrors();
        var rows = new List<int>();
        var indicators = new List<EvaluationIndicator>();
        for (var i = 0; i < Math.Min(Indicators.Count, Rows); i++)
        {
            var x = Indicators[i];
            if (string.IsNullOrWhiteSpace(x.Code))
            {
                continue;
            }
            var weight = FormValues.Number(x.Weight, $"indicators[{i}].weight", errors, new Message("Evaluation.WeightNotANumber"));
            var target = FormValues.Number(x.Target, $"indicators[{i}].target", errors, new Message("Evaluation.TargetNotANumber"));
            if (weight is null && !errors.ContainsKey($"indicators[{i}].weight"))
            {
                errors.Add($"indicators[{i}].weight", new Message("Evaluation.WeightRequired"));
            }
            if (target is null && !errors.ContainsKey($"indicators[{i}].target"))
            {
                errors.Add($"indicators[{i}].target", new Message("Evaluation.TargetRequired"));
            }
            rows.Add(i);
            indicators.Add(new EvaluationIndicator(x.Code.Trim(), (double)(weight ?? 0), (double)(target ?? 0)));
        }
        double Threshold(string? text, string field) => (double)(FormValues.Number(text, field, errors, new Message("Evaluation.ThresholdNotANumber"))
 ?? 0);
        var excellent = Threshold(ExcellentFrom, "thresholds");
        var good = Threshold(GoodFrom, "thresholds");
        var pass = Threshold(PassFrom, "thresholds");
        if (errors.Count > 0)
        {
            return (null, rows, errors);
        }
        return (new SchemeInput(new EvaluationScheme(Name ?? "", indicators, excellent, good, pass), Version), rows, errors);
    }

    /// <summary>The service's <c>indicators[k]</c> (k-th indicator sent) as the form row it came from.</summary>
    public static FieldErrors Translate(FieldErrors serviceErrors, List<int> rows)
    {
        var errors = new FieldErrors();
        foreach (var (field, reasons) in serviceErrors)
        {
            var key = field;
            if (field.StartsWith("indicators[", StringComparison.Ordinal) && field.IndexOf(']', StringComparison.Ordinal) is var end and > 11 &&
                int.TryParse(field.AsSpan(11, end - 11), CultureInfo.InvariantCulture, out var k) && k < rows.Count)
            {
                key = $"indicators[{rows[k]}]{field[(end + 1)..]}";
            }
            foreach (var reason in reasons)
            {
                errors.Add(key, reason);
            }
        }
        return errors;
    }
}
