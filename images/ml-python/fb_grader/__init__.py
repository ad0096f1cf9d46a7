"""Grading helpers shared by the tasks on the ml-python image.

Installed into the image's system Python, so a task's grader script imports them even under
`python3 -I` (which ignores the user's site-packages, PYTHONPATH and the working directory: the
agent can neither shadow nor edit them). Each helper prints the `key=value` lines a
`metric_scaled` or `metric_threshold` check reads from stdout, and its details on stderr.
"""
