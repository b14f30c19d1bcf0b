-- 0014 Instrument outputs (仪器支撑成果): the papers, patents, awards, projects, standards and function developments
-- credited to an instrument were stored as "achievements"; that word now belongs to research results (科技成果, the
-- technology market's first list). Only names change: the table, its primary and foreign keys and its index. The
-- rows, columns and values stay as they are.

ALTER TABLE instrument_achievements RENAME TO instrument_outputs;

ALTER TABLE instrument_outputs RENAME CONSTRAINT pk_instrument_achievements TO pk_instrument_outputs;

ALTER TABLE instrument_outputs RENAME CONSTRAINT fk_instrument_achievements_resources_resource_id TO fk_instrument_outputs_resources_resource_id;

ALTER INDEX ix_instrument_achievements_resource_id_achieved_on RENAME TO ix_instrument_outputs_resource_id_achieved_on;
