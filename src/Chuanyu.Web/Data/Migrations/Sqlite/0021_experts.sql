-- 0021 the expert pool's profiles (issue 16, part 1): experts of both regions with their GB/T 13745 discipline codes as
-- rows (one primary), the institution they work at (an organisation), their pool's region, title level, category,
-- entry route, status with its reason and a no-show counter. Phone, e-mail and ID number are stored encrypted
-- (FieldProtector, SM4-GCM under the 国密 suite); the ID number's blind index (HMAC) is unique: one profile per person.
-- Instants in UTC.

CREATE TABLE "experts" (
    "id" TEXT NOT NULL CONSTRAINT "pk_experts" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "gender" TEXT NOT NULL,
    "birth_year" INTEGER NOT NULL,
    "title_level" TEXT NOT NULL,
    "position" TEXT NULL,
    "organization_id" TEXT NOT NULL,
    "region_code" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "entry_route" TEXT NOT NULL,
    "years_in_field" INTEGER NOT NULL,
    "high_level" INTEGER NOT NULL,
    "primary_discipline" TEXT NOT NULL,
    "industry_fields" TEXT NOT NULL,
    "keywords" TEXT NOT NULL,
    "languages" TEXT NOT NULL,
    "availability" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "status_reason" TEXT NULL,
    "status_changed_at" INTEGER NULL,
    "no_show_count" INTEGER NOT NULL,
    "user_id" TEXT NULL,
    "phone_protected" TEXT NULL,
    "email_protected" TEXT NULL,
    "id_number_protected" TEXT NOT NULL,
    "id_number_key" TEXT NOT NULL,
    "synthetic" INTEGER NOT NULL,
    "created_at" INTEGER NOT NULL,
    "updated_at" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_experts_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_experts_identity_users_user_id" FOREIGN KEY ("user_id") REFERENCES "identity_users" ("id") ON DELETE SET NULL
);

CREATE UNIQUE INDEX "ix_experts_id_number_key" ON "experts" ("id_number_key");
CREATE UNIQUE INDEX "ix_experts_user_id" ON "experts" ("user_id");
CREATE INDEX "ix_experts_region_code_status" ON "experts" ("region_code", "status");
CREATE INDEX "ix_experts_organization_id" ON "experts" ("organization_id");

CREATE TABLE "expert_disciplines" (
    "expert_id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "is_primary" INTEGER NOT NULL,
    CONSTRAINT "pk_expert_disciplines" PRIMARY KEY ("expert_id", "code"),
    CONSTRAINT "fk_expert_disciplines_experts_expert_id" FOREIGN KEY ("expert_id") REFERENCES "experts" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_expert_disciplines_code" ON "expert_disciplines" ("code");
