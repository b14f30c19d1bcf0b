-- 0025 bulk assignment runs (issue 16, point 7): the uploaded proposals of a large call, the options, the figures of
-- the run (total affinity against the greedy baseline, unfilled seats, time) and the experts assigned to each
-- proposal with their affinity. Instants in UTC.

CREATE TABLE assignment_runs (
    id uuid NOT NULL,
    region_code character varying(6) NOT NULL,
    owner_id uuid NOT NULL,
    file_name character varying(200) NOT NULL,
    per_proposal integer NOT NULL,
    max_load integer NOT NULL,
    pool_regions character varying(20) NOT NULL,
    pool_disciplines character varying(200) NOT NULL,
    max_pair_probability double precision,
    seed integer NOT NULL,
    status character varying(20) NOT NULL,
    progress integer NOT NULL,
    proposal_count integer NOT NULL,
    candidate_experts integer,
    total_affinity bigint,
    expected_affinity double precision,
    greedy_affinity bigint,
    unfilled_seats integer,
    short_proposals integer,
    elapsed_milliseconds bigint,
    solver_status character varying(30),
    failure_key character varying(100),
    created_at timestamp with time zone NOT NULL,
    started_at timestamp with time zone,
    finished_at timestamp with time zone,
    CONSTRAINT pk_assignment_runs PRIMARY KEY (id)
);

CREATE INDEX ix_assignment_runs_region_code_created_at ON assignment_runs (region_code, created_at);
CREATE INDEX ix_assignment_runs_status ON assignment_runs (status);

CREATE TABLE assignment_proposals (
    run_id uuid NOT NULL,
    row_number integer NOT NULL,
    external_ref character varying(100) NOT NULL,
    name character varying(300) NOT NULL,
    organization_id uuid NOT NULL,
    disciplines character varying(200) NOT NULL,
    keywords character varying(500) NOT NULL,
    assigned integer NOT NULL,
    short_reason character varying(30),
    CONSTRAINT pk_assignment_proposals PRIMARY KEY (run_id, row_number),
    CONSTRAINT fk_assignment_proposals_assignment_runs_run_id FOREIGN KEY (run_id) REFERENCES assignment_runs (id) ON DELETE CASCADE
);

CREATE TABLE assignment_pairs (
    run_id uuid NOT NULL,
    row_number integer NOT NULL,
    expert_id uuid NOT NULL,
    affinity integer NOT NULL,
    rank integer NOT NULL,
    matched_discipline character varying(7),
    matched_keywords character varying(500) NOT NULL,
    CONSTRAINT pk_assignment_pairs PRIMARY KEY (run_id, row_number, expert_id),
    CONSTRAINT fk_assignment_pairs_assignment_runs_run_id FOREIGN KEY (run_id) REFERENCES assignment_runs (id) ON DELETE CASCADE
);

CREATE INDEX ix_assignment_pairs_run_id_expert_id ON assignment_pairs (run_id, expert_id);
