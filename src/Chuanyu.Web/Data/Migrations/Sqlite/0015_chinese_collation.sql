-- 0015 Chinese names in pinyin order (拼音排序). Nothing to store on SQLite: the engine has no ICU, so the collation
-- zh_pinyin is registered in code on every connection the platform opens (Data/ChineseCollation.cs). The script keeps
-- the versions of both engines in step.
SELECT 1;
