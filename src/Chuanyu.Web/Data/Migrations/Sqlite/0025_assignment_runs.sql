-- 0025 bulk assignment runs (issue 16, point 7): the uploaded proposals of a large call, the options, the figures of
-- the run (total affinity against the greedy baseline, unfilled seats, time) and the experts assigned to each
-- proposal with their affinity. Instants in UTC.

CREATE TABLE "assignment_runs" (
    "id" TEXT NOT NULL CONSTRAINT "pk_assignment_runs" PRIMARY KEY,
    "region_code" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "per_proposal" INTEGER NOT NULL,
    "max_load" INTEGER NOT NULL,
    "pool_regions" TEXT NOT NULL,
    "pool_disciplines" TEXT NOT NULL,
    "max_pair_probability" REAL NULL,
    "seed" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "progress" INTEGER NOT NULL,
    "proposal_count" INTEGER NOT NULL,
    "candidate_experts" INTEGER NULL,
    "total_affinity" INTEGER NULL,
    "expected_affinity" REAL NULL,
    "greedy_affinity" INTEGER NULL,
    "unfilled_seats" INTEGER NULL,
    "short_proposals" INTEGER NULL,
    "elapsed_milliseconds" INTEGER NULL,
    "solver_status" TEXT NULL,
    "failure_key" TEXT NULL,
    "created_at" INTEGER NOT NULL,
    "started_at" INTEGER NULL,
    "finished_at" INTEGER NULL
);

CREATE INDEX "ix_assignment_runs_region_code_created_at" ON "assignment_runs" ("region_code", "created_at");
CREATE INDEX "ix_assignment_runs_status" ON "assignment_runs" ("status");

CREATE TABLE "assignment_proposals" (
    "run_id" TEXT NOT NULL,
    "row_number" INTEGER NOT NULL,
    "external_ref" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "disciplines" TEXT NOT NULL,
    "keywords" TEXT NOT NULL,
    "assigned" INTEGER NOT NULL,
    "short_reason" TEXT NULL,
    CONSTRAINT "pk_assignment_proposals" PRIMARY KEY ("run_id", "row_number"),
    CONSTRAINT "fk_assignment_proposals_assignment_runs_run_id" FOREIGN KEY ("run_id") REFERENCES "assignment_runs" ("id") ON DELETE CASCADE
);

CREATE TABLE "assignment_pairs" (
    "run_id" TEXT NOT NULL,
    "row_number" INTEGER NOT NULL,
    "expert_id" TEXT NOT NULL,
    "affinity" INTEGER NOT NULL,
    "rank" INTEGER NOT NULL,
    "matched_discipline" TEXT NULL,
    "matched_keywords" TEXT NOT NULL,
    CONSTRAINT "pk_assignment_pairs" PRIMARY KEY ("run_id", "row_number", "expert_id"),
    CONSTRAINT "fk_assignment_pairs_assignment_runs_run_id" FOREIGN KEY ("run_id") REFERENCES "assignment_runs" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_assignment_pairs_run_id_expert_id" ON "assignment_pairs" ("run_id", "expert_id");
