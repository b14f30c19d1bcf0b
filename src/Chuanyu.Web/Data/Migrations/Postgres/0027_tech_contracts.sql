-- 0027 technology contract registration (技术合同登记, issue 17 point 6): the registered contracts (amounts in fen), the
-- contract file apart so lists never read its bytes, and the two monthly aggregates the public statistics read (kept in
-- the same transaction as each registration, correction and revocation). achievement_id and deal_id carry no foreign
-- key yet: those tables come from branches built in parallel.

CREATE TABLE tech_contracts (
    id uuid NOT NULL,
    registration_number character varying(14) NOT NULL,
    title character varying(200) NOT NULL,
    type character varying(20) NOT NULL,
    seller_name character varying(200) NOT NULL,
    seller_credit_code character varying(18) NOT NULL,
    seller_region character varying(6) NOT NULL,
    seller_type character varying(20) NOT NULL,
    seller_organization_id uuid,
    buyer_name character varying(200) NOT NULL,
    buyer_credit_code character varying(18),
    buyer_region character varying(6) NOT NULL,
    buyer_type character varying(20) NOT NULL,
    buyer_organization_id uuid,
    contract_amount_fen bigint NOT NULL,
    transaction_amount_fen bigint NOT NULL,
    signed_on date NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    registered_on date NOT NULL,
    registered_month integer NOT NULL,
    field character varying(7) NOT NULL,
    field_group character varying(3) NOT NULL,
    achievement_id uuid,
    deal_id uuid,
    status character varying(20) NOT NULL,
    revoked_reason character varying(500),
    revoked_at timestamp with time zone,
    file_name character varying(200),
    file_size bigint,
    synthetic boolean NOT NULL,
    created_by uuid,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    version integer NOT NULL,
    CONSTRAINT pk_tech_contracts PRIMARY KEY (id),
    CONSTRAINT ck_tech_contracts_amounts CHECK (contract_amount_fen > 0 AND transaction_amount_fen >= 0 AND transaction_amount_fen <= contract_amount_fen),
    CONSTRAINT ck_tech_contracts_dates CHECK (ends_on >= starts_on),
    CONSTRAINT fk_tech_contracts_organizations_seller_organization_id FOREIGN KEY (seller_organization_id) REFERENCES organizations (id) ON DELETE RESTRICT,
    CONSTRAINT fk_tech_contracts_organizations_buyer_organization_id FOREIGN KEY (buyer_organization_id) REFERENCES organizations (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX ix_tech_contracts_registration_number ON tech_contracts (registration_number);
CREATE INDEX ix_tech_contracts_seller_region_registered_on ON tech_contracts (seller_region, registered_on);
CREATE INDEX ix_tech_contracts_buyer_region_registered_on ON tech_contracts (buyer_region, registered_on);
CREATE INDEX ix_tech_contracts_seller_organization_id ON tech_contracts (seller_organization_id);
CREATE INDEX ix_tech_contracts_buyer_organization_id ON tech_contracts (buyer_organization_id);

CREATE TABLE tech_contract_files (
    contract_id uuid NOT NULL,
    content bytea NOT NULL,
    uploaded_by uuid,
    uploaded_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_tech_contract_files PRIMARY KEY (contract_id),
    CONSTRAINT fk_tech_contract_files_tech_contracts_contract_id FOREIGN KEY (contract_id) REFERENCES tech_contracts (id) ON DELETE CASCADE
);

CREATE TABLE tech_contract_flow_stats (
    month integer NOT NULL,
    seller_region character varying(6) NOT NULL,
    buyer_region character varying(6) NOT NULL,
    type character varying(20) NOT NULL,
    contracts bigint NOT NULL,
    contract_fen bigint NOT NULL,
    transaction_fen bigint NOT NULL,
    CONSTRAINT pk_tech_contract_flow_stats PRIMARY KEY (month, seller_region, buyer_region, type)
);

CREATE TABLE tech_contract_profile_stats (
    month integer NOT NULL,
    seller_region character varying(6) NOT NULL,
    type character varying(20) NOT NULL,
    seller_type character varying(20) NOT NULL,
    field_group character varying(3) NOT NULL,
    contracts bigint NOT NULL,
    contract_fen bigint NOT NULL,
    transaction_fen bigint NOT NULL,
    CONSTRAINT pk_tech_contract_profile_stats PRIMARY KEY (month, seller_region, type, seller_type, field_group)
);
