-- 0010 Search tiers (检索分层) and a leaner FTS5 index.
-- Every search row gets three more filter tokens, which no text can produce:
--   层<k>        its quality rank k = search_key >> 32 (= 1000 - quality; ascending k is best first);
--   层<k>x<b>    the same within its block b of 16,384 doc ids;
--   块<s>        its block s of 8,192 doc ids, whatever its quality (a sample of the index for estimates).
-- SQLite reads FTS5 rowids in key order and uses only the sample token; both engines index the same tokens
-- (docs/search-design.md).
-- The FTS5 index is rebuilt with detail=none: searches ask only whether a row holds each token (ranking and highlights
-- are computed in C# from the stored text), so positions and columns were dead weight that every frequent token's
-- doclist made a search read. The triggers are those of 0009.

DROP TRIGGER resource_fts_ai;
DROP TRIGGER resource_fts_ad;
DROP TRIGGER resource_fts_au;
DROP TABLE resource_fts;

UPDATE resource_search_text
SET filters = filters || ' 层' || (search_key >> 32)
    || ' 层' || (search_key >> 32) || 'x' || ((search_key & 4294967295) >> 14)
    || ' 块' || ((search_key & 4294967295) >> 13)
WHERE filters NOT LIKE '%层%';

CREATE VIRTUAL TABLE resource_fts USING fts5(title, body, filters, content='resource_search_text', content_rowid='search_key', detail='none');

INSERT INTO resource_fts (resource_fts) VALUES ('rebuild');
INSERT INTO resource_fts (resource_fts) VALUES ('optimize');

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
