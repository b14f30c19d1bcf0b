-- 0004 Password history and age (等保 identity controls): when each password was set, and the hashes of the
-- previous ones so a new password cannot repeat them. Accounts from before this script count from now on.

ALTER TABLE identity_users ADD password_changed_at timestamp with time zone;

CREATE TABLE password_history (
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    password_hash text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT pk_password_history PRIMARY KEY (id),
    CONSTRAINT fk_password_history_identity_users_user_id FOREIGN KEY (user_id) REFERENCES identity_users (id) ON DELETE CASCADE
);

CREATE INDEX ix_password_history_user_id_created_at ON password_history (user_id, created_at);
