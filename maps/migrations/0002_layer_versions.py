"""Tile layer versions and the public hotspot grids, kept by database triggers.

Triggers rather than service code: the admin, bulk ORM updates, raw SQL and
generate_data write these tables too, and a tile must never be cached under a
version that missed a write. The status lists are those of hotspots.models
(PUBLIC_STATUSES, DISMISSED_STATUSES) and the levels those of maps.tiles
(CELL_LEVELS) on the day this was written; tests/maps/test_tiles.py fails if
they drift apart.
"""

from django.db import migrations, models

FUNCTIONS = r"""
-- Web Mercator (EPSG:3857) as fractions of the world, 0..1 from the west and
-- from the north: the spherical formulas that define EPSG:3857. Cheaper than
-- ST_Transform through PROJ (~5 µs a point) on hundreds of thousands of rows.
CREATE FUNCTION maps_merc_fx(lon float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (lon + 180.0) / 360.0;

CREATE FUNCTION maps_merc_fy(lat float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (1.0 - asinh(tan(radians(lat))) / pi()) / 2.0;

CREATE FUNCTION maps_public(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN status IN ('verified', 'cleaned', 'reopened');

CREATE FUNCTION maps_live(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN status NOT IN ('rejected', 'duplicate');

-- Add 1 to each layer's slot for this connection, in the writer's transaction.
CREATE FUNCTION maps_layer_bump(layers text[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO maps_layerversion AS v (layer, slot, version)
    SELECT l, pg_backend_pid() % 16, 1
    FROM (SELECT DISTINCT unnest(layers) AS l) AS t
    ORDER BY l
    ON CONFLICT (layer, slot) DO UPDATE SET version = v.version + 1
$$;

CREATE FUNCTION maps_bump_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM maps_layer_bump(TG_ARGV::text[]);
    RETURN NULL;
END
$$;

-- One public hotspot entering (s = 1) or leaving (s = -1) the grid.
CREATE TYPE maps_cell_delta AS (
    lon float8, lat float8, s int, category text, status text, priority boolean
);

-- Apply the deltas at every level: to the plain grid, and to the grid per
-- (category, status, priority) that serves the public map's filters.
CREATE FUNCTION maps_cells_apply(deltas maps_cell_delta[])
RETURNS void LANGUAGE sql AS $$
    INSERT INTO maps_hotspottilecell AS c (level, cx, cy, n, sum_lon, sum_lat)
    SELECT l,
           least(greatest(floor(maps_merc_fx(d.lon) * 2 ^ l), 0), 2 ^ l - 1)::int,
           least(greatest(floor(maps_merc_fy(d.lat) * 2 ^ l), 0), 2 ^ l - 1)::int,
           sum(d.s), sum(d.s * d.lon), sum(d.s * d.lat)
    FROM unnest(deltas) AS d
    CROSS JOIN generate_series(6, 20) AS l
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (level, cx, cy) DO UPDATE
    SET n = c.n + excluded.n,
        sum_lon = c.sum_lon + excluded.sum_lon,
        sum_lat = c.sum_lat + excluded.sum_lat;

    INSERT INTO maps_hotspottilefacet AS c
        (level, cx, cy, category, status, priority, n, sum_lon, sum_lat)
    SELECT l,
           least(greatest(floor(maps_merc_fx(d.lon) * 2 ^ l), 0), 2 ^ l - 1)::int,
           least(greatest(floor(maps_merc_fy(d.lat) * 2 ^ l), 0), 2 ^ l - 1)::int,
           d.category, d.status, d.priority,
           sum(d.s), sum(d.s * d.lon), sum(d.s * d.lat)
    FROM unnest(deltas) AS d
    CROSS JOIN generate_series(6, 20) AS l
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (level, cx, cy, category, status, priority) DO UPDATE
    SET n = c.n + excluded.n,
        sum_lon = c.sum_lon + excluded.sum_lon,
        sum_lat = c.sum_lat + excluded.sum_lat;
$$;

CREATE FUNCTION maps_hotspots_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    pub boolean;
    live boolean;
BEGIN
    SELECT bool_or(maps_public(status)), bool_or(maps_live(status))
    INTO pub, live FROM new_rows;
    IF pub THEN
        PERFORM maps_cells_apply(array_agg(ROW(
            ST_X(location), ST_Y(location), 1, category, status, priority
        )::maps_cell_delta)) FROM new_rows WHERE maps_public(status);
    END IF;
    PERFORM maps_layer_bump(array_remove(ARRAY[
        CASE WHEN pub THEN 'hotspots' END, CASE WHEN live THEN 'heat' END
    ], NULL));
    RETURN NULL;
END
$$;

CREATE FUNCTION maps_hotspots_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    pub boolean;
    live boolean;
BEGIN
    SELECT bool_or(maps_public(status)), bool_or(maps_live(status))
    INTO pub, live FROM old_rows;
    IF pub THEN
        PERFORM maps_cells_apply(array_agg(ROW(
            ST_X(location), ST_Y(location), -1, category, status, priority
        )::maps_cell_delta)) FROM old_rows WHERE maps_public(status);
    END IF;
    PERFORM maps_layer_bump(array_remove(ARRAY[
        CASE WHEN pub THEN 'hotspots' END, CASE WHEN live THEN 'heat' END
    ], NULL));
    RETURN NULL;
END
$$;

-- Only what a tile shows counts as a change: a new score of a report nobody
-- sees yet, or a touched updated_at, leaves the cached tiles valid.
CREATE FUNCTION maps_hotspots_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    pub boolean;
    live boolean;
    deltas maps_cell_delta[];
BEGIN
    WITH c AS (
        SELECT ROW(ST_X(o.location), ST_Y(o.location), -1, o.category, o.status,
                   o.priority)::maps_cell_delta AS o,
               ROW(ST_X(n.location), ST_Y(n.location), 1, n.category, n.status,
                   n.priority)::maps_cell_delta AS n,
               maps_public(o.status) AS opub, maps_public(n.status) AS npub,
               maps_live(o.status) AS olive, maps_live(n.status) AS nlive,
               (ST_X(o.location), ST_Y(o.location))
                   IS DISTINCT FROM (ST_X(n.location), ST_Y(n.location)) AS moved,
               (o.category, o.status, o.priority)
                   IS DISTINCT FROM (n.category, n.status, n.priority)
                   AS regrouped,
               (o.status, o.category, o.score, o.priority, o.size_class_id,
                o.created_at)
                   IS DISTINCT FROM
                   (n.status, n.category, n.score, n.priority, n.size_class_id,
                    n.created_at) AS shown,
               (o.status, o.size_class_id, o.created_at)
                   IS DISTINCT FROM (n.status, n.size_class_id, n.created_at)
                   AS weighed
        FROM old_rows o JOIN new_rows n ON n.id = o.id
    )
    SELECT bool_or((opub OR npub) AND (moved OR shown)),
           bool_or((olive OR nlive) AND (moved OR weighed)),
           -- A row that moved, changed a filter value or its public-ness
           -- leaves its old cells and enters its new ones.
           array_agg(o) FILTER (WHERE opub AND (moved OR regrouped OR NOT npub))
               || array_agg(n) FILTER (WHERE npub AND (moved OR regrouped OR NOT opub))
    INTO pub, live, deltas
    FROM c;
    IF cardinality(deltas) > 0 THEN
        PERFORM maps_cells_apply(deltas);
    END IF;
    PERFORM maps_layer_bump(array_remove(ARRAY[
        CASE WHEN pub THEN 'hotspots' END, CASE WHEN live THEN 'heat' END
    ], NULL));
    RETURN NULL;
END
$$;

CREATE FUNCTION maps_hotspots_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM maps_hotspottilecell;
    DELETE FROM maps_hotspottilefacet;
    PERFORM maps_layer_bump('{hotspots,heat}');
    RETURN NULL;
END
$$;

-- Area links matter to the area filter of public hotspots only.
CREATE FUNCTION maps_hotspot_areas_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    pub boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT EXISTS (
            SELECT 1 FROM new_rows r JOIN hotspots_hotspot h ON h.id = r.hotspot_id
            WHERE maps_public(h.status)
        ) INTO pub;
    ELSE
        SELECT EXISTS (
            SELECT 1 FROM old_rows r JOIN hotspots_hotspot h ON h.id = r.hotspot_id
            WHERE maps_public(h.status)
        ) INTO pub;
    END IF;
    IF pub THEN
        PERFORM maps_layer_bump('{hotspots}');
    END IF;
    RETURN NULL;
END
$$;
"""

TRIGGERS = r"""
CREATE TRIGGER maps_hotspots_inserted AFTER INSERT ON hotspots_hotspot
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION maps_hotspots_inserted();

CREATE TRIGGER maps_hotspots_updated AFTER UPDATE ON hotspots_hotspot
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION maps_hotspots_updated();

CREATE TRIGGER maps_hotspots_deleted AFTER DELETE ON hotspots_hotspot
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION maps_hotspots_deleted();

CREATE TRIGGER maps_hotspots_truncated AFTER TRUNCATE ON hotspots_hotspot
FOR EACH STATEMENT EXECUTE FUNCTION maps_hotspots_truncated();

CREATE TRIGGER maps_hotspot_areas_inserted AFTER INSERT ON hotspots_hotspot_areas
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION maps_hotspot_areas_changed();

CREATE TRIGGER maps_hotspot_areas_deleted AFTER DELETE ON hotspots_hotspot_areas
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION maps_hotspot_areas_changed();

CREATE TRIGGER maps_hotspot_areas_bump AFTER UPDATE OR TRUNCATE
ON hotspots_hotspot_areas
FOR EACH STATEMENT EXECUTE FUNCTION maps_bump_trigger('hotspots');

CREATE TRIGGER maps_sizeclass_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
ON hotspots_sizeclass
FOR EACH STATEMENT EXECUTE FUNCTION maps_bump_trigger('hotspots', 'heat');

CREATE TRIGGER maps_cleanupevent_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
ON events_cleanupevent
FOR EACH STATEMENT EXECUTE FUNCTION maps_bump_trigger('events', 'heat');

CREATE TRIGGER maps_eventdecision_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
ON events_eventdecision
FOR EACH STATEMENT EXECUTE FUNCTION maps_bump_trigger('heat');

CREATE TRIGGER maps_adminarea_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
ON geo_adminarea
FOR EACH STATEMENT EXECUTE FUNCTION maps_bump_trigger('areas');
"""

# The grid of the hotspots already there (a no-op on an empty database).
FILL = r"""
SELECT maps_cells_apply(array_agg(ROW(
    ST_X(location), ST_Y(location), 1, category, status, priority
)::maps_cell_delta))
FROM hotspots_hotspot WHERE maps_public(status) HAVING count(*) > 0;
"""

DROP = r"""
DROP TRIGGER IF EXISTS maps_hotspots_inserted ON hotspots_hotspot;
DROP TRIGGER IF EXISTS maps_hotspots_updated ON hotspots_hotspot;
DROP TRIGGER IF EXISTS maps_hotspots_deleted ON hotspots_hotspot;
DROP TRIGGER IF EXISTS maps_hotspots_truncated ON hotspots_hotspot;
DROP TRIGGER IF EXISTS maps_hotspot_areas_inserted ON hotspots_hotspot_areas;
DROP TRIGGER IF EXISTS maps_hotspot_areas_deleted ON hotspots_hotspot_areas;
DROP TRIGGER IF EXISTS maps_hotspot_areas_bump ON hotspots_hotspot_areas;
DROP TRIGGER IF EXISTS maps_sizeclass_bump ON hotspots_sizeclass;
DROP TRIGGER IF EXISTS maps_cleanupevent_bump ON events_cleanupevent;
DROP TRIGGER IF EXISTS maps_eventdecision_bump ON events_eventdecision;
DROP TRIGGER IF EXISTS maps_adminarea_bump ON geo_adminarea;
DROP FUNCTION IF EXISTS maps_hotspot_areas_changed();
DROP FUNCTION IF EXISTS maps_hotspots_truncated();
DROP FUNCTION IF EXISTS maps_hotspots_updated();
DROP FUNCTION IF EXISTS maps_hotspots_deleted();
DROP FUNCTION IF EXISTS maps_hotspots_inserted();
DROP FUNCTION IF EXISTS maps_cells_apply(maps_cell_delta[]);
DROP TYPE IF EXISTS maps_cell_delta;
DROP FUNCTION IF EXISTS maps_bump_trigger();
DROP FUNCTION IF EXISTS maps_layer_bump(text[]);
DROP FUNCTION IF EXISTS maps_live(text);
DROP FUNCTION IF EXISTS maps_public(text);
DROP FUNCTION IF EXISTS maps_merc_fy(float8);
DROP FUNCTION IF EXISTS maps_merc_fx(float8);
"""


class Migration(migrations.Migration):

    dependencies = [
        ("maps", "0001_analysis_results"),
        ("events", "0004_freeze_breakdown_lines_as_codes"),
        ("geo", "0001_admin_areas"),
        ("hotspots", "0003_history_unclean_action"),
    ]

    operations = [
        migrations.CreateModel(
            name="HotspotTileCell",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("level", models.PositiveSmallIntegerField(verbose_name="cấp")),
                ("cx", models.IntegerField()),
                ("cy", models.IntegerField()),
                ("n", models.IntegerField(default=0, verbose_name="số điểm nóng")),
                ("sum_lon", models.FloatField(default=0)),
                ("sum_lat", models.FloatField(default=0)),
            ],
            options={
                "verbose_name": "ô lưới điểm nóng",
                "verbose_name_plural": "ô lưới điểm nóng",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("level", "cx", "cy"),
                        name="maps_hotspottilecell_cell_unique",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HotspotTileFacet",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("level", models.PositiveSmallIntegerField(verbose_name="cấp")),
                ("cx", models.IntegerField()),
                ("cy", models.IntegerField()),
                ("category", models.CharField(max_length=20, verbose_name="loại")),
                ("status", models.CharField(max_length=20, verbose_name="trạng thái")),
                ("priority", models.BooleanField(verbose_name="ưu tiên")),
                ("n", models.IntegerField(default=0, verbose_name="số điểm nóng")),
                ("sum_lon", models.FloatField(default=0)),
                ("sum_lat", models.FloatField(default=0)),
            ],
            options={
                "verbose_name": "ô lưới điểm nóng theo loại",
                "verbose_name_plural": "ô lưới điểm nóng theo loại",
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "level",
                            "cx",
                            "cy",
                            "category",
                            "status",
                            "priority",
                        ),
                        name="maps_hotspottilefacet_cell_unique",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="LayerVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("layer", models.CharField(max_length=20, verbose_name="lớp")),
                ("slot", models.PositiveSmallIntegerField(verbose_name="ngăn")),
                ("version", models.BigIntegerField(default=0, verbose_name="phiên bản")),
            ],
            options={
                "verbose_name": "phiên bản lớp bản đồ",
                "verbose_name_plural": "phiên bản lớp bản đồ",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("layer", "slot"),
                        name="maps_layerversion_layer_slot_unique",
                    )
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS + TRIGGERS, DROP),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
