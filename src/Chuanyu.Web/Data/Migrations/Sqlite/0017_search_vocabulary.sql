-- 0017 The search vocabulary (检索词表): the synonym table becomes data that the system administrator maintains (page
-- and API) instead of a file in the build. One row per term → expansion pair with where it comes from (a standard, a
-- manufacturer, a textbook). Seeded at first start from Data/Reference/search-synonyms.csv. The counters: the
-- vocabulary's version (bumped by every change; each instance reloads its analyzer when it moves) and the background
-- reindex's state (the version it last finished for, and the rows read of the rows in all, for its progress).

CREATE TABLE "search_vocabulary" (
    "id" TEXT NOT NULL CONSTRAINT "pk_search_vocabulary" PRIMARY KEY,
    "term" TEXT NOT NULL,
    "expansion" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "updated_by" TEXT NULL,
    "updated_at" INTEGER NOT NULL,
    "version" INTEGER NOT NULL
);

CREATE UNIQUE INDEX "ix_search_vocabulary_term_expansion" ON "search_vocabulary" ("term", "expansion");

INSERT INTO platform_counters (name, value) VALUES ('search_vocabulary_version', 0);
INSERT INTO platform_counters (name, value) VALUES ('search_reindex_version', 0);
INSERT INTO platform_counters (name, value) VALUES ('search_reindex_total', 0);
INSERT INTO platform_counters (name, value) VALUES ('search_reindex_done', 0);
