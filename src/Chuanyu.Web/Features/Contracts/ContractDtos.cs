namespace Chuanyu.Web.Features.Contracts;

/// <summary>
/// A registration or a correction as the API and the form send it (amounts in fen). <c>version</c>: the one read, for a
/// correction. <c>achievementId</c> and <c>dealId</c> are taken as given: the result and deal features are not merged yet.
/// </summary>
public sealed record TechContractInput(
    string? RegistrationNumber, string? Title, ContractType? Type,
    string? SellerName, string? SellerCreditCode, string? SellerRegion, ContractPartyType? SellerType, Guid? SellerOrganizationId,
    string? BuyerName, string? BuyerCreditCode, string? BuyerRegion, ContractPartyType? BuyerType, Guid? BuyerOrganizationId,
    long? ContractAmountFen, long? TransactionAmountFen,
    DateOnly? SignedOn, DateOnly? StartsOn, DateOnly? EndsOn, DateOnly? RegisteredOn,
    string? Field, Guid? AchievementId = null, Guid? DealId = null, int? Version = null);

/// <summary>A revocation: the reason (required) and the version read.</summary>
public sealed record TechContractRevokeInput(string? Reason, int? Version);

/// <summary>A registered contract as its readers see it (the seller's and buyer's region administrators, the parties' organisations).</summary>
public sealed record TechContractDto(
    Guid Id, string RegistrationNumber, string Title, ContractType Type,
    string SellerName, string SellerCreditCode, string SellerRegion, string SellerRegionName, ContractPartyType SellerType, Guid? SellerOrganizationId,
    string BuyerName, string? BuyerCreditCode, string BuyerRegion, string BuyerRegionName, ContractPartyType BuyerType, Guid? BuyerOrganizationId,
    long ContractAmountFen, long TransactionAmountFen,
    DateOnly SignedOn, DateOnly StartsOn, DateOnly EndsOn, DateOnly RegisteredOn,
    string Field, string FieldName, Guid? AchievementId, Guid? DealId,
    TechContractStatus Status, string? RevokedReason, DateTimeOffset? RevokedAt,
    string? FileName, long? FileSize, bool Synthetic, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version, bool CanManage)
{
    internal static TechContractDto Of(TechContract c, bool canManage) => new(
        c.Id, c.RegistrationNumber, c.Title, c.Type,
        c.SellerName, c.SellerCreditCode, c.SellerRegion, ContractRegions.Name(c.SellerRegion), c.SellerType, c.SellerOrganizationId,
        c.BuyerName, c.BuyerCreditCode, c.BuyerRegion, ContractRegions.Name(c.BuyerRegion), c.BuyerType, c.BuyerOrganizationId,
        c.ContractAmountFen, c.TransactionAmountFen, c.SignedOn, c.StartsOn, c.EndsOn, c.RegisteredOn,
        c.Field, Experts.DisciplineCodes.Label(c.Field), c.AchievementId, c.DealId,
        c.Status, c.RevokedReason, c.RevokedAt, c.FileName, c.FileSize, c.Synthetic, c.CreatedAt, c.UpdatedAt, c.Version, canManage);
}

public enum TechContractSort
{
    Registered,
    Amount,
    Number,
}

/// <summary>The list's filters: text (number, title, party), type, status, registration year, the seller's region.</summary>
public sealed record TechContractQuery(string? Q = null, ContractType? Type = null, TechContractStatus? Status = null, int? Year = null,
    string? Region = null, TechContractSort Sort = TechContractSort.Registered);
