CREATE TABLE log (id INTEGER PRIMARY KEY, msg TEXT);
CREATE TEMP TRIGGER keep AFTER INSERT ON log BEGIN
  UPDATE log SET msg = [a;b] || `c;d` WHERE id = NEW.id;
  SELECT CASE WHEN 1 THEN 'x' END;
END;
-- trailing comment only
