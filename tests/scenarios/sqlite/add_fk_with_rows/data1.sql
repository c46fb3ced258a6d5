INSERT INTO owners VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO cars VALUES (1, 1, 'AB-12'), (2, 2, 'CD-34'), (3, NULL, 'EF-56');
