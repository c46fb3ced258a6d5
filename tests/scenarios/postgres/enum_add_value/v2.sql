CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE diary (id integer PRIMARY KEY, m mood NOT NULL DEFAULT 'ok');
