-- Weeks start on Monday: date(x, 'weekday 0', '-6 days') is the Monday on or before x.
WITH cohort AS (
  SELECT id AS user_id, date(signup_at, 'weekday 0', '-6 days') AS week FROM users
),
activity AS (
  SELECT DISTINCT e.user_id,
         CAST(round(julianday(date(e.occurred_at, 'weekday 0', '-6 days')) - julianday(c.week)) AS INTEGER) / 7 AS k
  FROM events e JOIN cohort c ON c.user_id = e.user_id
),
latest AS (SELECT max(date(occurred_at, 'weekday 0', '-6 days')) AS week FROM events)
SELECT c.week AS cohort_week,
       COUNT(*) AS users,
       ROUND(100.0 * SUM(EXISTS (SELECT 1 FROM activity a WHERE a.user_id = c.user_id AND a.k = 1)) / COUNT(*), 1) AS w1_pct,
       ROUND(100.0 * SUM(EXISTS (SELECT 1 FROM activity a WHERE a.user_id = c.user_id AND a.k = 2)) / COUNT(*), 1) AS w2_pct,
       ROUND(100.0 * SUM(EXISTS (SELECT 1 FROM activity a WHERE a.user_id = c.user_id AND a.k = 4)) / COUNT(*), 1) AS w4_pct
FROM cohort c, latest l
WHERE julianday(l.week) - julianday(c.week) >= 35
GROUP BY c.week
ORDER BY c.week;
