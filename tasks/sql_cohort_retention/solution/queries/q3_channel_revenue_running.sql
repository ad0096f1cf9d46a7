WITH monthly AS (
  SELECT substr(e.occurred_at, 1, 7) AS month, u.channel, SUM(e.amount) AS revenue
  FROM events e JOIN users u ON u.id = e.user_id
  WHERE e.event_type = 'purchase'
  GROUP BY month, u.channel
)
SELECT month, channel, ROUND(revenue, 2) AS revenue,
       ROUND(SUM(revenue) OVER (PARTITION BY channel ORDER BY month), 2) AS running_revenue
FROM monthly
ORDER BY channel, month;
