-- 0028 matchmaking events (对接活动, issue 17 point 5): events of an organiser organisation with a registration deadline,
-- capacity and a grid of one-to-one meeting slots; registrations (contact phone encrypted); meetings, and one hold per
-- participant per slot so the unique indexes refuse an organisation or a table twice in a slot. Instants as timestamptz (UTC).

CREATE TABLE matchmaking_events (
    id uuid NOT NULL,
    title character varying(200) NOT NULL,
    disciplines character varying(200) NOT NULL,
    description character varying(4000),
    organizer_organization_id uuid NOT NULL,
    region_code character varying(6) NOT NULL,
    created_by uuid NOT NULL,
    starts_at timestamp with time zone NOT NULL,
    ends_at timestamp with time zone NOT NULL,
    online boolean NOT NULL,
    address character varying(300),
    online_url character varying(500),
    capacity integer NOT NULL,
    registration_deadline timestamp with time zone NOT NULL,
    slot_minutes integer NOT NULL,
    tables integer NOT NULL,
    meetings_start_at timestamp with time zone NOT NULL,
    meetings_end_at timestamp with time zone NOT NULL,
    status character varying(20) NOT NULL,
    cancel_reason character varying(1000),
    synthetic boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    version integer NOT NULL,
    CONSTRAINT pk_matchmaking_events PRIMARY KEY (id),
    CONSTRAINT fk_matchmaking_events_identity_users_created_by FOREIGN KEY (created_by) REFERENCES identity_users (id) ON DELETE RESTRICT,
    CONSTRAINT fk_matchmaking_events_organizations_organizer_organization_id FOREIGN KEY (organizer_organization_id) REFERENCES organizations (id) ON DELETE RESTRICT
);

CREATE TABLE event_registrations (
    id uuid NOT NULL,
    event_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    contact_name character varying(50) NOT NULL,
    contact_phone_protected character varying(300) NOT NULL,
    note character varying(1000),
    status character varying(20) NOT NULL,
    registered_by uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    cancelled_at timestamp with time zone,
    CONSTRAINT pk_event_registrations PRIMARY KEY (id),
    CONSTRAINT fk_event_registrations_identity_users_registered_by FOREIGN KEY (registered_by) REFERENCES identity_users (id) ON DELETE RESTRICT,
    CONSTRAINT fk_event_registrations_matchmaking_events_event_id FOREIGN KEY (event_id) REFERENCES matchmaking_events (id) ON DELETE CASCADE,
    CONSTRAINT fk_event_registrations_organizations_organization_id FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT
);

CREATE TABLE event_meetings (
    id uuid NOT NULL,
    event_id uuid NOT NULL,
    requester_organization_id uuid NOT NULL,
    target_organization_id uuid NOT NULL,
    slot_start timestamp with time zone NOT NULL,
    table_number integer,
    status character varying(20) NOT NULL,
    note character varying(1000),
    requested_by uuid NOT NULL,
    created_at timestamp with time zone NOT NULL,
    answered_at timestamp with time zone,
    requester_outcome character varying(20),
    requester_outcome_note character varying(1000),
    target_outcome character varying(20),
    target_outcome_note character varying(1000),
    CONSTRAINT pk_event_meetings PRIMARY KEY (id),
    CONSTRAINT fk_event_meetings_identity_users_requested_by FOREIGN KEY (requested_by) REFERENCES identity_users (id) ON DELETE RESTRICT,
    CONSTRAINT fk_event_meetings_matchmaking_events_event_id FOREIGN KEY (event_id) REFERENCES matchmaking_events (id) ON DELETE CASCADE,
    CONSTRAINT fk_event_meetings_organizations_requester_organization_id FOREIGN KEY (requester_organization_id) REFERENCES organizations (id) ON DELETE RESTRICT,
    CONSTRAINT fk_event_meetings_organizations_target_organization_id FOREIGN KEY (target_organization_id) REFERENCES organizations (id) ON DELETE RESTRICT
);

CREATE TABLE event_meeting_holds (
    id uuid NOT NULL,
    meeting_id uuid NOT NULL,
    event_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    slot_start timestamp with time zone NOT NULL,
    CONSTRAINT pk_event_meeting_holds PRIMARY KEY (id),
    CONSTRAINT fk_event_meeting_holds_event_meetings_meeting_id FOREIGN KEY (meeting_id) REFERENCES event_meetings (id) ON DELETE CASCADE,
    CONSTRAINT fk_event_meeting_holds_matchmaking_events_event_id FOREIGN KEY (event_id) REFERENCES matchmaking_events (id) ON DELETE CASCADE,
    CONSTRAINT fk_event_meeting_holds_organizations_organization_id FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE RESTRICT
);

CREATE INDEX ix_matchmaking_events_status_starts_at ON matchmaking_events (status, starts_at);

CREATE INDEX ix_matchmaking_events_organizer_organization_id ON matchmaking_events (organizer_organization_id);

CREATE INDEX ix_matchmaking_events_created_by ON matchmaking_events (created_by);

CREATE UNIQUE INDEX ix_event_registrations_event_id_organization_id ON event_registrations (event_id, organization_id);

CREATE INDEX ix_event_registrations_organization_id ON event_registrations (organization_id);

CREATE INDEX ix_event_registrations_registered_by ON event_registrations (registered_by);

CREATE UNIQUE INDEX ix_event_meetings_event_id_table_number_slot_start ON event_meetings (event_id, table_number, slot_start);

CREATE INDEX ix_event_meetings_requester_organization_id ON event_meetings (requester_organization_id);

CREATE INDEX ix_event_meetings_target_organization_id ON event_meetings (target_organization_id);

CREATE INDEX ix_event_meetings_requested_by ON event_meetings (requested_by);

CREATE UNIQUE INDEX ix_event_meeting_holds_event_id_organization_id_slot_start ON event_meeting_holds (event_id, organization_id, slot_start);

CREATE INDEX ix_event_meeting_holds_meeting_id ON event_meeting_holds (meeting_id);

CREATE INDEX ix_event_meeting_holds_organization_id ON event_meeting_holds (organization_id);
