-- 0009 The search index (检索索引). One narrow row per published resource in resource_search, written by the
-- application in the same transaction as the resource (AppDbContext.SaveChanges → SearchIndexer), and an FTS5 index
-- over its text (resource_search_text) kept in step by triggers. The FTS rowid is the search key
-- ((1000 - quality) << 32 | doc_id), so matches come out of the index best-first without sorting. The facet columns
-- live in their own narrow table: reading them for ten thousand matches touches a few hundred pages, in key order.

CREATE TABLE "platform_counters" (
    "name" TEXT NOT NULL CONSTRAINT "pk_platform_counters" PRIMARY KEY,
    "value" INTEGER NOT NULL
);

INSERT INTO "platform_counters" ("name", "value") VALUES ('resource_search_doc', 0);

INSERT INTO "platform_counters" ("name", "value") VALUES ('resource_search_version', 0);

CREATE TABLE "resource_search" (
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
    "resource_id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    CONSTRAINT "fk_resource_search_resources_resource_id" FOREIGN KEY ("resource_id") REFERENCES "resources" ("id") ON DELETE CASCADE
);

CREATE TABLE "resource_search_text" (
    "search_key" INTEGER NOT NULL CONSTRAINT "pk_resource_search_text" PRIMARY KEY,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "filters" TEXT NOT NULL,
    CONSTRAINT "fk_resource_search_text_resource_search_search_key" FOREIGN KEY ("search_key") REFERENCES "resource_search" ("search_key") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "ix_resource_search_resource_id" ON "resource_search" ("resource_id");

CREATE UNIQUE INDEX "ix_resource_search_doc_id" ON "resource_search" ("doc_id");

CREATE INDEX "ix_resource_search_version" ON "resource_search" ("version");

CREATE VIRTUAL TABLE resource_fts USING fts5(title, body, filters, content='resource_search_text', content_rowid='search_key');

CREATE TRIGGER resource_fts_ai AFTER INSERT ON resource_search_text BEGIN
  INSERT INTO resource_fts (rowid, title, body, filters) VALUES (new.search_key, new.title, new.body, new.filters);
END;

CREATE TRIGGER resource_fts_ad AFTER DELETE ON resource_search_text BEGIN
  INSERT INTO resource_fts (resource_fts, rowid, title, body, filters) VALUES ('delete', old.search_key, old.title, old.body, old.filters);
END;

CREATE TRIGGER resource_fts_au AFTER UPDATE ON resource_search_text BEGIN
  INSERT INTO resource_fts (resource_fts, rowid, title, body, filters) VALUES ('delete', old.search_key, old.title, old.body, old.filters);
  INSERT INTO resource_fts (rowid, title, body, filters) VALUES (new.search_key, new.title, new.body, new.filters);
END;
