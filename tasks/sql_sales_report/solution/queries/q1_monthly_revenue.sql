SELECT substr(o.ordered_at, 1, 7) AS month,
       ROUND(SUM(i.quantity * i.unit_price * (1 - COALESCE(i.discount, 0))), 2) AS revenue,
       COUNT(DISTINCT o.id) AS orders
FROM orders o JOIN order_items i ON i.order_id = o.id
WHERE o.status = 'completed'
GROUP BY month
ORDER BY month;
