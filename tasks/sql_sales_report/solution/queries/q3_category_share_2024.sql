WITH revenue AS (
  SELECT p.category, SUM(i.quantity * i.unit_price * (1 - COALESCE(i.discount, 0))) AS amount
  FROM order_items i
  JOIN orders o ON o.id = i.order_id
  JOIN products p ON p.id = i.product_id
  WHERE o.status = 'completed' AND o.ordered_at >= '2024-01-01' AND o.ordered_at < '2025-01-01'
  GROUP BY p.category
),
categories AS (SELECT DISTINCT category FROM products)
SELECT c.category,
       ROUND(100.0 * COALESCE(r.amount, 0) / (SELECT SUM(amount) FROM revenue), 1) AS share_pct
FROM categories c LEFT JOIN revenue r ON r.category = c.category
ORDER BY share_pct DESC, c.category;
