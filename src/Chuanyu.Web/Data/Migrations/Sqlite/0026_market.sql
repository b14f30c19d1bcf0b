-- 0026 the technology market's two lists (issue 17 points 1 and 2): research results (科技成果) and technology demands
-- (技术需求) with their lifecycle (draft, pending review, published, expired, closed), codes as space-separated text,
-- transfer modes as an integer mask, prices and budgets in whole yuan; the demands' access requests (confidential
-- details) and the results' attachments (PDF, images) in tables of their own. Dates as yyyy-MM-dd text, instants as UTC ticks.

CREATE TABLE "achievements" (
    "id" TEXT NOT NULL CONSTRAINT "pk_achievements" PRIMARY KEY,
    "organization_id" TEXT NOT NULL,
    "region_code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "discipline_codes" TEXT NOT NULL,
    "industry_codes" TEXT NOT NULL,
    "keywords" TEXT NOT NULL,
    "trl" INTEGER NOT NULL,
    "stage" TEXT NOT NULL,
    "modes" INTEGER NOT NULL,
    "price_min_yuan" INTEGER NULL,
    "price_max_yuan" INTEGER NULL,
    "negotiable" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "expires_at" INTEGER NULL,
    "submitted_at" INTEGER NULL,
    "published_at" INTEGER NULL,
    "review_note" TEXT NULL,
    "close_reason" TEXT NULL,
    "closed_at" INTEGER NULL,
    "synthetic" INTEGER NOT NULL,
    "created_by" TEXT NULL,
    "created_at" INTEGER NOT NULL,
    "updated_at" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "patent_numbers" TEXT NOT NULL,
    "inventors" TEXT NOT NULL,
    CONSTRAINT "fk_achievements_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT
);

CREATE INDEX "ix_achievements_organization_id_status" ON "achievements" ("organization_id", "status");
CREATE INDEX "ix_achievements_status_expires_at" ON "achievements" ("status", "expires_at");

CREATE TABLE "demands" (
    "id" TEXT NOT NULL CONSTRAINT "pk_demands" PRIMARY KEY,
    "organization_id" TEXT NOT NULL,
    "region_code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "discipline_codes" TEXT NOT NULL,
    "industry_codes" TEXT NOT NULL,
    "keywords" TEXT NOT NULL,
    "trl" INTEGER NOT NULL,
    "stage" TEXT NOT NULL,
    "modes" INTEGER NOT NULL,
    "price_min_yuan" INTEGER NULL,
    "price_max_yuan" INTEGER NULL,
    "negotiable" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "expires_at" INTEGER NULL,
    "submitted_at" INTEGER NULL,
    "published_at" INTEGER NULL,
    "review_note" TEXT NULL,
    "close_reason" TEXT NULL,
    "closed_at" INTEGER NULL,
    "synthetic" INTEGER NOT NULL,
    "created_by" TEXT NULL,
    "created_at" INTEGER NOT NULL,
    "updated_at" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "details" TEXT NOT NULL,
    "confidential" INTEGER NOT NULL,
    "deadline" TEXT NOT NULL,
    CONSTRAINT "fk_demands_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT
);

CREATE INDEX "ix_demands_organization_id_status" ON "demands" ("organization_id", "status");
CREATE INDEX "ix_demands_status_expires_at" ON "demands" ("status", "expires_at");

CREATE TABLE "demand_access_requests" (
    "id" TEXT NOT NULL CONSTRAINT "pk_demand_access_requests" PRIMARY KEY,
    "demand_id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requested_by" TEXT NULL,
    "requested_at" INTEGER NOT NULL,
    "decided_by" TEXT NULL,
    "decided_at" INTEGER NULL,
    CONSTRAINT "fk_demand_access_requests_demands_demand_id" FOREIGN KEY ("demand_id") REFERENCES "demands" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_demand_access_requests_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT
);

CREATE UNIQUE INDEX "ix_demand_access_requests_demand_id_organization_id" ON "demand_access_requests" ("demand_id", "organization_id");
CREATE INDEX "ix_demand_access_requests_organization_id" ON "demand_access_requests" ("organization_id");

CREATE TABLE "achievement_attachments" (
    "id" TEXT NOT NULL CONSTRAINT "pk_achievement_attachments" PRIMARY KEY,
    "achievement_id" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "content" BLOB NOT NULL,
    "uploaded_by" TEXT NULL,
    "uploaded_at" INTEGER NOT NULL,
    CONSTRAINT "fk_achievement_attachments_achievements_achievement_id" FOREIGN KEY ("achievement_id") REFERENCES "achievements" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_achievement_attachments_achievement_id" ON "achievement_attachments" ("achievement_id");
