-- 0030 technology managers and the deal pipeline (技术经理人, 交易撮合, issue 17 point 4): the managers' profiles (phone
-- encrypted), the deals with their stage changes, notes and documents; and the foreign keys the contracts table has waited
-- for (tech_contracts.achievement_id → achievements, deal_id → deals). PostgreSQL adds them in place.

CREATE TABLE tech_manager_profiles (
    id uuid NOT NULL,
    CONSTRAINT pk_tech_manager_profiles PRIMARY KEY (id),
    user_id uuid NOT NULL,
    display_name character varying(100) NOT NULL,
    organization_id uuid NOT NULL,
    region_code character varying(6) NOT NULL,
    level character varying(20) NOT NULL,
    certificate_number character varying(40) NOT NULL,
    certificate_issued_on date NOT NULL,
    disciplines character varying(60) NOT NULL,
    phone_protected character varying(300),
    phone_masked character varying(20),
    status character varying(20) NOT NULL,
    review_note character varying(2000),
    reviewed_by uuid,
    reviewed_at timestamp with time zone,
    synthetic boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    version integer NOT NULL,
    CONSTRAINT fk_tech_manager_profiles_organizations_organization_id FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX ix_tech_manager_profiles_user_id ON tech_manager_profiles (user_id);
CREATE INDEX ix_tech_manager_profiles_region_code_status ON tech_manager_profiles (region_code, status);
CREATE INDEX ix_tech_manager_profiles_organization_id ON tech_manager_profiles (organization_id);

CREATE TABLE deals (
    id uuid NOT NULL,
    CONSTRAINT pk_deals PRIMARY KEY (id),
    title character varying(200) NOT NULL,
    manager_id uuid NOT NULL,
    manager_user_id uuid NOT NULL,
    manager_region character varying(6) NOT NULL,
    achievement_id uuid,
    achievement_title character varying(200),
    seller_organization_id uuid,
    seller_region character varying(6),
    demand_id uuid,
    demand_title character varying(200),
    buyer_organization_id uuid,
    buyer_region character varying(6),
    source character varying(20) NOT NULL,
    source_ref uuid,
    stage character varying(20) NOT NULL,
    stage_changed_at timestamp with time zone NOT NULL,
    signed_at timestamp with time zone,
    close_reason character varying(30),
    close_note character varying(2000),
    contract_id uuid,
    synthetic boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    version integer NOT NULL,
    CONSTRAINT fk_deals_tech_manager_profiles_manager_id FOREIGN KEY (manager_id) REFERENCES tech_manager_profiles (id) ON DELETE RESTRICT,
    CONSTRAINT fk_deals_achievements_achievement_id FOREIGN KEY (achievement_id) REFERENCES achievements (id) ON DELETE RESTRICT,
    CONSTRAINT fk_deals_demands_demand_id FOREIGN KEY (demand_id) REFERENCES demands (id) ON DELETE RESTRICT,
    CONSTRAINT fk_deals_tech_contracts_contract_id FOREIGN KEY (contract_id) REFERENCES tech_contracts (id) ON DELETE RESTRICT
);

CREATE INDEX ix_deals_manager_id ON deals (manager_id);
CREATE INDEX ix_deals_manager_user_id_stage ON deals (manager_user_id, stage);
CREATE INDEX ix_deals_seller_organization_id ON deals (seller_organization_id);
CREATE INDEX ix_deals_buyer_organization_id ON deals (buyer_organization_id);
CREATE INDEX ix_deals_achievement_id ON deals (achievement_id);
CREATE INDEX ix_deals_demand_id ON deals (demand_id);
CREATE INDEX ix_deals_contract_id ON deals (contract_id);

CREATE TABLE deal_stage_changes (
    id uuid NOT NULL,
    CONSTRAINT pk_deal_stage_changes PRIMARY KEY (id),
    deal_id uuid NOT NULL,
    from_stage character varying(20),
    to_stage character varying(20) NOT NULL,
    by_user_id uuid,
    at timestamp with time zone NOT NULL,
    CONSTRAINT fk_deal_stage_changes_deals_deal_id FOREIGN KEY (deal_id) REFERENCES deals (id) ON DELETE CASCADE
);

CREATE INDEX ix_deal_stage_changes_deal_id ON deal_stage_changes (deal_id);

CREATE TABLE deal_notes (
    id uuid NOT NULL,
    CONSTRAINT pk_deal_notes PRIMARY KEY (id),
    deal_id uuid NOT NULL,
    stage character varying(20) NOT NULL,
    text character varying(2000) NOT NULL,
    author_user_id uuid,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT fk_deal_notes_deals_deal_id FOREIGN KEY (deal_id) REFERENCES deals (id) ON DELETE CASCADE
);

CREATE INDEX ix_deal_notes_deal_id ON deal_notes (deal_id);

CREATE TABLE deal_documents (
    id uuid NOT NULL,
    CONSTRAINT pk_deal_documents PRIMARY KEY (id),
    deal_id uuid NOT NULL,
    stage character varying(20) NOT NULL,
    file_name character varying(200) NOT NULL,
    content_type character varying(100) NOT NULL,
    size bigint NOT NULL,
    content bytea NOT NULL,
    uploaded_by uuid,
    uploaded_at timestamp with time zone NOT NULL,
    CONSTRAINT fk_deal_documents_deals_deal_id FOREIGN KEY (deal_id) REFERENCES deals (id) ON DELETE CASCADE
);

CREATE INDEX ix_deal_documents_deal_id ON deal_documents (deal_id);

-- The contracts' links, checked from now on.
CREATE INDEX ix_tech_contracts_achievement_id ON tech_contracts (achievement_id);
CREATE INDEX ix_tech_contracts_deal_id ON tech_contracts (deal_id);
ALTER TABLE tech_contracts ADD CONSTRAINT fk_tech_contracts_achievements_achievement_id FOREIGN KEY (achievement_id) REFERENCES achievements (id) ON DELETE RESTRICT;
ALTER TABLE tech_contracts ADD CONSTRAINT fk_tech_contracts_deals_deal_id FOREIGN KEY (deal_id) REFERENCES deals (id) ON DELETE RESTRICT;
