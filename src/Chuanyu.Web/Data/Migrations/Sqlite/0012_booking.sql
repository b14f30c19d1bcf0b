-- 0012 Instrument booking (仪器预约): the rules of each instrument, bookings with their states, maintenance blackouts,
-- training records, ratings of completed bookings, and usage records (机时) written at check-out, from which fees,
-- statements and the annual open-sharing evaluation are computed. Instants in UTC; times of day in the rules are minutes after midnight CST.

CREATE TABLE "booking_rules" (
    "resource_id" TEXT NOT NULL CONSTRAINT "pk_booking_rules" PRIMARY KEY,
    "min_minutes" INTEGER NOT NULL,
    "max_minutes" INTEGER NOT NULL,
    "increment_minutes" INTEGER NOT NULL,
    "min_notice_minutes" INTEGER NOT NULL,
    "max_horizon_days" INTEGER NOT NULL,
    "buffer_minutes" INTEGER NOT NULL,
    "opens_at_minute" INTEGER NOT NULL,
    "closes_at_minute" INTEGER NOT NULL,
    "open_days" INTEGER NOT NULL,
    "approval_required" INTEGER NOT NULL,
    "qualification_required" INTEGER NOT NULL,
    "allowed_user_types" INTEGER NOT NULL,
    "cancel_deadline_hours" INTEGER NOT NULL,
    "late_cancel_fee_fen" INTEGER NOT NULL,
    "no_show_fee_fen" INTEGER NOT NULL,
    "check_in_grace_minutes" INTEGER NOT NULL,
    "user_quota_hours_per_month" INTEGER NULL,
    "organization_quota_hours_per_month" INTEGER NULL,
    "updated_by" TEXT NULL,
    "updated_at" INTEGER NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_booking_rules_resources_resource_id" FOREIGN KEY ("resource_id") REFERENCES "resources" ("id") ON DELETE CASCADE
);

CREATE TABLE "bookings" (
    "id" TEXT NOT NULL CONSTRAINT "pk_bookings" PRIMARY KEY,
    "resource_id" TEXT NOT NULL,
    "owner_organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "user_organization_id" TEXT NOT NULL,
    "booked_by" TEXT NOT NULL,
    "user_type" TEXT NOT NULL,
    "start_at" INTEGER NOT NULL,
    "end_at" INTEGER NOT NULL,
    "blocked_until" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "series_id" TEXT NULL,
    "created_at" INTEGER NOT NULL,
    "decided_by" TEXT NULL,
    "decided_at" INTEGER NULL,
    "decision_note" TEXT NULL,
    "checked_in_at" INTEGER NULL,
    "checked_out_at" INTEGER NULL,
    "cancelled_at" INTEGER NULL,
    "reminder_sent_at" INTEGER NULL,
    "fee_fen" INTEGER NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_bookings_organizations_user_organization_id" FOREIGN KEY ("user_organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_bookings_resources_resource_id" FOREIGN KEY ("resource_id") REFERENCES "resources" ("id") ON DELETE RESTRICT
);

CREATE TABLE "instrument_blackouts" (
    "id" TEXT NOT NULL CONSTRAINT "pk_instrument_blackouts" PRIMARY KEY,
    "resource_id" TEXT NOT NULL,
    "start_at" INTEGER NOT NULL,
    "end_at" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    CONSTRAINT "fk_instrument_blackouts_resources_resource_id" FOREIGN KEY ("resource_id") REFERENCES "resources" ("id") ON DELETE CASCADE
);

CREATE TABLE "instrument_qualifications" (
    "id" TEXT NOT NULL CONSTRAINT "pk_instrument_qualifications" PRIMARY KEY,
    "resource_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "expires_on" TEXT NULL,
    "granted_by" TEXT NOT NULL,
    "granted_at" INTEGER NOT NULL,
    CONSTRAINT "fk_instrument_qualifications_resources_resource_id" FOREIGN KEY ("resource_id") REFERENCES "resources" ("id") ON DELETE CASCADE
);

CREATE TABLE "usage_records" (
    "id" TEXT NOT NULL CONSTRAINT "pk_usage_records" PRIMARY KEY,
    "booking_id" TEXT NULL,
    "resource_id" TEXT NOT NULL,
    "owner_organization_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "user_organization_id" TEXT NOT NULL,
    "user_type" TEXT NOT NULL,
    "external" INTEGER NOT NULL,
    "started_at" INTEGER NOT NULL,
    "ended_at" INTEGER NOT NULL,
    "minutes" INTEGER NOT NULL,
    "fee_fen" INTEGER NOT NULL
);

CREATE TABLE "booking_ratings" (
    "id" TEXT NOT NULL CONSTRAINT "pk_booking_ratings" PRIMARY KEY,
    "booking_id" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "score" INTEGER NOT NULL CHECK ("score" BETWEEN 1 AND 5),
    "comment" TEXT NULL,
    "created_at" INTEGER NOT NULL,
    CONSTRAINT "fk_booking_ratings_bookings_booking_id" FOREIGN KEY ("booking_id") REFERENCES "bookings" ("id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "ix_booking_ratings_booking_id" ON "booking_ratings" ("booking_id");

CREATE INDEX "ix_booking_ratings_resource_id_created_at" ON "booking_ratings" ("resource_id", "created_at");

CREATE INDEX "ix_bookings_owner_organization_id_status_start_at" ON "bookings" ("owner_organization_id", "status", "start_at");

CREATE INDEX "ix_bookings_resource_id_start_at" ON "bookings" ("resource_id", "start_at");

CREATE INDEX "ix_bookings_series_id" ON "bookings" ("series_id");

CREATE INDEX "ix_bookings_status_start_at" ON "bookings" ("status", "start_at");

CREATE INDEX "ix_bookings_user_id_start_at" ON "bookings" ("user_id", "start_at");

CREATE INDEX "ix_bookings_user_organization_id" ON "bookings" ("user_organization_id");

CREATE INDEX "ix_instrument_blackouts_resource_id_start_at" ON "instrument_blackouts" ("resource_id", "start_at");

CREATE UNIQUE INDEX "ix_instrument_qualifications_resource_id_user_id" ON "instrument_qualifications" ("resource_id", "user_id");

CREATE UNIQUE INDEX "ix_usage_records_booking_id" ON "usage_records" ("booking_id");

CREATE INDEX "ix_usage_records_owner_organization_id_started_at" ON "usage_records" ("owner_organization_id", "started_at");

CREATE INDEX "ix_usage_records_resource_id_started_at" ON "usage_records" ("resource_id", "started_at");

CREATE INDEX "ix_usage_records_user_organization_id_started_at" ON "usage_records" ("user_organization_id", "started_at");

-- Never a double booking on SQLite: the service checks for an overlap and inserts inside one write transaction
-- (BEGIN IMMEDIATE), so two bookings are never checked at the same time.
