INSERT INTO articles VALUES (1, 'One', 'b', '{"a": 1}', 5, '2024-01-01 00:00:00+00', 1),
  (2, 'Two', NULL, NULL, NULL, NULL, NULL), (3, 'three', 'c', '["x"]', -1, NULL, 2);
