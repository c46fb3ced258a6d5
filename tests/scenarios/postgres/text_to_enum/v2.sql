CREATE TYPE task_status AS ENUM ('todo', 'doing', 'done');
CREATE TABLE tasks (id integer PRIMARY KEY, status task_status NOT NULL DEFAULT 'todo');
