-- 0018 科技型中小企业 declarations (issue 15): an enterprise declares its 入库登记编号 for a year and its region's
-- administrator confirms it; only confirmed enterprises may hold innovation vouchers. Organisations gain their legal
-- representative: the name, the ID number encrypted (FieldProtector, SM4 under the 国密 suite) and a blind index of
-- it (HMAC), through which two organisations with the same legal representative are found to be related without
-- decrypting anything. Instants in UTC.

ALTER TABLE organizations ADD COLUMN legal_representative character varying(50);
ALTER TABLE organizations ADD COLUMN legal_representative_id character varying(300);
ALTER TABLE organizations ADD COLUMN legal_representative_key character(64);

CREATE INDEX ix_organizations_legal_representative_key ON organizations (legal_representative_key);

CREATE TABLE organization_sme_declarations (
    id uuid NOT NULL,
    organization_id uuid NOT NULL,
    year integer NOT NULL,
    registration_number character varying(40) NOT NULL,
    status character varying(20) NOT NULL,
    declared_by uuid NOT NULL,
    declared_at timestamp with time zone NOT NULL,
    decided_by uuid,
    decided_at timestamp with time zone,
    note character varying(500),
    version integer NOT NULL,
    CONSTRAINT pk_organization_sme_declarations PRIMARY KEY (id),
    CONSTRAINT fk_organization_sme_declarations_organizations_organization_id FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);

CREATE UNIQUE INDEX ix_organization_sme_declarations_organization_id_year ON organization_sme_declarations (organization_id, year);

CREATE INDEX ix_organization_sme_declarations_status_year ON organization_sme_declarations (status, year);
