-- 0003 The audit chain records each row's hash algorithm (sm3 under the 国密 suite, sha256 under the
-- international one). Rows written before this script were hashed with SHA-256.

ALTER TABLE "audit_entries" ADD "hash_algorithm" TEXT NOT NULL DEFAULT 'sha256';
