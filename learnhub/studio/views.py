from learnhub.studio import bp  # noqa: F401
