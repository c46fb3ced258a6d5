CREATE TABLE "t" ([a] int, `b` text check(b != 'x'), c AS (a * 2), PRIMARY KEY (a, b), FOREIGN KEY (c) REFERENCES u)
