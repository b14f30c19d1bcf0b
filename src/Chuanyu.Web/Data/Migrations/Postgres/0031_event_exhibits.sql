-- 0031 event exhibits (活动展示的成果与需求, issue 17 point 5): the research results and technology demands an organiser puts
-- on show at a matchmaking event (the item is the market's, read through its directory, so no foreign key to it), and
-- the exhibit a meeting request is about (cleared when the exhibit is removed). Instants as timestamptz (UTC).

CREATE TABLE event_exhibits (
    id uuid NOT NULL,
    event_id uuid NOT NULL,
    kind character varying(20) NOT NULL,
    item_id uuid NOT NULL,
    added_by uuid NOT NULL,
    added_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_event_exhibits PRIMARY KEY (id),
    CONSTRAINT fk_event_exhibits_identity_users_added_by FOREIGN KEY (added_by) REFERENCES identity_users (id) ON DELETE RESTRICT,
    CONSTRAINT fk_event_exhibits_matchmaking_events_event_id FOREIGN KEY (event_id) REFERENCES matchmaking_events (id) ON DELETE CASCADE
);

CREATE UNIQUE INDEX ix_event_exhibits_event_id_kind_item_id ON event_exhibits (event_id, kind, item_id);

CREATE INDEX ix_event_exhibits_added_by ON event_exhibits (added_by);

ALTER TABLE event_meetings ADD COLUMN exhibit_id uuid;
