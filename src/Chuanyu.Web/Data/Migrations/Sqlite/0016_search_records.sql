-- 0016 The search index holds records of any registered type (issue 14): resources, organisations, and the experts,
-- research results, demands, challenges and policies as their features land. A row names its record by record_id,
-- which is no longer a key of resources (the owning feature removes the row when its record goes, in the same save);
-- kind is the type code (resource kinds 0-7, organisations 8, see SearchTypes).
-- SQLite cannot drop a foreign key: the table is rebuilt (the runner applies scripts with foreign keys off and checks
-- them after; resource_search_text refers to resource_search by name, so it follows the rebuilt table).
CREATE TABLE "resource_search_new" (
    "search_key" INTEGER NOT NULL CONSTRAINT "pk_resource_search" PRIMARY KEY,
    "kind" INTEGER NOT NULL,
    "region" INTEGER NOT NULL,
    "district" INTEGER NOT NULL,
    "category" INTEGER NOT NULL,
    "flags" INTEGER NOT NULL,
    "price_bucket" INTEGER NOT NULL,
    "doc_id" INTEGER NOT NULL,
    "quality" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "record_id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL
);

INSERT INTO "resource_search_new" ("search_key", "kind", "region", "district", "category", "flags", "price_bucket", "doc_id", "quality", "version", "record_id", "organization_id")
SELECT "search_key", "kind", "region", "district", "category", "flags", "price_bucket", "doc_id", "quality", "version", "resource_id", "organization_id" FROM "resource_search";

DROP TABLE "resource_search";

ALTER TABLE "resource_search_new" RENAME TO "resource_search";

CREATE UNIQUE INDEX "ix_resource_search_record_id" ON "resource_search" ("record_id");

CREATE UNIQUE INDEX "ix_resource_search_doc_id" ON "resource_search" ("doc_id");

CREATE INDEX "ix_resource_search_version" ON "resource_search" ("version");
