CREATE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN a > 0 THEN a + b ELSE b END;
  SELECT 1;
END;
SELECT "semi;colon" FROM "t""q" WHERE x = $1;
