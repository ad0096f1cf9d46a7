SELECT c.id AS customer_id, c.name, ROUND(SUM(i.quantity * i.unit_price * (1 - COALESCE(i.discount, 0))), 2) AS revenue
FROM customers c
JOIN orders o ON o.customer_id = c.id AND o.status = 'completed'
JOIN order_items i ON i.order_id = o.id
GROUP BY c.id, c.name
ORDER BY revenue DESC, c.id
LIMIT 5;
