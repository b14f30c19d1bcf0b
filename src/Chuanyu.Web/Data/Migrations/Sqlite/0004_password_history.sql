-- 0004 Password history and age (等保 identity controls): when each password was set, and the hashes of the
-- previous ones so a new password cannot repeat them. Accounts from before this script count from now on.

ALTER TABLE "identity_users" ADD "password_changed_at" INTEGER NULL;

CREATE TABLE "password_history" (
    "id" TEXT NOT NULL CONSTRAINT "pk_password_history" PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    CONSTRAINT "fk_password_history_identity_users_user_id" FOREIGN KEY ("user_id") REFERENCES "identity_users" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_password_history_user_id_created_at" ON "password_history" ("user_id", "created_at");
