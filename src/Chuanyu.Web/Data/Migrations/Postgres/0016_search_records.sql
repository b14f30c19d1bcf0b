-- 0016 The search index holds records of any registered type (issue 14): resources, organisations, and the experts,
-- research results, demands, challenges and policies as their features land. A row names its record by record_id,
-- which is no longer a key of resources (the owning feature removes the row when its record goes, in the same save);
-- kind is the type code (resource kinds 0-7, organisations 8, see SearchTypes).
ALTER TABLE resource_search DROP CONSTRAINT fk_resource_search_resources_resource_id;
ALTER TABLE resource_search RENAME COLUMN resource_id TO record_id;
ALTER INDEX ix_resource_search_resource_id RENAME TO ix_resource_search_record_id;
