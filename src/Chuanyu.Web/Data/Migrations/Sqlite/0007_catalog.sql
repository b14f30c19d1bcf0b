-- 0007 The resource catalogue (科技资源目录): one record per resource of any kind with the instrument fields, its
-- fee schedule by user type and its certifications (CMA, CNAS). Money in fen. The search index arrives separately.

CREATE TABLE "resources" (
    "id" TEXT NOT NULL CONSTRAINT "pk_resources" PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "english_name" TEXT NULL,
    "organization_id" TEXT NOT NULL,
    "region_code" TEXT NOT NULL,
    "district_code" TEXT NOT NULL,
    "address" TEXT NULL,
    "status" TEXT NOT NULL,
    "sharing_status" TEXT NOT NULL,
    "category_code" TEXT NULL,
    "model" TEXT NULL,
    "manufacturer" TEXT NULL,
    "country_of_origin" TEXT NULL,
    "original_value_fen" INTEGER NULL,
    "purchase_date" TEXT NULL,
    "technical_indicators" TEXT NULL,
    "main_functions" TEXT NULL,
    "application_fields" TEXT NULL,
    "keywords" TEXT NULL,
    "contact_name" TEXT NULL,
    "contact_phone" TEXT NULL,
    "contact_email" TEXT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "updated_by" TEXT NOT NULL,
    "updated_at" INTEGER NOT NULL,
    "published_at" INTEGER NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_resources_districts_district_code" FOREIGN KEY ("district_code") REFERENCES "districts" ("code") ON DELETE RESTRICT,
    CONSTRAINT "fk_resources_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_resources_regions_region_code" FOREIGN KEY ("region_code") REFERENCES "regions" ("code") ON DELETE RESTRICT
);

CREATE TABLE "resource_certifications" (
    "id" TEXT NOT NULL CONSTRAINT "pk_resource_certifications" PRIMARY KEY,
    "resource_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "expires_on" TEXT NULL,
    CONSTRAINT "fk_resource_certifications_resources_resource_id" FOREIGN KEY ("resource_id") REFERENCES "resources" ("id") ON DELETE CASCADE
);

CREATE TABLE "resource_fees" (
    "id" TEXT NOT NULL CONSTRAINT "pk_resource_fees" PRIMARY KEY,
    "resource_id" TEXT NOT NULL,
    "user_type" TEXT NOT NULL,
    "price_fen" INTEGER NOT NULL,
    "unit" TEXT NOT NULL,
    "note" TEXT NULL,
    CONSTRAINT "fk_resource_fees_resources_resource_id" FOREIGN KEY ("resource_id") REFERENCES "resources" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "ix_resource_certifications_resource_id_type" ON "resource_certifications" ("resource_id", "type");

CREATE UNIQUE INDEX "ix_resource_fees_resource_id_user_type" ON "resource_fees" ("resource_id", "user_type");

CREATE INDEX "ix_resources_district_code" ON "resources" ("district_code");

CREATE INDEX "ix_resources_organization_id_status" ON "resources" ("organization_id", "status");

CREATE INDEX "ix_resources_region_code_status" ON "resources" ("region_code", "status");
