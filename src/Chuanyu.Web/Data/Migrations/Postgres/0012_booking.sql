-- 0012 Instrument booking (仪器预约): the rules of each instrument, bookings with their states, maintenance blackouts,
-- training records, ratings of completed bookings, and usage records (机时) written at check-out, from which fees,
-- statements and the annual open-sharing evaluation are computed. Instants in UTC; times of day in the rules are minutes after midnight CST.

CREATE TABLE booking_rules (
    resource_id uuid NOT NULL,
    min_minutes integer NOT NULL,
    max_minutes integer NOT NULL,
    increment_minutes integer NOT NULL,
    min_notice_minutes integer NOT NULL,
    max_horizon_days integer NOT NULL,
    buffer_minutes integer NOT NULL,
    opens_at_minute integer NOT NULL,
    closes_at_minute integer NOT NULL,
    open_days integer NOT NULL,
    approval_required boolean NOT NULL,
    qualification_required boolean NOT NULL,
    allowed_user_types integer NOT NULL,
    cancel_deadline_hours integer NOT NULL,
    late_cancel_fee_fen bigint NOT NULL,
    no_show_fee_fen bigint NOT NULL,
    check_in_grace_minutes integer NOT NULL,
    user_quota_hours_per_month integer,
    organization_quota_hours_per_month integer,
    updated_by uuid,
    updated_at timestamp with time zone,
    version integer NOT NULL,
    CONSTRAINT pk_booking_rules PRIMARY KEY (resource_id),
    CONSTRAINT fk_booking_rules_resources_resource_id FOREIGN KEY (resource_id) REFERENCES resources (id) ON DELETE CASCADE
);

CREATE TABLE bookings (
    id uuid NOT NULL,
    resource_id uuid NOT NULL,
    owner_organization_id uuid NOT NULL,
    user_id uuid NOT NULL,
    user_organization_id uuid NOT NULL,
    booked_by uuid NOT NULL,
    user_type character varying(20) NOT NULL,
    start_at timestamp with time zone NOT NULL,
    end_at timestamp with time zone NOT NULL,
    blocked_until timestamp with time zone NOT NULL,
    status character varying(20) NOT NULL,
    purpose character varying(500) NOT NULL,
    series_id uuid,
    created_at timestamp with time zone NOT NULL,
    decided_by uuid,
    decided_at timestamp with time zone,
    decision_note character varying(500),
    checked_in_at timestamp with time zone,
    checked_out_at timestamp with time zone,
    cancelled_at timestamp with time zone,
    reminder_sent_at timestamp with time zone,
    fee_fen bigint,
    version integer NOT NULL,
    CONSTRAINT pk_bookings PRIMARY KEY (id),
    CONSTRAINT fk_bookings_organizations_user_organization_id FOREIGN KEY (user_organization_id) REFERENCES organizations (id) ON DELETE RESTRICT,
    CONSTRAINT fk_bookings_resources_resource_id FOREIGN KEY (resource_id) REFERENCES resources (id) ON DELETE RESTRICT
);

CREATE TABLE instrument_blackouts (
    id uuid NOT NULL,
    resource_id uuid NOT NULL,
    start_at timestamp with time zone NOT NULL,
    end_at timestamp with time zone NOT NULL,
    reason character varying(200) NOT NULL,
    created_by uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_instrument_blackouts PRIMARY KEY (id),
    CONSTRAINT fk_instrument_blackouts_resources_resource_id FOREIGN KEY (resource_id) REFERENCES resources (id) ON DELETE CASCADE
);

CREATE TABLE instrument_qualifications (
    id uuid NOT NULL,
    resource_id uuid NOT NULL,
    user_id uuid NOT NULL,
    expires_on date,
    granted_by uuid NOT NULL,
    granted_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_instrument_qualifications PRIMARY KEY (id),
    CONSTRAINT fk_instrument_qualifications_resources_resource_id FOREIGN KEY (resource_id) REFERENCES resources (id) ON DELETE CASCADE
);

CREATE TABLE usage_records (
    id uuid NOT NULL,
    booking_id uuid,
    resource_id uuid NOT NULL,
    owner_organization_id uuid NOT NULL,
    user_id uuid NOT NULL,
    user_organization_id uuid NOT NULL,
    user_type character varying(20) NOT NULL,
    external boolean NOT NULL,
    started_at timestamp with time zone NOT NULL,
    ended_at timestamp with time zone NOT NULL,
    minutes integer NOT NULL,
    fee_fen bigint NOT NULL,
    CONSTRAINT pk_usage_records PRIMARY KEY (id)
);

CREATE TABLE booking_ratings (
    id uuid NOT NULL,
    booking_id uuid NOT NULL,
    resource_id uuid NOT NULL,
    user_id uuid NOT NULL,
    score integer NOT NULL,
    comment character varying(500),
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_booking_ratings PRIMARY KEY (id),
    CONSTRAINT fk_booking_ratings_bookings_booking_id FOREIGN KEY (booking_id) REFERENCES bookings (id) ON DELETE CASCADE,
    CONSTRAINT ck_booking_ratings_score CHECK (score BETWEEN 1 AND 5)
);

CREATE UNIQUE INDEX ix_booking_ratings_booking_id ON booking_ratings (booking_id);

CREATE INDEX ix_booking_ratings_resource_id_created_at ON booking_ratings (resource_id, created_at);

CREATE INDEX ix_bookings_owner_organization_id_status_start_at ON bookings (owner_organization_id, status, start_at);

CREATE INDEX ix_bookings_resource_id_start_at ON bookings (resource_id, start_at);

CREATE INDEX ix_bookings_series_id ON bookings (series_id);

CREATE INDEX ix_bookings_status_start_at ON bookings (status, start_at);

CREATE INDEX ix_bookings_user_id_start_at ON bookings (user_id, start_at);

CREATE INDEX ix_bookings_user_organization_id ON bookings (user_organization_id);

CREATE INDEX ix_instrument_blackouts_resource_id_start_at ON instrument_blackouts (resource_id, start_at);

CREATE UNIQUE INDEX ix_instrument_qualifications_resource_id_user_id ON instrument_qualifications (resource_id, user_id);

CREATE UNIQUE INDEX ix_usage_records_booking_id ON usage_records (booking_id);

CREATE INDEX ix_usage_records_owner_organization_id_started_at ON usage_records (owner_organization_id, started_at);

CREATE INDEX ix_usage_records_resource_id_started_at ON usage_records (resource_id, started_at);

CREATE INDEX ix_usage_records_user_organization_id_started_at ON usage_records (user_organization_id, started_at);

-- Never a double booking: two active bookings of one instrument cannot hold overlapping time (each holds its range
-- up to the end plus the instrument's buffer). The database refuses the second insert even when two requests pass the
-- application's check at the same moment (SQLSTATE 23P01, answered as 409). btree_gist lets a GiST index compare the
-- uuid with "="; it is a trusted extension (PostgreSQL ≥ 13), so the database owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap EXCLUDE USING gist
    (resource_id WITH =, tstzrange(start_at, blocked_until, '[)') WITH &&)
    WHERE (status IN ('Pending', 'Approved', 'InUse'));
