WITH buyer AS (
  SELECT c.country, c.id, COUNT(*) AS completed_orders
  FROM customers c JOIN orders o ON o.customer_id = c.id
  WHERE o.status = 'completed'
  GROUP BY c.country, c.id
)
SELECT country,
       COUNT(*) AS buyers,
       SUM(completed_orders >= 2) AS repeat_buyers,
       ROUND(1.0 * SUM(completed_orders >= 2) / COUNT(*), 3) AS repeat_rate
FROM buyer
GROUP BY country
ORDER BY country;
