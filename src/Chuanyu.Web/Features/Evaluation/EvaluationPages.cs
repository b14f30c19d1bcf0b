namespace Chuanyu.Web.Features.Evaluation;

/// <summary>What the evaluation pages share: the grade badges and the bar colours of the grade chart.</summary>
public static class EvaluationPages
{
    public static string GradeBadge(EvaluationGrade g) => g switch
    {
        EvaluationGrade.Excellent => "text-bg-success",
        EvaluationGrade.Good => "text-bg-primary",
        EvaluationGrade.Pass => "text-bg-warning",
        _ => "text-bg-danger",
    };

    /// <summary>Bar colours of the grade chart (SVG presentation attributes, allowed by the CSP unlike inline styles).</summary>
    public static string GradeColour(EvaluationGrade g) => g switch
    {
        EvaluationGrade.Excellent => "#198754",
        EvaluationGrade.Good => "#0d6efd",
        EvaluationGrade.Pass => "#ffc107",
        _ => "#dc3545",
    };
}
