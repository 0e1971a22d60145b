-- Rollup triggers: keep the maps_* rollup tables (maps/models.py) equal to sums
-- over the raw rows, in the transaction of every write.
--
-- Why triggers rather than the services: every path that changes a counted
-- column (the services, the admin, QuerySet.update(), bulk loads, raw SQL in a
-- migration or a shell) goes through PostgreSQL, and only there can one place
-- see them all. The trigger runs inside the writing statement's transaction, so
-- the rollups commit or roll back with the write (STYLE.md: derived data written
-- with the write, in the same transaction). `manage.py rollups --check`
-- recomputes everything from the raw rows to prove it.
--
-- How: each trigger turns the old row and the new row into "facts" (signed
-- contributions: -1 for the old version, +1 for the new) and queues them; at
-- commit (see "applying the queued facts" at the end) one statement per rollup
-- table adds them with INSERT ... ON CONFLICT DO UPDATE. The facts are grouped
-- by the table's key first (an update that keeps the key nets to zero and
-- writes nothing) and applied in key order, so two transactions lock the rows
-- they share in the same order: no deadlock between two commits. Rows that
-- reach zero are kept (see maps/models.py).
--
-- Definitions built in here (the Python recomputation in maps/rollups.py uses
-- the same, from the models' constants; the check compares both):
--   * heat counts pollution reports only: status not in ('rejected',
--     'duplicate') = hotspots.models.DISMISSED_STATUSES;
--   * verified events: status in ('approved', 'adjusted') =
--     events.models.VERIFIED_EVENT_STATUSES, with a current decision; their
--     verified kg is that decision's verified_weight_kg;
--   * days are local days in Asia/Ho_Chi_Minh (events.formatting.CONTEST_TZ);
--   * the heat grid cell is floor(ST_X / 0.005), floor(ST_Y / 0.005), in
--     double precision like maps.selectors' grid;
--   * the H3 columns are h3_7, h3_8, h3_9 (geo.cells).
--
-- Bulk loads may switch the triggers off for their transaction with
--   SET LOCAL maps.rollups_suspended = 'on'
-- and must then rebuild (maps.rollups.suspended() does both).

CREATE FUNCTION maps_rollups_suspended() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('maps.rollups_suspended', true), '') = 'on'
$$;

CREATE FUNCTION maps_local_day(moment timestamptz) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT (moment AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
$$;

-- The epoch of a report day (maps.models.HotspotCellCount.known_by): the first
-- campaign activity_end on or after it.
CREATE FUNCTION maps_known_by(day date) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT coalesce(min(activity_end), date '9999-12-31')
    FROM events_campaign WHERE activity_end >= day
$$;

-- --- hotspots -----------------------------------------------------------------

CREATE TYPE maps_hotspot_fact AS (
    hotspots integer,
    category varchar(20),
    status varchar(20),
    priority boolean,
    day date,
    size_class_id bigint,
    h3_7 bigint,
    h3_8 bigint,
    h3_9 bigint,
    gx integer,
    gy integer
);

CREATE FUNCTION maps_hotspot_fact(h hotspots_hotspot, sign integer)
RETURNS maps_hotspot_fact LANGUAGE sql STABLE AS $$
    SELECT ROW(
        sign, h.category, h.status, h.priority, maps_local_day(h.created_at),
        h.size_class_id, h.h3_7, h.h3_8, h.h3_9,
        floor(ST_X(h.location) / 0.005::float8)::integer,
        floor(ST_Y(h.location) / 0.005::float8)::integer
    )::maps_hotspot_fact
$$;

-- Queue hotspot facts (maps_rollups_fold adds them to the rollups). p_area
-- NULL: a hotspot row changed, so the platform (0) and every area it is linked
-- to now, plus one area-less row for its cells and its heat cell; else one area
-- link changed, so that area only.
CREATE FUNCTION maps_hotspot_apply(
    facts maps_hotspot_fact[], p_hotspot bigint, p_area bigint
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM maps_pending_prepare();
    INSERT INTO maps_pending_hotspot
    SELECT a.area_id, f.*
    FROM unnest(facts) f
    CROSS JOIN (
        SELECT p_area WHERE p_area IS NOT NULL
        UNION ALL SELECT 0 WHERE p_area IS NULL
        UNION ALL SELECT l.adminarea_id FROM hotspots_hotspot_areas l
            WHERE l.hotspot_id = p_hotspot AND p_area IS NULL
    ) a(area_id);
    IF p_area IS NULL THEN
        INSERT INTO maps_pending_hotspot SELECT NULL, f.* FROM unnest(facts) f;
    END IF;
    PERFORM maps_pending_mark();
END $$;

CREATE FUNCTION maps_hotspot_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    facts maps_hotspot_fact[] := '{}';
    hotspot_id bigint;
BEGIN
    IF maps_rollups_suspended() THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        facts := facts || maps_hotspot_fact(OLD, -1);
        hotspot_id := OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        facts := facts || maps_hotspot_fact(NEW, 1);
        hotspot_id := NEW.id;
    END IF;
    PERFORM maps_hotspot_apply(facts, hotspot_id, NULL);
    RETURN NULL;
END $$;

CREATE TRIGGER maps_rollups_write
AFTER INSERT OR DELETE ON hotspots_hotspot
FOR EACH ROW EXECUTE FUNCTION maps_hotspot_changed();

-- Only the counted columns: score, confirmations and updated_at change often.
CREATE TRIGGER maps_rollups_update
AFTER UPDATE OF category, status, priority, created_at, size_class_id, location,
    h3_7, h3_8, h3_9 ON hotspots_hotspot
FOR EACH ROW
WHEN ((OLD.category, OLD.status, OLD.priority, OLD.created_at, OLD.size_class_id,
       OLD.h3_7, OLD.h3_8, OLD.h3_9)
      IS DISTINCT FROM
      (NEW.category, NEW.status, NEW.priority, NEW.created_at, NEW.size_class_id,
       NEW.h3_7, NEW.h3_8, NEW.h3_9)
      OR NOT ST_Equals(OLD.location, NEW.location))
EXECUTE FUNCTION maps_hotspot_changed();

-- A link row: the linked hotspot's contribution to that one area. A link whose
-- hotspot is not there (a raw load inserting links first, FKs being deferred;
-- or deleting the hotspot first) is counted by the hotspot's own trigger.
CREATE FUNCTION maps_hotspot_area_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    h hotspots_hotspot;
BEGIN
    IF maps_rollups_suspended() THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        SELECT * INTO h FROM hotspots_hotspot WHERE id = OLD.hotspot_id;
        IF FOUND THEN
            PERFORM maps_hotspot_apply(
                ARRAY[maps_hotspot_fact(h, -1)], OLD.hotspot_id, OLD.adminarea_id
            );
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT * INTO h FROM hotspots_hotspot WHERE id = NEW.hotspot_id;
        IF FOUND THEN
            PERFORM maps_hotspot_apply(
                ARRAY[maps_hotspot_fact(h, 1)], NEW.hotspot_id, NEW.adminarea_id
            );
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER maps_rollups_write
AFTER INSERT OR DELETE OR UPDATE ON hotspots_hotspot_areas
FOR EACH ROW EXECUTE FUNCTION maps_hotspot_area_changed();

-- Re-key the cell rows of the hotspots reported after p_after (every hotspot
-- when NULL) by the current campaigns' epochs. A hotspot reported on or before
-- p_after, a campaign end that did not change, keeps its epoch.
CREATE FUNCTION maps_hotspot_cells_refresh(p_after date) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM maps_hotspotcellcount WHERE p_after IS NULL OR known_by > p_after;
    INSERT INTO maps_hotspotcellcount (resolution, cell, known_by, status, hotspots)
    WITH ends AS (SELECT DISTINCT activity_end AS e FROM events_campaign),
    epochs AS (
        SELECT lag(e) OVER (ORDER BY e) AS lo, e AS hi FROM ends
        UNION ALL
        SELECT (SELECT max(e) FROM ends), date '9999-12-31'
    ),
    reports AS (
        SELECT maps_local_day(h.created_at) AS day, h.status, h.h3_7, h.h3_8, h.h3_9
        FROM hotspots_hotspot h
        WHERE p_after IS NULL
           OR h.created_at
              >= ((p_after + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')
    )
    SELECT c.resolution, c.cell, e.hi, r.status, count(*)
    FROM reports r
    JOIN epochs e ON (e.lo IS NULL OR r.day > e.lo) AND r.day <= e.hi
    CROSS JOIN LATERAL (
        VALUES (7::smallint, r.h3_7), (8::smallint, r.h3_8), (9::smallint, r.h3_9)
    ) c(resolution, cell)
    WHERE c.cell IS NOT NULL
    GROUP BY 1, 2, 3, 4;
END $$;

CREATE FUNCTION maps_campaign_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed date;
    unchanged_end date;
BEGIN
    IF maps_rollups_suspended() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        changed := NEW.activity_end;
    ELSIF TG_OP = 'DELETE' THEN
        changed := OLD.activity_end;
    ELSE
        changed := least(OLD.activity_end, NEW.activity_end);
    END IF;
    -- This transaction's queued hotspots first: the refresh below recounts
    -- its rows from the table, where they already are.
    PERFORM maps_rollups_fold();
    -- Waits for the transactions that keyed hotspots by the old campaigns;
    -- holds off the ones that would, until this one commits.
    PERFORM pg_advisory_xact_lock(7701, 1);
    SELECT max(activity_end) INTO unchanged_end FROM events_campaign
    WHERE activity_end < changed;
    PERFORM maps_hotspot_cells_refresh(unchanged_end);
    RETURN NULL;
END $$;

CREATE TRIGGER maps_rollups_write
AFTER INSERT OR DELETE ON events_campaign
FOR EACH ROW EXECUTE FUNCTION maps_campaign_changed();

CREATE TRIGGER maps_rollups_update
AFTER UPDATE OF activity_end ON events_campaign
FOR EACH ROW WHEN (OLD.activity_end IS DISTINCT FROM NEW.activity_end)
EXECUTE FUNCTION maps_campaign_changed();

-- --- cleanup events -----------------------------------------------------------

CREATE TYPE maps_event_fact AS (
    events integer,
    verified_events integer,
    verified_kg numeric,
    participants integer,
    campaign_id bigint,
    entrant_id bigint,
    status varchar(20),
    day date,
    h3_7 bigint,
    h3_8 bigint,
    h3_9 bigint,
    gx integer,
    gy integer
);

-- An event's contribution times `sign` (0: its keys with zero counts, for a
-- participant change to fill in).
CREATE FUNCTION maps_event_fact(e events_cleanupevent, sign integer)
RETURNS maps_event_fact LANGUAGE sql STABLE AS $$
    SELECT ROW(
        sign,
        sign * v.verified,
        sign * v.kg,
        sign * (SELECT count(*) FROM events_participant p WHERE p.event_id = e.id),
        (SELECT n.campaign_id FROM events_entrant n WHERE n.id = e.entrant_id),
        e.entrant_id, e.status, maps_local_day(e.started_at),
        e.h3_7, e.h3_8, e.h3_9,
        floor(ST_X(e.location) / 0.005::float8)::integer,
        floor(ST_Y(e.location) / 0.005::float8)::integer
    )::maps_event_fact
    FROM (
        SELECT (d.id IS NOT NULL)::integer AS verified,
               coalesce(d.verified_weight_kg, 0) AS kg
        FROM (SELECT 1) one
        LEFT JOIN events_eventdecision d
          ON d.id = e.current_decision_id AND e.status IN ('approved', 'adjusted')
    ) v
$$;

-- Queue event facts, as maps_hotspot_apply does: p_area NULL when an event
-- (or its participants, entrant or decision) changed; else one area link.
CREATE FUNCTION maps_event_apply(
    facts maps_event_fact[], p_event bigint, p_area bigint
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM maps_pending_prepare();
    INSERT INTO maps_pending_event
    SELECT a.area_id, f.*
    FROM unnest(facts) f
    CROSS JOIN (
        SELECT p_area WHERE p_area IS NOT NULL
        UNION ALL SELECT 0 WHERE p_area IS NULL
        UNION ALL SELECT l.adminarea_id FROM events_cleanupevent_areas l
            WHERE l.cleanupevent_id = p_event AND p_area IS NULL
    ) a(area_id);
    IF p_area IS NULL THEN
        INSERT INTO maps_pending_event SELECT NULL, f.* FROM unnest(facts) f;
    END IF;
    PERFORM maps_pending_mark();
END $$;

CREATE FUNCTION maps_event_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    facts maps_event_fact[] := '{}';
    event_id bigint;
BEGIN
    IF maps_rollups_suspended() THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        facts := facts || maps_event_fact(OLD, -1);
        event_id := OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        facts := facts || maps_event_fact(NEW, 1);
        event_id := NEW.id;
    END IF;
    PERFORM maps_event_apply(facts, event_id, NULL);
    RETURN NULL;
END $$;

CREATE TRIGGER maps_rollups_write
AFTER INSERT OR DELETE ON events_cleanupevent
FOR EACH ROW EXECUTE FUNCTION maps_event_changed();

CREATE TRIGGER maps_rollups_update
AFTER UPDATE OF entrant_id, status, current_decision_id, started_at, location,
    h3_7, h3_8, h3_9 ON events_cleanupevent
FOR EACH ROW
WHEN ((OLD.entrant_id, OLD.status, OLD.current_decision_id, OLD.started_at,
       OLD.h3_7, OLD.h3_8, OLD.h3_9)
      IS DISTINCT FROM
      (NEW.entrant_id, NEW.status, NEW.current_decision_id, NEW.started_at,
       NEW.h3_7, NEW.h3_8, NEW.h3_9)
      OR NOT ST_Equals(OLD.location, NEW.location))
EXECUTE FUNCTION maps_event_changed();

CREATE FUNCTION maps_event_area_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    e events_cleanupevent;
BEGIN
    IF maps_rollups_suspended() THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        SELECT * INTO e FROM events_cleanupevent WHERE id = OLD.cleanupevent_id;
        IF FOUND THEN
            PERFORM maps_event_apply(
                ARRAY[maps_event_fact(e, -1)], OLD.cleanupevent_id, OLD.adminarea_id
            );
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT * INTO e FROM events_cleanupevent WHERE id = NEW.cleanupevent_id;
        IF FOUND THEN
            PERFORM maps_event_apply(
                ARRAY[maps_event_fact(e, 1)], NEW.cleanupevent_id, NEW.adminarea_id
            );
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER maps_rollups_write
AFTER INSERT OR DELETE OR UPDATE ON events_cleanupevent_areas
FOR EACH ROW EXECUTE FUNCTION maps_event_area_changed();

-- A participation: one more (or fewer) participant for its event's rows.
CREATE FUNCTION maps_participant_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    e events_cleanupevent;
    fact maps_event_fact;
BEGIN
    IF maps_rollups_suspended() THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        SELECT * INTO e FROM events_cleanupevent WHERE id = OLD.event_id;
        IF FOUND THEN
            fact := maps_event_fact(e, 0);
            fact.participants := -1;
            PERFORM maps_event_apply(ARRAY[fact], e.id, NULL);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT * INTO e FROM events_cleanupevent WHERE id = NEW.event_id;
        IF FOUND THEN
            fact := maps_event_fact(e, 0);
            fact.participants := 1;
            PERFORM maps_event_apply(ARRAY[fact], e.id, NULL);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER maps_rollups_write
AFTER INSERT OR DELETE ON events_participant
FOR EACH ROW EXECUTE FUNCTION maps_participant_changed();

CREATE TRIGGER maps_rollups_update
AFTER UPDATE OF event_id ON events_participant
FOR EACH ROW WHEN (OLD.event_id IS DISTINCT FROM NEW.event_id)
EXECUTE FUNCTION maps_participant_changed();

-- An entrant moved to another campaign (admin or raw SQL only): its events'
-- rows move with it.
CREATE FUNCTION maps_entrant_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    e events_cleanupevent;
    old_fact maps_event_fact;
BEGIN
    IF maps_rollups_suspended() THEN
        RETURN NULL;
    END IF;
    FOR e IN SELECT * FROM events_cleanupevent WHERE entrant_id = NEW.id ORDER BY id
    LOOP
        old_fact := maps_event_fact(e, -1);
        old_fact.campaign_id := OLD.campaign_id;
        PERFORM maps_event_apply(ARRAY[old_fact, maps_event_fact(e, 1)], e.id, NULL);
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER maps_rollups_update
AFTER UPDATE OF campaign_id ON events_entrant
FOR EACH ROW WHEN (OLD.campaign_id IS DISTINCT FROM NEW.campaign_id)
EXECUTE FUNCTION maps_entrant_changed();

-- Decisions are immutable (EventDecision.save refuses), but a raw update of a
-- current decision's verified kg would change what its event counts.
CREATE FUNCTION maps_decision_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    e events_cleanupevent;
    old_fact maps_event_fact;
BEGIN
    IF maps_rollups_suspended() THEN
        RETURN NULL;
    END IF;
    FOR e IN SELECT * FROM events_cleanupevent WHERE current_decision_id = NEW.id
        ORDER BY id
    LOOP
        old_fact := maps_event_fact(e, -1);
        IF e.status IN ('approved', 'adjusted') THEN
            old_fact.verified_kg := -OLD.verified_weight_kg;
        END IF;
        PERFORM maps_event_apply(ARRAY[old_fact, maps_event_fact(e, 1)], e.id, NULL);
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER maps_rollups_update
AFTER UPDATE OF verified_weight_kg ON events_eventdecision
FOR EACH ROW WHEN (OLD.verified_weight_kg IS DISTINCT FROM NEW.verified_weight_kg)
EXECUTE FUNCTION maps_decision_changed();

-- --- applying the queued facts ------------------------------------------------
--
-- The row triggers above and below do not write the rollups: they queue facts
-- in two temporary tables of the session, and maps_rollups_fold adds them, in
-- one statement per rollup table, when the transaction commits (a deferred
-- constraint trigger on maps_pending_flag). Why: every report of a day and a
-- category adds to the same platform rows; written at the report's INSERT,
-- those rows stayed locked for the rest of its transaction (areas, photos,
-- history, commit) and concurrent reports queued behind each other (8 clients,
-- one category: 28 reports/s against 73 without the triggers). Folded at
-- commit they are locked for the commit only, and one fold per transaction,
-- key-sorted table by table, takes the row locks in one global order (no
-- deadlock between two folds).
--
-- Within the writing transaction the rollups do not show its own writes yet;
-- maps.rollups.differences() folds first. With
--   SET maps.rollups_immediate = 'on'
-- every queued fact is folded at once (the tests' database sets it: a test
-- never commits).

CREATE FUNCTION maps_pending_prepare() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('pg_temp.maps_pending_flag') IS NOT NULL THEN
        RETURN;
    END IF;
    CREATE TEMP TABLE maps_pending_hotspot ON COMMIT DELETE ROWS AS
        SELECT NULL::bigint AS area_id, f.*
        FROM unnest('{}'::maps_hotspot_fact[]) f WITH NO DATA;
    CREATE TEMP TABLE maps_pending_event ON COMMIT DELETE ROWS AS
        SELECT NULL::bigint AS area_id, f.*
        FROM unnest('{}'::maps_event_fact[]) f WITH NO DATA;
    CREATE TEMP TABLE maps_pending_flag (queued boolean) ON COMMIT DELETE ROWS;
    CREATE CONSTRAINT TRIGGER maps_rollups_fold
    AFTER INSERT ON maps_pending_flag DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION maps_rollups_fold_at_commit();
END $$;

-- Facts were queued: fold them now (immediate mode) or have the commit do it
-- (one flag row, so one deferred trigger, per transaction).
CREATE FUNCTION maps_pending_mark() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('maps.rollups_immediate', true), '') = 'on' THEN
        PERFORM maps_rollups_fold();
    ELSIF coalesce(current_setting('maps.rollups_queued', true), '') <> 'on' THEN
        PERFORM set_config('maps.rollups_queued', 'on', true);
        INSERT INTO maps_pending_flag VALUES (true);
    END IF;
END $$;

-- Add the queued facts to the rollups and empty the queue.
CREATE FUNCTION maps_rollups_fold() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('pg_temp.maps_pending_flag') IS NULL THEN
        RETURN;
    END IF;
    PERFORM set_config('maps.rollups_queued', 'off', true);
    INSERT INTO maps_hotspotareacount AS t
        (area_id, category, status, priority, hotspots)
    SELECT p.area_id, p.category, p.status, p.priority, sum(p.hotspots)
    FROM maps_pending_hotspot p WHERE p.area_id IS NOT NULL
    GROUP BY 1, 2, 3, 4 HAVING sum(p.hotspots) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (area_id, category, status, priority)
    DO UPDATE SET hotspots = t.hotspots + EXCLUDED.hotspots;

    INSERT INTO maps_hotspotareadaycount AS t
        (area_id, day, category, status, priority, hotspots)
    SELECT p.area_id, p.day, p.category, p.status, p.priority, sum(p.hotspots)
    FROM maps_pending_hotspot p WHERE p.area_id IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(p.hotspots) <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (area_id, day, category, status, priority)
    DO UPDATE SET hotspots = t.hotspots + EXCLUDED.hotspots;

    -- The epoch depends on the campaigns: a campaign change re-keys the cell
    -- rows under the exclusive form of this lock (maps_campaign_changed), so
    -- no hotspot can be keyed by campaigns about to change.
    PERFORM pg_advisory_xact_lock_shared(7701, 1);
    INSERT INTO maps_hotspotcellcount AS t
        (resolution, cell, known_by, status, hotspots)
    SELECT c.resolution, c.cell, maps_known_by(p.day), p.status, sum(p.hotspots)
    FROM maps_pending_hotspot p
    CROSS JOIN LATERAL (
        VALUES (7::smallint, p.h3_7), (8::smallint, p.h3_8), (9::smallint, p.h3_9)
    ) c(resolution, cell)
    WHERE p.area_id IS NULL AND c.cell IS NOT NULL
    GROUP BY 1, 2, 3, 4 HAVING sum(p.hotspots) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (resolution, cell, known_by, status)
    DO UPDATE SET hotspots = t.hotspots + EXCLUDED.hotspots;

    INSERT INTO maps_hotspotheatcount AS t (day, gx, gy, size_class_id, hotspots)
    SELECT p.day, p.gx, p.gy, p.size_class_id, sum(p.hotspots)
    FROM maps_pending_hotspot p
    WHERE p.area_id IS NULL AND p.status NOT IN ('rejected', 'duplicate')
    GROUP BY 1, 2, 3, 4 HAVING sum(p.hotspots) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, gx, gy, size_class_id)
    DO UPDATE SET hotspots = t.hotspots + EXCLUDED.hotspots;

    INSERT INTO maps_hotspotheattotal AS t (gx, gy, size_class_id, hotspots)
    SELECT p.gx, p.gy, p.size_class_id, sum(p.hotspots)
    FROM maps_pending_hotspot p
    WHERE p.area_id IS NULL AND p.status NOT IN ('rejected', 'duplicate')
    GROUP BY 1, 2, 3 HAVING sum(p.hotspots) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT (gx, gy, size_class_id)
    DO UPDATE SET hotspots = t.hotspots + EXCLUDED.hotspots;

    DELETE FROM maps_pending_hotspot;

    INSERT INTO maps_eventareacount AS t
        (campaign_id, area_id, entrant_id, status,
         events, verified_events, verified_kg, participants)
    SELECT p.campaign_id, p.area_id, p.entrant_id, p.status,
           sum(p.events), sum(p.verified_events), sum(p.verified_kg),
           sum(p.participants)
    FROM maps_pending_event p
    WHERE p.area_id IS NOT NULL AND p.campaign_id IS NOT NULL
    GROUP BY 1, 2, 3, 4
    HAVING (sum(p.events), sum(p.verified_events), sum(p.verified_kg),
            sum(p.participants)) <> (0, 0, 0, 0)
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (campaign_id, area_id, entrant_id, status) DO UPDATE SET
        events = t.events + EXCLUDED.events,
        verified_events = t.verified_events + EXCLUDED.verified_events,
        verified_kg = t.verified_kg + EXCLUDED.verified_kg,
        participants = t.participants + EXCLUDED.participants;

    INSERT INTO maps_eventareadaycount AS t
        (campaign_id, area_id, day, status,
         events, verified_events, verified_kg, participants)
    SELECT p.campaign_id, p.area_id, p.day, p.status,
           sum(p.events), sum(p.verified_events), sum(p.verified_kg),
           sum(p.participants)
    FROM maps_pending_event p
    WHERE p.area_id IS NOT NULL AND p.campaign_id IS NOT NULL
    GROUP BY 1, 2, 3, 4
    HAVING (sum(p.events), sum(p.verified_events), sum(p.verified_kg),
            sum(p.participants)) <> (0, 0, 0, 0)
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (campaign_id, area_id, day, status) DO UPDATE SET
        events = t.events + EXCLUDED.events,
        verified_events = t.verified_events + EXCLUDED.verified_events,
        verified_kg = t.verified_kg + EXCLUDED.verified_kg,
        participants = t.participants + EXCLUDED.participants;

    INSERT INTO maps_eventcellcount AS t
        (campaign_id, resolution, cell, status, events, verified_kg)
    SELECT p.campaign_id, c.resolution, c.cell, p.status,
           sum(p.events), sum(p.verified_kg)
    FROM maps_pending_event p
    CROSS JOIN LATERAL (
        VALUES (7::smallint, p.h3_7), (8::smallint, p.h3_8), (9::smallint, p.h3_9)
    ) c(resolution, cell)
    WHERE p.area_id IS NULL AND c.cell IS NOT NULL AND p.campaign_id IS NOT NULL
    GROUP BY 1, 2, 3, 4
    HAVING (sum(p.events), sum(p.verified_kg)) <> (0, 0)
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (campaign_id, resolution, cell, status) DO UPDATE SET
        events = t.events + EXCLUDED.events,
        verified_kg = t.verified_kg + EXCLUDED.verified_kg;

    INSERT INTO maps_eventheatcount AS t (day, gx, gy, events, verified_kg)
    SELECT p.day, p.gx, p.gy, sum(p.verified_events), sum(p.verified_kg)
    FROM maps_pending_event p
    WHERE p.area_id IS NULL
    GROUP BY 1, 2, 3
    HAVING (sum(p.verified_events), sum(p.verified_kg)) <> (0, 0)
    ORDER BY 1, 2, 3
    ON CONFLICT (day, gx, gy) DO UPDATE SET
        events = t.events + EXCLUDED.events,
        verified_kg = t.verified_kg + EXCLUDED.verified_kg;

    DELETE FROM maps_pending_event;
END $$;

-- Drop the queued facts (maps.rollups.rebuild recomputes everything anyway).
CREATE FUNCTION maps_rollups_discard() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF to_regclass('pg_temp.maps_pending_flag') IS NULL THEN
        RETURN;
    END IF;
    PERFORM set_config('maps.rollups_queued', 'off', true);
    DELETE FROM maps_pending_hotspot;
    DELETE FROM maps_pending_event;
END $$;

CREATE FUNCTION maps_rollups_fold_at_commit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM maps_rollups_fold();
    RETURN NULL;
END $$;
