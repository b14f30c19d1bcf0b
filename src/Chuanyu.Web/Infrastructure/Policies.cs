namespace Chuanyu.Web.Infrastructure;

/// <summary>
/// The names of the authorisation policies every feature declares on its pages and endpoints (the requirements behind
/// them are the Accounts feature's, registered by <c>AddAccounts</c>). A page or endpoint that names none is for
/// signed-in people only (the fallback); a public one says <c>AllowAnonymous</c> where it is defined.
/// </summary>
public static class Policies
{
    public const string SignedIn = nameof(SignedIn);
    public const string SystemAdmin = nameof(SystemAdmin);
    public const string SecurityAdmin = nameof(SecurityAdmin);
    public const string AuditAdmin = nameof(AuditAdmin);

    /// <summary>Verification of organisations: the region's administrator, or the system administrator for both regions.</summary>
    public const string AnyRegionAdmin = nameof(AnyRegionAdmin);

    /// <summary>Another system calling with a signed request (never a person's cookie or token); add scopes with RequireScope.</summary>
    public const string ApiClient = nameof(ApiClient);

    /// <summary>Records shared by both regions (integrity records): a region's administrator of either region, or the security administrator.</summary>
    public const string RegionOrSecurityAdmin = nameof(RegionOrSecurityAdmin);

    // vouchers
    /// <summary>The voucher ledger's invariant check: a region's administrator (their region's programmes) or the audit administrator (all, read-only).</summary>
    public const string VoucherLedgerReader = nameof(VoucherLedgerReader);
}
