-- 0030 technology managers and the deal pipeline (技术经理人, 交易撮合, issue 17 point 4): the managers' profiles (phone
-- encrypted), the deals with their stage changes, notes and documents; and the foreign keys the contracts table has waited
-- for (tech_contracts.achievement_id → achievements, deal_id → deals). SQLite cannot add a foreign key to a table: it is
-- rebuilt as 0016 did (the runner applies scripts with foreign keys off and checks them after).

CREATE TABLE "tech_manager_profiles" (
    "id" TEXT NOT NULL CONSTRAINT "pk_tech_manager_profiles" PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "region_code" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "certificate_number" TEXT NOT NULL,
    "certificate_issued_on" TEXT NOT NULL,
    "disciplines" TEXT NOT NULL,
    "phone_protected" TEXT NULL,
    "phone_masked" TEXT NULL,
    "status" TEXT NOT NULL,
    "review_note" TEXT NULL,
    "reviewed_by" TEXT NULL,
    "reviewed_at" INTEGER NULL,
    "synthetic" INTEGER NOT NULL,
    "created_at" INTEGER NOT NULL,
    "updated_at" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_tech_manager_profiles_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "ix_tech_manager_profiles_user_id" ON "tech_manager_profiles" ("user_id");
CREATE INDEX "ix_tech_manager_profiles_region_code_status" ON "tech_manager_profiles" ("region_code", "status");
CREATE INDEX "ix_tech_manager_profiles_organization_id" ON "tech_manager_profiles" ("organization_id");

CREATE TABLE "deals" (
    "id" TEXT NOT NULL CONSTRAINT "pk_deals" PRIMARY KEY,
    "title" TEXT NOT NULL,
    "manager_id" TEXT NOT NULL,
    "manager_user_id" TEXT NOT NULL,
    "manager_region" TEXT NOT NULL,
    "achievement_id" TEXT NULL,
    "achievement_title" TEXT NULL,
    "seller_organization_id" TEXT NULL,
    "seller_region" TEXT NULL,
    "demand_id" TEXT NULL,
    "demand_title" TEXT NULL,
    "buyer_organization_id" TEXT NULL,
    "buyer_region" TEXT NULL,
    "source" TEXT NOT NULL,
    "source_ref" TEXT NULL,
    "stage" TEXT NOT NULL,
    "stage_changed_at" INTEGER NOT NULL,
    "signed_at" INTEGER NULL,
    "close_reason" TEXT NULL,
    "close_note" TEXT NULL,
    "contract_id" TEXT NULL,
    "synthetic" INTEGER NOT NULL,
    "created_at" INTEGER NOT NULL,
    "updated_at" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_deals_tech_manager_profiles_manager_id" FOREIGN KEY ("manager_id") REFERENCES "tech_manager_profiles" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_deals_achievements_achievement_id" FOREIGN KEY ("achievement_id") REFERENCES "achievements" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_deals_demands_demand_id" FOREIGN KEY ("demand_id") REFERENCES "demands" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_deals_tech_contracts_contract_id" FOREIGN KEY ("contract_id") REFERENCES "tech_contracts" ("id") ON DELETE RESTRICT
);

CREATE INDEX "ix_deals_manager_id" ON "deals" ("manager_id");
CREATE INDEX "ix_deals_manager_user_id_stage" ON "deals" ("manager_user_id", "stage");
CREATE INDEX "ix_deals_seller_organization_id" ON "deals" ("seller_organization_id");
CREATE INDEX "ix_deals_buyer_organization_id" ON "deals" ("buyer_organization_id");
CREATE INDEX "ix_deals_achievement_id" ON "deals" ("achievement_id");
CREATE INDEX "ix_deals_demand_id" ON "deals" ("demand_id");
CREATE INDEX "ix_deals_contract_id" ON "deals" ("contract_id");

CREATE TABLE "deal_stage_changes" (
    "id" TEXT NOT NULL CONSTRAINT "pk_deal_stage_changes" PRIMARY KEY,
    "deal_id" TEXT NOT NULL,
    "from_stage" TEXT NULL,
    "to_stage" TEXT NOT NULL,
    "by_user_id" TEXT NULL,
    "at" INTEGER NOT NULL,
    CONSTRAINT "fk_deal_stage_changes_deals_deal_id" FOREIGN KEY ("deal_id") REFERENCES "deals" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_deal_stage_changes_deal_id" ON "deal_stage_changes" ("deal_id");

CREATE TABLE "deal_notes" (
    "id" TEXT NOT NULL CONSTRAINT "pk_deal_notes" PRIMARY KEY,
    "deal_id" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "author_user_id" TEXT NULL,
    "created_at" INTEGER NOT NULL,
    CONSTRAINT "fk_deal_notes_deals_deal_id" FOREIGN KEY ("deal_id") REFERENCES "deals" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_deal_notes_deal_id" ON "deal_notes" ("deal_id");

CREATE TABLE "deal_documents" (
    "id" TEXT NOT NULL CONSTRAINT "pk_deal_documents" PRIMARY KEY,
    "deal_id" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "content" BLOB NOT NULL,
    "uploaded_by" TEXT NULL,
    "uploaded_at" INTEGER NOT NULL,
    CONSTRAINT "fk_deal_documents_deals_deal_id" FOREIGN KEY ("deal_id") REFERENCES "deals" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_deal_documents_deal_id" ON "deal_documents" ("deal_id");

-- tech_contracts rebuilt with the two foreign keys (columns and data unchanged).
CREATE TABLE "tech_contracts_new" (
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
    CONSTRAINT "fk_tech_contracts_organizations_buyer_organization_id" FOREIGN KEY ("buyer_organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_tech_contracts_achievements_achievement_id" FOREIGN KEY ("achievement_id") REFERENCES "achievements" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_tech_contracts_deals_deal_id" FOREIGN KEY ("deal_id") REFERENCES "deals" ("id") ON DELETE RESTRICT
);

INSERT INTO "tech_contracts_new" SELECT * FROM "tech_contracts";

DROP TABLE "tech_contracts";

ALTER TABLE "tech_contracts_new" RENAME TO "tech_contracts";

CREATE UNIQUE INDEX "ix_tech_contracts_registration_number" ON "tech_contracts" ("registration_number");
CREATE INDEX "ix_tech_contracts_seller_region_registered_on" ON "tech_contracts" ("seller_region", "registered_on");
CREATE INDEX "ix_tech_contracts_buyer_region_registered_on" ON "tech_contracts" ("buyer_region", "registered_on");
CREATE INDEX "ix_tech_contracts_seller_organization_id" ON "tech_contracts" ("seller_organization_id");
CREATE INDEX "ix_tech_contracts_buyer_organization_id" ON "tech_contracts" ("buyer_organization_id");
CREATE INDEX "ix_tech_contracts_achievement_id" ON "tech_contracts" ("achievement_id");
CREATE INDEX "ix_tech_contracts_deal_id" ON "tech_contracts" ("deal_id");
