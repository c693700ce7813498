ALTER TABLE readers DROP COLUMN imported_at;
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE refund_actions;
DROP TABLE refund_requests;
