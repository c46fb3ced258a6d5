CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamp NOT NULL);
-- A column added to the definition: dropped and created, with its indexes.
CREATE MATERIALIZED VIEW daily_counts AS SELECT date_trunc('day', at) AS day, kind, count(*) AS n FROM events GROUP BY 1, 2;
CREATE UNIQUE INDEX daily_counts_day ON daily_counts (day, kind);
COMMENT ON MATERIALIZED VIEW daily_counts IS 'events per day and kind';
CREATE MATERIALIZED VIEW kinds AS SELECT DISTINCT kind FROM events;
