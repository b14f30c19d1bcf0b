-- 0007 The resource catalogue (科技资源目录): one record per resource of any kind with the instrument fields, its
-- fee schedule by user type and its certifications (CMA, CNAS). Money in fen. The search index arrives separately.

CREATE TABLE resources (
    id uuid NOT NULL,
    kind character varying(30) NOT NULL,
    name character varying(200) NOT NULL,
    english_name character varying(200),
    organization_id uuid NOT NULL,
    region_code character varying(6) NOT NULL,
    district_code character varying(6) NOT NULL,
    address character varying(300),
    status character varying(20) NOT NULL,
    sharing_status character varying(20) NOT NULL,
    category_code character varying(20),
    model character varying(100),
    manufacturer character varying(200),
    country_of_origin character varying(50),
    original_value_fen bigint,
    purchase_date date,
    technical_indicators character varying(4000),
    main_functions character varying(4000),
    application_fields character varying(1000),
    keywords character varying(500),
    contact_name character varying(50),
    contact_phone character varying(30),
    contact_email character varying(256),
    created_by uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_by uuid NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    published_at timestamp with time zone,
    version integer NOT NULL,
    CONSTRAINT pk_resources PRIMARY KEY (id),
    CONSTRAINT fk_resources_districts_district_code FOREIGN KEY (district_code) REFERENCES districts (code) ON DELETE RESTRICT,
    CONSTRAINT fk_resources_organizations_organization_id FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT,
    CONSTRAINT fk_resources_regions_region_code FOREIGN KEY (region_code) REFERENCES regions (code) ON DELETE RESTRICT
);

CREATE TABLE resource_certifications (
    id uuid NOT NULL,
    resource_id uuid NOT NULL,
    type character varying(10) NOT NULL,
    number character varying(50) NOT NULL,
    expires_on date,
    CONSTRAINT pk_resource_certifications PRIMARY KEY (id),
    CONSTRAINT fk_resource_certifications_resources_resource_id FOREIGN KEY (resource_id) REFERENCES resources (id) ON DELETE CASCADE
);

CREATE TABLE resource_fees (
    id uuid NOT NULL,
    resource_id uuid NOT NULL,
    user_type character varying(20) NOT NULL,
    price_fen bigint NOT NULL,
    unit character varying(20) NOT NULL,
    note character varying(200),
    CONSTRAINT pk_resource_fees PRIMARY KEY (id),
    CONSTRAINT fk_resource_fees_resources_resource_id FOREIGN KEY (resource_id) REFERENCES resources (id) ON DELETE CASCADE
);

CREATE UNIQUE INDEX ix_resource_certifications_resource_id_type ON resource_certifications (resource_id, type);

CREATE UNIQUE INDEX ix_resource_fees_resource_id_user_type ON resource_fees (resource_id, user_type);

CREATE INDEX ix_resources_district_code ON resources (district_code);

CREATE INDEX ix_resources_organization_id_status ON resources (organization_id, status);

CREATE INDEX ix_resources_region_code_status ON resources (region_code, status);
