-- 0018 科技型中小企业 declarations (issue 15): an enterprise declares its 入库登记编号 for a year and its region's
-- administrator confirms it; only confirmed enterprises may hold innovation vouchers. Organisations gain their legal
-- representative: the name, the ID number encrypted (FieldProtector, SM4 under the 国密 suite) and a blind index of
-- it (HMAC), through which two organisations with the same legal representative are found to be related without
-- decrypting anything. Instants in UTC.

ALTER TABLE "organizations" ADD COLUMN "legal_representative" TEXT NULL;
ALTER TABLE "organizations" ADD COLUMN "legal_representative_id" TEXT NULL;
ALTER TABLE "organizations" ADD COLUMN "legal_representative_key" TEXT NULL;

CREATE INDEX "ix_organizations_legal_representative_key" ON "organizations" ("legal_representative_key");

CREATE TABLE "organization_sme_declarations" (
    "id" TEXT NOT NULL CONSTRAINT "pk_organization_sme_declarations" PRIMARY KEY,
    "organization_id" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "registration_number" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "declared_by" TEXT NOT NULL,
    "declared_at" INTEGER NOT NULL,
    "decided_by" TEXT NULL,
    "decided_at" INTEGER NULL,
    "note" TEXT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_organization_sme_declarations_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "ix_organization_sme_declarations_organization_id_year" ON "organization_sme_declarations" ("organization_id", "year");

CREATE INDEX "ix_organization_sme_declarations_status_year" ON "organization_sme_declarations" ("status", "year");
