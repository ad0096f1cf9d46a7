SELECT u.channel,
       COUNT(*) AS signups,
       SUM(EXISTS (SELECT 1 FROM events e
                   WHERE e.user_id = u.id AND e.event_type = 'purchase'
                     AND e.occurred_at >= u.signup_at
                     AND e.occurred_at < datetime(u.signup_at, '+7 days'))) AS converted_7d,
       ROUND(1.0 * SUM(EXISTS (SELECT 1 FROM events e
                   WHERE e.user_id = u.id AND e.event_type = 'purchase'
                     AND e.occurred_at >= u.signup_at
                     AND e.occurred_at < datetime(u.signup_at, '+7 days'))) / COUNT(*), 3) AS conversion_rate
FROM users u
GROUP BY u.channel
ORDER BY u.channel;
