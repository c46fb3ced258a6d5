CREATE TABLE keep (id integer PRIMARY KEY);
CREATE TABLE cyc_a (id integer PRIMARY KEY, b_id integer);
CREATE TABLE cyc_b (id integer PRIMARY KEY, a_id integer NOT NULL REFERENCES cyc_a (id));
ALTER TABLE cyc_a ADD CONSTRAINT cyc_a_b_fk FOREIGN KEY (b_id) REFERENCES cyc_b (id) DEFERRABLE INITIALLY DEFERRED;
