-- 0013 Service orders (送样检测) and the annual open-sharing evaluation (开放共享评价考核): orders with their quote,
-- report (PDF, its own table so lists never read it) and states; usage records now also come from completed orders;
-- results and function developments registered per instrument; the indicator scheme; evaluation runs with the
-- results per instrument and per organisation. Instants in UTC.

ALTER TABLE usage_records ADD COLUMN service_order_id uuid;

CREATE TABLE service_orders (
    id uuid NOT NULL,
    number character varying(30) NOT NULL,
    resource_id uuid NOT NULL,
    owner_organization_id uuid NOT NULL,
    requester_id uuid NOT NULL,
    requester_organization_id uuid NOT NULL,
    user_type character varying(20) NOT NULL,
    status character varying(20) NOT NULL,
    items character varying(2000) NOT NULL,
    item_count integer NOT NULL,
    samples character varying(2000) NOT NULL,
    sample_count integer NOT NULL,
    purpose character varying(500) NOT NULL,
    price_unit character varying(20),
    unit_price_fen bigint,
    quantity numeric(12,2),
    quote_fen bigint,
    quote_note character varying(500),
    promised_on date,
    machine_minutes integer,
    report_file_name character varying(200),
    decision_note character varying(500),
    created_at timestamp with time zone NOT NULL,
    quoted_at timestamp with time zone,
    accepted_at timestamp with time zone,
    started_at timestamp with time zone,
    reported_at timestamp with time zone,
    completed_at timestamp with time zone,
    closed_at timestamp with time zone,
    version integer NOT NULL,
    CONSTRAINT pk_service_orders PRIMARY KEY (id),
    CONSTRAINT fk_service_orders_organizations_requester_organization_id FOREIGN KEY (requester_organization_id) REFERENCES organizations (id) ON DELETE RESTRICT,
    CONSTRAINT fk_service_orders_resources_resource_id FOREIGN KEY (resource_id) REFERENCES resources (id) ON DELETE RESTRICT
);

CREATE TABLE service_order_reports (
    order_id uuid NOT NULL,
    file_name character varying(200) NOT NULL,
    content bytea NOT NULL,
    uploaded_by uuid NOT NULL,
    uploaded_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_service_order_reports PRIMARY KEY (order_id),
    CONSTRAINT fk_service_order_reports_service_orders_order_id FOREIGN KEY (order_id) REFERENCES service_orders (id) ON DELETE CASCADE
);

CREATE TABLE instrument_achievements (
    id uuid NOT NULL,
    resource_id uuid NOT NULL,
    kind character varying(30) NOT NULL,
    title character varying(300) NOT NULL,
    achieved_on date NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_instrument_achievements PRIMARY KEY (id),
    CONSTRAINT fk_instrument_achievements_resources_resource_id FOREIGN KEY (resource_id) REFERENCES resources (id) ON DELETE CASCADE
);

CREATE TABLE evaluation_schemes (
    id integer NOT NULL,
    json character varying(4000) NOT NULL,
    updated_by uuid,
    updated_at timestamp with time zone,
    version integer NOT NULL,
    CONSTRAINT pk_evaluation_schemes PRIMARY KEY (id)
);

CREATE TABLE evaluation_runs (
    id uuid NOT NULL,
    year integer NOT NULL,
    status character varying(20) NOT NULL,
    scheme_json character varying(4000) NOT NULL,
    requested_by uuid NOT NULL,
    requested_at timestamp with time zone NOT NULL,
    started_at timestamp with time zone,
    finished_at timestamp with time zone,
    progress integer NOT NULL,
    instruments integer NOT NULL,
    usage_records bigint NOT NULL,
    error character varying(1000),
    CONSTRAINT pk_evaluation_runs PRIMARY KEY (id)
);

CREATE TABLE evaluation_results (
    run_id uuid NOT NULL,
    resource_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    indicator_scores character varying(200) NOT NULL,
    region_code character varying(6) NOT NULL,
    effective_minutes bigint NOT NULL,
    external_minutes bigint NOT NULL,
    external_users integer NOT NULL,
    external_organizations integer NOT NULL,
    income_internal_fen bigint NOT NULL,
    income_external_fen bigint NOT NULL,
    rating_average double precision,
    rating_count integer NOT NULL,
    trainees integer NOT NULL,
    results integer NOT NULL,
    functions integer NOT NULL,
    score double precision NOT NULL,
    grade character varying(20) NOT NULL,
    rank integer NOT NULL,
    region_rank integer NOT NULL,
    CONSTRAINT pk_evaluation_results PRIMARY KEY (run_id, resource_id),
    CONSTRAINT fk_evaluation_results_evaluation_runs_run_id FOREIGN KEY (run_id) REFERENCES evaluation_runs (id) ON DELETE CASCADE
);

CREATE TABLE evaluation_organization_results (
    run_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    instruments integer NOT NULL,
    excellent integer NOT NULL,
    good integer NOT NULL,
    pass integer NOT NULL,
    poor integer NOT NULL,
    region_code character varying(6) NOT NULL,
    effective_minutes bigint NOT NULL,
    external_minutes bigint NOT NULL,
    external_users integer NOT NULL,
    external_organizations integer NOT NULL,
    income_internal_fen bigint NOT NULL,
    income_external_fen bigint NOT NULL,
    rating_average double precision,
    rating_count integer NOT NULL,
    trainees integer NOT NULL,
    results integer NOT NULL,
    functions integer NOT NULL,
    score double precision NOT NULL,
    grade character varying(20) NOT NULL,
    rank integer NOT NULL,
    region_rank integer NOT NULL,
    CONSTRAINT pk_evaluation_organization_results PRIMARY KEY (run_id, organization_id),
    CONSTRAINT fk_evaluation_organization_results_evaluation_runs_run_id FOREIGN KEY (run_id) REFERENCES evaluation_runs (id) ON DELETE CASCADE
);

CREATE INDEX ix_evaluation_organization_results_run_id_rank ON evaluation_organization_results (run_id, rank);

CREATE INDEX ix_evaluation_organization_results_run_region_rank ON evaluation_organization_results (run_id, region_code, region_rank);

CREATE INDEX ix_evaluation_results_run_id_organization_id_rank ON evaluation_results (run_id, organization_id, rank);

CREATE INDEX ix_evaluation_results_run_id_rank ON evaluation_results (run_id, rank);

CREATE INDEX ix_evaluation_results_run_id_region_code_region_rank ON evaluation_results (run_id, region_code, region_rank);

CREATE INDEX ix_evaluation_runs_status ON evaluation_runs (status);

CREATE INDEX ix_evaluation_runs_year_requested_at ON evaluation_runs (year, requested_at);

CREATE INDEX ix_instrument_achievements_resource_id_achieved_on ON instrument_achievements (resource_id, achieved_on);

CREATE UNIQUE INDEX ix_service_orders_number ON service_orders (number);

CREATE INDEX ix_service_orders_owner_organization_id_status_created_at ON service_orders (owner_organization_id, status, created_at);

CREATE INDEX ix_service_orders_requester_id_created_at ON service_orders (requester_id, created_at);

CREATE INDEX ix_service_orders_requester_organization_id ON service_orders (requester_organization_id);

CREATE INDEX ix_service_orders_resource_id ON service_orders (resource_id);

CREATE UNIQUE INDEX ix_usage_records_service_order_id ON usage_records (service_order_id);
