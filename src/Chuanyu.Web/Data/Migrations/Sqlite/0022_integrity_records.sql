-- 0022 research integrity records (科研诚信记录, issue 16 point 6), shared by both regions: a person (ID number encrypted
-- by FieldProtector with its blind index, the same index as experts.id_number_key; maybe a linked expert) or an
-- organisation (on the platform, and/or its unified social credit code), type, severity, start and end dates (end
-- empty: indefinite), issuing authority and region, revocation with its reason; documents (PDF) in a table of their own
-- so lists never read their bytes. Dates as yyyy-MM-dd text, instants in UTC.

CREATE TABLE "integrity_records" (
    "id" TEXT NOT NULL CONSTRAINT "pk_integrity_records" PRIMARY KEY,
    "subject_kind" TEXT NOT NULL,
    "subject_name" TEXT NOT NULL,
    "id_number_protected" TEXT NULL,
    "id_number_key" TEXT NULL,
    "expert_id" TEXT NULL,
    "organization_id" TEXT NULL,
    "credit_code" TEXT NULL,
    "type" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "start_date" TEXT NOT NULL,
    "end_date" TEXT NULL,
    "issuing_authority" TEXT NOT NULL,
    "region_code" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "synthetic" INTEGER NOT NULL,
    "created_by" TEXT NULL,
    "created_at" INTEGER NOT NULL,
    "updated_at" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "revoked_at" INTEGER NULL,
    "revoked_by" TEXT NULL,
    "revoked_by_name" TEXT NULL,
    "revoked_reason" TEXT NULL,
    CONSTRAINT "fk_integrity_records_experts_expert_id" FOREIGN KEY ("expert_id") REFERENCES "experts" ("id") ON DELETE SET NULL,
    CONSTRAINT "fk_integrity_records_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT
);

CREATE INDEX "ix_integrity_records_id_number_key" ON "integrity_records" ("id_number_key");
CREATE INDEX "ix_integrity_records_expert_id" ON "integrity_records" ("expert_id");
CREATE INDEX "ix_integrity_records_organization_id" ON "integrity_records" ("organization_id");
CREATE INDEX "ix_integrity_records_credit_code" ON "integrity_records" ("credit_code");
CREATE INDEX "ix_integrity_records_region_code_created_at" ON "integrity_records" ("region_code", "created_at");

CREATE TABLE "integrity_documents" (
    "id" TEXT NOT NULL CONSTRAINT "pk_integrity_documents" PRIMARY KEY,
    "record_id" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "content" BLOB NOT NULL,
    "uploaded_by" TEXT NULL,
    "uploaded_at" INTEGER NOT NULL,
    CONSTRAINT "fk_integrity_documents_integrity_records_record_id" FOREIGN KEY ("record_id") REFERENCES "integrity_records" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_integrity_documents_record_id" ON "integrity_documents" ("record_id");
