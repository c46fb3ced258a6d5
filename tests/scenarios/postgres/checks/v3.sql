CREATE TABLE ledgers (
  id integer PRIMARY KEY,
  balance numeric(12,2) NOT NULL,
  kind text NOT NULL,
  lo integer CHECK (lo > 0),
  hi integer,
  CONSTRAINT balance_nonneg CHECK (balance > -100),
  CONSTRAINT range_ok CHECK (lo <= hi),
  CONSTRAINT noinh CHECK (hi < 100)
);
