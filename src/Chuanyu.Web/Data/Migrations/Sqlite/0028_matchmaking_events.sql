-- 0028 matchmaking events (对接活动, issue 17 point 5): events of an organiser organisation with a registration deadline,
-- capacity and a grid of one-to-one meeting slots; registrations (contact phone encrypted); meetings, and one hold per
-- participant per slot so the unique indexes refuse an organisation or a table twice in a slot. Instants in UTC ticks.

CREATE TABLE "matchmaking_events" (
    "id" TEXT NOT NULL CONSTRAINT "pk_matchmaking_events" PRIMARY KEY,
    "title" TEXT NOT NULL,
    "disciplines" TEXT NOT NULL,
    "description" TEXT NULL,
    "organizer_organization_id" TEXT NOT NULL,
    "region_code" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "starts_at" INTEGER NOT NULL,
    "ends_at" INTEGER NOT NULL,
    "online" INTEGER NOT NULL,
    "address" TEXT NULL,
    "online_url" TEXT NULL,
    "capacity" INTEGER NOT NULL,
    "registration_deadline" INTEGER NOT NULL,
    "slot_minutes" INTEGER NOT NULL,
    "tables" INTEGER NOT NULL,
    "meetings_start_at" INTEGER NOT NULL,
    "meetings_end_at" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "cancel_reason" TEXT NULL,
    "synthetic" INTEGER NOT NULL,
    "created_at" INTEGER NOT NULL,
    "updated_at" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_matchmaking_events_identity_users_created_by" FOREIGN KEY ("created_by") REFERENCES "identity_users" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_matchmaking_events_organizations_organizer_organization_id" FOREIGN KEY ("organizer_organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT
);

CREATE TABLE "event_registrations" (
    "id" TEXT NOT NULL CONSTRAINT "pk_event_registrations" PRIMARY KEY,
    "event_id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "contact_name" TEXT NOT NULL,
    "contact_phone_protected" TEXT NOT NULL,
    "note" TEXT NULL,
    "status" TEXT NOT NULL,
    "registered_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "cancelled_at" INTEGER NULL,
    CONSTRAINT "fk_event_registrations_identity_users_registered_by" FOREIGN KEY ("registered_by") REFERENCES "identity_users" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_event_registrations_matchmaking_events_event_id" FOREIGN KEY ("event_id") REFERENCES "matchmaking_events" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_event_registrations_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT
);

CREATE TABLE "event_meetings" (
    "id" TEXT NOT NULL CONSTRAINT "pk_event_meetings" PRIMARY KEY,
    "event_id" TEXT NOT NULL,
    "requester_organization_id" TEXT NOT NULL,
    "target_organization_id" TEXT NOT NULL,
    "slot_start" INTEGER NOT NULL,
    "table_number" INTEGER NULL,
    "status" TEXT NOT NULL,
    "note" TEXT NULL,
    "requested_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "answered_at" INTEGER NULL,
    "requester_outcome" TEXT NULL,
    "requester_outcome_note" TEXT NULL,
    "target_outcome" TEXT NULL,
    "target_outcome_note" TEXT NULL,
    CONSTRAINT "fk_event_meetings_identity_users_requested_by" FOREIGN KEY ("requested_by") REFERENCES "identity_users" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_event_meetings_matchmaking_events_event_id" FOREIGN KEY ("event_id") REFERENCES "matchmaking_events" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_event_meetings_organizations_requester_organization_id" FOREIGN KEY ("requester_organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_event_meetings_organizations_target_organization_id" FOREIGN KEY ("target_organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT
);

CREATE TABLE "event_meeting_holds" (
    "id" TEXT NOT NULL CONSTRAINT "pk_event_meeting_holds" PRIMARY KEY,
    "meeting_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "slot_start" INTEGER NOT NULL,
    CONSTRAINT "fk_event_meeting_holds_event_meetings_meeting_id" FOREIGN KEY ("meeting_id") REFERENCES "event_meetings" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_event_meeting_holds_matchmaking_events_event_id" FOREIGN KEY ("event_id") REFERENCES "matchmaking_events" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_event_meeting_holds_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT
);

CREATE INDEX "ix_matchmaking_events_status_starts_at" ON "matchmaking_events" ("status", "starts_at");

CREATE INDEX "ix_matchmaking_events_organizer_organization_id" ON "matchmaking_events" ("organizer_organization_id");

CREATE INDEX "ix_matchmaking_events_created_by" ON "matchmaking_events" ("created_by");

CREATE UNIQUE INDEX "ix_event_registrations_event_id_organization_id" ON "event_registrations" ("event_id", "organization_id");

CREATE INDEX "ix_event_registrations_organization_id" ON "event_registrations" ("organization_id");

CREATE INDEX "ix_event_registrations_registered_by" ON "event_registrations" ("registered_by");

CREATE UNIQUE INDEX "ix_event_meetings_event_id_table_number_slot_start" ON "event_meetings" ("event_id", "table_number", "slot_start");

CREATE INDEX "ix_event_meetings_requester_organization_id" ON "event_meetings" ("requester_organization_id");

CREATE INDEX "ix_event_meetings_target_organization_id" ON "event_meetings" ("target_organization_id");

CREATE INDEX "ix_event_meetings_requested_by" ON "event_meetings" ("requested_by");

CREATE UNIQUE INDEX "ix_event_meeting_holds_event_id_organization_id_slot_start" ON "event_meeting_holds" ("event_id", "organization_id", "slot_start");

CREATE INDEX "ix_event_meeting_holds_meeting_id" ON "event_meeting_holds" ("meeting_id");

CREATE INDEX "ix_event_meeting_holds_organization_id" ON "event_meeting_holds" ("organization_id");
