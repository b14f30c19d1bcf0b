-- 0015 Chinese names in pinyin order (拼音排序): the ICU collation that lists such as /Organizations order by
-- (ChineseCollation.Name in the code). A query names it (ORDER BY name COLLATE zh_pinyin); no column or index uses
-- it, so a later ICU upgrade that moves a few characters changes an order on screen, never an index. Needs a
-- PostgreSQL built with ICU (Debian's and the official images are).

CREATE COLLATION IF NOT EXISTS zh_pinyin (provider = icu, locale = 'zh-u-co-pinyin');
