"""The course grader engine: catalog, workspaces, execution, backends, verdicts, store, reports.

Kept import-light on purpose: the notebook kernel imports `course.kernel` on start-up.
"""
