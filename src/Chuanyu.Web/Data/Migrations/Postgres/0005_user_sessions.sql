-- 0005 Server-side sessions: each sign-in (browser or API token) is a row that can end before its cookie or
-- token does: idle timeout, absolute lifetime, or remote sign-out by its owner.

CREATE TABLE user_sessions (
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    kind character varying(10) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    last_seen_at timestamp with time zone NOT NULL,
    ip_address character varying(64),
    user_agent character varying(300),
    revoked_at timestamp with time zone,
    CONSTRAINT pk_user_sessions PRIMARY KEY (id),
    CONSTRAINT fk_user_sessions_identity_users_user_id FOREIGN KEY (user_id) REFERENCES identity_users (id) ON DELETE CASCADE
);

CREATE INDEX ix_user_sessions_user_id_revoked_at ON user_sessions (user_id, revoked_at);
