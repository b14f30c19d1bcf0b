-- 0021 the expert pool's profiles (issue 16, part 1): experts of both regions with their GB/T 13745 discipline codes as
-- rows (one primary), the institution they work at (an organisation), their pool's region, title level, category,
-- entry route, status with its reason and a no-show counter. Phone, e-mail and ID number are stored encrypted
-- (FieldProtector, SM4-GCM under the 国密 suite); the ID number's blind index (HMAC) is unique: one profile per person.
-- Instants in UTC.

CREATE TABLE experts (
    id uuid NOT NULL,
    name character varying(50) NOT NULL,
    gender character varying(10) NOT NULL,
    birth_year integer NOT NULL,
    title_level character varying(20) NOT NULL,
    position character varying(100),
    organization_id uuid NOT NULL,
    region_code character varying(6) NOT NULL,
    category character varying(20) NOT NULL,
    entry_route character varying(20) NOT NULL,
    years_in_field integer NOT NULL,
    high_level boolean NOT NULL,
    primary_discipline character varying(7) NOT NULL,
    industry_fields character varying(500) NOT NULL,
    keywords character varying(500) NOT NULL,
    languages character varying(200) NOT NULL,
    availability character varying(20) NOT NULL,
    status character varying(20) NOT NULL,
    status_reason character varying(500),
    status_changed_at timestamp with time zone,
    no_show_count integer NOT NULL,
    user_id uuid,
    phone_protected character varying(300),
    email_protected character varying(500),
    id_number_protected character varying(300) NOT NULL,
    id_number_key character(64) NOT NULL,
    synthetic boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    version integer NOT NULL,
    CONSTRAINT pk_experts PRIMARY KEY (id),
    CONSTRAINT fk_experts_organizations_organization_id FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT,
    CONSTRAINT fk_experts_identity_users_user_id FOREIGN KEY (user_id) REFERENCES identity_users (id) ON DELETE SET NULL
);

CREATE UNIQUE INDEX ix_experts_id_number_key ON experts (id_number_key);
CREATE UNIQUE INDEX ix_experts_user_id ON experts (user_id);
CREATE INDEX ix_experts_region_code_status ON experts (region_code, status);
CREATE INDEX ix_experts_organization_id ON experts (organization_id);

CREATE TABLE expert_disciplines (
    expert_id uuid NOT NULL,
    code character varying(7) NOT NULL,
    is_primary boolean NOT NULL,
    CONSTRAINT pk_expert_disciplines PRIMARY KEY (expert_id, code),
    CONSTRAINT fk_expert_disciplines_experts_expert_id FOREIGN KEY (expert_id) REFERENCES experts (id) ON DELETE CASCADE
);

CREATE INDEX ix_expert_disciplines_code ON expert_disciplines (code);
