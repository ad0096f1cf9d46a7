WITH spent AS (
  SELECT u.country, u.id AS user_id, ROUND(SUM(e.amount), 2) AS total_spent
  FROM users u JOIN events e ON e.user_id = u.id
  WHERE e.event_type = 'purchase'
  GROUP BY u.country, u.id
),
ranked AS (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY country ORDER BY total_spent DESC, user_id) AS rank
  FROM spent
)
SELECT country, user_id, total_spent FROM ranked WHERE rank = 1 ORDER BY country;
