-- 0002 Data Protection key ring in the database, so every instance of the platform accepts the cookies and
-- bearer tokens that another instance issued.

CREATE TABLE "data_protection_keys" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_data_protection_keys" PRIMARY KEY AUTOINCREMENT,
    "friendly_name" TEXT NOT NULL,
    "xml" TEXT NOT NULL
);

CREATE UNIQUE INDEX "ix_data_protection_keys_friendly_name" ON "data_protection_keys" ("friendly_name");
