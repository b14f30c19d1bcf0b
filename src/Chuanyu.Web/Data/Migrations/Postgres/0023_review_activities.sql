-- 0023 review activities and verifiable draws (issue 16, points 2–5): activities of a region with the items under
-- review (applicant organisation, named persons kept as a name and the blind index of the ID number), exclusions on
-- request, relations experts declare, committed draws (candidate list frozen as JSON with its hash, the commitment to
-- the seed, the seed encrypted until revealed) and the seats drawn with the invitations' answers. Instants in UTC.

CREATE TABLE review_activities (
    id uuid NOT NULL,
    title character varying(200) NOT NULL,
    kind character varying(20) NOT NULL,
    description character varying(2000),
    region_code character varying(6) NOT NULL,
    owner_id uuid NOT NULL,
    disciplines character varying(200) NOT NULL,
    panel_size integer NOT NULL,
    alternates integer NOT NULL,
    min_senior_percent integer NOT NULL,
    min_other_region integer NOT NULL,
    one_per_institution boolean NOT NULL,
    cool_down_days integer NOT NULL,
    review_starts_at timestamp with time zone NOT NULL,
    review_ends_at timestamp with time zone NOT NULL,
    response_deadline timestamp with time zone NOT NULL,
    status character varying(20) NOT NULL,
    synthetic boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    version integer NOT NULL,
    CONSTRAINT pk_review_activities PRIMARY KEY (id),
    CONSTRAINT fk_review_activities_identity_users_owner_id FOREIGN KEY (owner_id) REFERENCES identity_users (id) ON DELETE RESTRICT
);

CREATE TABLE review_draws (
    id uuid NOT NULL,
    activity_id uuid NOT NULL,
    sequence integer NOT NULL,
    hash_algorithm character varying(10) NOT NULL,
    candidate_list_hash character varying(64) NOT NULL,
    commitment character varying(64) NOT NULL,
    seed_protected character varying(300) NOT NULL,
    seed_revealed character varying(64),
    candidates_json text NOT NULL,
    candidate_count integer NOT NULL,
    exclusion_counts character varying(1000) NOT NULL,
    panel_size integer NOT NULL,
    alternates integer NOT NULL,
    min_senior integer NOT NULL,
    home_region character varying(6) NOT NULL,
    min_other_region integer NOT NULL,
    one_per_institution boolean NOT NULL,
    drawn_by uuid NOT NULL,
    drawn_at timestamp with time zone NOT NULL,
    revealed_at timestamp with time zone,
    CONSTRAINT pk_review_draws PRIMARY KEY (id),
    CONSTRAINT fk_review_draws_identity_users_drawn_by FOREIGN KEY (drawn_by) REFERENCES identity_users (id) ON DELETE RESTRICT,
    CONSTRAINT fk_review_draws_review_activities_activity_id FOREIGN KEY (activity_id) REFERENCES review_activities (id) ON DELETE RESTRICT
);

CREATE TABLE review_items (
    id uuid NOT NULL,
    activity_id uuid NOT NULL,
    position integer NOT NULL,
    title character varying(200) NOT NULL,
    applicant_organization_id uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_review_items PRIMARY KEY (id),
    CONSTRAINT fk_review_items_organizations_applicant_organization_id FOREIGN KEY (applicant_organization_id) REFERENCES organizations (id) ON DELETE RESTRICT,
    CONSTRAINT fk_review_items_review_activities_activity_id FOREIGN KEY (activity_id) REFERENCES review_activities (id) ON DELETE CASCADE
);

CREATE TABLE expert_relations (
    id uuid NOT NULL,
    expert_id uuid NOT NULL,
    kind character varying(30) NOT NULL,
    organization_id uuid,
    person_name character varying(50),
    person_id_number_key character(64),
    ended_on date,
    note character varying(500),
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_expert_relations PRIMARY KEY (id),
    CONSTRAINT fk_expert_relations_experts_expert_id FOREIGN KEY (expert_id) REFERENCES experts (id) ON DELETE CASCADE,
    CONSTRAINT fk_expert_relations_organizations_organization_id FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT
);

CREATE TABLE review_seats (
    id uuid NOT NULL,
    activity_id uuid NOT NULL,
    draw_id uuid NOT NULL,
    expert_id uuid NOT NULL,
    role character varying(20) NOT NULL,
    position integer NOT NULL,
    status character varying(20) NOT NULL,
    replaces_seat_id uuid,
    response_note character varying(500),
    invited_at timestamp with time zone,
    answer_by timestamp with time zone,
    responded_at timestamp with time zone,
    version integer NOT NULL,
    CONSTRAINT pk_review_seats PRIMARY KEY (id),
    CONSTRAINT fk_review_seats_experts_expert_id FOREIGN KEY (expert_id) REFERENCES experts (id) ON DELETE RESTRICT,
    CONSTRAINT fk_review_seats_review_activities_activity_id FOREIGN KEY (activity_id) REFERENCES review_activities (id) ON DELETE RESTRICT,
    CONSTRAINT fk_review_seats_review_draws_draw_id FOREIGN KEY (draw_id) REFERENCES review_draws (id) ON DELETE RESTRICT,
    CONSTRAINT fk_review_seats_review_seats_replaces_seat_id FOREIGN KEY (replaces_seat_id) REFERENCES review_seats (id) ON DELETE RESTRICT
);

CREATE TABLE review_exclusions (
    id uuid NOT NULL,
    activity_id uuid NOT NULL,
    item_id uuid,
    expert_id uuid NOT NULL,
    source character varying(20) NOT NULL,
    reason character varying(500) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_review_exclusions PRIMARY KEY (id),
    CONSTRAINT fk_review_exclusions_experts_expert_id FOREIGN KEY (expert_id) REFERENCES experts (id) ON DELETE CASCADE,
    CONSTRAINT fk_review_exclusions_review_activities_activity_id FOREIGN KEY (activity_id) REFERENCES review_activities (id) ON DELETE CASCADE,
    CONSTRAINT fk_review_exclusions_review_items_item_id FOREIGN KEY (item_id) REFERENCES review_items (id) ON DELETE CASCADE
);

CREATE TABLE review_item_persons (
    id uuid NOT NULL,
    item_id uuid NOT NULL,
    name character varying(50) NOT NULL,
    id_number_key character(64) NOT NULL,
    CONSTRAINT pk_review_item_persons PRIMARY KEY (id),
    CONSTRAINT fk_review_item_persons_review_items_item_id FOREIGN KEY (item_id) REFERENCES review_items (id) ON DELETE CASCADE
);

CREATE INDEX ix_expert_relations_expert_id ON expert_relations (expert_id);

CREATE INDEX ix_expert_relations_organization_id ON expert_relations (organization_id);

CREATE INDEX ix_expert_relations_person_id_number_key ON expert_relations (person_id_number_key);

CREATE INDEX ix_review_activities_owner_id ON review_activities (owner_id);

CREATE INDEX ix_review_activities_region_code_status ON review_activities (region_code, status);

CREATE UNIQUE INDEX ix_review_draws_activity_id_sequence ON review_draws (activity_id, sequence);

CREATE INDEX ix_review_draws_drawn_by ON review_draws (drawn_by);

CREATE INDEX ix_review_exclusions_activity_id_expert_id ON review_exclusions (activity_id, expert_id);

CREATE INDEX ix_review_exclusions_expert_id ON review_exclusions (expert_id);

CREATE INDEX ix_review_exclusions_item_id ON review_exclusions (item_id);

CREATE INDEX ix_review_item_persons_id_number_key ON review_item_persons (id_number_key);

CREATE INDEX ix_review_item_persons_item_id ON review_item_persons (item_id);

CREATE INDEX ix_review_items_activity_id_position ON review_items (activity_id, position);

CREATE INDEX ix_review_items_applicant_organization_id ON review_items (applicant_organization_id);

CREATE UNIQUE INDEX ix_review_seats_activity_id_expert_id ON review_seats (activity_id, expert_id);

CREATE INDEX ix_review_seats_draw_id ON review_seats (draw_id);

CREATE INDEX ix_review_seats_expert_id_status ON review_seats (expert_id, status);

CREATE INDEX ix_review_seats_replaces_seat_id ON review_seats (replaces_seat_id);
