CREATE TABLE logs (id integer PRIMARY KEY, level text, msg text, at timestamptz);
CREATE INDEX logs_level ON logs (level, at) WHERE level <> 'debug';
CREATE INDEX logs_at_desc ON logs (at DESC);
CREATE INDEX logs_msg ON logs (msg);
