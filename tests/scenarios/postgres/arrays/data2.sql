INSERT INTO docs VALUES (3, '{x}', '{9000000000}', '{true,false}');
