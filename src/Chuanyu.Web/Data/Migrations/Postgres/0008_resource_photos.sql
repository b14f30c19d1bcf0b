-- 0008 Photos of catalogue resources (照片): JPEG or PNG, at most 5 MB each and six per resource, kept in the
-- database beside the record so a backup holds them and every instance serves them. The engine checks the size.

CREATE TABLE resource_photos (
    id uuid NOT NULL,
    resource_id uuid NOT NULL,
    file_name character varying(200) NOT NULL,
    content_type character varying(50) NOT NULL,
    content bytea NOT NULL,
    size bigint NOT NULL,
    sort_order integer NOT NULL,
    uploaded_by uuid NOT NULL,
    uploaded_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_resource_photos PRIMARY KEY (id),
    CONSTRAINT ck_resource_photos_size CHECK (size BETWEEN 1 AND 5242880 AND octet_length(content) = size),
    CONSTRAINT ck_resource_photos_content_type CHECK (content_type IN ('image/jpeg', 'image/png')),
    CONSTRAINT fk_resource_photos_resources_resource_id FOREIGN KEY (resource_id) REFERENCES resources (id) ON DELETE CASCADE
);

CREATE INDEX ix_resource_photos_resource_id_sort_order ON resource_photos (resource_id, sort_order);
