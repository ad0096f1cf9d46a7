-- 001_initial: the shop's first schema, as it runs in production today.
CREATE TABLE orders (
    id             integer PRIMARY KEY,
    customer_email text NOT NULL,
    customer_name  text,
    status         text NOT NULL,
    total          text NOT NULL,
    created_at     timestamp NOT NULL
);

CREATE TABLE order_items (
    id         integer PRIMARY KEY,
    order_id   integer NOT NULL REFERENCES orders (id),
    sku        text NOT NULL,
    quantity   integer NOT NULL,
    unit_price numeric(10, 2) NOT NULL
);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);

-- Finance's report: revenue from paid and shipped orders per customer.
CREATE VIEW customer_revenue AS
SELECT lower(btrim(customer_email)) AS email,
       count(*) AS paid_orders,
       sum(replace(replace(btrim(total), '$', ''), ',', '')::numeric(12, 2)) AS revenue
FROM orders
WHERE lower(btrim(status)) IN ('paid', 'shipped')
GROUP BY 1;

CREATE TABLE schema_migrations (
    version    text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO schema_migrations (version) VALUES ('001_initial');
