-- Every instance keeps a short-lived cache of what the gate reads (live
-- sessions, readers' entitlements, published articles, meters). A write
-- made through one instance must end what the others cached at once, not
-- after the cache lifetime: each write below sends a NOTIFY on the channel
-- `masthead_cache` from its own transaction (PostgreSQL delivers it only
-- if, and when, the transaction commits; identical payloads of one
-- transaction are delivered once), and every instance LISTENs
-- (src/cache_listener.rs). The payloads:
--   reader:<id>   the reader's subscriptions changed (entitlements)
--   session:<id>  a session was revoked or deleted
--   sessions      a reader's role or disabled state changed (every session)
--   tiers         a tier's perks changed (every reader's entitlements)
--   catalogue     articles, issues or their media changed
--   meter:<id>    a meter's counted reads changed
-- SQLite is one file behind one process: no other instance to tell.

CREATE FUNCTION masthead_notify_reader() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('masthead_cache', 'reader:' || OLD.reader_id);
        RETURN OLD;
    END IF;
    PERFORM pg_notify('masthead_cache', 'reader:' || NEW.reader_id);
    IF TG_OP = 'UPDATE' AND OLD.reader_id IS DISTINCT FROM NEW.reader_id THEN
        PERFORM pg_notify('masthead_cache', 'reader:' || OLD.reader_id);
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER subscriptions_notify_cache AFTER INSERT OR UPDATE OR DELETE ON subscriptions
    FOR EACH ROW EXECUTE FUNCTION masthead_notify_reader();

CREATE FUNCTION masthead_notify_session() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('masthead_cache', 'session:' || OLD.id);
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER sessions_notify_cache_revoked AFTER UPDATE OF revoked_at, expires_at ON sessions
    FOR EACH ROW
    WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at)
    EXECUTE FUNCTION masthead_notify_session();
CREATE TRIGGER sessions_notify_cache_deleted AFTER DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION masthead_notify_session();

-- Statement-level: one notification however many rows one statement wrote.
CREATE FUNCTION masthead_notify_all() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('masthead_cache', TG_ARGV[0]);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER readers_notify_cache AFTER UPDATE OF role, disabled_at ON readers
    FOR EACH STATEMENT EXECUTE FUNCTION masthead_notify_all('sessions');
CREATE TRIGGER tier_perks_notify_cache AFTER INSERT OR UPDATE OR DELETE ON tier_perks
    FOR EACH STATEMENT EXECUTE FUNCTION masthead_notify_all('tiers');
CREATE TRIGGER articles_notify_cache AFTER INSERT OR UPDATE OR DELETE ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION masthead_notify_all('catalogue');
CREATE TRIGGER issues_notify_cache AFTER INSERT OR UPDATE OR DELETE ON issues
    FOR EACH STATEMENT EXECUTE FUNCTION masthead_notify_all('catalogue');
CREATE TRIGGER media_files_notify_cache AFTER INSERT OR UPDATE OR DELETE ON media_files
    FOR EACH STATEMENT EXECUTE FUNCTION masthead_notify_all('catalogue');

CREATE FUNCTION masthead_notify_meter() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('masthead_cache', 'meter:' || OLD.meter_id);
        RETURN OLD;
    END IF;
    PERFORM pg_notify('masthead_cache', 'meter:' || NEW.meter_id);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER meter_reads_notify_cache AFTER INSERT OR DELETE ON meter_reads
    FOR EACH ROW EXECUTE FUNCTION masthead_notify_meter();
