WITH ordered AS (
  SELECT user_id, occurred_at,
         LAG(occurred_at) OVER (PARTITION BY user_id ORDER BY occurred_at) AS previous
  FROM events
),
marked AS (
  SELECT user_id, occurred_at,
         CASE WHEN previous IS NULL
                OR (julianday(occurred_at) - julianday(previous)) * 86400 > 1800.5 THEN 1 ELSE 0 END AS starts
  FROM ordered
),
numbered AS (
  SELECT user_id, occurred_at,
         SUM(starts) OVER (PARTITION BY user_id ORDER BY occurred_at ROWS UNBOUNDED PRECEDING) AS session
  FROM marked
),
sessions AS (
  SELECT user_id, session, (julianday(max(occurred_at)) - julianday(min(occurred_at))) * 1440 AS minutes
  FROM numbered GROUP BY user_id, session
)
SELECT user_id, COUNT(*) AS sessions, ROUND(AVG(minutes), 1) AS avg_session_minutes
FROM sessions
GROUP BY user_id
HAVING COUNT(*) >= 3
ORDER BY sessions DESC, user_id;
