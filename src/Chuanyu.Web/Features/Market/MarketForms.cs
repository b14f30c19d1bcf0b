namespace Chuanyu.Web.Features.Market;

/// <summary>The result form as the page binds it: lists typed in one box each.</summary>
public sealed class AchievementForm
{
    public Guid? OrganizationId { get; set; }
    public string? Title { get; set; }
    public string? Summary { get; set; }
    public string? Description { get; set; }
    public AchievementType? Type { get; set; }
    public string? PatentNumbers { get; set; }
    public string? DisciplineCodes { get; set; }
    public string? IndustryCodes { get; set; }
    public int? Trl { get; set; }
    public MaturityStage? Stage { get; set; }
    public List<TransferModes> Modes { get; set; } = [];
    public decimal? PriceMin { get; set; }
    public decimal? PriceMax { get; set; }
    public bool Negotiable { get; set; }
    public string? Inventors { get; set; }
    public string? Keywords { get; set; }
    public int? Version { get; set; }

    public AchievementInput ToInput() => new(OrganizationId, Title, Summary, Description, Type, MarketPages.Split(PatentNumbers), MarketPages.Split(DisciplineCodes),
        MarketPages.Split(IndustryCodes), Trl ?? 0, Stage, Modes, PriceMin, PriceMax, Negotiable, MarketPages.SplitNames(Inventors), MarketPages.SplitNames(Keywords), Version);

    public static AchievementForm Of(AchievementDto a) => new()
    {
        OrganizationId = a.OrganizationId,
        Title = a.Title,
        Summary = a.Summary,
        Description = a.Description,
        Type = a.Type,
        PatentNumbers = string.Join(' ', a.PatentNumbers),
        DisciplineCodes = string.Join(' ', a.DisciplineCodes),
        IndustryCodes = string.Join(' ', a.IndustryCodes),
        Trl = a.Trl,
        Stage = a.Stage,
        Modes = [.. a.Modes],
        PriceMin = a.PriceMin,
        PriceMax = a.PriceMax,
        Negotiable = a.Negotiable,
        Inventors = string.Join('、', a.Inventors),
        Keywords = string.Join('、', a.Keywords),
        Version = a.Version,
    };
}

/// <summary>The demand form as the page binds it.</summary>
public sealed class DemandForm
{
    public Guid? OrganizationId { get; set; }
    public string? Title { get; set; }
    public string? Summary { get; set; }
    public string? Details { get; set; }
    public bool Confidential { get; set; }
    public string? DisciplineCodes { get; set; }
    public string? IndustryCodes { get; set; }
    public int? Trl { get; set; }
    public MaturityStage? Stage { get; set; }
    public List<TransferModes> Modes { get; set; } = [];
    public decimal? BudgetMin { get; set; }
    public decimal? BudgetMax { get; set; }
    public bool Negotiable { get; set; }
    public DateOnly? Deadline { get; set; }
    public string? Keywords { get; set; }
    public int? Version { get; set; }

    public DemandInput ToInput() => new(OrganizationId, Title, Summary, Details, Confidential, MarketPages.Split(DisciplineCodes), MarketPages.Split(IndustryCodes),
        Trl ?? 0, Stage, Modes, BudgetMin, BudgetMax, Negotiable, Deadline, MarketPages.SplitNames(Keywords), Version);

    public static DemandForm Of(DemandDto d) => new()
    {
        OrganizationId = d.OrganizationId,
        Title = d.Title,
        Summary = d.Summary,
        Details = d.Details,
        Confidential = d.Confidential,
        DisciplineCodes = string.Join(' ', d.DisciplineCodes),
        IndustryCodes = string.Join(' ', d.IndustryCodes),
        Trl = d.Trl,
        Stage = d.Stage,
        Modes = [.. d.Modes],
        BudgetMin = d.BudgetMin,
        BudgetMax = d.BudgetMax,
        Negotiable = d.Negotiable,
        Deadline = d.Deadline,
        Keywords = string.Join('、', d.Keywords),
        Version = d.Version,
    };
}
