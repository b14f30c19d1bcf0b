using Chuanyu.Matching.Assignment;

namespace Chuanyu.Matching.Tests.Assignment;

public class AssignmentReportTests
{
    [Fact]
    public void Rows_list_each_proposals_pairs_then_its_missing_places_and_the_summary_adds_up()
    {
        Proposal[] ps =
        [
            new("p1", ["A"], ["11011"], ["sem"]),
            new("p2", ["A"], ["99999"], []),
            new("p3", ["A"], ["11011"], []),
        ];
        Reviewer[] rs =
        [
            new("r1", "B", ["11011"], ["sem"], 2),
            new("r2", "C", ["11014"], [], 2),
        ];
        var result = ExpertAssigner.Assign(ps, rs, new AssignmentSpec(3));
        var rows = AssignmentReport.Rows(result);
        Assert.Equal(
            [
                new AssignmentReportRow("p1", "r1", 1000, 1, 0, null),
                new AssignmentReportRow("p1", "r2", 300, 2, 0, null),
                new AssignmentReportRow("p1", null, 0, 0, 1, ShortReason.TooFewInstitutions),
                new AssignmentReportRow("p3", "r1", 600, 1, 0, null),
                new AssignmentReportRow("p3", "r2", 300, 2, 0, null),
                new AssignmentReportRow("p3", null, 0, 0, 1, ShortReason.TooFewInstitutions),
                new AssignmentReportRow("p2", null, 0, 0, 3, ShortReason.NoEligibleReviewer),
            ],
            rows);
        Assert.Equal(new AssignmentSummary(4, 3, 5, 2200, 550, 1.5), AssignmentReport.Summary(result));
    }
}
