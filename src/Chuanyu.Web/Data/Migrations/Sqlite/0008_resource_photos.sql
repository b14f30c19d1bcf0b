-- 0008 Photos of catalogue resources (照片): JPEG or PNG, at most 5 MB each and six per resource, kept in the
-- database beside the record so a backup holds them and every instance serves them. The engine checks the size.

CREATE TABLE "resource_photos" (
    "id" TEXT NOT NULL CONSTRAINT "pk_resource_photos" PRIMARY KEY,
    "resource_id" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "content" BLOB NOT NULL,
    "size" INTEGER NOT NULL,
    "sort_order" INTEGER NOT NULL,
    "uploaded_by" TEXT NOT NULL,
    "uploaded_at" INTEGER NOT NULL,
    CONSTRAINT "ck_resource_photos_size" CHECK ("size" BETWEEN 1 AND 5242880 AND length("content") = "size"),
    CONSTRAINT "ck_resource_photos_content_type" CHECK ("content_type" IN ('image/jpeg', 'image/png')),
    CONSTRAINT "fk_resource_photos_resources_resource_id" FOREIGN KEY ("resource_id") REFERENCES "resources" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_resource_photos_resource_id_sort_order" ON "resource_photos" ("resource_id", "sort_order");
