-- 0020 The annual evaluation counts voucher-paid services (issue 15 §9): per instrument and per organisation, the uses
-- of the year paid in part with an innovation voucher and the subsidy they received. Runs computed before this
-- migration hold zero.

ALTER TABLE "evaluation_results" ADD COLUMN "voucher_services" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "evaluation_results" ADD COLUMN "voucher_subsidy_fen" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "evaluation_organization_results" ADD COLUMN "voucher_services" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "evaluation_organization_results" ADD COLUMN "voucher_subsidy_fen" INTEGER NOT NULL DEFAULT 0;
