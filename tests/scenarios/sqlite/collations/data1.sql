INSERT INTO labels VALUES (1, 'Red', 'red '), (2, 'blue', 'blue');
