INSERT INTO billing.plans VALUES (1, 'free');
UPDATE users SET plan_id = 1 WHERE id = 1;
INSERT INTO billing.invoices VALUES (1, 1, 9.99, 'paid'), (2, 2, 0, 'open');
