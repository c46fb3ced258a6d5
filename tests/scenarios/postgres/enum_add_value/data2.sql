INSERT INTO diary VALUES (3, 'happy');
