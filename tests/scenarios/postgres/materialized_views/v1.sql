-- Materialized views with unique indexes and comments, redefined, and re-created around a column type change under them.
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamp NOT NULL);
CREATE MATERIALIZED VIEW daily_counts AS SELECT date_trunc('day', at) AS day, count(*) AS n FROM events GROUP BY 1;
CREATE UNIQUE INDEX daily_counts_day ON daily_counts (day);
