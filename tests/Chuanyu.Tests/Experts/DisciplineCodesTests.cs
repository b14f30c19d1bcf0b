using Chuanyu.Web.Features.Experts;

namespace Chuanyu.Tests.Experts;

/// <summary>The shipped GB/T 13745-2009 list has the standard's structure (Data/Reference/discipline-codes.md).</summary>
public sealed class DisciplineCodesTests
{
    [Fact]
    public void TheListHasTheStandardsSixtyTwoFirstLevelDisciplines_AndSecondLevelCodesUnderThem()
    {
        var all = DisciplineCodes.All;
        Assert.Equal(62, DisciplineCodes.TopLevel.Count);
        Assert.Equal(all.Count, all.Select(d => d.Code).Distinct().Count());
        Assert.All(DisciplineCodes.TopLevel, d => Assert.Matches("^[1-9][0-9]{2}$", d.Code));
        var second = all.Where(d => d.Level == 2).ToList();
        Assert.True(second.Count > 600, $"{second.Count} second-level codes");
        Assert.All(second, d =>
        {
            Assert.Matches("^[0-9]{5}$", d.Code);
            // The standard's structure: a second-level code's first three digits are its parent.
            Assert.Equal(d.Code[..3], d.ParentCode);
            Assert.NotNull(DisciplineCodes.Find(d.ParentCode));
        });
        Assert.All(all, d => Assert.False(string.IsNullOrWhiteSpace(d.Name)));
        Assert.All(DisciplineCodes.TopLevel, d => Assert.NotEmpty(DisciplineCodes.ChildrenOf(d.Code)));
    }

    [Theory]
    [InlineData("110", "数学")]
    [InlineData("430", "材料科学")]
    [InlineData("43025", "材料检测与分析技术")]
    [InlineData("52020", "人工智能")]
    [InlineData("413", "信息与系统科学相关工程与技术")]
    [InlineData("73044", "祆教")]
    public void KnownCodesHaveTheirNames(string code, string name) => Assert.Equal(name, DisciplineCodes.Find(code)?.Name);

    [Theory]
    [InlineData("999")]
    [InlineData("43026")]
    [InlineData("4302")]
    [InlineData("")]
    public void CodesTheStandardDoesNotHaveAreUnknown(string code) => Assert.Null(DisciplineCodes.Find(code));

    [Fact]
    public void ALabelNamesTheParentToo() => Assert.Equal("材料科学 › 材料检测与分析技术", DisciplineCodes.Label("43025"));
}
