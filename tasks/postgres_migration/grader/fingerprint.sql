-- What a database looks like after 002, independent of ids and timestamps.
SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
  FROM information_schema.columns
 WHERE table_schema = 'public' AND table_name IN ('orders', 'customers', 'order_items')
 ORDER BY table_name, column_name;
SELECT 'totals ' || md5(string_agg(id || '=' || total::numeric(12, 2), ',' ORDER BY id)) FROM orders;
SELECT 'customers ' || md5(string_agg(email || '|' || coalesce(name, ''), ',' ORDER BY email)) FROM customers;
SELECT 'links ' || md5(string_agg(o.id || '>' || c.email, ',' ORDER BY o.id))
  FROM orders o JOIN customers c ON c.id = o.customer_id;
SELECT 'status ' || status || ' ' || count(*) FROM orders GROUP BY status ORDER BY status;
SELECT 'view ' || md5(string_agg(email || ':' || paid_orders || ':' || revenue::numeric(12, 2), ',' ORDER BY email))
  FROM customer_revenue;
SELECT 'constraint ' || conrelid::regclass::text || ' ' || contype::text || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint
 WHERE conrelid IN ('public.orders'::regclass, 'public.customers'::regclass, 'public.order_items'::regclass)
 ORDER BY 1;
SELECT 'migration ' || version FROM schema_migrations ORDER BY version;
