INSERT INTO metrics VALUES (3, 'disk', 2.25, x'01', 'anything');
