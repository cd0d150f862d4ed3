from learnhub.stats import bp  # noqa: F401
