INSERT INTO cyc_a VALUES (1, NULL), (2, NULL);
INSERT INTO cyc_b VALUES (10, 1), (20, 2);
UPDATE cyc_a SET b_id = id * 10;
