-- 0009 The search index (检索索引). One narrow row per published resource in resource_search, written by the
-- application in the same transaction as the resource (AppDbContext.SaveChanges → SearchIndexer), its text in
-- resource_search_text. The tsvector is a
-- generated column: the analysed title with weight A, the analysed body, and the filter tokens taken verbatim
-- (array_to_tsvector, no parser), so one GIN index answers the words and the filters together. The search key is
-- ((1000 - quality) << 32 | doc_id): its btree gives best-first order.

CREATE TABLE platform_counters (
    name character varying(50) NOT NULL,
    value bigint NOT NULL,
    CONSTRAINT pk_platform_counters PRIMARY KEY (name)
);

INSERT INTO platform_counters (name, value) VALUES ('resource_search_doc', 0);

INSERT INTO platform_counters (name, value) VALUES ('resource_search_version', 0);

CREATE TABLE resource_search (
    search_key bigint NOT NULL,
    kind integer NOT NULL,
    region integer NOT NULL,
    district integer NOT NULL,
    category integer NOT NULL,
    flags integer NOT NULL,
    price_bucket integer NOT NULL,
    doc_id integer NOT NULL,
    quality integer NOT NULL,
    version bigint NOT NULL,
    resource_id uuid NOT NULL,
    organization_id uuid NOT NULL,
    CONSTRAINT pk_resource_search PRIMARY KEY (search_key),
    CONSTRAINT fk_resource_search_resources_resource_id FOREIGN KEY (resource_id) REFERENCES resources (id) ON DELETE CASCADE
);

CREATE TABLE resource_search_text (
    search_key bigint NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    filters text NOT NULL,
    search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || to_tsvector('simple'::regconfig, body)
        || array_to_tsvector(string_to_array(filters, ' '))) STORED,
    CONSTRAINT pk_resource_search_text PRIMARY KEY (search_key),
    CONSTRAINT fk_resource_search_text_resource_search_search_key FOREIGN KEY (search_key) REFERENCES resource_search (search_key) ON DELETE CASCADE
);

-- The analysed text is never read by a search: keep it out of line so the rows a search visits stay narrow.
ALTER TABLE resource_search_text ALTER COLUMN title SET STORAGE EXTERNAL;
ALTER TABLE resource_search_text ALTER COLUMN body SET STORAGE EXTERNAL;

CREATE UNIQUE INDEX ix_resource_search_resource_id ON resource_search (resource_id);

CREATE UNIQUE INDEX ix_resource_search_doc_id ON resource_search (doc_id);

CREATE INDEX ix_resource_search_version ON resource_search (version);

CREATE INDEX ix_resource_search_text_vector ON resource_search_text USING gin (search_vector);
