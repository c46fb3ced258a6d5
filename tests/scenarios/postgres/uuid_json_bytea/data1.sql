INSERT INTO blobs VALUES (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": 1}', '\x0102', '{"b": [1, 2]}'),
  (2, NULL, NULL, NULL, NULL);
