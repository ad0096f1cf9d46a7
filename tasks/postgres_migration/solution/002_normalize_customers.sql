-- 002_normalize_customers: customers get their own table; orders keep their data
-- with typed totals and a closed set of statuses. Runs in one transaction.
BEGIN;

CREATE TABLE customers (
    id    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name  text
);

-- One customer per normalized email; the name from their latest order that has one.
INSERT INTO customers (email, name)
SELECT e.email,
       (SELECT btrim(o.customer_name)
          FROM orders o
         WHERE lower(btrim(o.customer_email)) = e.email
           AND btrim(coalesce(o.customer_name, '')) <> ''
         ORDER BY o.created_at DESC, o.id DESC
         LIMIT 1)
  FROM (SELECT DISTINCT lower(btrim(customer_email)) AS email FROM orders) e
 ORDER BY e.email;

-- The view reads columns that are about to change.
DROP VIEW customer_revenue;

ALTER TABLE orders ADD COLUMN customer_id integer REFERENCES customers (id);
UPDATE orders o
   SET customer_id = c.id
  FROM customers c
 WHERE c.email = lower(btrim(o.customer_email));
ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
ALTER TABLE orders DROP COLUMN customer_email, DROP COLUMN customer_name;

ALTER TABLE orders
    ALTER COLUMN total TYPE numeric(12, 2)
    USING replace(replace(btrim(total), '$', ''), ',', '')::numeric(12, 2);

UPDATE orders SET status = lower(btrim(status));
UPDATE orders SET status = 'cancelled' WHERE status = 'canceled';
ALTER TABLE orders ADD CONSTRAINT orders_status_check
    CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled', 'refunded'));

CREATE VIEW customer_revenue AS
SELECT c.email,
       count(*) AS paid_orders,
       sum(o.total) AS revenue
  FROM orders o
  JOIN customers c ON c.id = o.customer_id
 WHERE o.status IN ('paid', 'shipped')
 GROUP BY c.email;

INSERT INTO schema_migrations (version) VALUES ('002_normalize_customers');

COMMIT;
