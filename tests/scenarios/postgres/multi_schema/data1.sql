INSERT INTO users VALUES (1, 'Ann'), (2, 'Bob');
