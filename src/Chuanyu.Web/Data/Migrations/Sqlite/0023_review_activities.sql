-- 0023 review activities and verifiable draws (issue 16, points 2–5): activities of a region with the items under
-- review (applicant organisation, named persons kept as a name and the blind index of the ID number), exclusions on
-- request, relations experts declare, committed draws (candidate list frozen as JSON with its hash, the commitment to
-- the seed, the seed encrypted until revealed) and the seats drawn with the invitations' answers. Instants in UTC.

CREATE TABLE "review_activities" (
    "id" TEXT NOT NULL CONSTRAINT "pk_review_activities" PRIMARY KEY,
    "title" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "description" TEXT NULL,
    "region_code" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "disciplines" TEXT NOT NULL,
    "panel_size" INTEGER NOT NULL,
    "alternates" INTEGER NOT NULL,
    "min_senior_percent" INTEGER NOT NULL,
    "min_other_region" INTEGER NOT NULL,
    "one_per_institution" INTEGER NOT NULL,
    "cool_down_days" INTEGER NOT NULL,
    "review_starts_at" INTEGER NOT NULL,
    "review_ends_at" INTEGER NOT NULL,
    "response_deadline" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "synthetic" INTEGER NOT NULL,
    "created_at" INTEGER NOT NULL,
    "updated_at" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_review_activities_identity_users_owner_id" FOREIGN KEY ("owner_id") REFERENCES "identity_users" ("id") ON DELETE RESTRICT
);

CREATE TABLE "review_draws" (
    "id" TEXT NOT NULL CONSTRAINT "pk_review_draws" PRIMARY KEY,
    "activity_id" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "hash_algorithm" TEXT NOT NULL,
    "candidate_list_hash" TEXT NOT NULL,
    "commitment" TEXT NOT NULL,
    "seed_protected" TEXT NOT NULL,
    "seed_revealed" TEXT NULL,
    "candidates_json" TEXT NOT NULL,
    "candidate_count" INTEGER NOT NULL,
    "exclusion_counts" TEXT NOT NULL,
    "panel_size" INTEGER NOT NULL,
    "alternates" INTEGER NOT NULL,
    "min_senior" INTEGER NOT NULL,
    "home_region" TEXT NOT NULL,
    "min_other_region" INTEGER NOT NULL,
    "one_per_institution" INTEGER NOT NULL,
    "drawn_by" TEXT NOT NULL,
    "drawn_at" INTEGER NOT NULL,
    "revealed_at" INTEGER NULL,
    CONSTRAINT "fk_review_draws_identity_users_drawn_by" FOREIGN KEY ("drawn_by") REFERENCES "identity_users" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_review_draws_review_activities_activity_id" FOREIGN KEY ("activity_id") REFERENCES "review_activities" ("id") ON DELETE RESTRICT
);

CREATE TABLE "review_items" (
    "id" TEXT NOT NULL CONSTRAINT "pk_review_items" PRIMARY KEY,
    "activity_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "applicant_organization_id" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    CONSTRAINT "fk_review_items_organizations_applicant_organization_id" FOREIGN KEY ("applicant_organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_review_items_review_activities_activity_id" FOREIGN KEY ("activity_id") REFERENCES "review_activities" ("id") ON DELETE CASCADE
);

CREATE TABLE "expert_relations" (
    "id" TEXT NOT NULL CONSTRAINT "pk_expert_relations" PRIMARY KEY,
    "expert_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "organization_id" TEXT NULL,
    "person_name" TEXT NULL,
    "person_id_number_key" TEXT NULL,
    "ended_on" TEXT NULL,
    "note" TEXT NULL,
    "created_at" INTEGER NOT NULL,
    CONSTRAINT "fk_expert_relations_experts_expert_id" FOREIGN KEY ("expert_id") REFERENCES "experts" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_expert_relations_organizations_organization_id" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT
);

CREATE TABLE "review_seats" (
    "id" TEXT NOT NULL CONSTRAINT "pk_review_seats" PRIMARY KEY,
    "activity_id" TEXT NOT NULL,
    "draw_id" TEXT NOT NULL,
    "expert_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "replaces_seat_id" TEXT NULL,
    "response_note" TEXT NULL,
    "invited_at" INTEGER NULL,
    "answer_by" INTEGER NULL,
    "responded_at" INTEGER NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_review_seats_experts_expert_id" FOREIGN KEY ("expert_id") REFERENCES "experts" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_review_seats_review_activities_activity_id" FOREIGN KEY ("activity_id") REFERENCES "review_activities" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_review_seats_review_draws_draw_id" FOREIGN KEY ("draw_id") REFERENCES "review_draws" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_review_seats_review_seats_replaces_seat_id" FOREIGN KEY ("replaces_seat_id") REFERENCES "review_seats" ("id") ON DELETE RESTRICT
);

CREATE TABLE "review_exclusions" (
    "id" TEXT NOT NULL CONSTRAINT "pk_review_exclusions" PRIMARY KEY,
    "activity_id" TEXT NOT NULL,
    "item_id" TEXT NULL,
    "expert_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    CONSTRAINT "fk_review_exclusions_experts_expert_id" FOREIGN KEY ("expert_id") REFERENCES "experts" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_review_exclusions_review_activities_activity_id" FOREIGN KEY ("activity_id") REFERENCES "review_activities" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_review_exclusions_review_items_item_id" FOREIGN KEY ("item_id") REFERENCES "review_items" ("id") ON DELETE CASCADE
);

CREATE TABLE "review_item_persons" (
    "id" TEXT NOT NULL CONSTRAINT "pk_review_item_persons" PRIMARY KEY,
    "item_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "id_number_key" TEXT NOT NULL,
    CONSTRAINT "fk_review_item_persons_review_items_item_id" FOREIGN KEY ("item_id") REFERENCES "review_items" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_expert_relations_expert_id" ON "expert_relations" ("expert_id");

CREATE INDEX "ix_expert_relations_organization_id" ON "expert_relations" ("organization_id");

CREATE INDEX "ix_expert_relations_person_id_number_key" ON "expert_relations" ("person_id_number_key");

CREATE INDEX "ix_review_activities_owner_id" ON "review_activities" ("owner_id");

CREATE INDEX "ix_review_activities_region_code_status" ON "review_activities" ("region_code", "status");

CREATE UNIQUE INDEX "ix_review_draws_activity_id_sequence" ON "review_draws" ("activity_id", "sequence");

CREATE INDEX "ix_review_draws_drawn_by" ON "review_draws" ("drawn_by");

CREATE INDEX "ix_review_exclusions_activity_id_expert_id" ON "review_exclusions" ("activity_id", "expert_id");

CREATE INDEX "ix_review_exclusions_expert_id" ON "review_exclusions" ("expert_id");

CREATE INDEX "ix_review_exclusions_item_id" ON "review_exclusions" ("item_id");

CREATE INDEX "ix_review_item_persons_id_number_key" ON "review_item_persons" ("id_number_key");

CREATE INDEX "ix_review_item_persons_item_id" ON "review_item_persons" ("item_id");

CREATE INDEX "ix_review_items_activity_id_position" ON "review_items" ("activity_id", "position");

CREATE INDEX "ix_review_items_applicant_organization_id" ON "review_items" ("applicant_organization_id");

CREATE UNIQUE INDEX "ix_review_seats_activity_id_expert_id" ON "review_seats" ("activity_id", "expert_id");

CREATE INDEX "ix_review_seats_draw_id" ON "review_seats" ("draw_id");

CREATE INDEX "ix_review_seats_expert_id_status" ON "review_seats" ("expert_id", "status");

CREATE INDEX "ix_review_seats_replaces_seat_id" ON "review_seats" ("replaces_seat_id");
