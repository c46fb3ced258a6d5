CREATE UNIQUE INDEX IF NOT EXISTS "main"."pets_lower" ON pets (lower(name) COLLATE NOCASE DESC, owner_id ASC, (id + 1)) WHERE owner_id IS NOT NULL AND (name <> '')
