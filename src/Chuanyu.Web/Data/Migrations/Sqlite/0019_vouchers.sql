-- 0019 Innovation vouchers (科技创新券 通用通兑, docs/vouchers-design.md §2): programmes and their ratio rules, providers,
-- applications, vouchers, the holders' annual quotas, redemptions with their proofs, the double-entry ledger (accounts,
-- transactions, entries; identity keys), payout batches and the quarterly settlements between the regions. Money is
-- integer fen. What must never break is refused by the engine on both engines: a negative balance or quota, a quota
-- above its cap, an invoice redeemed twice at one provider, a second live redemption of one use, a zero leg.
-- Bookings and service orders gain the refund they did not have (the use stays completed: it happened).

ALTER TABLE "bookings" ADD COLUMN "refunded_at" INTEGER NULL;

ALTER TABLE "bookings" ADD COLUMN "refund_note" TEXT NULL;

ALTER TABLE "service_orders" ADD COLUMN "refunded_at" INTEGER NULL;

ALTER TABLE "service_orders" ADD COLUMN "refund_note" TEXT NULL;

CREATE TABLE "voucher_ledger_transactions" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_voucher_ledger_transactions" PRIMARY KEY AUTOINCREMENT,
    "programme_id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "redemption_id" TEXT NULL,
    "voucher_id" TEXT NULL,
    "payout_batch_id" TEXT NULL,
    "posted_at" INTEGER NOT NULL,
    "actor_id" TEXT NULL,
    "note" TEXT NULL
);

CREATE TABLE "voucher_payout_batches" (
    "id" TEXT NOT NULL CONSTRAINT "pk_voucher_payout_batches" PRIMARY KEY,
    "number" TEXT NOT NULL,
    "issuing_region_code" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "total_fen" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "file_sha256" TEXT NULL,
    "signature" TEXT NULL,
    "bank_reference" TEXT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "exported_by" TEXT NULL,
    "exported_at" INTEGER NULL,
    "paid_by" TEXT NULL,
    "paid_at" INTEGER NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "ck_voucher_payout_batches_amounts" CHECK (total_fen >= 0 AND count >= 0)
);

CREATE TABLE "voucher_settlements" (
    "id" TEXT NOT NULL CONSTRAINT "pk_voucher_settlements" PRIMARY KEY,
    "quarter" INTEGER NOT NULL,
    "issuing_region_code" TEXT NOT NULL,
    "provider_region_code" TEXT NOT NULL,
    "redeemed_fen" INTEGER NOT NULL,
    "approved_fen" INTEGER NOT NULL,
    "paid_fen" INTEGER NOT NULL,
    "reversed_fen" INTEGER NOT NULL,
    "outstanding_fen" INTEGER NOT NULL,
    "redemptions" INTEGER NOT NULL,
    "file_sha256" TEXT NULL,
    "signature" TEXT NULL,
    "issuer_confirmed_by" TEXT NULL,
    "issuer_confirmed_at" INTEGER NULL,
    "provider_confirmed_by" TEXT NULL,
    "provider_confirmed_at" INTEGER NULL,
    "status" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "ck_voucher_settlements_amounts" CHECK (redeemed_fen >= 0 AND approved_fen >= 0 AND paid_fen >= 0 AND reversed_fen >= 0 AND outstanding_fen >= 0 AND redemptions >= 0)
);

CREATE TABLE "voucher_programmes" (
    "id" TEXT NOT NULL CONSTRAINT "pk_voucher_programmes" PRIMARY KEY,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "issuing_region_code" TEXT NOT NULL,
    "issuer_division_code" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "mode" TEXT NOT NULL,
    "budget_fen" INTEGER NOT NULL,
    "face_values" TEXT NOT NULL,
    "ratio_num" INTEGER NOT NULL,
    "ratio_den" INTEGER NOT NULL,
    "per_claim_cap_fen" INTEGER NULL,
    "annual_cap_fen" INTEGER NULL,
    "vouchers_per_enterprise" INTEGER NOT NULL,
    "categories" INTEGER NOT NULL,
    "allow_other_region" INTEGER NOT NULL,
    "allocation" TEXT NOT NULL,
    "lottery_seed" TEXT NULL,
    "lottery_drawn_at" INTEGER NULL,
    "apply_from" TEXT NOT NULL,
    "apply_until" TEXT NOT NULL,
    "use_until" TEXT NOT NULL,
    "redeem_until" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "synthetic" INTEGER NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_voucher_programmes_regions_issuing_region_code" FOREIGN KEY ("issuing_region_code") REFERENCES "regions" ("code") ON DELETE RESTRICT,
    CONSTRAINT "ck_voucher_programmes_budget" CHECK (budget_fen >= 0),
    CONSTRAINT "ck_voucher_programmes_ratio" CHECK (ratio_num > 0 AND ratio_num <= ratio_den),
    CONSTRAINT "ck_voucher_programmes_deadlines" CHECK (redeem_until >= use_until AND use_until >= apply_until AND apply_until >= apply_from),
    CONSTRAINT "ck_voucher_programmes_caps" CHECK ((per_claim_cap_fen IS NULL OR per_claim_cap_fen > 0) AND (annual_cap_fen IS NULL OR annual_cap_fen > 0)),
    CONSTRAINT "ck_voucher_programmes_count" CHECK (vouchers_per_enterprise >= 1)
);

CREATE TABLE "voucher_settlement_files" (
    "settlement_id" TEXT NOT NULL CONSTRAINT "pk_voucher_settlement_files" PRIMARY KEY,
    "file_name" TEXT NOT NULL,
    "content" BLOB NOT NULL,
    CONSTRAINT "fk_voucher_settlement_files_voucher_settlements_settlement_id" FOREIGN KEY ("settlement_id") REFERENCES "voucher_settlements" ("id") ON DELETE CASCADE
);

CREATE TABLE "voucher_ratio_rules" (
    "id" TEXT NOT NULL CONSTRAINT "pk_voucher_ratio_rules" PRIMARY KEY,
    "programme_id" TEXT NOT NULL,
    "condition" TEXT NOT NULL,
    "ratio_num" INTEGER NOT NULL,
    "ratio_den" INTEGER NOT NULL,
    CONSTRAINT "fk_voucher_ratio_rules_voucher_programmes_programme_id" FOREIGN KEY ("programme_id") REFERENCES "voucher_programmes" ("id") ON DELETE CASCADE,
    CONSTRAINT "ck_voucher_ratio_rules_ratio" CHECK (ratio_num > 0 AND ratio_num <= ratio_den)
);

CREATE TABLE "voucher_applications" (
    "id" TEXT NOT NULL CONSTRAINT "pk_voucher_applications" PRIMARY KEY,
    "programme_id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "applicant_id" TEXT NOT NULL,
    "face_values" TEXT NOT NULL,
    "network_member" INTEGER NOT NULL,
    "network_member_confirmed" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "lottery_rank" INTEGER NULL,
    "reason" TEXT NULL,
    "created_at" INTEGER NOT NULL,
    "decided_by" TEXT NULL,
    "decided_at" INTEGER NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_voucher_applications_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_voucher_applications_voucher_programmes_programme_id" FOREIGN KEY ("programme_id") REFERENCES "voucher_programmes" ("id") ON DELETE RESTRICT
);

CREATE TABLE "voucher_holder_quotas" (
    "programme_id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "cap_fen" INTEGER NULL,
    "used_fen" INTEGER NOT NULL,
    CONSTRAINT "pk_voucher_holder_quotas" PRIMARY KEY ("programme_id", "organization_id"),
    CONSTRAINT "fk_voucher_holder_quotas_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_voucher_holder_quotas_voucher_programmes_programme_id" FOREIGN KEY ("programme_id") REFERENCES "voucher_programmes" ("id") ON DELETE RESTRICT,
    CONSTRAINT "ck_voucher_holder_quotas_used" CHECK (used_fen >= 0 AND (cap_fen IS NULL OR used_fen <= cap_fen))
);

CREATE TABLE "voucher_providers" (
    "id" TEXT NOT NULL CONSTRAINT "pk_voucher_providers" PRIMARY KEY,
    "organization_id" TEXT NOT NULL,
    "region_code" TEXT NOT NULL,
    "categories" INTEGER NOT NULL,
    "services" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "decided_by" TEXT NULL,
    "decided_at" INTEGER NULL,
    "note" TEXT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_voucher_providers_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT
);

CREATE TABLE "vouchers" (
    "id" TEXT NOT NULL CONSTRAINT "pk_vouchers" PRIMARY KEY,
    "code" TEXT NOT NULL,
    "programme_id" TEXT NOT NULL,
    "application_id" TEXT NULL,
    "holder_organization_id" TEXT NOT NULL,
    "face_value_fen" INTEGER NOT NULL,
    "ratio_num" INTEGER NOT NULL,
    "ratio_den" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "issued_at" INTEGER NOT NULL,
    "use_until" TEXT NOT NULL,
    "closed_at" INTEGER NULL,
    CONSTRAINT "fk_vouchers_organizations_holder_organization_id" FOREIGN KEY ("holder_organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_vouchers_voucher_applications_application_id" FOREIGN KEY ("application_id") REFERENCES "voucher_applications" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_vouchers_voucher_programmes_programme_id" FOREIGN KEY ("programme_id") REFERENCES "voucher_programmes" ("id") ON DELETE RESTRICT,
    CONSTRAINT "ck_vouchers_face_value" CHECK (face_value_fen > 0),
    CONSTRAINT "ck_vouchers_ratio" CHECK (ratio_num > 0 AND ratio_num <= ratio_den)
);

CREATE TABLE "voucher_ledger_accounts" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_voucher_ledger_accounts" PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "programme_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "voucher_id" TEXT NULL,
    "payee_organization_id" TEXT NULL,
    "normal_sign" INTEGER NOT NULL,
    "balance_fen" INTEGER NOT NULL,
    CONSTRAINT "fk_voucher_ledger_accounts_voucher_programmes_programme_id" FOREIGN KEY ("programme_id") REFERENCES "voucher_programmes" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_voucher_ledger_accounts_vouchers_voucher_id" FOREIGN KEY ("voucher_id") REFERENCES "vouchers" ("id") ON DELETE RESTRICT,
    CONSTRAINT "ck_voucher_ledger_accounts_balance" CHECK (balance_fen >= 0),
    CONSTRAINT "ck_voucher_ledger_accounts_normal_sign" CHECK (normal_sign IN (-1, 1))
);

CREATE TABLE "voucher_redemptions" (
    "id" TEXT NOT NULL CONSTRAINT "pk_voucher_redemptions" PRIMARY KEY,
    "number" TEXT NOT NULL,
    "voucher_id" TEXT NOT NULL,
    "programme_id" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "holder_organization_id" TEXT NOT NULL,
    "provider_organization_id" TEXT NOT NULL,
    "payee_organization_id" TEXT NOT NULL,
    "issuing_region_code" TEXT NOT NULL,
    "provider_region_code" TEXT NOT NULL,
    "use_kind" TEXT NOT NULL,
    "booking_id" TEXT NULL,
    "service_order_id" TEXT NULL,
    "resource_id" TEXT NOT NULL,
    "fee_fen" INTEGER NOT NULL,
    "eligible_fee_fen" INTEGER NOT NULL,
    "ratio_num" INTEGER NOT NULL,
    "ratio_den" INTEGER NOT NULL,
    "ratio_rule" TEXT NOT NULL,
    "science_project_no" TEXT NULL,
    "subsidy_fen" INTEGER NOT NULL,
    "approved_fen" INTEGER NULL,
    "share_fen" INTEGER NOT NULL,
    "invoice_number" TEXT NULL,
    "proof_sha256" TEXT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "submitted_by" TEXT NULL,
    "submitted_at" INTEGER NULL,
    "decided_by" TEXT NULL,
    "decided_at" INTEGER NULL,
    "paid_by" TEXT NULL,
    "paid_at" INTEGER NULL,
    "payout_batch_id" TEXT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_voucher_redemptions_bookings_booking_id" FOREIGN KEY ("booking_id") REFERENCES "bookings" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_voucher_redemptions_organizations_holder_organization_id" FOREIGN KEY ("holder_organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_voucher_redemptions_organizations_provider_organization_id" FOREIGN KEY ("provider_organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_voucher_redemptions_resources_resource_id" FOREIGN KEY ("resource_id") REFERENCES "resources" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_voucher_redemptions_service_orders_service_order_id" FOREIGN KEY ("service_order_id") REFERENCES "service_orders" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_voucher_redemptions_voucher_programmes_programme_id" FOREIGN KEY ("programme_id") REFERENCES "voucher_programmes" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_voucher_redemptions_vouchers_voucher_id" FOREIGN KEY ("voucher_id") REFERENCES "vouchers" ("id") ON DELETE RESTRICT,
    CONSTRAINT "ck_voucher_redemptions_fee" CHECK (fee_fen > 0),
    CONSTRAINT "ck_voucher_redemptions_eligible_fee" CHECK (eligible_fee_fen > 0 AND eligible_fee_fen <= fee_fen),
    CONSTRAINT "ck_voucher_redemptions_subsidy" CHECK (subsidy_fen > 0 AND subsidy_fen <= eligible_fee_fen),
    CONSTRAINT "ck_voucher_redemptions_approved" CHECK (approved_fen IS NULL OR (approved_fen > 0 AND approved_fen <= subsidy_fen)),
    CONSTRAINT "ck_voucher_redemptions_share" CHECK (share_fen >= 0 AND share_fen = fee_fen - subsidy_fen),
    CONSTRAINT "ck_voucher_redemptions_ratio" CHECK (ratio_num > 0 AND ratio_num <= ratio_den),
    CONSTRAINT "ck_voucher_redemptions_use" CHECK ((use_kind = 'Booking' AND booking_id IS NOT NULL AND service_order_id IS NULL) OR (use_kind = 'ServiceOrder' AND service_order_id IS NOT NULL AND booking_id IS NULL) OR (use_kind = 'Synthetic' AND booking_id IS NULL AND service_order_id IS NULL))
);

CREATE TABLE "voucher_ledger_entries" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_voucher_ledger_entries" PRIMARY KEY AUTOINCREMENT,
    "transaction_id" INTEGER NOT NULL,
    "account_id" INTEGER NOT NULL,
    "amount_fen" INTEGER NOT NULL,
    "account_kind" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "programme_id" TEXT NOT NULL,
    "issuing_region_code" TEXT NOT NULL,
    "provider_region_code" TEXT NULL,
    "redemption_id" TEXT NULL,
    "quarter" INTEGER NOT NULL,
    "posted_at" INTEGER NOT NULL,
    CONSTRAINT "fk_voucher_ledger_entries_transaction_id" FOREIGN KEY ("transaction_id") REFERENCES "voucher_ledger_transactions" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_voucher_ledger_entries_voucher_ledger_accounts_account_id" FOREIGN KEY ("account_id") REFERENCES "voucher_ledger_accounts" ("id") ON DELETE RESTRICT,
    CONSTRAINT "ck_voucher_ledger_entries_amount" CHECK (amount_fen <> 0)
);

CREATE TABLE "voucher_payout_items" (
    "batch_id" TEXT NOT NULL,
    "redemption_id" TEXT NOT NULL,
    CONSTRAINT "pk_voucher_payout_items" PRIMARY KEY ("batch_id", "redemption_id"),
    CONSTRAINT "fk_voucher_payout_items_voucher_payout_batches_batch_id" FOREIGN KEY ("batch_id") REFERENCES "voucher_payout_batches" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_voucher_payout_items_voucher_redemptions_redemption_id" FOREIGN KEY ("redemption_id") REFERENCES "voucher_redemptions" ("id") ON DELETE RESTRICT
);

CREATE TABLE "voucher_redemption_proofs" (
    "redemption_id" TEXT NOT NULL CONSTRAINT "pk_voucher_redemption_proofs" PRIMARY KEY,
    "file_name" TEXT NOT NULL,
    "content" BLOB NOT NULL,
    "uploaded_by" TEXT NOT NULL,
    "uploaded_at" INTEGER NOT NULL,
    CONSTRAINT "fk_voucher_redemption_proofs_voucher_redemptions_redemption_id" FOREIGN KEY ("redemption_id") REFERENCES "voucher_redemptions" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "ix_voucher_applications_live" ON "voucher_applications" ("programme_id", "organization_id") WHERE status NOT IN ('Rejected', 'Withdrawn', 'NotDrawn');

CREATE INDEX "ix_voucher_applications_organization_id" ON "voucher_applications" ("organization_id");

CREATE INDEX "ix_voucher_holder_quotas_organization_id" ON "voucher_holder_quotas" ("organization_id");

CREATE UNIQUE INDEX "ix_voucher_ledger_accounts_key" ON "voucher_ledger_accounts" ("key");

CREATE INDEX "ix_voucher_ledger_accounts_programme_id" ON "voucher_ledger_accounts" ("programme_id");

CREATE INDEX "ix_voucher_ledger_accounts_voucher_id" ON "voucher_ledger_accounts" ("voucher_id");

CREATE INDEX "ix_voucher_ledger_entries_account_id_id" ON "voucher_ledger_entries" ("account_id", "id");

CREATE INDEX "ix_voucher_ledger_entries_drill_down" ON "voucher_ledger_entries" ("quarter", "issuing_region_code", "provider_region_code", "redemption_id");

CREATE INDEX "ix_voucher_ledger_entries_settlement" ON "voucher_ledger_entries" ("quarter", "issuing_region_code", "provider_region_code", "account_kind", "event", "amount_fen");

CREATE INDEX "ix_voucher_ledger_entries_transaction_id" ON "voucher_ledger_entries" ("transaction_id");

CREATE INDEX "ix_voucher_ledger_transactions_programme_id" ON "voucher_ledger_transactions" ("programme_id");

CREATE INDEX "ix_voucher_ledger_transactions_redemption_id" ON "voucher_ledger_transactions" ("redemption_id");

CREATE INDEX "ix_voucher_payout_batches_issuing_region_code_status" ON "voucher_payout_batches" ("issuing_region_code", "status");

CREATE UNIQUE INDEX "ix_voucher_payout_batches_number" ON "voucher_payout_batches" ("number");

CREATE UNIQUE INDEX "ix_voucher_payout_items_redemption_id" ON "voucher_payout_items" ("redemption_id");

CREATE UNIQUE INDEX "ix_voucher_programmes_code" ON "voucher_programmes" ("code");

CREATE INDEX "ix_voucher_programmes_issuing_region_code_year" ON "voucher_programmes" ("issuing_region_code", "year");

CREATE UNIQUE INDEX "ix_voucher_providers_organization_id" ON "voucher_providers" ("organization_id");

CREATE INDEX "ix_voucher_providers_region_code_status" ON "voucher_providers" ("region_code", "status");

CREATE UNIQUE INDEX "ix_voucher_ratio_rules_programme_id_condition" ON "voucher_ratio_rules" ("programme_id", "condition");

CREATE INDEX "ix_voucher_redemptions_holder_organization_id_created_at" ON "voucher_redemptions" ("holder_organization_id", "created_at");

CREATE INDEX "ix_voucher_redemptions_issuing_region_code_status_submitted_at" ON "voucher_redemptions" ("issuing_region_code", "status", "submitted_at");

CREATE UNIQUE INDEX "ix_voucher_redemptions_live_booking" ON "voucher_redemptions" ("booking_id") WHERE status IN ('Reserved', 'Submitted', 'Approved', 'Paid');

CREATE UNIQUE INDEX "ix_voucher_redemptions_live_service_order" ON "voucher_redemptions" ("service_order_id") WHERE status IN ('Reserved', 'Submitted', 'Approved', 'Paid');

CREATE UNIQUE INDEX "ix_voucher_redemptions_number" ON "voucher_redemptions" ("number");

CREATE INDEX "ix_voucher_redemptions_programme_id" ON "voucher_redemptions" ("programme_id");

CREATE INDEX "ix_voucher_redemptions_provider_organization_id_created_at" ON "voucher_redemptions" ("provider_organization_id", "created_at");

CREATE UNIQUE INDEX "ix_voucher_redemptions_provider_organization_id_invoice_number" ON "voucher_redemptions" ("provider_organization_id", "invoice_number");

CREATE INDEX "ix_voucher_redemptions_resource_id" ON "voucher_redemptions" ("resource_id");

CREATE INDEX "ix_voucher_redemptions_voucher_id" ON "voucher_redemptions" ("voucher_id");

CREATE UNIQUE INDEX "ix_voucher_settlements_pair" ON "voucher_settlements" ("quarter", "issuing_region_code", "provider_region_code");

CREATE INDEX "ix_vouchers_application_id" ON "vouchers" ("application_id");

CREATE UNIQUE INDEX "ix_vouchers_code" ON "vouchers" ("code");

CREATE INDEX "ix_vouchers_holder_organization_id_status" ON "vouchers" ("holder_organization_id", "status");

CREATE INDEX "ix_vouchers_programme_id" ON "vouchers" ("programme_id");

CREATE INDEX "ix_vouchers_status_use_until" ON "vouchers" ("status", "use_until");
