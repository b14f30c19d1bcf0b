-- 0006 Issue 3 controls: the three separated administrators (三员管理) replace the one platform administrator,
-- forced change of an initial password, an encrypted mobile number, run-time settings (security policy, system
-- configuration), signed-request API clients, audit retention checkpoints and leases for background jobs.

-- The old all-powerful PlatformAdmin operated the platform: it becomes the system administrator. The old Auditor
-- becomes the audit administrator, except on an account that was also PlatformAdmin (三员 exclude each other; the
-- security administrator re-assigns it to someone else).
DELETE FROM "role_grants" WHERE "role" = 'Auditor' AND "user_id" IN (SELECT "user_id" FROM "role_grants" WHERE "role" = 'PlatformAdmin');
UPDATE "role_grants" SET "role" = 'SystemAdmin' WHERE "role" = 'PlatformAdmin';
UPDATE "role_grants" SET "role" = 'AuditAdmin' WHERE "role" = 'Auditor';
CREATE UNIQUE INDEX "ux_role_grants_separated_admin" ON "role_grants" ("user_id") WHERE "role" IN ('SystemAdmin', 'SecurityAdmin', 'AuditAdmin');

ALTER TABLE "identity_users" ADD "must_change_password" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "identity_users" ADD "mobile_protected" TEXT NULL;

CREATE TABLE "platform_settings" (
    "key" TEXT NOT NULL CONSTRAINT "pk_platform_settings" PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updated_by" TEXT NULL,
    "updated_at" INTEGER NOT NULL
);

CREATE TABLE "api_clients" (
    "id" TEXT NOT NULL CONSTRAINT "pk_api_clients" PRIMARY KEY,
    "name" TEXT NOT NULL,
    "organization_id" TEXT NULL,
    "key_id" TEXT NOT NULL,
    "secret_protected" TEXT NOT NULL,
    "algorithm" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "revoked_at" INTEGER NULL,
    "last_used_at" INTEGER NULL,
    CONSTRAINT "fk_api_clients_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT
);
CREATE UNIQUE INDEX "ix_api_clients_key_id" ON "api_clients" ("key_id");
CREATE INDEX "ix_api_clients_organization_id" ON "api_clients" ("organization_id");

CREATE TABLE "api_client_nonces" (
    "key_id" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "seen_at" INTEGER NOT NULL,
    CONSTRAINT "pk_api_client_nonces" PRIMARY KEY ("key_id", "nonce")
);
CREATE INDEX "ix_api_client_nonces_seen_at" ON "api_client_nonces" ("seen_at");

CREATE TABLE "audit_checkpoints" (
    "through_seq" INTEGER NOT NULL CONSTRAINT "pk_audit_checkpoints" PRIMARY KEY,
    "through_hash" TEXT NOT NULL,
    "cutoff" INTEGER NOT NULL,
    "created_at" INTEGER NOT NULL,
    "rows_purged" INTEGER NOT NULL
);
CREATE INDEX "ix_audit_entries_action_at" ON "audit_entries" ("action", "at");

CREATE TABLE "job_leases" (
    "name" TEXT NOT NULL CONSTRAINT "pk_job_leases" PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expires_at" INTEGER NOT NULL
);
