SELECT c.id, c.name
FROM customers c
WHERE c.signup_date >= '2024-01-01' AND c.signup_date < '2025-01-01'
  AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'completed')
ORDER BY c.id;
