-- 0006 Issue 3 controls: the three separated administrators (三员管理) replace the one platform administrator,
-- forced change of an initial password, an encrypted mobile number, run-time settings (security policy, system
-- configuration), signed-request API clients, audit retention checkpoints and leases for background jobs.

-- The old all-powerful PlatformAdmin operated the platform: it becomes the system administrator. The old Auditor
-- becomes the audit administrator, except on an account that was also PlatformAdmin (三员 exclude each other; the
-- security administrator re-assigns it to someone else).
DELETE FROM role_grants WHERE role = 'Auditor' AND user_id IN (SELECT user_id FROM role_grants WHERE role = 'PlatformAdmin');
UPDATE role_grants SET role = 'SystemAdmin' WHERE role = 'PlatformAdmin';
UPDATE role_grants SET role = 'AuditAdmin' WHERE role = 'Auditor';
CREATE UNIQUE INDEX ux_role_grants_separated_admin ON role_grants (user_id) WHERE "role" IN ('SystemAdmin', 'SecurityAdmin', 'AuditAdmin');

ALTER TABLE identity_users ADD must_change_password boolean NOT NULL DEFAULT FALSE;
ALTER TABLE identity_users ADD mobile_protected character varying(300);

CREATE TABLE platform_settings (
    key character varying(100) NOT NULL,
    value character varying(8000) NOT NULL,
    updated_by uuid,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_platform_settings PRIMARY KEY (key)
);

CREATE TABLE api_clients (
    id uuid NOT NULL,
    name character varying(100) NOT NULL,
    organization_id uuid,
    key_id character varying(40) NOT NULL,
    secret_protected character varying(500) NOT NULL,
    algorithm character varying(20) NOT NULL,
    scopes character varying(500) NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    last_used_at timestamp with time zone,
    CONSTRAINT pk_api_clients PRIMARY KEY (id),
    CONSTRAINT fk_api_clients_organizations_organization_id FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT
);
CREATE UNIQUE INDEX ix_api_clients_key_id ON api_clients (key_id);
CREATE INDEX ix_api_clients_organization_id ON api_clients (organization_id);

CREATE TABLE api_client_nonces (
    key_id character varying(40) NOT NULL,
    nonce character varying(64) NOT NULL,
    seen_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_api_client_nonces PRIMARY KEY (key_id, nonce)
);
CREATE INDEX ix_api_client_nonces_seen_at ON api_client_nonces (seen_at);

CREATE TABLE audit_checkpoints (
    through_seq bigint NOT NULL,
    through_hash character varying(64) NOT NULL,
    cutoff timestamp with time zone NOT NULL,
    created_at timestamp with time zone NOT NULL,
    rows_purged bigint NOT NULL,
    CONSTRAINT pk_audit_checkpoints PRIMARY KEY (through_seq)
);
CREATE INDEX ix_audit_entries_action_at ON audit_entries (action, at);

CREATE TABLE job_leases (
    name character varying(100) NOT NULL,
    holder character varying(200) NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_job_leases PRIMARY KEY (name)
);
