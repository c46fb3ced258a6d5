CREATE TABLE "order items" (
  id INTEGER PRIMARY KEY AUTOINCREMENT, -- the rowid
  [sku] TEXT COLLATE NOCASE NOT NULL /* a comment */ UNIQUE,
  `qty` REAL DEFAULT 1.5e+3 CHECK (qty > .5),
  data BLOB DEFAULT x'00ff', price NUMERIC DEFAULT 0x1F
);
