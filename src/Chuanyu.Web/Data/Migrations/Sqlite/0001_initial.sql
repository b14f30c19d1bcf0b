-- 0001 initial schema (SQLite): identity, regions and districts, organisations, scoped roles, memberships,
-- the audit chain and the outbox. Generated from the EF model with `-- schema-script`, then reviewed.
-- Time columns hold UTC ticks (INTEGER): SQLite has no date type and ticks sort and compare in the engine.

CREATE TABLE "audit_entries" (
    "seq" INTEGER NOT NULL CONSTRAINT "pk_audit_entries" PRIMARY KEY,
    "at" INTEGER NOT NULL,
    "actor_id" TEXT NULL,
    "actor_name" TEXT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NULL,
    "outcome" TEXT NOT NULL,
    "detail" TEXT NULL,
    "ip_address" TEXT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);

CREATE TABLE "identity_users" (
    "id" TEXT NOT NULL CONSTRAINT "pk_identity_users" PRIMARY KEY,
    "display_name" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "user_name" TEXT NULL,
    "normalized_user_name" TEXT NULL,
    "email" TEXT NULL,
    "normalized_email" TEXT NULL,
    "email_confirmed" INTEGER NOT NULL,
    "password_hash" TEXT NULL,
    "security_stamp" TEXT NULL,
    "concurrency_stamp" TEXT NULL,
    "phone_number" TEXT NULL,
    "phone_number_confirmed" INTEGER NOT NULL,
    "two_factor_enabled" INTEGER NOT NULL,
    "lockout_end" INTEGER NULL,
    "lockout_enabled" INTEGER NOT NULL,
    "access_failed_count" INTEGER NOT NULL
);

CREATE TABLE "outbox" (
    "id" TEXT NOT NULL CONSTRAINT "pk_outbox" PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "sent_at" INTEGER NULL
);

CREATE TABLE "regions" (
    "code" TEXT NOT NULL CONSTRAINT "pk_regions" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "short_name" TEXT NOT NULL,
    "sort_order" INTEGER NOT NULL
);

CREATE TABLE "identity_user_claims" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_identity_user_claims" PRIMARY KEY AUTOINCREMENT,
    "user_id" TEXT NOT NULL,
    "claim_type" TEXT NULL,
    "claim_value" TEXT NULL,
    CONSTRAINT "fk_identity_user_claims_identity_users_user_id" FOREIGN KEY ("user_id") REFERENCES "identity_users" ("id") ON DELETE CASCADE
);

CREATE TABLE "identity_user_logins" (
    "login_provider" TEXT NOT NULL,
    "provider_key" TEXT NOT NULL,
    "provider_display_name" TEXT NULL,
    "user_id" TEXT NOT NULL,
    CONSTRAINT "pk_identity_user_logins" PRIMARY KEY ("login_provider", "provider_key"),
    CONSTRAINT "fk_identity_user_logins_identity_users_user_id" FOREIGN KEY ("user_id") REFERENCES "identity_users" ("id") ON DELETE CASCADE
);

CREATE TABLE "identity_user_tokens" (
    "user_id" TEXT NOT NULL,
    "login_provider" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "value" TEXT NULL,
    CONSTRAINT "pk_identity_user_tokens" PRIMARY KEY ("user_id", "login_provider", "name"),
    CONSTRAINT "fk_identity_user_tokens_identity_users_user_id" FOREIGN KEY ("user_id") REFERENCES "identity_users" ("id") ON DELETE CASCADE
);

CREATE TABLE "districts" (
    "code" TEXT NOT NULL CONSTRAINT "pk_districts" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "region_code" TEXT NOT NULL,
    "parent_code" TEXT NULL,
    CONSTRAINT "fk_districts_regions_region_code" FOREIGN KEY ("region_code") REFERENCES "regions" ("code") ON DELETE RESTRICT
);

CREATE TABLE "organizations" (
    "id" TEXT NOT NULL CONSTRAINT "pk_organizations" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "credit_code" TEXT NOT NULL,
    "region_code" TEXT NOT NULL,
    "district_code" TEXT NOT NULL,
    "address" TEXT NULL,
    "status" TEXT NOT NULL,
    "status_note" TEXT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "verified_by" TEXT NULL,
    "verified_at" INTEGER NULL,
    CONSTRAINT "fk_organizations_districts_district_code" FOREIGN KEY ("district_code") REFERENCES "districts" ("code") ON DELETE RESTRICT,
    CONSTRAINT "fk_organizations_regions_region_code" FOREIGN KEY ("region_code") REFERENCES "regions" ("code") ON DELETE RESTRICT
);

CREATE TABLE "memberships" (
    "id" TEXT NOT NULL CONSTRAINT "pk_memberships" PRIMARY KEY,
    "organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requested_at" INTEGER NOT NULL,
    "decided_by" TEXT NULL,
    "decided_at" INTEGER NULL,
    CONSTRAINT "fk_memberships_identity_users_user_id" FOREIGN KEY ("user_id") REFERENCES "identity_users" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_memberships_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE
);

CREATE TABLE "role_grants" (
    "id" TEXT NOT NULL CONSTRAINT "pk_role_grants" PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "region_code" TEXT NULL,
    "organization_id" TEXT NULL,
    "granted_by" TEXT NULL,
    "granted_at" INTEGER NOT NULL,
    CONSTRAINT "fk_role_grants_identity_users_user_id" FOREIGN KEY ("user_id") REFERENCES "identity_users" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_role_grants_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_role_grants_regions_region_code" FOREIGN KEY ("region_code") REFERENCES "regions" ("code") ON DELETE RESTRICT
);

CREATE INDEX "ix_audit_entries_actor_id" ON "audit_entries" ("actor_id");

CREATE INDEX "ix_audit_entries_at" ON "audit_entries" ("at");

CREATE INDEX "ix_districts_region_code" ON "districts" ("region_code");

CREATE INDEX "ix_identity_user_claims_user_id" ON "identity_user_claims" ("user_id");

CREATE INDEX "ix_identity_user_logins_user_id" ON "identity_user_logins" ("user_id");

CREATE INDEX "email_index" ON "identity_users" ("normalized_email");

CREATE UNIQUE INDEX "user_name_index" ON "identity_users" ("normalized_user_name");

CREATE INDEX "ix_memberships_organization_id_status" ON "memberships" ("organization_id", "status");

CREATE UNIQUE INDEX "ix_memberships_organization_id_user_id" ON "memberships" ("organization_id", "user_id");

CREATE INDEX "ix_memberships_user_id" ON "memberships" ("user_id");

CREATE UNIQUE INDEX "ix_organizations_credit_code" ON "organizations" ("credit_code");

CREATE INDEX "ix_organizations_district_code" ON "organizations" ("district_code");

CREATE INDEX "ix_organizations_region_code_status" ON "organizations" ("region_code", "status");

CREATE INDEX "ix_outbox_created_at" ON "outbox" ("created_at");

CREATE INDEX "ix_role_grants_organization_id" ON "role_grants" ("organization_id");

CREATE INDEX "ix_role_grants_region_code" ON "role_grants" ("region_code");

CREATE UNIQUE INDEX "ix_role_grants_user_id_role_region_code_organization_id" ON "role_grants" ("user_id", "role", "region_code", "organization_id");

