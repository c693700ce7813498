ALTER TABLE readers DROP COLUMN imported_at;
DROP TABLE audit_log;
DROP TABLE refund_actions;
DROP TABLE refund_requests;
