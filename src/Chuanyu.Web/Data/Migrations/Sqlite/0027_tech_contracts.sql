-- 0027 technology contract registration (技术合同登记, issue 17 point 6): the registered contracts (amounts in fen, dates as
-- yyyy-MM-dd text, instants as UTC ticks), the contract file apart so lists never read its bytes, and the two monthly
-- aggregates the public statistics read (kept in the same transaction as each registration, correction and revocation).
-- achievement_id and deal_id carry no foreign key yet: those tables come from branches built in parallel.

CREATE TABLE "tech_contracts" (
    "id" TEXT NOT NULL CONSTRAINT "pk_tech_contracts" PRIMARY KEY,
    "registration_number" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "seller_name" TEXT NOT NULL,
    "seller_credit_code" TEXT NOT NULL,
    "seller_region" TEXT NOT NULL,
    "seller_type" TEXT NOT NULL,
    "seller_organization_id" TEXT NULL,
    "buyer_name" TEXT NOT NULL,
    "buyer_credit_code" TEXT NULL,
    "buyer_region" TEXT NOT NULL,
    "buyer_type" TEXT NOT NULL,
    "buyer_organization_id" TEXT NULL,
    "contract_amount_fen" INTEGER NOT NULL,
    "transaction_amount_fen" INTEGER NOT NULL,
    "signed_on" TEXT NOT NULL,
    "starts_on" TEXT NOT NULL,
    "ends_on" TEXT NOT NULL,
    "registered_on" TEXT NOT NULL,
    "registered_month" INTEGER NOT NULL,
    "field" TEXT NOT NULL,
    "field_group" TEXT NOT NULL,
    "achievement_id" TEXT NULL,
    "deal_id" TEXT NULL,
    "status" TEXT NOT NULL,
    "revoked_reason" TEXT NULL,
    "revoked_at" INTEGER NULL,
    "file_name" TEXT NULL,
    "file_size" INTEGER NULL,
    "synthetic" INTEGER NOT NULL,
    "created_by" TEXT NULL,
    "created_at" INTEGER NOT NULL,
    "updated_at" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "ck_tech_contracts_amounts" CHECK (contract_amount_fen > 0 AND transaction_amount_fen >= 0 AND transaction_amount_fen <= contract_amount_fen),
    CONSTRAINT "ck_tech_contracts_dates" CHECK (ends_on >= starts_on),
    CONSTRAINT "fk_tech_contracts_organizations_seller_organization_id" FOREIGN KEY ("seller_organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_tech_contracts_organizations_buyer_organization_id" FOREIGN KEY ("buyer_organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "ix_tech_contracts_registration_number" ON "tech_contracts" ("registration_number");
CREATE INDEX "ix_tech_contracts_seller_region_registered_on" ON "tech_contracts" ("seller_region", "registered_on");
CREATE INDEX "ix_tech_contracts_buyer_region_registered_on" ON "tech_contracts" ("buyer_region", "registered_on");
CREATE INDEX "ix_tech_contracts_seller_organization_id" ON "tech_contracts" ("seller_organization_id");
CREATE INDEX "ix_tech_contracts_buyer_organization_id" ON "tech_contracts" ("buyer_organization_id");

CREATE TABLE "tech_contract_files" (
    "contract_id" TEXT NOT NULL CONSTRAINT "pk_tech_contract_files" PRIMARY KEY,
    "content" BLOB NOT NULL,
    "uploaded_by" TEXT NULL,
    "uploaded_at" INTEGER NOT NULL,
    CONSTRAINT "fk_tech_contract_files_tech_contracts_contract_id" FOREIGN KEY ("contract_id") REFERENCES "tech_contracts" ("id") ON DELETE CASCADE
);

CREATE TABLE "tech_contract_flow_stats" (
    "month" INTEGER NOT NULL,
    "seller_region" TEXT NOT NULL,
    "buyer_region" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "contracts" INTEGER NOT NULL,
    "contract_fen" INTEGER NOT NULL,
    "transaction_fen" INTEGER NOT NULL,
    CONSTRAINT "pk_tech_contract_flow_stats" PRIMARY KEY ("month", "seller_region", "buyer_region", "type")
);

CREATE TABLE "tech_contract_profile_stats" (
    "month" INTEGER NOT NULL,
    "seller_region" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "seller_type" TEXT NOT NULL,
    "field_group" TEXT NOT NULL,
    "contracts" INTEGER NOT NULL,
    "contract_fen" INTEGER NOT NULL,
    "transaction_fen" INTEGER NOT NULL,
    CONSTRAINT "pk_tech_contract_profile_stats" PRIMARY KEY ("month", "seller_region", "type", "seller_type", "field_group")
);
