-- 0026 the technology market's two lists (issue 17 points 1 and 2): research results (科技成果) and technology demands
-- (技术需求) with their lifecycle (draft, pending review, published, expired, closed), codes as space-separated text,
-- transfer modes as an integer mask, prices and budgets in whole yuan; the demands' access requests (confidential
-- details) and the results' attachments (PDF, images) in tables of their own.

CREATE TABLE achievements (
    id uuid NOT NULL,
    organization_id uuid NOT NULL,
    region_code character varying(6) NOT NULL,
    title character varying(100) NOT NULL,
    summary character varying(120) NOT NULL,
    discipline_codes character varying(60) NOT NULL,
    industry_codes character varying(60) NOT NULL,
    keywords character varying(200) NOT NULL,
    trl integer NOT NULL,
    stage character varying(20) NOT NULL,
    modes integer NOT NULL,
    price_min_yuan bigint,
    price_max_yuan bigint,
    negotiable boolean NOT NULL,
    status character varying(20) NOT NULL,
    expires_at timestamp with time zone,
    submitted_at timestamp with time zone,
    published_at timestamp with time zone,
    review_note character varying(500),
    close_reason character varying(20),
    closed_at timestamp with time zone,
    synthetic boolean NOT NULL,
    created_by uuid,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    version integer NOT NULL,
    type character varying(30) NOT NULL,
    description character varying(8000) NOT NULL,
    patent_numbers character varying(400) NOT NULL,
    inventors character varying(300) NOT NULL,
    CONSTRAINT pk_achievements PRIMARY KEY (id),
    CONSTRAINT fk_achievements_organizations_organization_id FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT
);

CREATE INDEX ix_achievements_organization_id_status ON achievements (organization_id, status);
CREATE INDEX ix_achievements_status_expires_at ON achievements (status, expires_at);

CREATE TABLE demands (
    id uuid NOT NULL,
    organization_id uuid NOT NULL,
    region_code character varying(6) NOT NULL,
    title character varying(100) NOT NULL,
    summary character varying(120) NOT NULL,
    discipline_codes character varying(60) NOT NULL,
    industry_codes character varying(60) NOT NULL,
    keywords character varying(200) NOT NULL,
    trl integer NOT NULL,
    stage character varying(20) NOT NULL,
    modes integer NOT NULL,
    price_min_yuan bigint,
    price_max_yuan bigint,
    negotiable boolean NOT NULL,
    status character varying(20) NOT NULL,
    expires_at timestamp with time zone,
    submitted_at timestamp with time zone,
    published_at timestamp with time zone,
    review_note character varying(500),
    close_reason character varying(20),
    closed_at timestamp with time zone,
    synthetic boolean NOT NULL,
    created_by uuid,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    version integer NOT NULL,
    details character varying(8000) NOT NULL,
    confidential boolean NOT NULL,
    deadline date NOT NULL,
    CONSTRAINT pk_demands PRIMARY KEY (id),
    CONSTRAINT fk_demands_organizations_organization_id FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT
);

CREATE INDEX ix_demands_organization_id_status ON demands (organization_id, status);
CREATE INDEX ix_demands_status_expires_at ON demands (status, expires_at);

CREATE TABLE demand_access_requests (
    id uuid NOT NULL,
    demand_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    message character varying(500) NOT NULL,
    status character varying(20) NOT NULL,
    requested_by uuid,
    requested_at timestamp with time zone NOT NULL,
    decided_by uuid,
    decided_at timestamp with time zone,
    CONSTRAINT pk_demand_access_requests PRIMARY KEY (id),
    CONSTRAINT fk_demand_access_requests_demands_demand_id FOREIGN KEY (demand_id) REFERENCES demands (id) ON DELETE CASCADE,
    CONSTRAINT fk_demand_access_requests_organizations_organization_id FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX ix_demand_access_requests_demand_id_organization_id ON demand_access_requests (demand_id, organization_id);
CREATE INDEX ix_demand_access_requests_organization_id ON demand_access_requests (organization_id);

CREATE TABLE achievement_attachments (
    id uuid NOT NULL,
    achievement_id uuid NOT NULL,
    file_name character varying(200) NOT NULL,
    content_type character varying(50) NOT NULL,
    size bigint NOT NULL,
    content bytea NOT NULL,
    uploaded_by uuid,
    uploaded_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_achievement_attachments PRIMARY KEY (id),
    CONSTRAINT fk_achievement_attachments_achievements_achievement_id FOREIGN KEY (achievement_id) REFERENCES achievements (id) ON DELETE CASCADE
);

CREATE INDEX ix_achievement_attachments_achievement_id ON achievement_attachments (achievement_id);
