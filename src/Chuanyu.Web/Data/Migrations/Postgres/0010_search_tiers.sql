-- 0010 Search tiers (检索分层). Every search row gets three more filter tokens, which no text can produce:
--   层<k>        its quality rank k = search_key >> 32 (= 1000 - quality; ascending k is best first);
--   层<k>x<b>    the same within its block b of 16,384 doc ids (a quality held by many rows splits into blocks);
--   块<s>        its block s of 8,192 doc ids, whatever its quality (a sample of the index for estimates).
-- PostgreSQL's GIN index cannot return matches in key order, so a search asks for the words among the best tiers only
-- and stops when it has enough, and estimates a large total from the sample block (docs/search-design.md).
-- SearchIndexer writes the tokens for new rows; this gives them to the rows indexed before.

UPDATE resource_search_text
SET filters = filters || ' 层' || (search_key >> 32)::text
    || ' 层' || (search_key >> 32)::text || 'x' || ((search_key & 4294967295) >> 14)::text
    || ' 块' || ((search_key & 4294967295) >> 13)::text
WHERE filters NOT LIKE '%层%';
