-- 0014 Instrument outputs (仪器支撑成果): the papers, patents, awards, projects, standards and function developments
-- credited to an instrument were stored as "achievements"; that word now belongs to research results (科技成果, the
-- technology market's first list). Only names change: the table, its primary and foreign keys and its index. The
-- rows, columns and values stay as they are.
--
-- SQLite renames a table but not the constraint names written in its CREATE TABLE text, nor an index, so the table is
-- rebuilt under the new names and its rows copied (no other table refers to it).

CREATE TABLE "instrument_outputs" (
    "id" TEXT NOT NULL CONSTRAINT "pk_instrument_outputs" PRIMARY KEY,
    "resource_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "achieved_on" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    CONSTRAINT "fk_instrument_outputs_resources_resource_id" FOREIGN KEY ("resource_id") REFERENCES "resources" ("id") ON DELETE CASCADE
);

INSERT INTO "instrument_outputs" ("id", "resource_id", "kind", "title", "achieved_on", "created_by", "created_at")
SELECT "id", "resource_id", "kind", "title", "achieved_on", "created_by", "created_at" FROM "instrument_achievements";

DROP TABLE "instrument_achievements";

CREATE INDEX "ix_instrument_outputs_resource_id_achieved_on" ON "instrument_outputs" ("resource_id", "achieved_on");
