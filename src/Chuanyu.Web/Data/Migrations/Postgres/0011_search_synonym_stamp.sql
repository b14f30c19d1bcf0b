-- 0011 Which synonym table the search index was written with (检索同义词标记). Rows are now indexed with the
-- abbreviations of the expansions they hold ("透射电子显微镜" also gets the tokens of "透射电镜"), so a search can ask for
-- the abbreviation alone instead of an OR of its expansions. That holds only when every row was written with the
-- current table: the value is the stamp of that table (ChineseAnalyzer.SynonymsStamp), 0 until the `reindex` command
-- has rewritten the existing rows; an empty index is stamped at start-up. Until then searches keep the OR.
INSERT INTO platform_counters (name, value) VALUES ('resource_search_synonyms', 0);
