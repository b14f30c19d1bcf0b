-- 0022 research integrity records (科研诚信记录, issue 16 point 6), shared by both regions: a person (ID number encrypted
-- by FieldProtector with its blind index, the same index as experts.id_number_key; maybe a linked expert) or an
-- organisation (on the platform, and/or its unified social credit code), type, severity, start and end dates (end
-- empty: indefinite), issuing authority and region, revocation with its reason; documents (PDF) in a table of their own
-- so lists never read their bytes.

CREATE TABLE integrity_records (
    id uuid NOT NULL,
    subject_kind character varying(20) NOT NULL,
    subject_name character varying(100) NOT NULL,
    id_number_protected character varying(300),
    id_number_key character(64),
    expert_id uuid,
    organization_id uuid,
    credit_code character varying(18),
    type character varying(30) NOT NULL,
    severity character varying(30) NOT NULL,
    start_date date NOT NULL,
    end_date date,
    issuing_authority character varying(100) NOT NULL,
    region_code character varying(6) NOT NULL,
    description character varying(2000) NOT NULL,
    synthetic boolean NOT NULL,
    created_by uuid,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    version integer NOT NULL,
    revoked_at timestamp with time zone,
    revoked_by uuid,
    revoked_by_name character varying(256),
    revoked_reason character varying(500),
    CONSTRAINT pk_integrity_records PRIMARY KEY (id),
    CONSTRAINT fk_integrity_records_experts_expert_id FOREIGN KEY (expert_id) REFERENCES experts (id) ON DELETE SET NULL,
    CONSTRAINT fk_integrity_records_organizations_organization_id FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT
);

CREATE INDEX ix_integrity_records_id_number_key ON integrity_records (id_number_key);
CREATE INDEX ix_integrity_records_expert_id ON integrity_records (expert_id);
CREATE INDEX ix_integrity_records_organization_id ON integrity_records (organization_id);
CREATE INDEX ix_integrity_records_credit_code ON integrity_records (credit_code);
CREATE INDEX ix_integrity_records_region_code_created_at ON integrity_records (region_code, created_at);

CREATE TABLE integrity_documents (
    id uuid NOT NULL,
    record_id uuid NOT NULL,
    file_name character varying(200) NOT NULL,
    size bigint NOT NULL,
    content bytea NOT NULL,
    uploaded_by uuid,
    uploaded_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_integrity_documents PRIMARY KEY (id),
    CONSTRAINT fk_integrity_documents_integrity_records_record_id FOREIGN KEY (record_id) REFERENCES integrity_records (id) ON DELETE CASCADE
);

CREATE INDEX ix_integrity_documents_record_id ON integrity_documents (record_id);
