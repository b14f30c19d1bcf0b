-- 0024 scoring of review activities (issue 16 point 5): criteria per activity, one score sheet per panel seat and item
-- (the scores per criterion in criterion order, the weighted total on 0–100, the comment, or a conflict declared on the
-- item), the administrators' rating of each member's work (1–5) and no-show marks (one per seat; unexplained ones count
-- towards experts.no_show_count).

CREATE TABLE review_criteria (
    id uuid NOT NULL,
    activity_id uuid NOT NULL,
    position integer NOT NULL,
    name character varying(100) NOT NULL,
    max_score integer NOT NULL,
    weight numeric(9,4) NOT NULL,
    CONSTRAINT pk_review_criteria PRIMARY KEY (id),
    CONSTRAINT fk_review_criteria_review_activities_activity_id FOREIGN KEY (activity_id) REFERENCES review_activities (id) ON DELETE CASCADE
);

CREATE UNIQUE INDEX ix_review_criteria_activity_id_position ON review_criteria (activity_id, position);

CREATE TABLE review_score_sheets (
    id uuid NOT NULL,
    activity_id uuid NOT NULL,
    seat_id uuid NOT NULL,
    item_id uuid NOT NULL,
    scores character varying(400) NOT NULL,
    total double precision,
    comment character varying(2000),
    conflict_declared boolean NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    version integer NOT NULL,
    CONSTRAINT pk_review_score_sheets PRIMARY KEY (id),
    CONSTRAINT fk_review_score_sheets_review_activities_activity_id FOREIGN KEY (activity_id) REFERENCES review_activities (id) ON DELETE RESTRICT,
    CONSTRAINT fk_review_score_sheets_review_items_item_id FOREIGN KEY (item_id) REFERENCES review_items (id) ON DELETE RESTRICT,
    CONSTRAINT fk_review_score_sheets_review_seats_seat_id FOREIGN KEY (seat_id) REFERENCES review_seats (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX ix_review_score_sheets_seat_id_item_id ON review_score_sheets (seat_id, item_id);
CREATE INDEX ix_review_score_sheets_activity_id ON review_score_sheets (activity_id);
CREATE INDEX ix_review_score_sheets_item_id ON review_score_sheets (item_id);

CREATE TABLE review_ratings (
    id uuid NOT NULL,
    activity_id uuid NOT NULL,
    seat_id uuid NOT NULL,
    expert_id uuid NOT NULL,
    rating integer NOT NULL,
    note character varying(500),
    rated_by uuid NOT NULL,
    rated_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_review_ratings PRIMARY KEY (id),
    CONSTRAINT fk_review_ratings_experts_expert_id FOREIGN KEY (expert_id) REFERENCES experts (id) ON DELETE RESTRICT,
    CONSTRAINT fk_review_ratings_identity_users_rated_by FOREIGN KEY (rated_by) REFERENCES identity_users (id) ON DELETE RESTRICT,
    CONSTRAINT fk_review_ratings_review_activities_activity_id FOREIGN KEY (activity_id) REFERENCES review_activities (id) ON DELETE RESTRICT,
    CONSTRAINT fk_review_ratings_review_seats_seat_id FOREIGN KEY (seat_id) REFERENCES review_seats (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX ix_review_ratings_seat_id ON review_ratings (seat_id);
CREATE INDEX ix_review_ratings_activity_id ON review_ratings (activity_id);
CREATE INDEX ix_review_ratings_expert_id ON review_ratings (expert_id);
CREATE INDEX ix_review_ratings_rated_by ON review_ratings (rated_by);

CREATE TABLE review_no_shows (
    id uuid NOT NULL,
    activity_id uuid NOT NULL,
    seat_id uuid NOT NULL,
    expert_id uuid NOT NULL,
    explained boolean NOT NULL,
    reason character varying(500),
    marked_by uuid NOT NULL,
    marked_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_review_no_shows PRIMARY KEY (id),
    CONSTRAINT fk_review_no_shows_experts_expert_id FOREIGN KEY (expert_id) REFERENCES experts (id) ON DELETE RESTRICT,
    CONSTRAINT fk_review_no_shows_identity_users_marked_by FOREIGN KEY (marked_by) REFERENCES identity_users (id) ON DELETE RESTRICT,
    CONSTRAINT fk_review_no_shows_review_activities_activity_id FOREIGN KEY (activity_id) REFERENCES review_activities (id) ON DELETE RESTRICT,
    CONSTRAINT fk_review_no_shows_review_seats_seat_id FOREIGN KEY (seat_id) REFERENCES review_seats (id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX ix_review_no_shows_seat_id ON review_no_shows (seat_id);
CREATE INDEX ix_review_no_shows_activity_id ON review_no_shows (activity_id);
CREATE INDEX ix_review_no_shows_expert_id ON review_no_shows (expert_id);
CREATE INDEX ix_review_no_shows_marked_by ON review_no_shows (marked_by);
