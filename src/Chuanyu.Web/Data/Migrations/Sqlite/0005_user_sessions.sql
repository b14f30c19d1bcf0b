-- 0005 Server-side sessions: each sign-in (browser or API token) is a row that can end before its cookie or
-- token does: idle timeout, absolute lifetime, or remote sign-out by its owner.

CREATE TABLE "user_sessions" (
    "id" TEXT NOT NULL CONSTRAINT "pk_user_sessions" PRIMARY KEY,
    "user_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "created_at" INTEGER NOT NULL,
    "last_seen_at" INTEGER NOT NULL,
    "ip_address" TEXT NULL,
    "user_agent" TEXT NULL,
    "revoked_at" INTEGER NULL,
    CONSTRAINT "fk_user_sessions_identity_users_user_id" FOREIGN KEY ("user_id") REFERENCES "identity_users" ("id") ON DELETE CASCADE
);

CREATE INDEX "ix_user_sessions_user_id_revoked_at" ON "user_sessions" ("user_id", "revoked_at");
