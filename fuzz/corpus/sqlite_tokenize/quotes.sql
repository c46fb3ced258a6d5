SELECT 'it''s', "a""b", [c]]d], `e``f`, $x, ?1, :name, @v FROM t WHERE a<>b AND c>=-1 --end
