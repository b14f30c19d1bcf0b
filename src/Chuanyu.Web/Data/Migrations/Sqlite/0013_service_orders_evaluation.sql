-- 0013 Service orders (送样检测) and the annual open-sharing evaluation (开放共享评价考核): orders with their quote,
-- report (PDF, its own table so lists never read it) and states; usage records now also come from completed orders;
-- results and function developments registered per instrument; the indicator scheme; evaluation runs with the
-- results per instrument and per organisation. Instants in UTC.

ALTER TABLE "usage_records" ADD COLUMN "service_order_id" TEXT NULL;

CREATE TABLE "service_orders" (
    "id" TEXT NOT NULL CONSTRAINT "pk_service_orders" PRIMARY KEY,
    "number" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "owner_organization_id" TEXT NOT NULL,
    "requester_id" TEXT NOT NULL,
    "requester_organization_id" TEXT NOT NULL,
    "user_type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "items" TEXT NOT NULL,
    "item_count" INTEGER NOT NULL,
    "samples" TEXT NOT NULL,
    "sample_count" INTEGER NOT NULL,
    "purpose" TEXT NOT NULL,
    "price_unit" TEXT NULL,
    "unit_price_fen" INTEGER NULL,
    "quantity" TEXT NULL,
    "quote_fen" INTEGER NULL,
    "quote_note" TEXT NULL,
    "promised_on" TEXT NULL,
    "machine_minutes" INTEGER NULL,
    "report_file_name" TEXT NULL,
    "decision_note" TEXT NULL,
    "created_at" INTEGER NOT NULL,
    "quoted_at" INTEGER NULL,
    "accepted_at" INTEGER NULL,
    "started_at" INTEGER NULL,
    "reported_at" INTEGER NULL,
    "completed_at" INTEGER NULL,
    "closed_at" INTEGER NULL,
    "version" INTEGER NOT NULL,
    CONSTRAINT "fk_service_orders_organizations_requester_organization_id" FOREIGN KEY ("requester_organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT,
    CONSTRAINT "fk_service_orders_resources_resource_id" FOREIGN KEY ("resource_id") REFERENCES "resources" ("id") ON DELETE RESTRICT
);

CREATE TABLE "service_order_reports" (
    "order_id" TEXT NOT NULL CONSTRAINT "pk_service_order_reports" PRIMARY KEY,
    "file_name" TEXT NOT NULL,
    "content" BLOB NOT NULL,
    "uploaded_by" TEXT NOT NULL,
    "uploaded_at" INTEGER NOT NULL,
    CONSTRAINT "fk_service_order_reports_service_orders_order_id" FOREIGN KEY ("order_id") REFERENCES "service_orders" ("id") ON DELETE CASCADE
);

CREATE TABLE "instrument_achievements" (
    "id" TEXT NOT NULL CONSTRAINT "pk_instrument_achievements" PRIMARY KEY,
    "resource_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "achieved_on" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    CONSTRAINT "fk_instrument_achievements_resources_resource_id" FOREIGN KEY ("resource_id") REFERENCES "resources" ("id") ON DELETE CASCADE
);

CREATE TABLE "evaluation_schemes" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_evaluation_schemes" PRIMARY KEY,
    "json" TEXT NOT NULL,
    "updated_by" TEXT NULL,
    "updated_at" INTEGER NULL,
    "version" INTEGER NOT NULL
);

CREATE TABLE "evaluation_runs" (
    "id" TEXT NOT NULL CONSTRAINT "pk_evaluation_runs" PRIMARY KEY,
    "year" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "scheme_json" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "requested_at" INTEGER NOT NULL,
    "started_at" INTEGER NULL,
    "finished_at" INTEGER NULL,
    "progress" INTEGER NOT NULL,
    "instruments" INTEGER NOT NULL,
    "usage_records" INTEGER NOT NULL,
    "error" TEXT NULL
);

CREATE TABLE "evaluation_results" (
    "run_id" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "indicator_scores" TEXT NOT NULL,
    "region_code" TEXT NOT NULL,
    "effective_minutes" INTEGER NOT NULL,
    "external_minutes" INTEGER NOT NULL,
    "external_users" INTEGER NOT NULL,
    "external_organizations" INTEGER NOT NULL,
    "income_internal_fen" INTEGER NOT NULL,
    "income_external_fen" INTEGER NOT NULL,
    "rating_average" REAL NULL,
    "rating_count" INTEGER NOT NULL,
    "trainees" INTEGER NOT NULL,
    "results" INTEGER NOT NULL,
    "functions" INTEGER NOT NULL,
    "score" REAL NOT NULL,
    "grade" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "region_rank" INTEGER NOT NULL,
    CONSTRAINT "pk_evaluation_results" PRIMARY KEY ("run_id", "resource_id"),
    CONSTRAINT "fk_evaluation_results_evaluation_runs_run_id" FOREIGN KEY ("run_id") REFERENCES "evaluation_runs" ("id") ON DELETE CASCADE
);

CREATE TABLE "evaluation_organization_results" (
    "run_id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "instruments" INTEGER NOT NULL,
    "excellent" INTEGER NOT NULL,
    "good" INTEGER NOT NULL,
    "pass" INTEGER NOT NULL,
    "poor" INTEGER NOT NULL,
    "region_code" TEXT NOT NULL,
    "effective_minutes" INTEGER NOT NULL,
    "external_minutes" INTEGER NOT NULL,
    "external_users" INTEGER NOT NULL,
    "external_organizations" INTEGER NOT NULL,
    "income_internal_fen" INTEGER NOT NULL,
    "income_external_fen" INTEGER NOT NULL,
    "rating_average" REAL NULL,
    "rating_count" INTEGER NOT NULL,
    "trainees" INTEGER NOT NULL,
    "results" INTEGER NOT NULL,
    "functions" INTEGER NOT NULL,
    "score" REAL NOT NULL,
    "grade" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "region_rank" INTEGER NOT NULL,
    CONSTRAINT "pk_evaluation_organization_results" PRIMARY KEY ("run_id", "organization_id"),
    CONSTRAINT "fk_evaluation_organization_results_evaluation_runs_run_id" FOREIGN KEY ("run_id") REFERENCES "evaluation_runs" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_evaluation_organization_results_run_id_rank" ON "evaluation_organization_results" ("run_id", "rank");

CREATE INDEX "ix_evaluation_organization_results_run_region_rank" ON "evaluation_organization_results" ("run_id", "region_code", "region_rank");

CREATE INDEX "ix_evaluation_results_run_id_organization_id_rank" ON "evaluation_results" ("run_id", "organization_id", "rank");

CREATE INDEX "ix_evaluation_results_run_id_rank" ON "evaluation_results" ("run_id", "rank");

CREATE INDEX "ix_evaluation_results_run_id_region_code_region_rank" ON "evaluation_results" ("run_id", "region_code", "region_rank");

CREATE INDEX "ix_evaluation_runs_status" ON "evaluation_runs" ("status");

CREATE INDEX "ix_evaluation_runs_year_requested_at" ON "evaluation_runs" ("year", "requested_at");

CREATE INDEX "ix_instrument_achievements_resource_id_achieved_on" ON "instrument_achievements" ("resource_id", "achieved_on");

CREATE UNIQUE INDEX "ix_service_orders_number" ON "service_orders" ("number");

CREATE INDEX "ix_service_orders_owner_organization_id_status_created_at" ON "service_orders" ("owner_organization_id", "status", "created_at");

CREATE INDEX "ix_service_orders_requester_id_created_at" ON "service_orders" ("requester_id", "created_at");

CREATE INDEX "ix_service_orders_requester_organization_id" ON "service_orders" ("requester_organization_id");

CREATE INDEX "ix_service_orders_resource_id" ON "service_orders" ("resource_id");

CREATE UNIQUE INDEX "ix_usage_records_service_order_id" ON "usage_records" ("service_order_id");
