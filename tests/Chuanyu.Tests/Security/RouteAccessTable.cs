namespace Chuanyu.Tests.Security;

/// <summary>
/// Who may use each page and endpoint of the platform: one line per route, checked against the host's endpoints by
/// <see cref="RouteAccessTests"/>. A new route needs its attribute where it is defined ([AllowAnonymous] or
/// [Authorize(Policy = ...)] on the PageModel, .AllowAnonymous() or .RequireAuthorization(...) on the endpoint) and a
/// line here.
/// </summary>
/// <remarks>
/// Columns: PAGE (a Razor page, any method) or the HTTP methods; the route as mapped; who may use it:
/// <c>anonymous</c> (AllowAnonymous: anyone, signed in or not), the policy names of <c>Policies</c> joined with
/// <c>+</c> when several apply (all must hold), inline requirements such as <c>claim(scope=...)</c>, or
/// <c>fallback</c> (nothing declared: the fallback policy, a signed-in person).
/// </remarks>
public static class RouteAccessTable
{
    public const string Text = """
        # Platform: probes, the API description, the language switch
        GET     /culture/{name}                                                            anonymous
        ANY     /healthz                                                                   anonymous
        GET     /openapi/{documentName}.json                                               anonymous
        ANY     /readyz                                                                    anonymous

        # Pages (PAGE: any method; the route as mapped, Index pages under both their names)
        PAGE    /                                                                          anonymous
        PAGE    /Accounts/AccessDenied                                                     anonymous
        PAGE    /Accounts/ForgotPassword                                                   anonymous
        PAGE    /Accounts/Login                                                            anonymous
        PAGE    /Accounts/LoginWith2fa                                                     anonymous
        PAGE    /Accounts/Logout                                                           anonymous
        PAGE    /Accounts/Register                                                         anonymous
        PAGE    /Accounts/ResetPassword                                                    anonymous
        PAGE    /Admin/ApiClients                                                          SecurityAdmin
        PAGE    /Admin/Audit                                                               AuditAdmin
        PAGE    /Admin/Organizations                                                       AnyRegionAdmin
        PAGE    /Admin/Outbox                                                              SystemAdmin
        PAGE    /Admin/SecurityPolicy                                                      SecurityAdmin
        PAGE    /Admin/System                                                              SystemAdmin
        PAGE    /Admin/Users                                                               SecurityAdmin
        PAGE    /Error                                                                     anonymous
        PAGE    /Evaluation                                                                SignedIn
        PAGE    /Evaluation/Scheme                                                         SignedIn
        PAGE    /Index                                                                     anonymous
        PAGE    /Me                                                                        SignedIn
        PAGE    /Me/BookingQueue                                                           SignedIn
        PAGE    /Me/Bookings                                                               SignedIn
        PAGE    /Me/ChangePassword                                                         SignedIn
        PAGE    /Me/Index                                                                  SignedIn
        PAGE    /Me/Privacy                                                                SignedIn
        PAGE    /Me/Resources                                                              SignedIn
        PAGE    /Me/Resources/Import                                                       SignedIn
        PAGE    /Me/Resources/New                                                          SignedIn
        PAGE    /Me/Resources/{id:guid}/Edit                                               SignedIn
        PAGE    /Me/ServiceOrderQueue                                                      SignedIn
        PAGE    /Me/ServiceOrders                                                          SignedIn
        PAGE    /Me/Sessions                                                               SignedIn
        PAGE    /Me/TwoFactor                                                              SignedIn
        PAGE    /Me/UsageStatement                                                         SignedIn
        PAGE    /Organizations                                                             anonymous
        PAGE    /Organizations/Details/{id:guid}                                           anonymous
        PAGE    /Organizations/Index                                                       anonymous
        PAGE    /Organizations/Members/{id:guid}                                           SignedIn
        PAGE    /Organizations/Register                                                    SignedIn
        PAGE    /Organizations/{id:guid}/Resources                                         anonymous
        PAGE    /Resources/{id:guid}                                                       anonymous
        PAGE    /Resources/{id:guid}/Achievements                                          SignedIn
        PAGE    /Resources/{id:guid}/Book                                                  anonymous
        PAGE    /Resources/{id:guid}/BookingRules                                          SignedIn
        PAGE    /Resources/{id:guid}/Order                                                 SignedIn
        PAGE    /Search                                                                    anonymous
        PAGE    /Search/Vocabulary                                                         SystemAdmin
        PAGE    /ServiceOrders/{id:guid}                                                   SignedIn
        PAGE    /Signatures/Verify                                                         anonymous

        # API
        GET     /api/v1/admin/api-clients                                                  SecurityAdmin
        POST    /api/v1/admin/api-clients                                                  SecurityAdmin
        GET     /api/v1/admin/api-clients/{id:guid}                                        SecurityAdmin
        DELETE  /api/v1/admin/api-clients/{id:guid}                                        SecurityAdmin
        GET     /api/v1/admin/audit/entries                                                AuditAdmin
        GET     /api/v1/admin/audit/export                                                 AuditAdmin
        GET     /api/v1/admin/audit/verification                                           AuditAdmin
        GET     /api/v1/admin/outbox                                                       SystemAdmin
        POST    /api/v1/admin/role-grants                                                  SecurityAdmin
        DELETE  /api/v1/admin/role-grants/{id:guid}                                        SecurityAdmin
        GET     /api/v1/admin/security-policy                                              SecurityAdmin
        PUT     /api/v1/admin/security-policy                                              SecurityAdmin
        GET     /api/v1/admin/system-settings                                              SystemAdmin
        PUT     /api/v1/admin/system-settings                                              SystemAdmin
        GET     /api/v1/admin/users                                                        SecurityAdmin
        POST    /api/v1/admin/users                                                        SecurityAdmin
        GET     /api/v1/admin/users/{id:guid}/personal-data                                SecurityAdmin
        POST    /api/v1/auth/login                                                         anonymous
        POST    /api/v1/auth/register                                                      anonymous
        POST    /api/v1/bookings                                                           SignedIn
        GET     /api/v1/bookings/managed                                                   SignedIn
        GET     /api/v1/bookings/{id:guid}                                                 SignedIn
        POST    /api/v1/bookings/{id:guid}/approve                                         SignedIn
        POST    /api/v1/bookings/{id:guid}/cancel                                          SignedIn
        POST    /api/v1/bookings/{id:guid}/check-in                                        SignedIn
        POST    /api/v1/bookings/{id:guid}/check-out                                       SignedIn
        POST    /api/v1/bookings/{id:guid}/rating                                          SignedIn
        POST    /api/v1/bookings/{id:guid}/reject                                          SignedIn
        GET     /api/v1/clients/me                                                         ApiClient
        GET     /api/v1/evaluation/runs                                                    SignedIn
        POST    /api/v1/evaluation/runs                                                    SignedIn
        GET     /api/v1/evaluation/runs/{id:guid}                                          SignedIn
        GET     /api/v1/evaluation/runs/{id:guid}/instruments                              SignedIn
        GET     /api/v1/evaluation/runs/{id:guid}/instruments.xlsx                         SignedIn
        GET     /api/v1/evaluation/runs/{id:guid}/organizations                            SignedIn
        GET     /api/v1/evaluation/runs/{id:guid}/summary                                  SignedIn
        GET     /api/v1/evaluation/scheme                                                  SignedIn
        PUT     /api/v1/evaluation/scheme                                                  SignedIn
        GET     /api/v1/exchange/organizations                                             ApiClient+claim(scope=organizations.read)
        GET     /api/v1/instruments/{id:guid}/achievements                                 SignedIn
        POST    /api/v1/instruments/{id:guid}/achievements                                 SignedIn
        DELETE  /api/v1/instruments/{id:guid}/achievements/{achievementId:guid}            SignedIn
        GET     /api/v1/instruments/{id:guid}/availability                                 anonymous
        POST    /api/v1/instruments/{id:guid}/blackouts                                    SignedIn
        DELETE  /api/v1/instruments/{id:guid}/blackouts/{blackoutId:guid}                  SignedIn
        GET     /api/v1/instruments/{id:guid}/booking-rules                                anonymous
        PUT     /api/v1/instruments/{id:guid}/booking-rules                                SignedIn
        GET     /api/v1/instruments/{id:guid}/qualifications                               SignedIn
        POST    /api/v1/instruments/{id:guid}/qualifications                               SignedIn
        DELETE  /api/v1/instruments/{id:guid}/qualifications/{qualificationId:guid}        SignedIn
        GET     /api/v1/instruments/{id:guid}/ratings                                      anonymous
        GET     /api/v1/instruments/{id:guid}/schedule.ics                                 anonymous
        GET     /api/v1/me                                                                 SignedIn
        GET     /api/v1/me/bookings                                                        SignedIn
        GET     /api/v1/me/bookings.ics                                                    SignedIn
        POST    /api/v1/me/deletion                                                        SignedIn
        PUT     /api/v1/me/mobile                                                          SignedIn
        POST    /api/v1/me/password                                                        SignedIn
        GET     /api/v1/me/personal-data                                                   SignedIn
        GET     /api/v1/me/service-orders                                                  SignedIn
        GET     /api/v1/me/sessions                                                        SignedIn
        DELETE  /api/v1/me/sessions/{id:guid}                                              SignedIn
        GET     /api/v1/organizations                                                      anonymous
        POST    /api/v1/organizations                                                      SignedIn
        GET     /api/v1/organizations/{id:guid}                                            anonymous
        GET     /api/v1/organizations/{id:guid}/members                                    SignedIn
        POST    /api/v1/organizations/{id:guid}/memberships                                SignedIn
        POST    /api/v1/organizations/{id:guid}/memberships/{membershipId:guid}/decision   SignedIn
        GET     /api/v1/organizations/{id:guid}/resources                                  anonymous
        GET     /api/v1/organizations/{id:guid}/resources/export                           SignedIn
        POST    /api/v1/organizations/{id:guid}/resources/import                           SignedIn
        POST    /api/v1/organizations/{id:guid}/roles                                      SignedIn
        GET     /api/v1/organizations/{id:guid}/usage-statement                            SignedIn
        GET     /api/v1/organizations/{id:guid}/usage-statement.xlsx                       SignedIn
        POST    /api/v1/organizations/{id:guid}/verification                               AnyRegionAdmin
        GET     /api/v1/regions                                                            anonymous
        POST    /api/v1/resources                                                          SignedIn
        GET     /api/v1/resources/import-template                                          anonymous
        GET     /api/v1/resources/{id:guid}                                                anonymous
        PUT     /api/v1/resources/{id:guid}                                                SignedIn
        GET     /api/v1/resources/{id:guid}/core-metadata                                  anonymous
        GET     /api/v1/resources/{id:guid}/photos                                         anonymous
        POST    /api/v1/resources/{id:guid}/photos                                         SignedIn
        PUT     /api/v1/resources/{id:guid}/photos/order                                   SignedIn
        GET     /api/v1/resources/{id:guid}/photos/{photoId:guid}                          anonymous
        DELETE  /api/v1/resources/{id:guid}/photos/{photoId:guid}                          SignedIn
        POST    /api/v1/resources/{id:guid}/publish                                        SignedIn
        POST    /api/v1/resources/{id:guid}/retire                                         SignedIn
        POST    /api/v1/resources/{id:guid}/transfer                                       SignedIn
        GET     /api/v1/search                                                             anonymous
        GET     /api/v1/search/export                                                      SignedIn
        GET     /api/v1/search/vocabulary                                                  SignedIn
        POST    /api/v1/search/vocabulary                                                  SystemAdmin
        GET     /api/v1/search/vocabulary/export                                           SignedIn
        POST    /api/v1/search/vocabulary/import                                           SystemAdmin
        GET     /api/v1/search/vocabulary/reindex                                          SignedIn
        GET     /api/v1/search/vocabulary/{id:guid}                                        SignedIn
        PUT     /api/v1/search/vocabulary/{id:guid}                                        SystemAdmin
        DELETE  /api/v1/search/vocabulary/{id:guid}                                        SystemAdmin
        POST    /api/v1/service-orders                                                     SignedIn
        GET     /api/v1/service-orders/managed                                             SignedIn
        GET     /api/v1/service-orders/{id:guid}                                           SignedIn
        POST    /api/v1/service-orders/{id:guid}/accept                                    SignedIn
        POST    /api/v1/service-orders/{id:guid}/cancel                                    SignedIn
        POST    /api/v1/service-orders/{id:guid}/complete                                  SignedIn
        POST    /api/v1/service-orders/{id:guid}/quote                                     SignedIn
        POST    /api/v1/service-orders/{id:guid}/reject                                    SignedIn
        GET     /api/v1/service-orders/{id:guid}/report                                    SignedIn
        POST    /api/v1/service-orders/{id:guid}/report                                    SignedIn
        POST    /api/v1/service-orders/{id:guid}/start                                     SignedIn
        POST    /api/v1/signatures/verify                                                  anonymous
        GET     /api/v1/signing-keys                                                       anonymous

        # sme (issue 15): 科技型中小企业 declarations
        PAGE    /Admin/Smes                                                                AnyRegionAdmin
        GET     /api/v1/organizations/{id:guid}/sme-declaration                            anonymous
        PUT     /api/v1/organizations/{id:guid}/sme-declaration                            SignedIn
        POST    /api/v1/organizations/{id:guid}/sme-declaration/decision                   AnyRegionAdmin
        GET     /api/v1/sme-declarations                                                   AnyRegionAdmin
        # vouchers (API)
        GET     /api/v1/voucher-ledger/check                                               VoucherLedgerReader
        GET     /api/v1/voucher-redemptions                                                SignedIn
        GET     /api/v1/voucher-redemptions/{id:guid}                                      SignedIn
        POST    /api/v1/voucher-redemptions/{id:guid}/decision                             SignedIn
        POST    /api/v1/voucher-redemptions/{id:guid}/return                               SignedIn
        POST    /api/v1/voucher-redemptions/{id:guid}/submit                               SignedIn
        POST    /api/v1/voucher-redemptions/{id:guid}/withdraw                             SignedIn
        GET     /api/v1/vouchers                                                           SignedIn
        GET     /api/v1/vouchers/estimate                                                  SignedIn
        GET     /api/v1/vouchers/{code}                                                    SignedIn
        POST    /api/v1/vouchers/{code}/redemptions                                        SignedIn
        # prog: voucher programmes, applications, providers
        GET     /api/v1/voucher-applications                                               SignedIn
        GET     /api/v1/voucher-applications/{id:guid}                                     SignedIn
        GET     /api/v1/voucher-programmes                                                 anonymous
        GET     /api/v1/voucher-programmes/{id:guid}                                       anonymous
        GET     /api/v1/voucher-programmes/{id:guid}/draw                                  anonymous
        GET     /api/v1/voucher-providers                                                  anonymous
        GET     /api/v1/voucher-providers/{id:guid}                                        anonymous
        POST    /api/v1/voucher-applications/{id:guid}/decision                            SignedIn
        POST    /api/v1/voucher-applications/{id:guid}/withdraw                            SignedIn
        POST    /api/v1/voucher-programmes                                                 SignedIn
        POST    /api/v1/voucher-programmes/{id:guid}/applications                          SignedIn
        POST    /api/v1/voucher-programmes/{id:guid}/budget                                SignedIn
        POST    /api/v1/voucher-programmes/{id:guid}/close                                 SignedIn
        POST    /api/v1/voucher-programmes/{id:guid}/draw                                  SignedIn
        POST    /api/v1/voucher-programmes/{id:guid}/open                                  SignedIn
        POST    /api/v1/voucher-providers                                                  SignedIn
        POST    /api/v1/voucher-providers/{id:guid}/decision                               SignedIn
        PUT     /api/v1/voucher-programmes/{id:guid}                                       SignedIn
        # vpages: the voucher pages for programmes, applications and providers
        PAGE    /Vouchers                                                                  anonymous
        PAGE    /Vouchers/Index                                                            anonymous
        PAGE    /Vouchers/Programmes/{id:guid}                                             anonymous
        PAGE    /Vouchers/Providers                                                        anonymous
        PAGE    /Vouchers/Apply/{programmeId:guid}                                         SignedIn
        PAGE    /Vouchers/Applications                                                     SignedIn
        PAGE    /Vouchers/Provider/Register                                                SignedIn
        PAGE    /Vouchers/Admin/Programmes                                                 AnyRegionAdmin
        PAGE    /Vouchers/Admin/Programmes/{id:guid}                                       AnyRegionAdmin
        PAGE    /Vouchers/Admin/Applications                                               AnyRegionAdmin
        PAGE    /Vouchers/Admin/Providers                                                  AnyRegionAdmin
        # vredeem: using vouchers, redemption pages, refunds
        PAGE    /Vouchers/Admin/Ledger                                                     VoucherLedgerReader
        PAGE    /Vouchers/Admin/Redemptions                                                AnyRegionAdmin
        PAGE    /Vouchers/Mine                                                             SignedIn
        PAGE    /Vouchers/Mine/{code}                                                      SignedIn
        PAGE    /Vouchers/Redemptions                                                      SignedIn
        PAGE    /Vouchers/Redemptions/{id:guid}                                            SignedIn
        PAGE    /Vouchers/Use                                                              SignedIn
        POST    /api/v1/bookings/{id:guid}/refund                                          SignedIn
        POST    /api/v1/service-orders/{id:guid}/refund                                    SignedIn
        # vsettle: payouts, settlement, alerts (pages)
        PAGE    /Vouchers/Admin/Alerts                                                     AnyRegionAdmin
        PAGE    /Vouchers/Admin/Payouts                                                    AnyRegionAdmin
        PAGE    /Vouchers/Admin/Settlement                                                 AnyRegionAdmin
        PAGE    /Vouchers/Admin/Settlement/{quarter}/{pair}                                AnyRegionAdmin
        # vsettle: payouts, revocation, settlement, alerts (API)
        POST    /api/v1/vouchers/{code}/revoke                                             AnyRegionAdmin
        GET     /api/v1/voucher-payouts                                                    AnyRegionAdmin
        POST    /api/v1/voucher-payouts                                                    AnyRegionAdmin
        GET     /api/v1/voucher-payouts/{id:guid}                                          AnyRegionAdmin
        GET     /api/v1/voucher-payouts/{id:guid}/export                                   AnyRegionAdmin
        POST    /api/v1/voucher-payouts/{id:guid}/paid                                     AnyRegionAdmin
        GET     /api/v1/voucher-settlements                                                AnyRegionAdmin
        GET     /api/v1/voucher-settlements/{quarter}/{issuer}-{provider}                  AnyRegionAdmin
        GET     /api/v1/voucher-settlements/{quarter}/{issuer}-{provider}/redemptions      AnyRegionAdmin
        GET     /api/v1/voucher-settlements/{quarter}/{issuer}-{provider}/export           AnyRegionAdmin
        POST    /api/v1/voucher-settlements/{quarter}/{issuer}-{provider}/confirm          AnyRegionAdmin
        GET     /api/v1/voucher-alerts                                                     AnyRegionAdmin
        # experts (branch experts): the pool's profiles; who may manage or reveal is checked in ExpertPool (the region's admins, the security admin)
        GET     /api/v1/experts                                                            anonymous
        GET     /api/v1/experts/{id:guid}                                                  anonymous
        GET     /api/v1/experts/disciplines                                                anonymous
        GET     /api/v1/experts/managed                                                    SignedIn
        GET     /api/v1/experts/managed/{id:guid}                                          SignedIn
        POST    /api/v1/experts                                                            SignedIn
        PUT     /api/v1/experts/{id:guid}                                                  SignedIn
        POST    /api/v1/experts/{id:guid}/suspend                                          SignedIn
        POST    /api/v1/experts/{id:guid}/reinstate                                        SignedIn
        POST    /api/v1/experts/{id:guid}/remove                                           SignedIn
        GET     /api/v1/experts/{id:guid}/personal-data                                    SignedIn
        GET     /api/v1/experts/me                                                         SignedIn
        PUT     /api/v1/experts/me                                                         SignedIn
        GET     /api/v1/experts/import-template                                            SignedIn
        POST    /api/v1/experts/import                                                     SignedIn
        # review activities and draws (main, issue 16 points 2–5): who may act is checked in ReviewActivities/ReviewDraws (the region's admins, the owner, the invited expert)
        PAGE    /Experts/Reviews                                                           AnyRegionAdmin
        PAGE    /Experts/Reviews/{id:guid}                                                 AnyRegionAdmin
        PAGE    /Experts/Draws/{id:guid}                                                   anonymous
        PAGE    /Me/Invitations                                                            SignedIn
        PAGE    /Me/Relations                                                              SignedIn
        GET     /api/v1/review-activities                                                  AnyRegionAdmin
        POST    /api/v1/review-activities                                                  AnyRegionAdmin
        GET     /api/v1/review-activities/{id:guid}                                        AnyRegionAdmin
        PUT     /api/v1/review-activities/{id:guid}                                        AnyRegionAdmin
        POST    /api/v1/review-activities/{id:guid}/cancel                                 AnyRegionAdmin
        GET     /api/v1/review-activities/{id:guid}/items                                  AnyRegionAdmin
        POST    /api/v1/review-activities/{id:guid}/items                                  AnyRegionAdmin
        DELETE  /api/v1/review-activities/{id:guid}/items/{itemId:guid}                    AnyRegionAdmin
        GET     /api/v1/review-activities/{id:guid}/exclusions                             AnyRegionAdmin
        POST    /api/v1/review-activities/{id:guid}/exclusions                             AnyRegionAdmin
        DELETE  /api/v1/review-activities/{id:guid}/exclusions/{exclusionId:guid}          AnyRegionAdmin
        POST    /api/v1/review-activities/{id:guid}/draw                                   AnyRegionAdmin
        GET     /api/v1/review-activities/{id:guid}/panel                                  AnyRegionAdmin
        POST    /api/v1/review-activities/{id:guid}/close                                  AnyRegionAdmin
        GET     /api/v1/review-draws/{id:guid}                                             anonymous
        GET     /api/v1/review-draws/{id:guid}/{sequence:int}/record                       anonymous
        GET     /api/v1/experts/me/invitations                                             SignedIn
        POST    /api/v1/experts/me/invitations/{seatId:guid}/answer                        SignedIn
        GET     /api/v1/experts/me/relations                                               SignedIn
        POST    /api/v1/experts/me/relations                                               SignedIn
        DELETE  /api/v1/experts/me/relations/{relationId:guid}                             SignedIn
        GET     /api/v1/experts/{id:guid}/relations                                        SignedIn
        POST    /api/v1/experts/{id:guid}/relations                                        SignedIn
        DELETE  /api/v1/experts/{id:guid}/relations/{relationId:guid}                      SignedIn
        # scores (branch scores, issue 16 point 5): scoring, results, ratings, no-shows; who may act (the region's admins, the owner while sealed, the accepted member) is checked in ReviewScores
        PAGE    /Me/Invitations/{seatId:guid}/Scores                                       SignedIn
        GET     /api/v1/review-activities/{id:guid}/criteria                               AnyRegionAdmin
        PUT     /api/v1/review-activities/{id:guid}/criteria                               AnyRegionAdmin
        GET     /api/v1/review-activities/{id:guid}/results                                AnyRegionAdmin
        GET     /api/v1/review-activities/{id:guid}/results.xlsx                           AnyRegionAdmin
        GET     /api/v1/review-activities/{id:guid}/members                                AnyRegionAdmin
        PUT     /api/v1/review-activities/{id:guid}/seats/{seatId:guid}/rating             AnyRegionAdmin
        PUT     /api/v1/review-activities/{id:guid}/seats/{seatId:guid}/no-show            AnyRegionAdmin
        GET     /api/v1/experts/me/invitations/{seatId:guid}/scores                        SignedIn
        PUT     /api/v1/experts/me/invitations/{seatId:guid}/scores/{itemId:guid}          SignedIn
        # xpages (branch xpages): the expert pool's pages; who may manage or reveal is checked in ExpertPool
        PAGE    /Experts                                                                   anonymous
        PAGE    /Experts/{id:guid}                                                         anonymous
        PAGE    /Me/Expert                                                                 SignedIn
        PAGE    /Admin/Experts                                                             AnyRegionAdmin
        PAGE    /Admin/Experts/{id:guid}                                                   AnyRegionAdmin
        PAGE    /Admin/Experts/{id:guid}/Edit                                              AnyRegionAdmin
        PAGE    /Admin/Experts/New                                                         AnyRegionAdmin
        PAGE    /Admin/Experts/Import                                                      AnyRegionAdmin
        # match (branch match): a technology demand matched to experts (issue 16 point 8); any signed-in person, public expert data only
        PAGE    /Experts/Match                                                             SignedIn
        POST    /api/v1/experts/match                                                      SignedIn
        # integrity (branch integrity): records shared by both regions; read by region admins of both regions and the security admin; who may change (the issuing region's admins) is checked in IntegrityRecords
        PAGE    /Admin/Integrity                                                           RegionOrSecurityAdmin
        PAGE    /Admin/Integrity/{id:guid}                                                 RegionOrSecurityAdmin
        PAGE    /Admin/Integrity/Edit/{id:guid?}                                           RegionOrSecurityAdmin
        GET     /api/v1/integrity-records                                                  RegionOrSecurityAdmin
        GET     /api/v1/integrity-records/{id:guid}                                        RegionOrSecurityAdmin
        POST    /api/v1/integrity-records                                                  RegionOrSecurityAdmin
        PUT     /api/v1/integrity-records/{id:guid}                                        RegionOrSecurityAdmin
        POST    /api/v1/integrity-records/{id:guid}/revoke                                 RegionOrSecurityAdmin
        GET     /api/v1/integrity-records/{id:guid}/id-number                              RegionOrSecurityAdmin
        POST    /api/v1/integrity-records/{id:guid}/documents                              RegionOrSecurityAdmin
        GET     /api/v1/integrity-records/{id:guid}/documents/{documentId:guid}            RegionOrSecurityAdmin
        # assign (branch assign): bulk assignment runs; a run is read only by admins of its region (else 404), checked in AssignmentRuns
        PAGE    /Experts/Assignments                                                       AnyRegionAdmin
        PAGE    /Experts/Assignments/{id:guid}                                             AnyRegionAdmin
        GET     /api/v1/assignment-runs                                                    AnyRegionAdmin
        GET     /api/v1/assignment-runs/template                                           AnyRegionAdmin
        POST    /api/v1/assignment-runs                                                    AnyRegionAdmin
        GET     /api/v1/assignment-runs/{id:guid}                                          AnyRegionAdmin
        GET     /api/v1/assignment-runs/{id:guid}/result.xlsx                              AnyRegionAdmin
        # contracts (branch contracts): technology contract registration; who reads or changes a contract is checked in TechContracts (seller's region admins change; buyer's region admins and the parties' organisations read; others 404)
        PAGE    /Contracts                                                                 AnyRegionAdmin
        PAGE    /Contracts/Register/{id:guid?}                                             AnyRegionAdmin
        PAGE    /Contracts/{id:guid}                                                       fallback
        PAGE    /Contracts/Statistics                                                      anonymous
        GET     /api/v1/tech-contracts                                                     SignedIn
        POST    /api/v1/tech-contracts                                                     SignedIn
        GET     /api/v1/tech-contracts/{id:guid}                                           SignedIn
        PUT     /api/v1/tech-contracts/{id:guid}                                           SignedIn
        POST    /api/v1/tech-contracts/{id:guid}/revoke                                    SignedIn
        POST    /api/v1/tech-contracts/{id:guid}/file                                      SignedIn
        GET     /api/v1/tech-contracts/{id:guid}/file                                      SignedIn
        GET     /api/v1/tech-contracts/statistics                                          anonymous
        GET     /api/v1/tech-contracts/statistics.xlsx                                     anonymous
        # deals (branch deals, issue 17 point 4): technology managers and the deal pipeline; who reads or moves a deal is checked in DealPipeline (its manager writes; the parties' organisation admins and the involved regions' admins read; others 404)
        PAGE    /Deals                                                                     fallback
        PAGE    /Deals/{id:guid}                                                           fallback
        PAGE    /Deals/New                                                                 fallback
        PAGE    /Deals/Managers                                                            anonymous
        PAGE    /Deals/Profile                                                             fallback
        PAGE    /Deals/Review                                                              AnyRegionAdmin
        GET     /api/v1/tech-managers                                                      anonymous
        GET     /api/v1/tech-managers/me                                                   SignedIn
        PUT     /api/v1/tech-managers/me                                                   SignedIn
        GET     /api/v1/tech-managers/review                                               AnyRegionAdmin+SignedIn
        GET     /api/v1/tech-managers/{id:guid}/phone                                      SignedIn
        POST    /api/v1/tech-managers/{id:guid}/review                                     AnyRegionAdmin+SignedIn
        GET     /api/v1/deals                                                              SignedIn
        GET     /api/v1/deals/dashboard                                                    SignedIn
        GET     /api/v1/deals/mine.xlsx                                                    SignedIn
        POST    /api/v1/deals                                                              SignedIn
        GET     /api/v1/deals/{id:guid}                                                    SignedIn
        POST    /api/v1/deals/{id:guid}/advance                                            SignedIn
        POST    /api/v1/deals/{id:guid}/close                                              SignedIn
        POST    /api/v1/deals/{id:guid}/notes                                              SignedIn
        POST    /api/v1/deals/{id:guid}/documents                                          SignedIn
        GET     /api/v1/deals/{id:guid}/documents/{documentId:guid}                        SignedIn
        # events (branch events, issue 17 point 5): matchmaking events; the calendar and details are public, who may organise, register or answer is checked in MarketEventService
        PAGE    /Market/Events                                                             anonymous
        PAGE    /Market/Events/{id:guid}                                                   anonymous
        PAGE    /Market/Events/{id:guid}/Meetings                                          SignedIn
        PAGE    /Market/Events/{id:guid}/Manage                                            SignedIn
        PAGE    /Market/Events/Edit/{id:guid?}                                             SignedIn
        GET     /Market/Events/calendar.ics                                                anonymous
        GET     /Market/Events/{id:guid}/calendar.ics                                      anonymous
        GET     /api/v1/market-events                                                      anonymous
        GET     /api/v1/market-events/organized                                            SignedIn
        GET     /api/v1/market-events/{id:guid}                                            anonymous
        POST    /api/v1/market-events                                                      SignedIn
        PUT     /api/v1/market-events/{id:guid}                                            SignedIn
        POST    /api/v1/market-events/{id:guid}/publish                                    SignedIn
        POST    /api/v1/market-events/{id:guid}/cancel                                     SignedIn
        POST    /api/v1/market-events/{id:guid}/finish                                     SignedIn
        POST    /api/v1/market-events/{id:guid}/registrations                              SignedIn
        GET     /api/v1/market-events/{id:guid}/registrations                              SignedIn
        GET     /api/v1/market-events/{id:guid}/registrations/mine                         SignedIn
        DELETE  /api/v1/market-events/{id:guid}/registrations/{organizationId:guid}        SignedIn
        GET     /api/v1/market-events/{id:guid}/participants                               SignedIn
        POST    /api/v1/market-events/{id:guid}/meetings                                   SignedIn
        GET     /api/v1/market-events/{id:guid}/meetings/mine                              SignedIn
        POST    /api/v1/market-events/{id:guid}/meetings/{meetingId:guid}/answer           SignedIn
        POST    /api/v1/market-events/{id:guid}/meetings/{meetingId:guid}/cancel           SignedIn
        PUT     /api/v1/market-events/{id:guid}/meetings/{meetingId:guid}/outcome          SignedIn
        GET     /api/v1/market-events/{id:guid}/outcomes                                   SignedIn
        GET     /api/v1/market-events/{id:guid}/outcomes.xlsx                              SignedIn
        # market (branch market): research results and technology demands (issue 17); reads of live records are public, the rest and every write is checked in MarketService (owner organisation, its OrgAdmin)
        PAGE    /Market/Achievements                                                       anonymous
        PAGE    /Market/Achievements/{id:guid}                                             anonymous
        PAGE    /Market/Achievements/Edit/{id:guid?}                                       SignedIn
        PAGE    /Market/Demands                                                            anonymous
        PAGE    /Market/Demands/{id:guid}                                                  anonymous
        PAGE    /Market/Demands/Edit/{id:guid?}                                            SignedIn
        PAGE    /Market/Mine                                                               SignedIn
        PAGE    /Market/Review                                                             SignedIn
        GET     /api/v1/achievements                                                       anonymous
        GET     /api/v1/achievements/{id:guid}                                             anonymous
        POST    /api/v1/achievements                                                       SignedIn
        PUT     /api/v1/achievements/{id:guid}                                             SignedIn
        POST    /api/v1/achievements/{id:guid}/submit                                      SignedIn
        POST    /api/v1/achievements/{id:guid}/approve                                     SignedIn
        POST    /api/v1/achievements/{id:guid}/reject                                      SignedIn
        POST    /api/v1/achievements/{id:guid}/renew                                       SignedIn
        POST    /api/v1/achievements/{id:guid}/close                                       SignedIn
        POST    /api/v1/achievements/{id:guid}/attachments                                 SignedIn
        GET     /api/v1/achievements/{id:guid}/attachments/{attachmentId:guid}             anonymous
        GET     /api/v1/demands                                                            anonymous
        GET     /api/v1/demands/{id:guid}                                                  anonymous
        POST    /api/v1/demands                                                            SignedIn
        PUT     /api/v1/demands/{id:guid}                                                  SignedIn
        POST    /api/v1/demands/{id:guid}/submit                                           SignedIn
        POST    /api/v1/demands/{id:guid}/approve                                          SignedIn
        POST    /api/v1/demands/{id:guid}/reject                                           SignedIn
        POST    /api/v1/demands/{id:guid}/renew                                            SignedIn
        POST    /api/v1/demands/{id:guid}/close                                            SignedIn
        POST    /api/v1/demands/{id:guid}/access-requests                                  SignedIn
        GET     /api/v1/demands/{id:guid}/access-requests                                  SignedIn
        POST    /api/v1/demands/{id:guid}/access-requests/{requestId:guid}/approve         SignedIn
        POST    /api/v1/demands/{id:guid}/access-requests/{requestId:guid}/refuse          SignedIn
        # showcase (branch showcase): the results and demands on show at a matchmaking event; the list is public for a visible event, writes are the organiser's (checked in EventExhibitService)
        GET     /api/v1/market-events/{id:guid}/exhibits                                   anonymous
        POST    /api/v1/market-events/{id:guid}/exhibits                                   SignedIn
        DELETE  /api/v1/market-events/{id:guid}/exhibits/{exhibitId:guid}                  SignedIn
        # matching (branch matching, issue 17 point 3): matches of a live record are public (the market's purpose); reactions and the owner's interest are checked in MatchReactions
        PAGE    /Market/Achievements/{id:guid}/Matches                                     anonymous
        PAGE    /Market/Demands/{id:guid}/Matches                                          anonymous
        GET     /api/v1/achievements/{id:guid}/matches                                     anonymous
        GET     /api/v1/demands/{id:guid}/matches                                          anonymous
        GET     /api/v1/demands/{id:guid}/helpers                                          anonymous
        POST    /api/v1/match-reactions                                                    SignedIn
        GET     /api/v1/achievements/{id:guid}/interest                                    SignedIn
        GET     /api/v1/demands/{id:guid}/interest                                         SignedIn
        """;

    public static IReadOnlyList<RouteAccessEntry> Entries { get; } = [.. Text.Split('\n')
        .Select(line => line.Trim())
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var kind, var route, var access]
            ? new RouteAccessEntry(kind, route, access)
            : throw new FormatException($"route-access table: \"{line}\" is not \"KIND ROUTE  ACCESS\""))];
}
