-- 0010 Search tiers (检索分层). Every search row gets three more filter tokens, which no text can produce:
--   层<k>        its quality rank k = search_key >> 32 (= 1000 - quality; ascending k is best first);
--   层<k>x<b>    the same within its block b of 16,384 doc ids;
--   块<s>        its block s of 8,192 doc ids, whatever its quality (a sample of the index for estimates).
-- SQLite reads FTS5 rowids in key order and uses only the sample token; both engines index the same tokens
-- (docs/search-design.md). The FTS triggers of 0009 re-index each updated row.

UPDATE resource_search_text
SET filters = filters || ' 层' || (search_key >> 32)
    || ' 层' || (search_key >> 32) || 'x' || ((search_key & 4294967295) >> 14)
    || ' 块' || ((search_key & 4294967295) >> 13)
WHERE filters NOT LIKE '%层%';
